"""The desktop window: observes the coordinator and emits intents; no notebook logic."""

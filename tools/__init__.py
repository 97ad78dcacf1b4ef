"""Development tools run by the gate (not part of the app)."""

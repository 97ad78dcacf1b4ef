"""Dialogs: database connection, keyboard shortcuts."""

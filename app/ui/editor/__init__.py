"""The code editor and its syntax highlighting."""

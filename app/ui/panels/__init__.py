"""Dockable panels that show the notebook's state (variables, dependencies, outline)."""

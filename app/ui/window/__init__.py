"""The main window: menus, start screen, bars, application start, single instance."""

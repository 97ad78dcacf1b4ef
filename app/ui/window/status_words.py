"""What the status bar says about the database: short (a SQLite file by its name, a server by
its host), and honest after a failed change (the previous connection still serves SQL)."""

from __future__ import annotations

from pathlib import PurePath

from app.coordinator.events import DatabaseStatusChanged


def database_name(url: str, server: str = "") -> str:
    """``sqlite:////home/me/shop.db`` -> ``shop.db``; in-memory SQLite; else the server."""
    if url.startswith("sqlite"):
        _, _, path = url.partition(":///")
        path = path.split("?", 1)[0]
        return PurePath(path).name if path and path != ":memory:" else "SQLite in memory"
    if server:
        return server
    host = url.split("@", 1)[-1].split("/", 1)[0]
    return host or url


def database_text(event: DatabaseStatusChanged) -> tuple[str, str]:
    """(label, tooltip) for the status bar."""
    if event.ok:
        return f"DB: {database_name(event.url, event.server)}", event.url
    if event.url:
        name = database_name(event.url, event.server)
        return f"DB: {name} (change failed)", f"{event.message}\nStill using {event.url}"
    return "DB: not connected", event.message

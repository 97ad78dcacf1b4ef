"""Which database SQL cells use and with which password (SEMANTICS.md §6, docs/SECURITY.md).

The URL in force is the notebook's own (when the notebook is trusted), else an SQLite file
beside the notebook, created by the kernel only when a SQL cell first runs (in memory for a
notebook with no file yet). Passwords come from the secret store, or, for this session only,
from a password the file itself held; they are stored only from the Database dialog.
"""

from __future__ import annotations

from pathlib import Path

from app.core.notebook import Notebook


def default_database_url(path: Path | None) -> str:
    if path is None:
        return "sqlite://"
    return f"sqlite:///{path.with_suffix('.sqlite')}"


def database_url(notebook: Notebook, path: Path | None, trusted: bool) -> str:
    """The URL SQL cells use now."""
    if notebook.database and trusted:
        return notebook.database
    return default_database_url(path)


def stored_password(url: str) -> str | None:
    """What the secret store holds for ``url`` (password-free)."""
    if not url:
        return None
    from app.coordinator.secrets import load_database_password

    return load_database_password(url)


class Passwords:
    """Where a connection's password comes from: the file's own (this session only) for the
    notebook's URL, else the secret store; none for an untrusted notebook."""

    def __init__(self) -> None:
        #: A password found in the notebook file: used for this session, never stored.
        self.from_file: str | None = None

    def for_url(self, url: str, notebook: Notebook, trusted: bool) -> str | None:
        if not url or not trusted:
            return None
        if self.from_file and url == notebook.database:
            return self.from_file
        return stored_password(url)

    @staticmethod
    def store(url: str, password: str) -> None:
        """The user typed ``password`` for ``url`` in the Database dialog."""
        from app.coordinator.secrets import store_database_password

        store_database_password(url, password)

"""The worker imports SQLite's module while it waits for its first request, so the app's
ConfigureDatabase (every kernel it starts; usually a SQLite file not made yet, named with
SQLite's version) is answered without an import (kernel_worker.main)."""

from __future__ import annotations

import sys

import pytest

from kernel_worker.sql import SqlEngine


def test_sqlites_module_is_imported_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "sqlite3", raising=False)
    SqlEngine.prepare_for_sqlite()
    assert "sqlite3" in sys.modules


def test_a_python_without_sqlite_loses_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sqlite3", None)  # `import sqlite3` raises ImportError
    SqlEngine.prepare_for_sqlite()  # raises nothing: the worker starts all the same
    assert sys.modules["sqlite3"] is None

"""User settings that live in the user's config folder (QSettings), never beside a notebook."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

MAX_RECENT = 10


def _settings() -> QSettings:
    return QSettings("Cascade", "Cascade")


def recent_notebooks() -> list[Path]:
    """Most recent first; files that no longer exist are left out."""
    raw = _settings().value("recent", [])
    items: list[str] = [raw] if isinstance(raw, str) else [str(p) for p in raw or []]  # type: ignore[attr-defined]
    return [Path(p) for p in items if Path(p).is_file()]


def add_recent(path: Path) -> None:
    path = path.resolve()
    items = [p for p in recent_notebooks() if p != path]
    _settings().setValue("recent", [str(p) for p in [path, *items][:MAX_RECENT]])


def default_notebook_folder() -> Path:
    """Where "New notebook" puts files before the user picks a place (so autosave works)."""
    folder = Path.home() / "Cascade"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def untitled_path(folder: Path | None = None) -> Path:
    folder = folder or default_notebook_folder()
    n = 1
    while (folder / f"Untitled-{n}.py").exists():
        n += 1
    return folder / f"Untitled-{n}.py"

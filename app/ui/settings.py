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


def remove_recent(path: Path) -> None:
    """Take ``path`` off the recent list (the file is not touched)."""
    items = [p for p in recent_notebooks() if p != path]
    _settings().setValue("recent", [str(p) for p in items])


def default_save_path(name: str = "") -> Path:
    """Where Save As starts for a notebook that has no file: the user's Documents folder (or
    home), under its name, never over an existing file. Nothing is created here."""
    folder = Path.home() / "Documents"
    if not folder.is_dir():
        folder = Path.home()
    stem = "".join(ch for ch in name if ch.isalnum() or ch in " -_").strip() or "Untitled"
    candidate = folder / f"{stem}.py"
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{n}.py"
        n += 1
    return candidate


# -- the Variables panel -------------------------------------------------------------------------
_VARIABLE_COLUMNS = "variables/columns"


def variable_columns(default: frozenset[int]) -> set[int]:
    """The Variables panel's shown columns (indices), ``default`` if unset or unreadable."""
    raw: object = _settings().value(_VARIABLE_COLUMNS, None)
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not items:
        return set(default)
    try:
        return {int(str(item)) for item in items}
    except ValueError:
        return set(default)


def set_variable_columns(columns: set[int]) -> None:
    _settings().setValue(_VARIABLE_COLUMNS, [str(c) for c in sorted(columns)])


# -- the code editors' view (app-wide: every editor of every window) ----------------------------
_CODE_ZOOM = "editor/zoom"
_WORD_WRAP = "editor/word_wrap"


def code_zoom() -> int:
    """Points added to the code font's normal size (negative: smaller); 0 if unset or bad."""
    raw: object = _settings().value(_CODE_ZOOM, 0)
    try:
        return int(str(raw))
    except ValueError:
        return 0


def set_code_zoom(points: int) -> None:
    _settings().setValue(_CODE_ZOOM, int(points))


def word_wrap() -> bool:
    """Whether code editors wrap long lines (off unless the user turned it on)."""
    return _settings().value(_WORD_WRAP, False) in (True, "true")


def set_word_wrap(on: bool) -> None:
    _settings().setValue(_WORD_WRAP, bool(on))

"""The user's own folders for Cascade's files (XDG base directories): never beside a notebook.

config: trust decisions and the password file; data: recovery copies of unsaved notebooks;
state: the log. Each is created user-only (0700) when first needed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _base(variable: str, fallback: str) -> Path:
    value = os.environ.get(variable)
    # The XDG spec: a relative path is invalid and must be ignored.
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / fallback


def config_dir() -> Path:
    return _base("XDG_CONFIG_HOME", ".config") / "cascade"


def data_dir() -> Path:
    return _base("XDG_DATA_HOME", ".local/share") / "cascade"


def state_dir() -> Path:
    return _base("XDG_STATE_HOME", ".local/state") / "cascade"


def ensure_private(folder: Path) -> Path:
    """Create ``folder`` (and parents) readable by the user only; return it."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def shipped_demo() -> Path:
    """The demo notebook Cascade ships: ``notebooks/demo.py`` beside the ``app`` package, from
    source and in the frozen bundle (which carries it in ``_internal``)."""
    base = getattr(sys, "_MEIPASS", None)
    root = Path(base) if base else Path(__file__).resolve().parents[2]
    return root / "notebooks" / "demo.py"

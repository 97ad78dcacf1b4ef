"""Where Cascade's own messages go: a rotating log file in the user's state folder (what a bug
report attaches: kernel starts and deaths, saves and failed saves, trust decisions, plans) and,
with ``--log-level LEVEL`` (or ``CASCADE_LOG_LEVEL``), stderr too.

Every module logs through ``logging.getLogger(__name__)``; only the entry point
(:mod:`app.__main__`) configures handlers, once, so tests and embedders keep control. The log
never holds notebook code, cell output or passwords: only what Cascade did and why.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path
from typing import TextIO

from app.coordinator.user_dirs import ensure_private, state_dir

LOG_FILE_NAME = "cascade.log"
LEVELS = ("debug", "info", "warning", "error")
#: The file keeps this much: a few sessions' worth, never a growing disk hog.
MAX_BYTES = 1_000_000
BACKUPS = 2
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
#: The loggers Cascade configures (the app process; the worker's stderr is logged by the app).
ROOTS = ("app", "kernel_worker")


class LogLevelError(ValueError):
    """``--log-level`` names no level (the message says which ones exist)."""


def split_log_level(args: list[str]) -> tuple[list[str], str | None]:
    """``args`` without ``--log-level LEVEL`` / ``--log-level=LEVEL``, and the level (else
    ``CASCADE_LOG_LEVEL``, else None). Accepted anywhere on the command line, for every command."""
    rest: list[str] = []
    level = os.environ.get("CASCADE_LOG_LEVEL") or None
    items = iter(args)
    for item in items:
        if item == "--log-level":
            level = next(items, "")
        elif item.startswith("--log-level="):
            level = item.partition("=")[2]
        else:
            rest.append(item)
    if level is not None and level.lower() not in LEVELS:
        raise LogLevelError(f"--log-level must be one of {', '.join(LEVELS)}, not {level!r}")
    return rest, None if level is None else level.lower()


def log_file() -> Path:
    return state_dir() / LOG_FILE_NAME


#: The handlers :func:`configure` installed (a second call replaces them).
_installed: list[logging.Handler] = []


def configure(level: str | None, stream: TextIO | None = None) -> Path | None:
    """Log to the file (at ``level``, INFO by default) and, when ``level`` is given, to
    ``stream`` (stderr). Returns the log file, or None when it cannot be written (a read-only
    home: Cascade runs anyway, and says so on ``stream`` only when asked to log)."""
    handlers: list[logging.Handler] = []
    file = log_file()
    path: Path | None = file
    try:
        ensure_private(state_dir())
        handlers.append(
            logging.handlers.RotatingFileHandler(
                file, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
            )
        )
    except OSError as exc:
        path = None
        if level is not None:
            print(f"cascade: no log file ({exc})", file=stream or sys.stderr)
    if level is not None:
        handlers.append(logging.StreamHandler(stream or sys.stderr))
    formatter = logging.Formatter(FORMAT)
    for handler in handlers:
        handler.setFormatter(formatter)
    for name in ROOTS:
        logger = logging.getLogger(name)
        for old in _installed:
            logger.removeHandler(old)
        logger.setLevel(getattr(logging, (level or "info").upper()))
        for handler in handlers:
            logger.addHandler(handler)
    for old in _installed:
        old.close()
    _installed[:] = handlers
    return path

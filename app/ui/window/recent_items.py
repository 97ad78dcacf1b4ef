"""What the start screen says about a recent notebook: its title (the first markdown heading,
else the file name), its folder (``~`` for home) and when it was last changed, in words."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

#: How much of a file is read to find its title (a heading is near the top).
TITLE_SCAN_BYTES = 64_000
#: A markdown heading in a percent-format markdown cell: ``# # Title`` (or ``## Title`` etc.).
_HEADING = re.compile(r"^#\s+#{1,6}\s+(\S.*?)\s*#*\s*$")


@dataclass(frozen=True, slots=True)
class RecentItem:
    path: Path
    title: str
    folder: str
    changed: str


def notebook_title(path: Path) -> str:
    """The first markdown heading of a notebook file, else its name without ``.py``."""
    try:
        with path.open("rb") as file:
            head = file.read(TITLE_SCAN_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return path.stem
    for line in head.splitlines():
        found = _HEADING.match(line)
        if found:
            return found.group(1)[:80]
    return path.stem


def short_folder(folder: Path, home: Path | None = None) -> str:
    """``~/work/reports`` rather than ``/home/ana/work/reports``."""
    home = Path.home() if home is None else home
    try:
        return "~/" + folder.relative_to(home).as_posix() if folder != home else "~"
    except ValueError:
        return str(folder)


def when_changed(mtime: float, now: float | None = None) -> str:
    """ "today 14:02", "yesterday 09:15", "3 days ago", or the date."""
    now = time.time() if now is None else now
    then = time.localtime(mtime)
    days = (date.fromtimestamp(now) - date.fromtimestamp(mtime)).days
    if days <= 0:
        return time.strftime("today %H:%M", then)
    if days == 1:
        return time.strftime("yesterday %H:%M", then)
    if days < 7:
        return f"{int(days)} days ago"
    return time.strftime("%Y-%m-%d", then)


def recent_item(path: Path, now: float | None = None) -> RecentItem:
    try:
        changed = when_changed(path.stat().st_mtime, now)
    except OSError:
        changed = ""
    return RecentItem(path, notebook_title(path), short_folder(path.parent), changed)

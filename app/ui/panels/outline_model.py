"""The outline's rows, computed from the notebook (no Qt): markdown headings (with their
level) and every code cell by its name, each with its run status, so a section that holds a
stale or failing cell can be marked."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from app.core.notebook import Notebook
from app.core.state import CellRunState, Status

_HEADING = re.compile(r"^\s{0,3}(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
#: Statuses a section reports upward (its heading is marked when one of its cells has one).
ATTENTION: tuple[Status, ...] = ("error", "blocked", "stale", "interrupted")


@dataclass(frozen=True, slots=True)
class OutlineRow:
    cell_id: str
    text: str
    level: int  # 1..6 for headings; 7 for a code cell (under the nearest heading)
    heading: bool
    status: Status  # the cell's own; for a heading the worst in its section


def outline_rows(
    notebook: Notebook,
    states: Mapping[str, CellRunState],
    name_cell: Callable[[str], str],
) -> list[OutlineRow]:
    """One row per markdown heading and per code cell, in display order."""
    rows: list[OutlineRow] = []
    open_headings: list[int] = []  # indices into rows of the headings still open
    for cell in notebook.cells:
        if cell.kind == "markdown":
            for line in cell.code.splitlines():
                match = _HEADING.match(line)
                if match is None:
                    continue
                level = len(match.group("hashes"))
                open_headings = [i for i in open_headings if rows[i].level < level]
                open_headings.append(len(rows))
                rows.append(OutlineRow(cell.id, match.group("text"), level, True, "idle"))
            continue
        status = states[cell.id].status if cell.id in states else "idle"
        rows.append(OutlineRow(cell.id, name_cell(cell.id), 7, False, status))
        if status in ATTENTION:
            for i in open_headings:
                if rows[i].status not in ATTENTION or _worse(status, rows[i].status):
                    row = rows[i]
                    rows[i] = OutlineRow(row.cell_id, row.text, row.level, True, status)
    return rows


def _worse(a: Status, b: Status) -> bool:
    return ATTENTION.index(a) < ATTENTION.index(b)

"""How messages name a cell: by what it is, not by a position the window does not show.

A Python cell is named by the first name it defines (in the order the code binds them), a SQL
cell by its result's name, a markdown cell by its first heading; a cell that defines nothing
by the start of its first line of code. Two cells with the same name get ``#2``, ``#3`` in
display order, so a name always points at one cell.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from app.core.analysis import CellAnalysis
from app.core.notebook import Cell, Notebook

#: Longest piece of code quoted as a cell's name.
MAX_NAME_CHARS = 32

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.+?)\s*#*\s*$")


def _first_defined(code: str, defs: frozenset[str]) -> str | None:
    """The defined name that appears first in the code (defs is a set: order comes from the
    text, which is what the reader sees)."""
    best: tuple[int, str] | None = None
    for defined in defs:
        match = re.search(rf"(?<![\w.]){re.escape(defined)}(?!\w)", code)
        at = match.start() if match else len(code)
        if best is None or (at, defined) < best:
            best = (at, defined)
    return best[1] if best else None


def _first_line(code: str) -> str:
    for line in code.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            if len(stripped) > MAX_NAME_CHARS:
                return stripped[: MAX_NAME_CHARS - 1].rstrip() + "…"
            return stripped
    return ""


def base_name(cell: Cell, analysis: CellAnalysis | None) -> str:
    """The cell's name before same-name cells are told apart."""
    if cell.kind == "markdown":
        for line in cell.code.splitlines():
            heading = _HEADING.match(line)
            if heading:
                return heading.group("text")
        return _first_line(cell.code) or "an empty markdown cell"
    if cell.kind == "sql" and cell.name:
        return cell.name
    if analysis is not None and analysis.defs:
        found = _first_defined(cell.code, analysis.defs)
        if found:
            return found
    first = _first_line(cell.code)
    return first or "an empty cell"


def cell_names(notebook: Notebook, analyses: Mapping[str, CellAnalysis]) -> dict[str, str]:
    """Every cell's name, unique in the notebook."""
    names: dict[str, str] = {}
    seen: dict[str, int] = {}
    for cell in notebook.cells:
        name = base_name(cell, analyses.get(cell.id))
        count = seen.get(name, 0) + 1
        seen[name] = count
        names[cell.id] = name if count == 1 else f"{name} #{count}"
    return names

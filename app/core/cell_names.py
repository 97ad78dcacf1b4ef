"""How messages name a cell: by what it is, not by a position the window does not show.

A Python cell is named by the first name it defines (in the order the code binds them), a SQL
cell by its result's name, a markdown cell by its first heading; a cell that defines nothing
by the start of its first line of code. Two cells with the same name get ``#2``, ``#3`` in
display order, so a name always points at one cell.

Every snapshot of a notebook names its cells again (the runner labels each step it sends),
so a cell's name is remembered by what it depends on (kind, code, result name, definitions):
naming a 10,000-cell notebook after one edit works out the edited cell's name only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from app.core.analysis import CellAnalysis
from app.core.notebook import Cell, Notebook

#: Longest piece of code quoted as a cell's name.
MAX_NAME_CHARS = 32
#: Base names remembered: more than the cells of the largest notebook Cascade opens (10,000).
NAMES_KEPT = 32_768

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.+?)\s*#*\s*$")


def _is_word(char: str) -> bool:
    """``\\w`` of a str pattern: alphanumeric (``str.isalnum``) or the underscore."""
    return char == "_" or char.isalnum()


def _find_name(code: str, name: str) -> int:
    """Where ``name`` first stands alone in ``code`` (not inside a longer word, not an
    attribute after a dot); ``len(code)`` if nowhere. Plain ``str.find``: a regex per
    defined name would be compiled for each (``re``'s cache holds 512 patterns)."""
    start = code.find(name)
    while start >= 0:
        end = start + len(name)
        before = code[start - 1] if start else " "
        after = code[end] if end < len(code) else " "
        if before != "." and not _is_word(before) and not _is_word(after):
            return start
        start = code.find(name, start + 1)
    return len(code)


def _first_defined(code: str, defs: frozenset[str]) -> str | None:
    """The defined name that appears first in the code (defs is a set: order comes from the
    text, which is what the reader sees)."""
    best: tuple[int, str] | None = None
    for defined in defs:
        at = _find_name(code, defined)
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
    defs = analysis.defs if analysis is not None else frozenset()
    return _base_name(cell.kind, cell.code, cell.name, defs)


@lru_cache(maxsize=NAMES_KEPT)
def _base_name(kind: str, code: str, name: str | None, defs: frozenset[str]) -> str:
    if kind == "markdown":
        for line in code.splitlines():
            heading = _HEADING.match(line)
            if heading:
                return heading.group("text")
        return _first_line(code) or "an empty markdown cell"
    if kind == "sql" and name:
        return name
    if defs:
        found = _first_defined(code, defs)
        if found:
            return found
    first = _first_line(code)
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

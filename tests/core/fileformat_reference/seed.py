"""The seed format: ``# Notebook:`` / ``# DB:`` lines, then ``# %% python [id]`` cells.

Cells start at ``# %% python [id]`` / ``# %% sql [id]`` lines; any other ``# %%`` line is body
text. Bodies are plain lines (SQL is not commented) with trailing blank lines trimmed. A SQL
cell's result name comes from ``name="…"`` or one bare identifier after the bracket
(``# %% sql [c2] orders``). ``# Notebook:`` / ``# DB:`` lines are read at the top, each once.
"""

from __future__ import annotations

import re

from tests.core.fileformat_reference.errors import NotebookFormatError
from tests.core.fileformat_reference.markers import MarkerProblem, parse_marker
from tests.core.fileformat_reference.model import Draft, Read
from tests.core.fileformat_reference.syntax import (
    KIND_NAMES,
    MAX_CELLS,
    SEED_MARKER_LINE,
    line_number,
    run_end,
    too_many_cells,
    trim_trailing_blank_lines,
    without_final_newline,
)

_SETTING_LINE = re.compile(r"#[ \t]*(?P<key>Notebook|DB):(?P<value>[^\n]*)(?:\n|\Z)")
_BLANK_LINES = re.compile(r"(?:[^\S\n]*\n)*")


def is_seed(text: str, first_marker: re.Match[str] | None) -> bool:
    """A first marker ``# %% python [id]`` / ``# %% sql [id]``, or, with no markers, a first
    line ``# Notebook:`` / ``# DB:``."""
    if first_marker is not None:
        return SEED_MARKER_LINE.match(text, first_marker.start()) is not None
    return _SETTING_LINE.match(text, run_end(_BLANK_LINES, text, 0)) is not None


def read_seed(text: str) -> Read:
    read = Read("seed")
    matches: list[re.Match[str]] = []
    for match in SEED_MARKER_LINE.finditer(text):
        if len(matches) == MAX_CELLS:
            raise too_many_cells(text, match.start())
        matches.append(match)
    first = matches[0].start() if matches else len(text)
    settings_end = _read_settings(read, text, first)
    read.add_loose_text(text[settings_end:first])
    if len(read.drafts) + len(matches) > MAX_CELLS:
        raise too_many_cells(text, matches[-1].start())
    for k, match in enumerate(matches):
        stop = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        body = without_final_newline(text[match.end() + 1 : stop])
        read.drafts.append(_seed_cell(text, match, trim_trailing_blank_lines(body)))
    read.notices.append("converted from the seed format; saving writes Cascade's format")
    return read


def _read_settings(read: Read, text: str, stop: int) -> int:
    """Read the settings lines at the top; the offset where other text starts."""
    seen: set[str] = set()
    pos = 0
    while pos < stop:
        pos = run_end(_BLANK_LINES, text, pos, stop)
        setting = _SETTING_LINE.match(text, pos, stop)
        if setting is None or setting["key"] in seen:
            return pos
        seen.add(setting["key"])
        value = setting["value"].strip()
        if setting["key"] == "Notebook":
            read.name = value
        else:
            read.database = value or None
        pos = setting.end()
    return stop


def _seed_cell(text: str, match: re.Match[str], code: str) -> Draft:
    kind = KIND_NAMES[match["kind"]]
    try:
        marker = parse_marker(match["rest"], kind, match["id"].strip() or None)
    except MarkerProblem as problem:
        raise NotebookFormatError(line_number(text, match.start()), str(problem)) from None
    name, meta = marker.name, marker.meta
    bare = meta[0][1] if meta[:1] and meta[0][0] == "title" else ""
    if kind == "sql" and name is None and bare.isidentifier():
        name, meta = bare, meta[1:]  # "# %% sql [c2] orders" names the result
    return Draft(kind, code, marker.cell_id, name, meta)

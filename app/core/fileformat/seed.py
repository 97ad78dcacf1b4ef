"""The seed format: ``# Notebook:`` / ``# DB:`` lines, then ``# %% python [id]`` cells.

Cells start at ``# %% python [id]`` / ``# %% sql [id]`` lines; any other ``# %%`` line is body
text. Bodies are plain lines (SQL is not commented) with trailing blank lines trimmed. A SQL
cell's result name comes from ``name="…"`` or one bare identifier after the bracket
(``# %% sql [c2] orders``). ``# Notebook:`` / ``# DB:`` lines are read at the top, each once.
"""

from __future__ import annotations

import re

from app.core.fileformat.errors import NotebookFormatError
from app.core.fileformat.markers import Marker, MarkerProblem
from app.core.fileformat.model import Draft, Read
from app.core.fileformat.syntax import (
    KIND_NAMES,
    MAX_CELLS,
    SEED_MARKER_LINE,
    blank_lines_end,
    line_number,
    too_many_cells,
    trim_trailing_blank_lines,
    without_final_newline,
)

_SETTING_LINE = re.compile(r"#[ \t]*(?P<key>Notebook|DB):(?P<value>[^\n]*)(?:\n|\Z)")


def is_seed(text: str, first_marker: re.Match[str] | None) -> bool:
    """A first marker ``# %% python [id]`` / ``# %% sql [id]``, or, with no markers, a first
    line ``# Notebook:`` / ``# DB:``."""
    if first_marker is not None:
        return SEED_MARKER_LINE.match(text, first_marker.start()) is not None
    return _SETTING_LINE.match(text, blank_lines_end(text, 0)) is not None


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
    markers = _read_markers(text, matches)
    for k, match in enumerate(matches):
        stop = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        body = without_final_newline(text[match.end() + 1 : stop])
        read.drafts.append(_seed_cell(match, markers[k], trim_trailing_blank_lines(body)))
    read.notices.append("converted from the seed format; saving writes Cascade's format")
    return read


def _read_settings(read: Read, text: str, stop: int) -> int:
    """Read the settings lines at the top; the offset where other text starts."""
    seen: set[str] = set()
    pos = 0
    while pos < stop:
        pos = blank_lines_end(text, pos, stop)
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


def _read_markers(text: str, matches: list[re.Match[str]]) -> list[Marker]:
    """What each seed marker says after its ``[id]`` (read together: one file's markers)."""
    from app.core.fileformat.marker_reading import read_markers  # (see percent._parse_markers)

    texts = [
        (match["rest"], KIND_NAMES[match["kind"]], match["id"].strip() or None) for match in matches
    ]
    try:
        return read_markers(texts)
    except MarkerProblem as problem:
        line = line_number(text, matches[problem.index].start())
        raise NotebookFormatError(line, str(problem)) from None


def _seed_cell(match: re.Match[str], marker: Marker, code: str) -> Draft:
    kind = KIND_NAMES[match["kind"]]
    name, meta = marker.name, marker.meta
    bare = meta[0][1] if meta[:1] and meta[0][0] == "title" else ""
    if kind == "sql" and name is None and bare.isidentifier():
        name, meta = bare, meta[1:]  # "# %% sql [c2] orders" names the result
    return Draft(kind, code, marker.cell_id, name, meta)

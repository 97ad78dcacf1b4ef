"""Cascade's own format and plain percent files (Jupytext, VS Code, Spyder, PyCharm).

A cell's body is every line between its marker and the next one, minus one empty separator
line at its end; the last cell runs to the end of the file. Bodies are cut from the text by
offset, so a file costs a few operations per cell, whatever its cells hold.
"""

from __future__ import annotations

from app.core.fileformat.errors import NotebookFormatError
from app.core.fileformat.header import Header, read_header
from app.core.fileformat.markers import Marker, MarkerProblem, parse_marker
from app.core.fileformat.model import Draft, Read
from app.core.fileformat.syntax import (
    MARKER_LINE,
    MAX_CELLS,
    line_number,
    too_many_cells,
    uncomment,
    unescape,
)


def read_percent(text: str, header: Header | None, first_marker: int) -> Read:
    """Read a file whose cells start at ``# %%`` lines (the first at offset ``first_marker``)."""
    loose = (
        text[: header.start] + text[header.end : first_marker] if header else text[:first_marker]
    )
    starts, ends, markers = _find_markers(text, first_marker)
    is_cascade = header is not None or any(marker.cell_id for marker in markers)
    read = Read("cascade" if is_cascade else "percent")
    if header is not None:
        read.name, read.database, read.extra_header = read_header(text, header)
    read.add_loose_text(loose)
    if len(read.drafts) + len(markers) > MAX_CELLS:
        raise too_many_cells(text, starts[-1])
    last = len(markers) - 1
    for k, marker in enumerate(markers):
        body = text[ends[k] + 1 : starts[k + 1] if k < last else len(text)]
        code = body[:-1] if body.endswith("\n") else body
        if k < last and code.endswith("\n"):
            code = code[:-1]  # the empty separator line before the next marker
        read.drafts.append(_draft(marker, code, unescaping=is_cascade))
    return read


def _find_markers(text: str, first_marker: int) -> tuple[list[int], list[int], list[Marker]]:
    """Where each marker line starts and ends, and what it says (at most MAX_CELLS of them)."""
    starts: list[int] = []
    ends: list[int] = []
    markers: list[Marker] = []
    seen: dict[str, Marker] = {}  # files repeat markers ("# %% [markdown]"): parse each once
    for match in MARKER_LINE.finditer(text, first_marker):
        if len(markers) == MAX_CELLS:
            raise too_many_cells(text, match.start())
        rest = match["rest"]
        marker = seen.get(rest)
        if marker is None:
            try:
                marker = parse_marker(rest)
            except MarkerProblem as problem:
                raise NotebookFormatError(line_number(text, match.start()), str(problem)) from None
            seen[rest] = marker
        starts.append(match.start())
        ends.append(match.end())
        markers.append(marker)
    return starts, ends, markers


def _draft(marker: Marker, code: str, *, unescaping: bool) -> Draft:
    if unescaping:
        code = unescape(code)
    if marker.kind != "python":
        code = uncomment(code.rstrip("\n"))  # empty lines at the end are layout, not content
    return Draft(marker.kind, code, marker.cell_id, marker.name, marker.meta)

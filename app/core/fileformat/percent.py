"""Cascade's own format and plain percent files (Jupytext, VS Code, Spyder, PyCharm), read as
Jupytext reads them.

A cell starts at a marker line (:data:`~app.core.fileformat.syntax.MARKER_LINE`) that is not
inside a triple-quoted string of the cell above; its text runs to the next one, less the blank
lines that are layout (:mod:`app.core.fileformat.layout`). Markdown, raw and SQL lines lose
their ``# ``; a markdown cell that is one triple-quoted string loses the quotes. A file costs a
few operations per cell and per line, whatever its cells hold.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from app.core.fileformat.errors import NotebookFormatError
from app.core.fileformat.header import Header, read_header
from app.core.fileformat.layout import (
    CELL_MARKER,
    LINES_TO_NEXT_CELL,
    TextSpacing,
    cut_cell,
    lines_after,
    unquote_markdown,
)
from app.core.fileformat.markers import (
    SIMPLE_MARKER_LINE,
    Marker,
    MarkerFields,
    MarkerProblem,
    Meta,
    simple_fields,
)
from app.core.fileformat.model import Draft, Read
from app.core.fileformat.pep8 import last_definition_line
from app.core.fileformat.strings import scan_outside_strings
from app.core.fileformat.syntax import (
    ESCAPE,
    MAX_CELLS,
    has_other_marker_forms,
    line_number,
    marker_lines,
    too_many_cells,
    uncomment,
    unescape,
)


def find_markers(text: str, start: int) -> list[re.Match[str]]:
    """The marker lines from ``start`` on that start a cell: not inside a string of the cell
    above (Jupytext's rule; the scan of a cell restarts at its marker).

    The text between markers is read by one search in C each
    (:func:`~app.core.fileformat.strings.scan_outside_strings`); where a string in triple
    quotes is open at a marker line, the search for markers goes on after it closes (a file
    of marker lines in a string costs one search, not a step per line)."""
    found: list[re.Match[str]] = []
    pos = start  # read up to here, outside strings (or where a string found below closes)
    other_forms = has_other_marker_forms(text, start)
    misses = [0]  # (lines holding %% that are no marker, over every restart)
    while True:
        closed = len(text) + 1  # (past the end: no string open)
        for match in marker_lines(text, pos, other_forms=other_forms, misses=misses):
            begin = match.start()
            while (opened := scan_outside_strings(text, pos, begin)) < begin:
                quotes = text[opened : opened + 3]
                close = text.find(quotes, opened + 3)
                pos = len(text) if close < 0 else close + 3
                if pos > begin:  # the marker line is in the string: go on after it
                    closed = pos
                    break
            if closed <= len(text):
                break
            if len(found) == MAX_CELLS:
                raise too_many_cells(text, begin)
            found.append(match)
            pos = begin  # the scan restarts at each marker
        else:
            return found
        if closed >= len(text):
            return found


def simple_markers(text: str, start: int) -> tuple[list[re.Match[str]], list[MarkerFields]] | None:
    """What :func:`find_markers` and the markers' parse give, by one search in C, for a file
    whose every marker line from ``start`` on is one Cascade writes for a cell without other
    metadata (:data:`~app.core.fileformat.markers.SIMPLE_MARKER_LINE`) and that holds no triple
    quote there (no marker is in a string); None for any other file.

    Every marker line holds ``%%`` (``<codecell>`` and ``In[`` lines aside), and such a line
    holds it once: the file is such a file when as many lines match as ``%%`` occurs."""
    hints = text.count("%%", start)
    if hints > MAX_CELLS:
        return None  # (not a file Cascade wrote, or one to refuse: not worth a search)
    for other in ('"""', "'''", "<codecell>", "In["):
        if text.find(other, start) >= 0:
            return None
    found = list(SIMPLE_MARKER_LINE.finditer(text, start))
    if len(found) != hints:
        return None
    return found, [simple_fields(*match.group(2, 3, 4, 5)) for match in found]


def read_percent(text: str, preamble_end: int, header: Header | None, scan_start: int) -> Read:
    """Read a file whose cells start at marker lines found from ``scan_start`` on."""
    simple = simple_markers(text, scan_start)
    markers: Sequence[MarkerFields]
    if simple is not None:
        matches, markers = simple
    else:
        matches = find_markers(text, scan_start)
        markers = _parse_markers(text, matches)
    first = matches[0].start() if matches else len(text)
    is_cascade = header is not None or any(cell_id for _, cell_id, _, _ in markers)
    read = Read("cascade" if is_cascade else "percent")
    read.preamble = text[:preamble_end]
    if header is not None:
        read.name, read.database, read.extra_header = read_header(text, header)
        loose = text[preamble_end : header.start] + text[header.end : first]
    else:
        loose = text[preamble_end:first]
    read.add_loose_text(loose)
    if len(read.drafts) + len(markers) > MAX_CELLS:
        raise too_many_cells(text, matches[-1].start())
    starts = [match.start() for match in matches]
    stops = [*starts[1:], len(text)][: len(starts)]
    spacing = TextSpacing(text, starts, stops, _last_definition(text, starts))
    last = len(matches) - 1
    drafts = read.drafts
    for k, (kind, cell_id, name, meta) in enumerate(markers):
        code, end, size = cut_cell(text[starts[k] : stops[k]])
        explicit = _explicit_layout(matches[k]["rest"] or "", meta) if meta else ()
        content = code  # the cell's lines, joined (before the escape and comments go)
        if is_cascade and ESCAPE in code:
            code = unescape(code)
        if kind == "markdown" and CELL_MARKER not in explicit:
            quoted = unquote_markdown(code)
            if quoted is not None:
                code = quoted[0]
                meta = (*meta, (CELL_MARKER, quoted[1]))
            else:
                code = uncomment(code)
        elif kind != "python":
            code = uncomment(code)
        if LINES_TO_NEXT_CELL not in explicit:
            found = lines_after(end, size, k == last)
            if found != spacing.expected(k, content):
                meta = (*meta, (LINES_TO_NEXT_CELL, str(found)))
        drafts.append(Draft(kind, code, cell_id, name, meta))
    return read


def _last_definition(text: str, starts: list[int]) -> int:
    """The last of the cells starting at ``starts`` holding a line that starts as a definition
    does (-1: none)."""
    offset = last_definition_line(text, starts[0]) if starts else -1
    return bisect.bisect_right(starts, offset) - 1 if offset >= 0 else -1


def _explicit_layout(rest: str, meta: Meta) -> set[str]:
    """The layout keys the marker itself gives (the reader derives no other value for them)."""
    return {
        key
        for key in (CELL_MARKER, LINES_TO_NEXT_CELL)
        if key in rest and any(pair[0] == key for pair in meta)
    }


def _parse_markers(text: str, matches: list[re.Match[str]]) -> list[Marker]:
    """What each marker says; files repeat markers (``# %% [markdown]``): each read once.

    The general reader (and its large patterns, ~10 ms to import) is imported here, the first
    time a file has markers other than the ones Cascade writes: not by every process that may
    open a notebook, nor to open one Cascade wrote."""
    from app.core.fileformat.marker_reading import read_markers

    rests = [match["rest"] or "" for match in matches]
    distinct = list(dict.fromkeys(rests))
    try:
        read = read_markers([(rest, None, None) for rest in distinct])
    except MarkerProblem as problem:
        first = rests.index(distinct[problem.index])
        raise NotebookFormatError(line_number(text, matches[first].start()), str(problem)) from None
    by_rest = dict(zip(distinct, read, strict=True))
    return list(map(by_rest.__getitem__, rests))

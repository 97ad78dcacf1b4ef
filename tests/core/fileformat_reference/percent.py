"""Cascade's own format and plain percent files (Jupytext, VS Code, Spyder, PyCharm), read as
Jupytext reads them.

A cell starts at a marker line (:data:`~tests.core.fileformat_reference.syntax.MARKER_LINE`) that is not
inside a triple-quoted string of the cell above; its text runs to the next one, less the blank
lines that are layout (:mod:`tests.core.fileformat_reference.layout`). Markdown, raw and SQL lines lose
their ``# ``; a markdown cell that is one triple-quoted string loses the quotes. A file costs a
few operations per cell and per line, whatever its cells hold.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import overload

from tests.core.fileformat_reference.errors import NotebookFormatError
from tests.core.fileformat_reference.header import Header, read_header
from tests.core.fileformat_reference.layout import (
    CELL_MARKER,
    LINES_TO_NEXT_CELL,
    Spacing,
    cut_cell,
    lines_after,
    unquote_markdown,
)
from tests.core.fileformat_reference.markers import (
    SIMPLE_MARKER_LINE,
    Marker,
    MarkerFields,
    MarkerProblem,
    Meta,
    PairsSeen,
    parse_marker,
    simple_fields,
)
from tests.core.fileformat_reference.model import Draft, Read
from tests.core.fileformat_reference.pep8 import last_definition_line
from tests.core.fileformat_reference.strings import StringParser
from tests.core.fileformat_reference.syntax import (
    ESCAPE,
    MAX_CELLS,
    line_number,
    marker_lines,
    split_lines,
    too_many_cells,
    uncomment,
    unescape,
)


def find_markers(text: str, start: int) -> list[re.Match[str]]:
    """The marker lines from ``start`` on that start a cell: not inside a string of the cell
    above (Jupytext's rule; the scan of a cell restarts at its marker).

    Text without a triple quote leaves a parser outside strings as it was, so only the text
    before a marker after such a quote is read line by line. The next triple quote of each
    kind is looked up once per quote passed, not once per marker (linear however many)."""
    found: list[re.Match[str]] = []
    parser = StringParser()
    quoted = False
    fed = start
    double = _find_or_end(text, '"""', start)  # the next triple quote of each kind from `fed`
    single = _find_or_end(text, "'''", start)
    quote_end = min(double, single) + 3
    for match in marker_lines(text, start):
        begin = match.start()
        if quoted or quote_end <= begin:  # a triple quote in text[fed:begin] may open a string
            parser.read_lines(split_lines(text[fed:begin]))
            fed = begin
            if double < fed:
                double = _find_or_end(text, '"""', fed)
            if single < fed:
                single = _find_or_end(text, "'''", fed)
            quote_end = min(double, single) + 3
            quoted = parser.is_quoted()
            if quoted:
                continue
            parser = StringParser()
        if len(found) == MAX_CELLS:
            raise too_many_cells(text, begin)
        found.append(match)
        fed = begin  # (a quote never starts within the two characters before a line)
    return found


def simple_markers(text: str, start: int) -> tuple[list[re.Match[str]], list[MarkerFields]] | None:
    """What :func:`find_markers` and the markers' parse give, by one search in C, for a file
    whose every marker line from ``start`` on is one Cascade writes for a cell without other
    metadata (:data:`~tests.core.fileformat_reference.markers.SIMPLE_MARKER_LINE`) and that holds no triple
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


def _find_or_end(text: str, quote: str, start: int) -> int:
    found = text.find(quote, start)
    return len(text) if found < 0 else found


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
    spacing = Spacing(_CellLines(text, starts, stops), _last_definition(text, starts))
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


class _CellLines(Sequence[list[str]]):
    """Each cell's lines (its marker line first, up to the next marker), split when asked for:
    PEP 8's spacing reads few of them (none after the last definition), and a cell may hold
    thousands of lines."""

    def __init__(self, text: str, starts: list[int], stops: list[int]) -> None:
        self._text = text
        self._starts = starts
        self._stops = stops
        self._split: dict[int, list[str]] = {}

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, k: int) -> list[str]: ...

    @overload
    def __getitem__(self, k: slice) -> list[list[str]]: ...

    def __getitem__(self, k: int | slice) -> list[str] | list[list[str]]:
        if isinstance(k, slice):
            return [self[index] for index in range(len(self))[k]]
        lines = self._split.get(k)
        if lines is None:
            start, stop = self._starts[k], self._stops[k]  # (IndexError past the end)
            lines = self._split[k] = split_lines(self._text[start:stop])
        return lines


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
    seen: dict[str | None, Marker] = {}  # files repeat markers ("# %% [markdown]"): parse each once
    pairs_seen = PairsSeen()  # and markers of many pairs share what they have in common
    markers = []
    for match in matches:
        rest = match["rest"]
        marker = seen.get(rest)
        if marker is None:
            try:
                marker = parse_marker(rest or "", pairs_seen=pairs_seen)
            except MarkerProblem as problem:
                raise NotebookFormatError(line_number(text, match.start()), str(problem)) from None
            seen[rest] = marker
        markers.append(marker)
    return markers

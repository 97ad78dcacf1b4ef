"""Text to notebook: decide which format a text is in and hand it to that reader.

First the preamble (a Jupytext YAML header, with a ``#!`` and an encoding line before it),
kept verbatim. Then a ``# /// script`` header before the first marker, or any marker with an
``id``, makes a Cascade file. Otherwise a first marker ``# %% python [id]`` / ``# %% sql [id]``,
or (with no markers) a first line ``# Notebook:`` / ``# DB:``, makes a seed file. Otherwise
``# %%`` markers make a plain percent file; with none, the whole text is one Python cell. Binary
text and other tools' notebooks are refused (:mod:`tests.core.fileformat_reference.foreign`).
"""

from __future__ import annotations

from collections.abc import Iterator

from app.core.gc_pause import gc_paused
from app.core.notebook import Notebook
from tests.core.fileformat_reference.finish import finish
from tests.core.fileformat_reference.foreign import refuse_foreign
from tests.core.fileformat_reference.header import find_header
from tests.core.fileformat_reference.model import Draft, LoadedNotebook, Read
from tests.core.fileformat_reference.percent import read_percent
from tests.core.fileformat_reference.preamble import preamble_length
from tests.core.fileformat_reference.seed import is_seed, read_seed
from tests.core.fileformat_reference.syntax import (
    marker_lines,
    normalize_newlines,
    without_final_newline,
)


def parse(text: str) -> LoadedNotebook:
    """Read a notebook file's text; raises :class:`NotebookFormatError` and nothing else.

    Runs in time linear in the text's length: each reader does a fixed amount of work per cell
    and per character (the header's TOML is limited in size).
    """
    with gc_paused():
        return _parse(normalize_newlines(text))


def _parse(text: str) -> LoadedNotebook:
    refuse_foreign(text)
    preamble_end = preamble_offset(text)
    first = next(marker_lines(text, preamble_end), None)
    header = find_header(text, first.start() if first else len(text), preamble_end)
    if header is None and not preamble_end and is_seed(text, first):
        return finish(read_seed(text))
    if header is None and first is None:
        return finish(_read_whole(text, preamble_end))
    scan_start = header.end if header is not None else preamble_end
    return finish(read_percent(text, preamble_end, header, scan_start))


def preamble_offset(text: str) -> int:
    """Where the preamble (:mod:`tests.core.fileformat_reference.preamble`) ends in ``text``."""
    lines = _HeadLines(text)
    return min(lines.lengths(preamble_length(lines)), len(text))


class _HeadLines:
    """The lines of a text, split as they are asked for (a preamble is decided in its first
    few lines; a file of a million comment lines must not be split to find that out)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: list[str] = []
        self._pos = 0

    def __getitem__(self, index: int) -> str:
        while index >= len(self._lines) and self._pos < len(self._text):
            self._next()
        return self._lines[index]

    def _next(self) -> None:
        end = self._text.find("\n", self._pos)
        end = len(self._text) if end < 0 else end
        self._lines.append(self._text[self._pos : end])
        self._pos = end + 1

    def __iter__(self) -> Iterator[str]:
        index = 0
        while True:
            try:
                yield self[index]
            except IndexError:
                return
            index += 1

    def lengths(self, count: int) -> int:
        """The offset just after the first ``count`` lines."""
        return sum(len(self[index]) + 1 for index in range(count))


def loads(text: str) -> Notebook:
    """The notebook in a file's text (see :func:`parse` for what else opening tells)."""
    return parse(text).notebook


def _read_whole(text: str, preamble_end: int) -> Read:
    """A file with no header and no markers: one Python cell holding all of it (but the
    preamble)."""
    body = text[preamble_end:]
    read = Read("percent", [Draft("python", without_final_newline(body), from_marker=False)])
    read.preamble = text[:preamble_end]
    if body.strip():
        read.notices.append(
            "the file has no cell markers; it was opened as one cell (saving adds a cell marker)"
        )
    return read

"""Text to notebook: decide which format a text is in and hand it to that reader.

First the preamble (a Jupytext YAML header, with a ``#!`` and an encoding line before it),
kept verbatim. Then a ``# /// script`` header before the first marker, or any marker with an
``id``, makes a Cascade file. Otherwise a first marker ``# %% python [id]`` / ``# %% sql [id]``,
or (with no markers) a first line ``# Notebook:`` / ``# DB:``, makes a seed file. Otherwise
``# %%`` markers make a plain percent file; with none, the whole text is one Python cell. Binary
text and other tools' notebooks are refused (:mod:`app.core.fileformat.foreign`).
"""

from __future__ import annotations

from app.core.fileformat.finish import finish
from app.core.fileformat.foreign import refuse_foreign
from app.core.fileformat.header import find_header
from app.core.fileformat.model import Draft, LoadedNotebook, Read
from app.core.fileformat.percent import read_percent
from app.core.fileformat.preamble import preamble_end
from app.core.fileformat.seed import is_seed, read_seed
from app.core.fileformat.syntax import marker_lines, normalize_newlines, without_final_newline
from app.core.gc_pause import gc_paused
from app.core.notebook import Notebook


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
    """Where the preamble (:mod:`app.core.fileformat.preamble`) ends in ``text``."""
    return preamble_end(text)


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

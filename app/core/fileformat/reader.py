"""Text to notebook: decide which format a text is in and hand it to that reader.

A ``# /// script`` header before the first marker, or any marker with an ``id``, makes a
Cascade file. Otherwise a first marker ``# %% python [id]`` / ``# %% sql [id]``, or (with no
markers) a first line ``# Notebook:`` / ``# DB:``, makes a seed file. Otherwise ``# %%`` markers
make a plain percent file; with none, the whole text is one Python cell. Binary text and other
tools' notebooks are refused (:mod:`app.core.fileformat.foreign`).
"""

from __future__ import annotations

from app.core.fileformat.finish import finish
from app.core.fileformat.foreign import refuse_foreign
from app.core.fileformat.header import find_header
from app.core.fileformat.model import Draft, LoadedNotebook, Read
from app.core.fileformat.percent import read_percent
from app.core.fileformat.seed import is_seed, read_seed
from app.core.fileformat.syntax import MARKER_LINE, normalize_newlines, without_final_newline
from app.core.notebook import Notebook


def parse(text: str) -> LoadedNotebook:
    """Read a notebook file's text; raises :class:`NotebookFormatError` and nothing else.

    Runs in time linear in the text's length: each reader does a fixed amount of work per cell
    and per character (the header's TOML is limited in size).
    """
    text = normalize_newlines(text)
    refuse_foreign(text)
    first = MARKER_LINE.search(text)
    header = find_header(text, first.start() if first else len(text))
    if header is None and is_seed(text, first):
        return finish(read_seed(text))
    if header is None and first is None:
        return finish(_read_whole(text))
    if header is not None:  # markers count only after the header (its TOML may look like one)
        first = MARKER_LINE.search(text, header.end)
    return finish(read_percent(text, header, first.start() if first else len(text)))


def loads(text: str) -> Notebook:
    """The notebook in a file's text (see :func:`parse` for what else opening tells)."""
    return parse(text).notebook


def _read_whole(text: str) -> Read:
    """A file with no header and no markers: one Python cell holding all of it."""
    read = Read("percent", [Draft("python", without_final_newline(text), from_marker=False)])
    if text.strip():
        read.notices.append(
            "the file has no cell markers; it was opened as one cell (saving adds Cascade's"
            " header and a cell marker)"
        )
    return read

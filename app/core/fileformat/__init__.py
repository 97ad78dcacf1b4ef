"""Notebook files: read Cascade's format (and the seed and plain percent formats), write Cascade's.

A notebook is one UTF-8 ``.py`` file (docs/FILEFORMAT.md) that people diff and review, that
stays valid Python, and whose cells Jupytext, VS Code, Spyder and PyCharm see as Cascade does.
The package is pure text in, values out, except :func:`load` (one bounded read of a regular
file), :func:`save` / :func:`save_text` (atomic replace) and :func:`remove_stale_temp_files`.

Jupytext is the reference for the percent format: a file reads as Jupytext reads it, and a
notebook without settings is written as Jupytext writes it, but for the cell ids
(``tests/core/test_fileformat_jupytext.py`` checks this with Jupytext on its own test files).

Modules, one job each: ``syntax`` (markers, escape, newlines), ``markers`` and ``values``
(what a marker and its metadata mean, JSON types kept), ``marker_reading`` (a file's markers
read together), ``marker_tokens`` (a marker's text split into tag, title and pairs),
``value_batch``, ``value_kinds`` and ``json_bulk`` (a file's metadata values read at once), ``preamble`` (a
Jupytext YAML header, kept verbatim), ``header`` (the PEP 723 block and its TOML), ``strings``,
``pep8`` and ``layout`` (Jupytext's rules for where a cell starts and ends and the blank lines
between cells), ``percent`` and ``seed`` (the readers), ``reader`` (which reader), ``foreign``
(binary text and other tools' notebooks), ``finish`` (ids, SQL names), ``passwords``,
``writer`` (``dumps``), ``files`` (opening), ``atomic`` (saving).

Errors: :func:`parse` raises only :class:`NotebookFormatError` (with a line number) and runs in
linear time; :func:`load` adds :class:`NotebookFileError` (an ``OSError``) for a path that is
not a readable regular ``.py`` file of at most :data:`MAX_NOTEBOOK_BYTES`; saving raises
:class:`NotebookSaveError` (an ``OSError``) and leaves the file as it was.
"""

from __future__ import annotations

import os

from app.core.fileformat.atomic import (
    STALE_TEMP_SECONDS,
    remove_stale_temp_files,
    save_text,
    temp_file_pattern,
)
from app.core.fileformat.errors import NotebookFileError, NotebookFormatError, NotebookSaveError
from app.core.fileformat.files import (
    MAX_NOTEBOOK_BYTES,
    NOTEBOOK_SUFFIX,
    check_notebook_name,
    decode_notebook,
    read_notebook_bytes,
)
from app.core.fileformat.header import MAX_HEADER_CHARS
from app.core.fileformat.model import LoadedNotebook
from app.core.fileformat.passwords import strip_password
from app.core.fileformat.reader import loads, parse
from app.core.fileformat.syntax import ESCAPE, FORMAT_VERSION, MAX_CELLS, SourceFormat
from app.core.fileformat.writer import dumps
from app.core.notebook import Notebook

__all__ = [
    "ESCAPE",
    "FORMAT_VERSION",
    "MAX_CELLS",
    "MAX_HEADER_CHARS",
    "MAX_NOTEBOOK_BYTES",
    "NOTEBOOK_SUFFIX",
    "STALE_TEMP_SECONDS",
    "LoadedNotebook",
    "NotebookFileError",
    "NotebookFormatError",
    "NotebookSaveError",
    "SourceFormat",
    "check_notebook_name",
    "decode_notebook",
    "dumps",
    "load",
    "loads",
    "parse",
    "read_notebook_bytes",
    "remove_stale_temp_files",
    "save",
    "save_text",
    "strip_password",
    "temp_file_pattern",
]


def load(path: str | os.PathLike[str]) -> LoadedNotebook:
    """Open a notebook file: :class:`NotebookFileError` for a path that is not one,
    :class:`NotebookFormatError` for text that cannot be read (bytes that are not UTF-8 too)."""
    return parse(decode_notebook(read_notebook_bytes(path)))


def save(nb: Notebook, path: str | os.PathLike[str]) -> None:
    """Write ``nb`` atomically (see :func:`save_text`); ``ValueError`` from :func:`dumps` for a
    notebook that could not read back, before the file is touched."""
    save_text(dumps(nb), path)

"""Cell markers: what follows ``# %%``, read as Jupytext reads it, and written as it writes it.

``# %%[%…] title [kind] id="…" key=value …``: ``[markdown]``, ``[md]``, ``[raw]``, ``[sql]``
(and ``[python]``) set the kind; extra ``%`` signs are a Spyder sub-cell (``cell_depth``);
words before the first ``key=value`` are the ``title``; ``key="string"`` and ``key=<JSON>``
(``tags=["a", "b"]``) are metadata with their JSON types (:mod:`app.core.fileformat.values`);
a bare identifier after them (or a ``.class`` word) is a key without a value (``null``); a JSON
object right after the title (``# %% title {"tags": ["x"]}``) is metadata too. Unlike Jupytext,
keys keep their order and may repeat, so every notebook reads back exactly as it was written.

This module holds what a marker is and how one is written; a file's markers are read together
by :mod:`app.core.fileformat.marker_reading` (each split into its tag, title and pairs by
:mod:`app.core.fileformat.marker_tokens` or a faster way for the common shapes, then every
value of the file read at once by :mod:`app.core.fileformat.value_batch`), so that no shape
of marker costs more than a few passes in C per token.

A raw cell is a markdown cell whose metadata starts with ``cell_type="raw"`` (as the import
makes it); ``[md]`` keeps ``region_name="md"``. Both, the title and the depth are written back
in Jupytext's places when they lead the metadata in that order.
"""

from __future__ import annotations

import json
import re
from typing import NamedTuple

from app.core.fileformat.values import is_typed, marker_value, string_of
from app.core.notebook import Cell, CellKind

Meta = tuple[tuple[str, str], ...]

#: Jupytext's identifiers: a word that is a key without a value.
_IDENTIFIER = re.compile(r"[a-zA-Z_.][a-zA-Z0-9_.]*")
#: A title written as bare words reads back as itself.
_BARE_TITLE = re.compile(r'[^\s=\[\]{}"%][^\s=\[\]{}"]*(?: [^\s=\[\]{}"]+)*')
#: The markers Cascade writes for cells without other metadata (``id="…"``, a kind, a SQL
#: result name): read at once, to the same :class:`Marker` the general reader gives. Groups:
#: ``[markdown]``, ``[sql]``, the id, the name (only after ``[sql]``).
_SIMPLE_MARKER_TEXT = (
    r' (?:\[(markdown)\] |\[(?P<sql>sql)\] )?id="([0-9A-Za-z_-]+)"'
    r'(?(sql)(?: name="([A-Za-z_][A-Za-z0-9_]*)")?)'
)
SIMPLE_MARKER = re.compile(_SIMPLE_MARKER_TEXT)
#: A whole line holding such a marker, unindented (``rest`` and the groups above after it),
#: found by a search in C for ``# %%`` (the look-behind asks for a line start after it).
SIMPLE_MARKER_LINE = re.compile(
    rf"# %%(?<![^\n]# %%)(?P<rest>{_SIMPLE_MARKER_TEXT})$", re.MULTILINE
)
#: The longest marker text read (a marker is one line of a few words; this bounds the work).
MAX_MARKER_CHARS = 100_000

RAW = ("cell_type", "raw")
MD_REGION = ("region_name", "md")


class MarkerProblem(ValueError):
    """A marker that cannot be read; the reader adds the line number (``index``: which of the
    markers given to :func:`read_markers`)."""

    def __init__(self, message: str, index: int = 0) -> None:
        super().__init__(message)
        self.index = index


class Marker(NamedTuple):
    """What a marker says about its cell (``None``: not given)."""

    kind: CellKind
    cell_id: str | None
    name: str | None
    meta: Meta


PLAIN_PYTHON = Marker("python", None, None, ())
#: A :class:`Marker`'s fields as a plain tuple (the reader's fast path makes these).
MarkerFields = tuple[CellKind, str | None, str | None, Meta]
#: What follows ``# %%``, and the kind and id a seed marker gives before it (None: not given).
MarkerText = tuple[str, CellKind | None, str | None]


def simple_fields(
    markdown: str | None, sql: str | None, cell_id: str, name: str | None
) -> MarkerFields:
    """The fields of the marker :data:`_SIMPLE_MARKER` matched, from its groups (a plain tuple
    is made faster than a :class:`Marker`)."""
    return ("markdown" if markdown else "sql" if sql else "python", cell_id, name, ())


# -- writing -------------------------------------------------------------------------------------


def format_marker(cell: Cell, indent: str = "") -> str:
    """The marker line of ``cell`` as Jupytext writes one, plus Cascade's ``id`` (and ``name``
    for SQL) before the other metadata."""
    meta = list(cell.meta)
    tag = {"python": "", "sql": "[sql]", "markdown": "[markdown]"}[cell.kind]
    if cell.kind == "markdown" and meta[:1] == [RAW]:
        tag = "[raw]"
        del meta[0]
    elif cell.kind == "markdown" and meta[:1] == [MD_REGION]:
        tag = "[md]"
        del meta[0]
    words = []
    if meta and meta[0][0] == "title":
        title = string_of(meta[0][1])
        if title is not None and _BARE_TITLE.fullmatch(title) and not _ends_in_dot_word(title):
            words.append(title)
            del meta[0]
    depth = 0
    if meta and meta[0][0] == "cell_depth" and meta[0][1] in ("1", "2", "3", "4", "5", "6"):
        depth = int(meta[0][1])
        del meta[0]
    if tag:
        words.append(tag)
    parts = [" ".join(words)] if words else []
    parts.append(f"id={json.dumps(cell.id)}")
    if cell.kind == "sql":
        parts.append(f"name={json.dumps(cell.name or '')}")
    parts.extend(_pair(key, value) for key, value in meta)
    options = " ".join(parts)
    return f"{indent}# %%{'%' * depth} {options}" if depth else f"{indent}# %% {options}"


def _ends_in_dot_word(title: str) -> bool:
    return title.rsplit(" ", 1)[-1].startswith(".")


def _pair(key: str, value: str) -> str:
    if value == "null" and _IDENTIFIER.fullmatch(key):
        return key
    return f"{key}={value}" if is_typed(value) else f"{key}={marker_value(value)}"

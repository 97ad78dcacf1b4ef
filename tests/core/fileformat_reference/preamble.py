"""The preamble: what Jupytext keeps at the top of a file outside every cell, kept verbatim.

Jupytext's rule (``header_to_metadata_and_cell``): an optional ``#!`` line, an optional
encoding line (``# -*- coding: utf-8 -*-``), then a YAML header of comment lines, ``# ---`` …
``# ---`` (only ``#`` lines before its opening), and the one blank line after it. Without a
complete YAML header only the ``#!`` and encoding lines belong to the preamble. Cascade keeps
these lines as :attr:`Notebook.preamble`, writes them back first, and never makes a cell of
them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Protocol

_ENCODING = re.compile(r"[ \t\f]*#.*?coding[:=][ \t]*[-_.a-zA-Z0-9]+")
_YAML_FENCE = re.compile(r"---\s*")


def _uncomment(line: str) -> str:
    if line.startswith("# "):
        return line[2:]
    return line[1:] if line.startswith("#") else line


class Lines(Protocol):
    """The lines of a file, indexable and iterable (a list, or lines split as they are read)."""

    def __getitem__(self, index: int, /) -> str: ...

    def __iter__(self) -> Iterator[str]: ...


def preamble_length(lines: Lines) -> int:
    """How many of ``lines`` (a file split at ``\\n``) make its preamble."""
    start = 0
    opened = False
    for index, line in enumerate(lines):  # a lazy sequence: stops reading where it decides
        if index == 0 and line.startswith("#!"):
            start = 1
            continue
        if (index == 0 or (index == 1 and not _ENCODING.match(lines[0]))) and _ENCODING.match(line):
            start = index + 1
            continue
        if not line.startswith("#"):
            return start
        text = _uncomment(line)
        if _YAML_FENCE.fullmatch(text):
            if not opened:
                opened = True
                continue
            end = index + 1
            try:
                following: str | None = lines[end]
            except IndexError:
                following = None
            if following is not None and not _uncomment(following).strip():
                end += 1
            return end
        if not opened and text.strip():
            return start
    return start

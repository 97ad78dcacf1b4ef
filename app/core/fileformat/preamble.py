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


#: Before a YAML header opens, the line that decides (from the third line on): a fence (group
#: 1), a line that is no comment, or a comment with text.
_BEFORE_HEADER = re.compile(r"^(?:(#(?: )?---[^\S\n]*$)|(?!#|\Z)|#(?=[^\n]*\S))", re.M)
#: Inside it, the line that decides: a fence (group 1), or a line that is no comment.
_IN_HEADER = re.compile(r"^(?:(#(?: )?---[^\S\n]*$)|(?!#|\Z))", re.M)


def preamble_end(text: str) -> int:
    """Where the preamble of ``text`` ends: the offset after the :func:`preamble_length`
    lines of ``text`` split at newlines. The first two lines (a ``#!``, an encoding) are read
    as :func:`preamble_length` reads them; the lines after are searched in C for the one that
    decides (a file of a million comment lines is not read line by line)."""
    start = 0  # where the preamble ends if no YAML header completes
    opened = False
    pos = 0
    first = ""
    for index in range(2):
        if pos >= len(text):
            return start
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line, next_pos = text[pos:end], end + 1
        if index == 0:
            first = line
        if index == 0 and line.startswith("#!"):
            start, pos = min(next_pos, len(text)), next_pos
            continue
        if (index == 0 or (index == 1 and not _ENCODING.match(first))) and _ENCODING.match(line):
            start, pos = min(next_pos, len(text)), next_pos
            continue
        if not line.startswith("#"):
            return start
        uncommented = _uncomment(line)
        if _YAML_FENCE.fullmatch(uncommented):
            if opened:
                return _after_header(text, next_pos)
            opened = True
        elif not opened and uncommented.strip():
            return start
        pos = next_pos
    if pos >= len(text):
        return start
    if not opened:
        found = _BEFORE_HEADER.search(text, pos)
        if found is None or found[1] is None:
            return start
        pos = text.find("\n", found.end()) + 1
        if pos == 0:
            return start
    found = _IN_HEADER.search(text, pos)
    if found is None or found[1] is None:
        return start
    return _after_header(text, found.end() + 1)


def _after_header(text: str, pos: int) -> int:
    """Where the preamble ends when the YAML header's closing line ends at ``pos``: after the
    line that follows, if it is blank (uncommented)."""
    if pos >= len(text):
        return len(text)
    end = text.find("\n", pos)
    end = len(text) if end < 0 else end
    if not _uncomment(text[pos:end]).strip():
        return min(end + 1, len(text))
    return pos

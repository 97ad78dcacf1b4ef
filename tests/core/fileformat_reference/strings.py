"""Whether a line starts inside a Python string: Jupytext's rule, so that a ``# %%`` line in a
triple-quoted string is text, not a cell marker, for Cascade exactly as for Jupytext.

A port of Jupytext's ``StringParser`` (``jupytext/stringparser.py``, MIT licence) for Python
code: a comment line outside strings is skipped, ``#`` ends the scan of a line, single-quoted
strings end with their line, triple-quoted ones run on. Text holding no triple quote leaves a
parser that is outside strings where it was (the reader's fast path).
"""

from __future__ import annotations

import re

_INTERESTING = re.compile(r"[\"'#]")


class StringParser:
    """Reads lines one at a time and tells whether the next one starts inside a string."""

    __slots__ = ("single", "triple", "triple_start")

    def __init__(self) -> None:
        self.single: str | None = None
        self.triple: str | None = None
        self.triple_start = -1

    def is_quoted(self) -> bool:
        return bool(self.single or self.triple)

    def read_line(self, line: str) -> None:
        triple = self.triple
        if triple is None and self.single is None:
            if ('"' not in line and "'" not in line) or line.lstrip().startswith("#"):
                return  # nothing here can open a string
        elif triple is not None and triple not in line:
            return  # nothing here can close it
        self.triple_start = -1
        for found in _INTERESTING.finditer(line):
            i = found.start()
            char = line[i]
            if char == "#":
                if self.single is None and self.triple is None:
                    break
                continue
            if line[i - 1 : i] == "\\":
                continue
            if self.single == char:
                self.single = None
                continue
            if self.single is not None:
                continue
            if line[i - 2 : i + 1] == 3 * char and i >= self.triple_start + 3:
                if self.triple == char:
                    self.triple = None
                    self.triple_start = i
                    continue
                if self.triple is not None:
                    continue
                self.triple = char
                self.triple_start = i
                continue
            if self.triple is not None:
                continue
            self.single = char
        self.single = None

    def read_lines(self, lines: list[str] | tuple[str, ...]) -> None:
        read_line = self.read_line
        for line in lines:
            read_line(line)

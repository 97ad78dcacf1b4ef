"""Exact places in a cell's text: AST positions as string offsets, and text edits applied there.

The converters rewrite user code by editing its text at the positions the AST gives, never by
regenerating it (``ast.unparse`` would drop comments and reformat everything). ``ast`` column
offsets count UTF-8 bytes; :class:`SourceText` turns them into ``str`` offsets. Names that have
no node of their own (``def NAME``, ``global NAME``, ``case [*NAME]``) are found among the
tokens inside their statement's span.
"""

from __future__ import annotations

import ast
import bisect
import io
import tokenize
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

__all__ = ["Edit", "EditConflict", "SourceText", "apply_edits"]


class EditConflict(ValueError):
    """An edit does not fit the text: overlapping edits, or the text at a place is not what
    the edit expected (so applying it would corrupt the code)."""


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` (which must equal ``expected`` when given) by ``new``."""

    start: int
    end: int
    new: str
    expected: str | None = None


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with every edit applied; edits may come in any order but must not overlap
    (two insertions at one place keep their given order)."""
    ordered = sorted(enumerate(edits), key=lambda item: (item[1].start, item[1].end, item[0]))
    pieces: list[str] = []
    position = 0
    for _, edit in ordered:
        if edit.start < position or edit.end < edit.start or edit.end > len(text):
            raise EditConflict(f"overlapping or out-of-range edit at offset {edit.start}")
        if edit.expected is not None and text[edit.start : edit.end] != edit.expected:
            found = text[edit.start : edit.end]
            raise EditConflict(
                f"expected {edit.expected!r} at offset {edit.start}, found {found!r}"
            )
        pieces.append(text[position : edit.start])
        pieces.append(edit.new)
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces)


class SourceText:
    """A cell's code with conversions from AST positions to offsets, and its NAME tokens."""

    def __init__(self, code: str) -> None:
        self.code = code
        self._lines = code.split("\n")
        starts = [0]
        for line in self._lines[:-1]:
            starts.append(starts[-1] + len(line) + 1)
        self._starts = starts

    def offset(self, lineno: int, col_byte: int) -> int:
        """The ``str`` offset of an AST position (1-based line, UTF-8 byte column)."""
        line = self._lines[lineno - 1]
        if line.isascii():
            column = col_byte
        else:
            column = len(line.encode("utf-8")[:col_byte].decode("utf-8", errors="ignore"))
        return self._starts[lineno - 1] + column

    def token_offset(self, row: int, col: int) -> int:
        """The offset of a ``tokenize`` position (1-based row, column in characters)."""
        return self._starts[row - 1] + col

    def start(self, node: ast.AST) -> int:
        return self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]

    def end(self, node: ast.AST) -> int:
        return self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]

    def line_start(self, offset: int) -> int:
        """Offset of the first character of the line holding ``offset``."""
        return self._starts[bisect.bisect_right(self._starts, offset) - 1]

    @cached_property
    def names(self) -> tuple[tuple[int, str], ...]:
        """Every NAME token as (offset, text), in order (empty if the code does not tokenize)."""
        found: list[tuple[int, str]] = []
        try:
            for token in tokenize.generate_tokens(io.StringIO(self.code).readline):
                if token.type == tokenize.NAME:
                    found.append((self.token_offset(*token.start), token.string))
        except (tokenize.TokenError, SyntaxError):
            return ()
        return tuple(found)

    def names_between(self, start: int, end: int) -> Sequence[tuple[int, str]]:
        """NAME tokens whose first character lies in ``[start, end)``."""
        names = self.names
        low = bisect.bisect_left(names, (start, ""))
        high = bisect.bisect_left(names, (end, ""))
        return names[low:high]

    def name_in(self, node: ast.AST, name: str, *, last: bool = False) -> int | None:
        """Offset of the first (or last) NAME token ``name`` inside ``node``'s span."""
        tokens = [
            offset
            for offset, text in self.names_between(self.start(node), self.end(node))
            if text == name
        ]
        if not tokens:
            return None
        return tokens[-1] if last else tokens[0]

    def defined_name(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
    ) -> int | None:
        """Offset of the name after ``def``/``class`` (decorators come before the node's start)."""
        keyword = "class" if isinstance(node, ast.ClassDef) else "def"
        tokens = self.names_between(self.start(node), self.end(node))
        for index, (_, text) in enumerate(tokens[:-1]):
            if text == keyword and tokens[index + 1][1] == node.name:
                return tokens[index + 1][0]
        return None

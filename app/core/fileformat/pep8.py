"""How many blank lines Jupytext puts between two cells of a ``.py`` file (PEP 8: two around a
function or class, else one), so that Cascade writes the same layout and reads the same cells.

A port of ``jupytext/pep8.py`` (MIT licence) working on line indexes, and with the scan of what
follows a cell memoised per cell (:class:`NextIsDefinition`), so that a notebook of many
comment-only cells costs linear time rather than a rescan of the rest of the file per cell.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.core.fileformat.strings import (
    LINE_TOKEN,
    StringParser,
    scan_outside_strings,
    unquoted_lines,
)

_DEFINITION = ("def ", "async ", "class ")
#: First characters of a line that cannot decide :func:`ends_with_definition` (``""``: none).
_NOT_CODE = ("", "#", ")")


def starts_definition(line: str) -> bool:
    """Whether a line starts as a definition does, the one kind of line that makes PEP 8's
    count two (at the start of a line: in a string too, which a caller may not know)."""
    return line.startswith(_DEFINITION)


def last_definition_line(text: str, start: int) -> int:
    """The offset of the last line of ``text`` at or after offset ``start`` (a line's start)
    that :func:`starts_definition`; -1 for none. A few searches in C, for a whole file."""
    last = 0 if start == 0 and starts_definition(text) else -1
    for prefix in _DEFINITION:
        found = text.rfind("\n" + prefix, max(start - 1, 0))
        if found >= 0:
            last = max(last, found + 1)
    return last


def _blank(line: str) -> bool:
    return not line.strip()


def all_comment_lines(lines: Sequence[str]) -> bool:
    """Whether every line starts with ``#`` (checked in C: markdown cells are all such)."""
    if not lines:
        return True
    if not lines[0].startswith("#") or not lines[-1].startswith("#"):
        return False  # most cells tell at once
    joined = "\n".join(lines)
    return joined.startswith("#") and joined.count("\n#") == len(lines) - 1


def _comments_then_a_blank(lines: Sequence[str]) -> bool:
    """Comment lines, then at most one blank line: a cell a forward scan passes undecided."""
    if lines and _blank(lines[-1]):
        lines = lines[:-1]
        if lines and _blank(lines[-1]):
            return False
    return all_comment_lines(lines)


def _unquoted_lines(lines: Sequence[str]) -> Sequence[str]:
    joined = "\n".join(lines)
    if '"""' not in joined and "'''" not in joined:
        return lines
    kept = []
    parser = StringParser()
    for line in lines:
        if not parser.is_quoted():
            kept.append(line)
        parser.read_line(line)
    return kept


def ends_with_definition(lines: Sequence[str]) -> bool:
    """Does the cell end inside a function or class (its last unindented line is one)?"""
    last = lines[-1] if lines else ""
    if last[:1] not in _NOT_CODE and not last[0].isspace() and len(lines) == 1:
        return last.startswith(_DEFINITION)  # one line of code, not in a string: it decides
    if all_comment_lines(lines):
        return False
    unquoted = _unquoted_lines(lines)
    previous_blank = False
    for line in reversed(unquoted):
        if _blank(line):
            if previous_blank:
                return False
            previous_blank = True
            continue
        previous_blank = False
        if line.startswith(("#", " ", ")")):
            continue
        return line.startswith(_DEFINITION)
    return False


def ends_with_code(lines: Sequence[str]) -> bool:
    return bool(lines) and bool(lines[-1].strip()) and not lines[-1].startswith("#")


class _ForwardScan:
    """A question about the rest of the file from the start of cell ``k`` on, answered by a scan
    that stops at its first decisive line; memoised per cell.

    ``cells[k]`` are the lines of cell ``k``, from its marker to the next marker (separator
    blank lines included). A scan that ends a cell undecided, outside a string, goes on exactly
    as the scan of the next cell starts (its marker is a comment line, not blank), so the memo
    of the next cell answers it. Entries above ``k`` must be final when ``k`` is asked.
    """

    def __init__(self, cells: Sequence[Sequence[str]]) -> None:
        self._cells = cells
        self._memo: dict[int, bool] = {}
        self._lowest = len(cells)  # every cell from here on has its answer

    def __call__(self, k: int) -> bool:
        for index in range(self._lowest - 1, k - 1, -1):  # fill from the end: no recursion
            self._memo[index] = self._scan(index)
            self._lowest = index
        return self._memo[k]

    def _scan(self, k: int) -> bool:
        lines = self._cells[k]
        first = lines[0] if lines else ""
        if len(lines) > 1 and first.lstrip().startswith("#") and self._decide(first, False) is None:
            # A comment line (a marker) that decides nothing leaves the parser outside strings:
            # most cells are decided by the line after it, as the full scan would find.
            decided = self._decide(lines[1], False)
            if decided is not None:
                return decided
        return self._scan_lines(k)

    def _scan_lines(self, k: int) -> bool:
        parser = StringParser()
        index = k
        while index < len(self._cells):
            lines = self._cells[index]
            if not parser.is_quoted() and _comments_then_a_blank(lines):
                lines = ()  # comment lines decide nothing and open no string
            for i, line in enumerate(lines):
                if parser.is_quoted():
                    parser.read_line(line)
                    continue
                parser.read_line(line)
                decided = self._decide(line, i > 0 and _blank(lines[i - 1]))
                if decided is not None:
                    return decided
            index += 1
            if not parser.is_quoted() and index in self._memo:
                return self._memo[index]
        return False

    @staticmethod
    def _decide(line: str, previous_blank: bool) -> bool | None:
        raise NotImplementedError


class NextIsDefinition(_ForwardScan):
    """Is the first instruction from cell ``k`` on a function or class definition?
    (Jupytext's ``next_instruction_is_function_or_class``.)"""

    @staticmethod
    def _decide(line: str, previous_blank: bool) -> bool | None:
        if not line.strip():  # (_blank, inlined: a call per line of the file)
            return False if previous_blank else None
        if line.startswith(_DEFINITION):
            return True
        if line.startswith(("#", "@", " ", ")")):
            return None
        return False


class NextHasCode(_ForwardScan):
    """Is there code from cell ``k`` on before two consecutive blank lines? (``cell_has_code``;
    it reads no strings, but a line inside one is code to it as to Jupytext.)"""

    @staticmethod
    def _decide(line: str, previous_blank: bool) -> bool | None:
        stripped = line.strip()
        if stripped.startswith("#"):
            return None
        if not stripped:
            return False if previous_blank else None
        return True


# -- the same rules on a cell's text, by searches in C (the reader) -----------------------------

#: In lines reversed (the last first, each reversed): where the backward scan of
#: :func:`ends_with_definition` stops: a line that is not blank and does not start with
#: ``#``, `` `` or ``)`` (group 1, the line; it ends so, reversed), or the second of two blank
#: lines.
_LAST_DECIDING = re.compile(r"^(?:(?=[^\n]*\S)([^\n]*+)(?<![# )])$|[^\S\n]*+\n[^\S\n]*+$)", re.M)
#: Where :class:`NextHasCode` decides in a cell's text: a line of code (group 1), or the
#: second of two blank lines.
_HAS_CODE = re.compile(r"^(?:[^\S\n]*+([^#\s])|[^\S\n]*+\n(?:[^\S\n]*+\n|[^\S\n]++\Z))", re.M)
#: A line outside strings as :class:`StringParser` reads it, to its end: with each string in
#: triple quotes it opens, through the line where that string ends.
_LINE_BODY = f"(?:{LINE_TOKEN})*+"
#: From a cell's marker line, the lines :class:`NextIsDefinition` passes over: lines outside
#: strings that start with ``#``, ``@``, `` `` or ``)`` (and the strings they open), each
#: maybe after one blank line. It stops at the line that decides, if any.
_PASSED_OVER = re.compile(
    rf"(?:(?:[^\S\n]*+\n)?(?=[#@ )])(?![^\S\n]*+(?:\n|\Z)){_LINE_BODY}(?:\n|\Z))*+"
)
#: The same for text without quotes (no string to read through: a line is its characters).
_PASSED_OVER_NO_QUOTES = re.compile(
    r"(?:(?:[^\S\n]*+\n)?(?=[#@ )])(?![^\S\n]*+(?:\n|\Z))[^\n]*+(?:\n|\Z))*+"
)
#: Where it stops: maybe a blank line, then a definition (group 1), another line (not blank),
#: or a second blank line (group 2); or the end, or a line whose string does not end (no
#: match: the scan goes on, in strings).
_DECIDING = re.compile(
    r"(?:[^\S\n]*+\n)?(?:(def |async |class )|(?=[^\n]*\S)[^\n]|([^\S\n]*+(?:\n|\Z)))"
)


def text_ends_with_definition(text: str) -> bool:
    """:func:`ends_with_definition` of the lines of ``text`` (joined by newlines): the last
    line outside strings that is not blank, a comment, indented or ``)`` starts as a
    definition does, with no two blank lines after it."""
    reversed_text = text[::-1]
    found = _LAST_DECIDING.search(reversed_text)
    if found is not None:
        start = len(text) - found.end()  # where the lines from the one that decides start
        tail = text[start:]
        if '"""' in tail or "'''" in tail or scan_outside_strings(text, 0, start) < start:
            # A string may hide lines there: read the lines outside strings instead (with no
            # string open where that line starts and no triple quote after, none is hidden).
            found = _LAST_DECIDING.search(unquoted_lines(text)[::-1])
    return found is not None and found[1] is not None and found[1][::-1].startswith(_DEFINITION)


def text_ends_with_code(text: str) -> bool:
    """:func:`ends_with_code` of the lines of ``text`` (joined by newlines)."""
    last = text[text.rfind("\n") + 1 :]
    return bool(last.strip()) and not last.startswith("#")


def has_code_in(text: str) -> bool | None:
    """What :class:`NextHasCode` decides in ``text`` (a cell: its marker line first), or None
    (the scan goes on in the next cell)."""
    found = _HAS_CODE.search(text)
    return None if found is None else found[1] is not None


def next_is_definition_in(text: str) -> bool | None:
    """What :class:`NextIsDefinition` decides in ``text`` (a cell, from its marker line: no
    string open there), or None (the scan goes on in the next cell)."""
    passed_over = _PASSED_OVER if '"' in text or "'" in text else _PASSED_OVER_NO_QUOTES
    passed = passed_over.match(text).end()  # type: ignore[union-attr]
    if passed == len(text):
        return None
    found = _DECIDING.match(text, passed)
    if found is None or (found[2] is not None and found.end() == len(text) and not found[2]):
        return None  # (in a string that does not end, or at the end after one blank line)
    return found[1] is not None

"""How many blank lines Jupytext puts between two cells of a ``.py`` file (PEP 8: two around a
function or class, else one), so that Cascade writes the same layout and reads the same cells.

A port of ``jupytext/pep8.py`` (MIT licence) working on line indexes, and with the scan of what
follows a cell memoised per cell (:class:`NextIsDefinition`), so that a notebook of many
comment-only cells costs linear time rather than a rescan of the rest of the file per cell.
"""

from __future__ import annotations

from collections.abc import Sequence

from tests.core.fileformat_reference.strings import StringParser

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

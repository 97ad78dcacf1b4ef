"""The layout rules the percent reader and the writer share, as Jupytext applies them: where a
cell's text ends (up to two blank lines before the next marker are layout), how many blank lines
follow it, and markdown cells written as a triple-quoted string.

The number of blank lines after a cell is PEP 8's (:mod:`app.core.fileformat.pep8`); another
number is kept in the cell's metadata as ``lines_to_next_cell``, as Jupytext does. A markdown
cell read from a triple-quoted string gets ``cell_marker`` (``\"\"\"``) and is written back so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from app.core.fileformat.pep8 import (
    NextHasCode,
    NextIsDefinition,
    ends_with_code,
    ends_with_definition,
    has_code_in,
    next_is_definition_in,
    text_ends_with_code,
    text_ends_with_definition,
)
from app.core.fileformat.syntax import split_lines

LINES_TO_NEXT_CELL = "lines_to_next_cell"
CELL_MARKER = "cell_marker"


def is_blank(line: str) -> bool:
    """Only whitespace (``str.isspace``'s, the same as a regex's ``\\s``)."""
    return not line.strip()


def content_end(cell: Sequence[str], first: int = 1) -> int:
    """Where the text of a cell (its marker at ``cell[0]``, or none with ``first == 0``) ends:
    two blank lines at its end are layout, else one (Jupytext's ``find_cell_end``)."""
    size = len(cell)
    if size <= first or cell[-1].strip():  # (``strip``: is_blank, inlined)
        return size
    if size >= 3 and not cell[-2].strip() and cell[-3].strip():
        return size - 2
    return size - 1


#: Cells shorter than this are cut by their lines (fewer steps than the searches, for them).
_SPLIT_BELOW = 400


def cut_cell(cell: str, split_below: int = _SPLIT_BELOW) -> tuple[str, int, int]:
    """``(text, end, size)`` of a cell's text (its marker line first, up to the next marker):
    what :func:`content_end` of its ``size`` lines says (``end``), and the text those lines
    hold, joined by newlines — for a cell of ``split_below`` characters or more, found by
    searches in C, without a string per line (a cell may hold thousands of lines)."""
    if len(cell) < split_below:
        lines = split_lines(cell)
        end = content_end(lines)
        return "\n".join(lines[1:end]), end, len(lines)
    size = cell.count("\n") + (0 if cell.endswith("\n") else 1)
    body = cell[cell.find("\n") + 1 :] if size > 1 else ""
    kept = len(body.rstrip())  # up to the last line that is not blank (whitespace-only)
    final = 1 if body.endswith("\n") else 0
    blanks = body.count("\n", kept) - final if kept else size - 1  # blank lines at the end
    removed = 0 if not blanks else 2 if blanks == 2 else 1
    stop = len(body) - final
    for _ in range(removed):
        stop = max(body.rfind("\n", 0, stop), 0)
    return body[:stop], size - removed, size


def lines_after(end: int, size: int, last: bool) -> int:
    """The blank lines Jupytext counts after a cell whose text ends at ``end`` of ``size``
    lines (``count_lines_to_next_cell``; the end of the file counts as one more)."""
    if not last:
        return size - end
    return size - end + 1 if end < size else 1


class Spacing:
    """The blank lines PEP 8 wants after each cell of a file, given every cell's lines (marker
    to next marker, blank lines included). Entries above ``k`` must be final when ``k`` is
    asked (the writer fills them from the end).

    ``last_definition``: the last cell holding a line that starts as a definition does
    (:func:`~app.core.fileformat.pep8.starts_definition`), when the caller knows it: after it
    the count is one, without a look at any line (both of PEP 8's twos need such a line, in the
    cell or after it)."""

    def __init__(self, cells: Sequence[Sequence[str]], last_definition: int | None = None) -> None:
        self._cells = cells
        self._has_code = NextHasCode(cells)
        self._is_definition = NextIsDefinition(cells)
        self._last_definition = len(cells) if last_definition is None else last_definition

    def expected(self, k: int, text: Sequence[str] | str) -> int:
        """After cell ``k`` whose text (marker excluded) is ``text``: its lines, or them joined
        by newlines (split only when they are looked at)."""
        if k + 1 >= len(self._cells) or k > self._last_definition:
            return 1
        if isinstance(text, str):
            text = text.split("\n")  # ("" is no line or one empty line: the same to PEP 8)
        prev = text or [""]
        if ends_with_definition(prev):
            return 2 if self._has_code(k + 1) else 1
        # Jupytext's lines_between, the scan of what follows only when the cell ends with code
        return 2 if ends_with_code(prev) and self._is_definition(k + 1) else 1


class TextSpacing:
    """:class:`Spacing` of the cells of a text (each from ``starts[k]`` to ``stops[k]``): the
    same counts, each decided by a few searches in C of the cell's text (and of those after
    it), whatever it holds, not by a step of Python per line."""

    def __init__(
        self, text: str, starts: list[int], stops: list[int], last_definition: int
    ) -> None:
        self._text = text
        self._starts = starts
        self._stops = stops
        self._last_definition = last_definition
        count = len(starts)
        self._has_code: list[bool | None] = [None] * count + [False]
        self._is_definition: list[bool | None] = [None] * count + [False]

    def expected(self, k: int, text: str) -> int:
        """After cell ``k`` whose text (marker excluded) is ``text`` (its lines joined)."""
        if k + 1 >= len(self._starts) or k > self._last_definition:
            return 1
        # Spacing's rule (after a definition, two if code follows; after code, two if a
        # definition follows), its cheap questions first: a definition that follows is code.
        if not self._next(k + 1, self._has_code, has_code_in):
            return 1
        if self._next(k + 1, self._is_definition, next_is_definition_in):
            return 2 if text_ends_with_code(text) or text_ends_with_definition(text) else 1
        return 2 if text_ends_with_definition(text) else 1

    def _next(self, k: int, memo: list[bool | None], decide: Callable[[str], bool | None]) -> bool:
        """What ``decide`` says from cell ``k`` on: in the first cell where it decides, each
        cell's answer kept (filled from the last cell: no recursion, each cell read once)."""
        answer = memo[k]
        if answer is not None:
            return answer
        index = k
        while memo[index] is None:
            index += 1
        for cell in range(index - 1, k - 1, -1):
            found = decide(self._text[self._starts[cell] : self._stops[cell]])
            memo[cell] = memo[cell + 1] if found is None else found
        return memo[k]  # type: ignore[return-value]


# -- triple-quoted markdown ------------------------------------------------------------------

_QUOTES = ('"""', "'''")


def unquote_markdown(text: str) -> tuple[str, str] | None:
    """``(content, cell_marker)`` when a markdown cell's text is one triple-quoted string."""
    stripped = text.strip()
    for prefix in ("", "r", "R"):
        for quote in _QUOTES:
            left, right = prefix + quote, quote
            if not (stripped.startswith(left) and stripped.endswith(right)):
                continue
            if len(stripped) < len(left) + len(right):
                continue
            content = stripped[len(left) : -len(right)]
            if content.startswith("\n"):
                content = content[1:]
                left += "\n"
            if content.endswith("\n"):
                content = content[:-1]
                right = "\n" + right
            if not prefix and len(left) == len(right) == 4:
                return content, left[:3]
            if prefix and len(left[1:]) == len(right) == 4:
                return content, left[:4]
            return content, f"{left},{right}"
    return None


def quote_markdown(content: str, marker: str) -> str | None:
    """The text of a markdown cell written as a triple-quoted string (``None``: ``marker`` is
    not one Jupytext writes so)."""
    if "," in marker:
        left, right = marker.split(",", 1)
    else:
        left = marker + "\n"
        right = "\n" + (marker[1:] if marker.startswith(("r", "R")) else marker)
    rightmost = right[-3:]
    if rightmost not in _QUOTES:
        return None
    if not (left[:3] == rightmost or (left[:1] in ("r", "R") and left[1:4] == rightmost)):
        return None
    return left + content + right

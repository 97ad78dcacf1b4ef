"""The layout rules the percent reader and the writer share, as Jupytext applies them: where a
cell's text ends (up to two blank lines before the next marker are layout), how many blank lines
follow it, and markdown cells written as a triple-quoted string.

The number of blank lines after a cell is PEP 8's (:mod:`app.core.fileformat.pep8`); another
number is kept in the cell's metadata as ``lines_to_next_cell``, as Jupytext does. A markdown
cell read from a triple-quoted string gets ``cell_marker`` (``\"\"\"``) and is written back so.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.core.fileformat.pep8 import (
    NextHasCode,
    NextIsDefinition,
    ends_with_code,
    ends_with_definition,
)

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

    def expected(self, k: int, text: Sequence[str]) -> int:
        """After cell ``k`` whose text (marker excluded) is ``text``."""
        if k + 1 >= len(self._cells) or k > self._last_definition:
            return 1
        prev = text or [""]
        if ends_with_definition(prev):
            return 2 if self._has_code(k + 1) else 1
        # Jupytext's lines_between, the scan of what follows only when the cell ends with code
        return 2 if ends_with_code(prev) and self._is_definition(k + 1) else 1


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

"""Many cells' code parsed by one ``ast.parse`` of their text joined, each cell given the
statements that lie in its lines: a notebook of thousands of small cells opens without an
``ast.parse`` call (and its fixed cost) per cell.

The cells are joined :data:`CHUNK_LINES` lines at a time, each chunk's statements handed out
before the next chunk is parsed: the syntax tree of a chunk is walked while it is still in the
processor's cache and freed before the next is built, where one tree of a 10,000-cell notebook
(hundreds of thousands of objects, tens of megabytes) would be built whole, walked from memory
and freed at the end; line numbers below 257 are also shared integers rather than a new object
per node. Analysing 10,000 one-line cells took 130 ms in chunks and 196 ms as one text (10,000
cells of typical code, 28,000 lines: 462 ms and 773 ms); chunks of 50 to 100 lines were equally
fast, a parse per cell slower (its fixed cost).

A cell gets statements only when they are exactly what parsing it alone gives. Its text is read
alone when the joined parse could differ: a statement that starts in one cell and ends in
another (an open bracket or string, a decorator above the next cell's ``def``, an indented next
cell), a cell that ends with a line continuation and the cell after it (a blank or comment line
in the next cell would end it, where the end of the text is an error), a carriage return (a line
break to the parser and to no line count here), or a joined text that does not parse (the cell
where it fails is read alone, the cells around it are parsed together again, as long as the
failed parses stay within twice the length of the text). A cell with a syntax error, or one that
parses only alone (a leading byte-order mark), is always read alone, so its error message and
its line and column, relative to the cell, are those of parsing it alone. The first cell of a
chunk follows no other text, as when it is parsed alone.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterator, Sequence
from typing import Final

Body = list[ast.stmt] | None
Bodies = list[Body]

#: Lines of code joined into one parse (a cell longer than that is parsed by itself).
CHUNK_LINES: Final = 64

#: The few characters that make the joined parse unlike the parse of each cell.
_UNSAFE = ("\r", "barry_as_FLUFL")

#: Statements whose decorators come before their own first line.
_DECORATED: Final = frozenset(
    kind
    for kind in vars(ast).values()
    if isinstance(kind, type) and "decorator_list" in getattr(kind, "_fields", ())
)


def parse_together(codes: Sequence[str]) -> Iterator[Body]:
    """Each code's top-level statements, or ``None`` where it must be parsed alone, in order;
    a chunk of codes is parsed when the first of its statements is asked for."""
    low, count = 0, len(codes)
    while low < count:
        high = low
        lines: list[int] = []  # each code's lines
        total = 0
        while high < count and total < CHUNK_LINES:
            own = codes[high].count("\n") + 1
            lines.append(own)
            total += own
            high += 1
        yield from _parse_chunk(codes[low:high], lines)
        low = high


def _parse_chunk(codes: Sequence[str], lines: Sequence[int]) -> Bodies:
    """:func:`parse_together` of one chunk: ``codes`` with the number of lines of each."""
    bodies: Bodies = [None] * len(codes)
    budget = 2 * sum(len(code) + 1 for code in codes)  # characters failed parses may take
    todo = [(0, len(codes))]
    # Invalid escape sequences warn while parsing; the worker reports them when the cell runs.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        while todo:
            low, high = todo.pop()
            if high - low < 2:
                continue  # one cell is parsed alone anyway
            source = "\n".join(codes[low:high])
            if any(unsafe in source for unsafe in _UNSAFE):
                continue
            try:
                module = ast.parse(source)
            except SyntaxError as error:
                budget -= len(source)
                if budget >= 0:
                    bad = low + _cell_at(lines, low, high, error.lineno or 1)
                    todo += [(low, bad), (bad + 1, high)]
                continue
            except (ValueError, RecursionError, MemoryError):
                continue  # null bytes, absurd nesting: each cell says which
            _share(module.body, codes, lines, low, high, bodies)
    return bodies


def _cell_at(lines: Sequence[int], low: int, high: int, line: int) -> int:
    """Which of the codes ``low:high`` (joined) holds 1-based ``line`` (the last one past it)."""
    first = 1
    for index in range(low, high):
        first += lines[index]
        if line < first:
            return index - low
    return high - 1 - low


def _share(
    statements: list[ast.stmt],
    codes: Sequence[str],
    lines: Sequence[int],
    low: int,
    high: int,
    bodies: Bodies,
) -> None:
    """Give each cell of ``codes[low:high]`` its statements, or ``None`` (parse it alone)."""
    starts = [1]  # the first line of each cell in the joined text, then one past the end
    for index in range(low, high):
        starts.append(starts[-1] + lines[index])
    found: Bodies = [[] for _ in range(high - low)]
    cell = 0
    for statement in statements:
        first = statement.lineno
        if type(statement) in _DECORATED:
            decorators = statement.decorator_list  # type: ignore[attr-defined]
            if decorators:
                first = min(first, *(decorator.lineno for decorator in decorators))
        while starts[cell + 1] <= first:
            cell += 1
        end = statement.end_lineno or first
        if end < starts[cell + 1]:  # the common case: the statement ends in its cell
            own = found[cell]
            if own is not None:
                own.append(statement)
            continue
        last = cell
        while starts[last + 1] <= end:
            last += 1
        found[cell : last + 1] = [None] * (last + 1 - cell)  # one statement, many cells
    continued = False  # the cell before ends with a line continuation: joined to this one
    for index, body in enumerate(found, start=low):
        code = codes[index]
        continues = "\\" in code and code.rstrip().endswith("\\")
        if body is not None and not continues and not continued:
            bodies[index] = body
        continued = continues

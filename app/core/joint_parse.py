"""Many cells' code parsed by one ``ast.parse`` of their text joined, each cell given the
statements that lie in its lines: a notebook of thousands of small cells opens without an
``ast.parse`` call (and its fixed cost) per cell.

A cell gets statements only when they are exactly what parsing it alone gives. Its text is read
alone when the joined parse could differ: a statement that starts in one cell and ends in
another (an open bracket or string, a decorator above the next cell's ``def``, an indented next
cell), a cell that ends with a line continuation and the cell after it (a blank or comment line in the next cell would
end it, where the end of the text is an error), a carriage return (a line break to the parser
and to no line count here), or a joined text that does not parse (the cell where it fails is
read alone, the cells around it are parsed together again, as long as the failed parses stay
within twice the length of the text). A cell with a syntax error, or one that parses only alone
(a leading byte-order mark), is always read alone, so its error message and its line and column,
relative to the cell, are those of parsing it alone.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Sequence

Bodies = list[list[ast.stmt] | None]

#: The few characters that make the joined parse unlike the parse of each cell.
_UNSAFE = ("\r", "barry_as_FLUFL")


def parse_together(codes: Sequence[str]) -> Bodies:
    """Each code's top-level statements, or ``None`` where it must be parsed alone."""
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
                    bad = low + _cell_at(codes, low, high, error.lineno or 1)
                    todo += [(low, bad), (bad + 1, high)]
                continue
            except (ValueError, RecursionError, MemoryError):
                continue  # null bytes, absurd nesting: each cell says which
            _share(module.body, codes, low, high, bodies)
    return bodies


def _cell_at(codes: Sequence[str], low: int, high: int, line: int) -> int:
    """Which of ``codes[low:high]`` (joined) holds 1-based ``line`` (the last one past it)."""
    first = 1
    for index in range(low, high):
        first += codes[index].count("\n") + 1
        if line < first:
            return index - low
    return high - 1 - low


def _share(
    statements: list[ast.stmt], codes: Sequence[str], low: int, high: int, bodies: Bodies
) -> None:
    """Give each cell of ``codes[low:high]`` its statements, or ``None`` (parse it alone)."""
    starts = [1]  # the first line of each cell in the joined text, then one past the end
    for index in range(low, high):
        starts.append(starts[-1] + codes[index].count("\n") + 1)
    found: Bodies = [[] for _ in range(high - low)]
    cell = 0
    for statement in statements:
        first = statement.lineno
        decorators = getattr(statement, "decorator_list", None)
        if decorators:
            first = min(first, *(decorator.lineno for decorator in decorators))
        while starts[cell + 1] <= first:
            cell += 1
        last = cell
        while starts[last + 1] <= (statement.end_lineno or first):
            last += 1
        if last != cell:
            found[cell : last + 1] = [None] * (last + 1 - cell)  # one statement, many cells
        else:
            own = found[cell]
            if own is not None:
                own.append(statement)
    continued = False  # the cell before ends with a line continuation: joined to this one
    for index, body in enumerate(found, start=low):
        continues = codes[index].rstrip().endswith("\\")
        if body is not None and not continues and not continued:
            bodies[index] = body
        continued = continues

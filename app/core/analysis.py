"""What a cell defines and what it reads, found statically (SEMANTICS §1); nothing is executed.

The dependency graph is built from these results, so the rules follow Python's own scoping, not
statement order: a read inside a function body is free only if no enclosing function binds the
name; class bodies are not visible to the methods and comprehensions inside them; a
comprehension's first iterable runs in the enclosing scope; ``:=`` in a comprehension binds in
the enclosing function or module.

Order matters only for code that runs while the cell's top level runs (top-level statements,
class bodies, comprehensions, decorators, default values, annotations): a name read there before
the cell first binds it is a ref (``print(x); x = 1`` reads ``x``), later it is not. Code that
runs later (function and lambda bodies, ``type`` alias values) reads the cell's final namespace,
so a name the cell binds anywhere at top level is never a ref from there. Statement order is
textual: ``if c: x = 1`` followed by ``else: print(x)`` counts ``x`` as already bound, and a
generator expression is treated as running at once.

Decisions where SEMANTICS.md is silent:

* Private means exactly one leading underscore (``_tmp``, ``_``); ``__x`` and dunders are
  ordinary names.
* ``del x`` at top level (or in a function declaring ``global x``) reads nothing and is reported
  in ``deletes``; it does not make a later read of ``x`` a ref.
* Annotations of local variables inside function bodies are not refs: Python never evaluates
  them. Argument/return annotations and module- and class-level annotations are, unless the
  cell starts with ``from __future__ import annotations`` (PEP 563): then no annotation is
  evaluated, so none is a ref (``def f(x: Later)`` above ``class Later`` is no cycle).
  A ``from __future__`` import defines nothing: it is a directive for the one cell's
  compilation, which every cell that wants it must repeat.
* Only parser errors are reported (``ast.parse``); errors the compiler finds later (``return``
  outside a function, a misplaced ``nonlocal``) surface when the cell runs. Top-level ``await``
  parses and is analysed like any expression.

The values live in :mod:`app.core.cell_analysis`, the scope model in :mod:`app.core.scopes`,
the walk over the tree in :mod:`app.core.scope_visitor`; this module holds the entry points.
One ``ast.parse`` plus one pass over the tree; results are cached by code string.
:func:`analyze_cells` parses a notebook's cells together, a chunk of lines at a time
(:mod:`app.core.joint_parse`), without a call's fixed cost per cell. On the shared 2-core
machine of the benchmarks, 10,000 one-line cells (``x_5 = x_4 + 1``) take about 130 ms, 13 µs
a cell at 1,000 cells as at 10,000; building and freeing the syntax trees is most of it.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable, Iterable
from functools import lru_cache

from app.core.cell_analysis import EMPTY_ANALYSIS, CellAnalysis, SyntaxProblem, is_private_name
from app.core.gc_pause import gc_paused
from app.core.joint_parse import parse_together
from app.core.notebook import Cell
from app.core.scope_visitor import ScopeVisitor, all_args
from app.core.sql_template import parse_sql_template

__all__ = [
    "EMPTY_ANALYSIS",
    "CellAnalysis",
    "SyntaxProblem",
    "all_args",
    "analyze",
    "analyze_cell",
    "analyze_cells",
    "analyze_sql",
    "has_future_annotations",
    "is_private_name",
]


def _with_syntax_error(message: str, line: int | None, column: int | None) -> CellAnalysis:
    problem = SyntaxProblem(message=message, line=max(line or 1, 1), column=max(column or 1, 1))
    return CellAnalysis(defs=frozenset(), refs=frozenset(), syntax_error=problem)


def _parse(code: str) -> ast.Module:
    # Invalid escape sequences warn while parsing; the worker reports them when the cell runs.
    # catch_warnings swaps process-wide filters: call analysis from one thread (the GUI's).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(code)


def has_future_annotations(tree: ast.Module) -> bool:
    """Whether the code starts with ``from __future__ import annotations`` (after an optional
    docstring and other future imports), the only place Python honours it."""
    return _future_annotations(tree.body)


def _future_annotations(body: list[ast.stmt]) -> bool:
    if not body or type(body[0]) not in (ast.Expr, ast.ImportFrom):
        return False  # the common case, decided by the first statement
    index = 0
    first = body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        index = 1 if isinstance(first.value.value, str) else 0  # a docstring may come first
    for statement in body[index:]:
        if not isinstance(statement, ast.ImportFrom) or statement.module != "__future__":
            return False
        if any(alias.name == "annotations" for alias in statement.names):
            return True
    return False


class _Memo:
    """Analyses by code string, the least recently used forgotten beyond ``size`` (as
    ``functools.lru_cache``, which cannot take results computed together)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: dict[str, CellAnalysis] = {}
        # An instance attribute, as lru_cache's (the benchmark clears every one it finds).
        self.cache_clear: Callable[[], None] = self._items.clear

    def get(self, code: str) -> CellAnalysis | None:
        found = self._items.pop(code, None)
        if found is not None:
            self._items[code] = found  # the most recently used last
        return found

    def put(self, code: str, analysis: CellAnalysis) -> None:
        self._items[code] = analysis
        if len(self._items) > self._size:
            del self._items[next(iter(self._items))]


#: Every analysis of a notebook of :data:`~app.core.fileformat.MAX_CELLS` cells fits.
_MEMO = _Memo(16_384)


def analyze(code: str) -> CellAnalysis:
    """Defs and refs of a Python cell; a cell that does not parse defines and reads nothing."""
    found = _MEMO.get(code)
    if found is None:
        found = _analyze_alone(code)
        _MEMO.put(code, found)
    return found


def _analyze_alone(code: str) -> CellAnalysis:
    try:
        tree = _parse(code)
    except SyntaxError as error:
        return _with_syntax_error(error.msg or str(error), error.lineno, error.offset)
    except (ValueError, RecursionError, MemoryError) as error:  # null bytes; absurd nesting
        return _with_syntax_error(str(error) or "code is nested too deeply to parse", 1, 1)
    return _analyze_body(tree.body)


def _analyze_body(body: list[ast.stmt]) -> CellAnalysis:
    analyzer = ScopeVisitor(_future_annotations(body))
    try:
        analyzer.visit_all(body)
    except RecursionError:
        return _with_syntax_error("code is nested too deeply to analyse", 1, 1)
    return analyzer.result(bool(body) and type(body[-1]) is ast.Expr)


def analyze_cells(cells: Iterable[Cell]) -> dict[str, CellAnalysis]:
    """:func:`analyze_cell` of each cell, by id; the Python code not analysed yet is parsed
    together (:mod:`app.core.joint_parse`), with the same results as one cell at a time."""
    cells = tuple(cells)
    new = list(
        dict.fromkeys(
            cell.code for cell in cells if cell.kind == "python" and _MEMO.get(cell.code) is None
        )
    )
    found: dict[str, CellAnalysis] = {}
    with gc_paused():  # every syntax tree lives until the last cell is analysed
        for code, body in zip(new, parse_together(new), strict=True):
            found[code] = _analyze_alone(code) if body is None else _analyze_body(body)
            _MEMO.put(code, found[code])
    return {
        cell.id: found[cell.code]
        if cell.kind == "python" and cell.code in found
        else analyze_cell(cell)
        for cell in cells
    }


@lru_cache(maxsize=1024)
def analyze_sql(template: str, name: str | None) -> CellAnalysis:
    """A SQL cell reads its ``{placeholders}`` and defines its result ``name``."""
    refs = frozenset(n for n in parse_sql_template(template).names if not is_private_name(n))
    if not name:
        return CellAnalysis(defs=frozenset(), refs=refs)
    if is_private_name(name):
        return CellAnalysis(defs=frozenset(), refs=refs, private_defs=frozenset({name}))
    return CellAnalysis(defs=frozenset({name}), refs=refs)


def analyze_cell(cell: Cell) -> CellAnalysis:
    """Dispatch on the cell kind; markdown cells take no part in the graph."""
    if cell.kind == "python":
        return analyze(cell.code)
    if cell.kind == "sql":
        return analyze_sql(cell.code, cell.name)
    return EMPTY_ANALYSIS

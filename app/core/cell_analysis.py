"""What static analysis says about one cell: the names it binds and reads (SEMANTICS §1).

Plain values the graph, the planner, the window and the exports share; computing them is
:mod:`app.core.analysis`'s job.
"""

from __future__ import annotations

from typing import Final

from app.core.record import Record

__all__ = ["EMPTY_ANALYSIS", "CellAnalysis", "SyntaxProblem", "is_private_name"]


class SyntaxProblem(Record):
    """Why a Python cell could not be parsed; ``line`` and ``column`` are 1-based, in the cell."""

    message: str
    line: int
    column: int


class CellAnalysis(Record):
    """The names a cell binds and reads at module level.

    ``defs`` and ``refs`` never hold private names (one leading underscore); ``private_defs``
    lists the private names the cell binds so the worker can remove them after it runs.
    ``deletes`` are the public names the cell ``del``-etes at module level. When
    ``syntax_error`` is set every set is empty: the cell takes no part in the graph.
    ``ends_with_expression``: the cell's last statement is an expression (whose value the
    kernel may show); the kernel compiles any other cell without parsing it again.
    """

    defs: frozenset[str]
    refs: frozenset[str]
    deletes: frozenset[str] = frozenset()
    private_defs: frozenset[str] = frozenset()
    syntax_error: SyntaxProblem | None = None
    ends_with_expression: bool = False


EMPTY_ANALYSIS: Final = CellAnalysis(defs=frozenset(), refs=frozenset())


def is_private_name(name: str) -> bool:
    """A name private to its cell: exactly one leading underscore (``_x``, ``_``)."""
    return name[:1] == "_" and name[1:2] != "_"

"""Whether an edit changes what a cell does, so auto-run can skip edits that change nothing
(a comment, blank lines, spacing) instead of re-running a cascade for them (SEMANTICS.md §3)."""

from __future__ import annotations

import ast
import warnings

from app.core.notebook import CellKind

__all__ = ["same_program"]


def _dump(code: str) -> str | None:
    """The syntax tree as text (no positions, so layout and comments do not count)."""
    try:
        with warnings.catch_warnings():  # invalid escapes warn; the run reports them
            warnings.simplefilter("ignore")
            return ast.dump(ast.parse(code))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _sql_layout(code: str) -> str:
    """SQL without trailing spaces and blank lines: only layout that cannot be in a string."""
    return "\n".join(line.rstrip() for line in code.strip().splitlines() if line.strip())


def same_program(kind: CellKind, before: str, after: str) -> bool:
    """True when ``after`` does exactly what ``before`` did: for Python, the same syntax tree
    (both must parse); for SQL, the same text up to trailing spaces and blank lines."""
    if before == after:
        return True
    if kind == "python":
        tree = _dump(after)
        return tree is not None and tree == _dump(before)
    if kind == "sql":
        return _sql_layout(before) == _sql_layout(after)
    return False

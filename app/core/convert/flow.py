"""Which reads in a cell may see a name's value from *before* the cell binds it again.

When a later cell redefines ``df`` it gets a new name (``df_2``). Reads of ``df`` in that cell
that run before its new binding must still read the old ``df``; the ones after must read
``df_2``. :func:`analyze_flow` follows the cell's statements in execution order with a small
abstract state for the one name — ``OLD`` (still the previous cell's value), ``NEW`` (bound by
this cell), ``MAYBE`` (depends on a branch or a loop) — and records the state at every read.

The renamer uses the result in two ways:

* **in place** when every read sees ``NEW``, except reads inside the value of the first
  assignment (``df = df.dropna()`` → ``df_2 = df.dropna()``), and the cell ends in ``NEW`` (or
  nobody reads this version later);
* otherwise **with an alias line** ``df_2 = df`` at the top of the cell and every occurrence
  renamed: exact for loops (``for x in xs: total += x``), conditional definitions
  (``if c: df = …``), augmented assignment (``x += 1`` keeps its in-place meaning) and
  functions called before the new binding.

Reads inside function bodies are counted at the point where the function is defined (they see
that state when called at once); in the statement that binds the name itself (``def f(): f()``)
they see ``NEW``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from app.core.analysis import all_args
from app.core.convert.occurrences import Occurrence

__all__ = ["MAYBE", "NEW", "OLD", "FlowResult", "analyze_flow"]

OLD: Final = 0
NEW: Final = 1
MAYBE: Final = 2


def _join(*states: int) -> int:
    first = states[0]
    return first if all(state == first for state in states) else MAYBE


@dataclass(slots=True)
class FlowResult:
    """``reads``: occurrence -> state it may see. ``window``: reads in the value of the first
    binding assignment. ``ambiguous``: a statement both reads and binds the name in an order
    this analysis does not follow (``:=``, ``d[d.i] = d = …``). ``end``: state at the end."""

    reads: dict[Occurrence, int] = field(default_factory=dict)
    window: set[Occurrence] = field(default_factory=set)
    ambiguous: bool = False
    end: int = OLD

    def in_place(self, read_later: bool) -> bool:
        """Whether renaming in place is exact (no alias line needed)."""
        if self.ambiguous or (read_later and self.end != NEW):
            return False
        return all(
            state == NEW or (state == OLD and occurrence in self.window)
            for occurrence, state in self.reads.items()
        )


@dataclass(slots=True)
class _Scan:
    reads: list[Occurrence] = field(default_factory=list)
    binds: bool = False
    walrus: bool = False  # bound by `:=`, which may sit in a branch of `and`/`or`/`if`


def _children(node: ast.AST, in_body: bool) -> list[tuple[ast.AST, bool]]:
    """Child nodes, each flagged when it runs only when a function is called (its body)."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        args = node.args
        now: list[ast.AST | None] = [*node.decorator_list, *args.defaults, *args.kw_defaults]
        now.extend(arg.annotation for arg in all_args(args))
        now.append(node.returns)
        return [(child, in_body) for child in now if child is not None] + [
            (child, True) for child in node.body
        ]
    if isinstance(node, ast.Lambda):
        now = [*node.args.defaults, *node.args.kw_defaults]
        return [(child, in_body) for child in now if child is not None] + [(node.body, True)]
    return [(child, in_body) for child in ast.iter_child_nodes(node)]


class _Flow:
    def __init__(self, occurrences: Mapping[int, list[Occurrence]]) -> None:
        self.by_node = occurrences
        self.result = FlowResult()
        self.window_open = True

    # -- recording ----------------------------------------------------------------------------
    def scan(
        self, nodes: Iterable[ast.AST | None], state: int, deferred: int | None = None
    ) -> _Scan:
        """Record every read under ``nodes`` at ``state`` (reads in function bodies at
        ``deferred`` when given); say which reads were recorded and whether the name is bound
        there immediately (not by a function body declaring it ``global``)."""
        found = _Scan()
        stack = [(node, False) for node in nodes if node is not None]
        while stack:
            node, in_body = stack.pop()
            if isinstance(node, ast.NamedExpr) and not in_body and id(node.target) in self.by_node:
                found.walrus = True
            for occurrence in self.by_node.get(id(node), ()):
                if occurrence.kind in ("load", "delete", "augmented"):
                    seen = deferred if in_body and deferred is not None else state
                    self.result.reads[occurrence] = seen
                    found.reads.append(occurrence)
                if occurrence.kind in ("store", "import", "augmented") and not occurrence.deferred:
                    found.binds = True
            stack.extend(_children(node, in_body))
        return found

    def binds(self, nodes: Iterable[ast.AST | None]) -> bool:
        """Whether ``nodes`` bind the name immediately (without recording anything)."""
        stack = [(node, False) for node in nodes if node is not None]
        while stack:
            node, in_body = stack.pop()
            for occurrence in self.by_node.get(id(node), ()):
                if occurrence.kind in ("store", "import", "augmented") and not occurrence.deferred:
                    return True
            stack.extend(_children(node, in_body))
        return False

    def bound(self, state: int) -> int:
        """The name is bound from here on (and later assignments open no read window)."""
        self.window_open = False
        return NEW

    # -- statements -----------------------------------------------------------------------------
    def block(self, statements: Iterable[ast.stmt], state: int) -> int:
        for statement in statements:
            state = self.statement(statement, state)
        return state

    def statement(self, node: ast.stmt, state: int) -> int:
        handler = _STATEMENTS.get(type(node))
        if handler is not None:
            return handler(self, node, state)
        return self.simple(node, state)

    def simple(self, node: ast.stmt, state: int) -> int:
        return self.head([node], state)

    def head(self, nodes: Iterable[ast.AST | None], state: int) -> int:
        """A simple statement, or the part of a compound one evaluated first (an ``if`` test,
        a ``for`` iterable …): it binds the name only through ``:=`` (or ``import``)."""
        found = self.scan(nodes, state)
        if not found.binds:
            return state
        if found.reads:
            self.result.ambiguous = True  # e.g. `(d := d + 1)`: read and bound in one statement
        self.bound(state)
        return MAYBE if found.walrus and state != NEW else NEW

    def defines(self, node: ast.stmt) -> bool:
        """Whether this statement binds the name by its own ``def``/``class``/assignment."""
        return any(
            occurrence.kind in ("store", "import") for occurrence in self.by_node.get(id(node), ())
        )

    def assign(self, node: ast.Assign | ast.AnnAssign, state: int) -> int:
        targets: list[ast.expr] = (
            list(node.targets) if isinstance(node, ast.Assign) else [node.target]
        )
        if not self.binds(targets):
            return self.head([node], state)
        if self.scan(targets, state).reads:
            self.result.ambiguous = True  # `d[d.key] = d = …`
        annotation = node.annotation if isinstance(node, ast.AnnAssign) else None
        found = self.scan([node.value, annotation], state, NEW)
        if state == OLD and self.window_open:
            self.result.window.update(found.reads)
        return self.bound(state)

    def augmented(self, node: ast.AugAssign, state: int) -> int:
        if self.scan([node], state).binds:
            return self.bound(state)
        return state

    def delete(self, node: ast.Delete, state: int) -> int:
        # After `del name` nothing can see the old value any more.
        return NEW if self.scan([node], state).reads else state

    def definition(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, state: int
    ) -> int:
        binds = self.defines(node)
        self.scan([node], state, NEW if binds else state)
        return self.bound(state) if binds else state

    def if_(self, node: ast.If, state: int) -> int:
        state = self.head([node.test], state)
        return _join(self.block(node.body, state), self.block(node.orelse, state))

    def loop(self, node: ast.For | ast.AsyncFor | ast.While, state: int) -> int:
        head: list[ast.AST] = [node.iter] if not isinstance(node, ast.While) else []
        target_binds = False
        if isinstance(node, ast.For | ast.AsyncFor):
            found = self.scan([node.target], state)
            target_binds = found.binds
            if found.reads:
                self.result.ambiguous = True  # `for d[d.i] in …`
        state = self.head(head, state)
        start = NEW if target_binds else state
        if target_binds:
            self.window_open = False
        end = self.block(node.body, start)
        # Second pass: the body also starts from the state its previous iteration left.
        start = _join(start, end) if not target_binds else NEW
        if isinstance(node, ast.While):
            state = _join(state, self.head([node.test], _join(state, end)))
        end = self.block(node.body, start)
        after = _join(state, end)
        return self.block(node.orelse, after)

    def try_(self, node: ast.Try, state: int) -> int:
        body_end = self.block(node.body, state)
        handler_start = _join(state, body_end)
        ends = [self.block(node.orelse, body_end)]
        for handler in node.handlers:
            handler_start = self.head([handler.type], handler_start)
            ends.append(self.block(handler.body, handler_start))
        return self.block(node.finalbody, _join(*ends))

    def with_(self, node: ast.With | ast.AsyncWith, state: int) -> int:
        for item in node.items:
            state = self.head([item.context_expr], state)
            if item.optional_vars is not None:
                found = self.scan([item.optional_vars], state)
                if found.reads:
                    self.result.ambiguous = True
                if found.binds:
                    state = self.bound(state)
        return self.block(node.body, state)

    def match(self, node: ast.Match, state: int) -> int:
        state = self.head([node.subject], state)
        ends = [state]
        for case in node.cases:
            case_state = NEW if self.scan([case.pattern], state).binds else state
            case_state = self.head([case.guard], case_state)
            ends.append(self.block(case.body, case_state))
        return _join(*ends)


_StatementHandler = Callable[[_Flow, Any, int], int]
_STATEMENTS: dict[type[ast.AST], _StatementHandler] = {
    ast.Assign: _Flow.assign,
    ast.AnnAssign: _Flow.assign,
    ast.AugAssign: _Flow.augmented,
    ast.Delete: _Flow.delete,
    ast.FunctionDef: _Flow.definition,
    ast.AsyncFunctionDef: _Flow.definition,
    ast.ClassDef: _Flow.definition,
    ast.If: _Flow.if_,
    ast.For: _Flow.loop,
    ast.AsyncFor: _Flow.loop,
    ast.While: _Flow.loop,
    ast.Try: _Flow.try_,
    ast.With: _Flow.with_,
    ast.AsyncWith: _Flow.with_,
    ast.Match: _Flow.match,
}
_TRY_STAR = getattr(ast, "TryStar", None)
if _TRY_STAR is not None:
    _STATEMENTS[_TRY_STAR] = _Flow.try_


def analyze_flow(tree: ast.Module, occurrences: Iterable[Occurrence]) -> FlowResult:
    """The states the given occurrences (all of one name, in ``tree``) may see."""
    by_node: dict[int, list[Occurrence]] = {}
    for occurrence in occurrences:
        by_node.setdefault(id(occurrence.node), []).append(occurrence)
    flow = _Flow(by_node)
    flow.result.end = flow.block(tree.body, OLD)
    return flow.result

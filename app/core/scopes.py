"""Python's scopes as the analysis models them: which scope binds a name, and which module-level
names a read resolves to (SEMANTICS §1; the rules are listed in :mod:`app.core.analysis`).

:class:`ScopeTracker` keeps the stack of scopes and the module-level records (defs, refs,
deletes, private defs, in top-level order); :class:`~app.core.scope_visitor.ScopeVisitor`
walks the syntax tree and tells it what each node binds and reads.
"""

from __future__ import annotations

from typing import Final

from app.core.cell_analysis import CellAnalysis, is_private_name

__all__ = ["CLASS", "FUNCTION", "INLINE", "MODULE", "MODULE_SCOPE", "Scope", "ScopeTracker"]

# Scope kinds. INLINE scopes (comprehensions, 3.12 type parameters) know their locals before
# their body is visited and run as soon as they are reached; FUNCTION scopes learn their locals
# as the body is visited, so their reads are resolved when the body is closed.
MODULE: Final = 0
FUNCTION: Final = 1
CLASS: Final = 2
INLINE: Final = 3

_NONE: Final[frozenset[str]] = frozenset()


class Scope:
    """Names one scope binds and declares; ``loads`` are only collected by function scopes."""

    __slots__ = ("bound", "deferred", "deleted", "globals", "kind", "loads", "nonlocals", "parent")

    def __init__(self, kind: int, parent: Scope | None, bound: set[str] | None = None) -> None:
        self.kind = kind
        self.parent = parent
        # Deferred: runs after the cell's top level has finished (inside a function body).
        self.deferred: bool = kind == FUNCTION or (parent is not None and parent.deferred)
        if kind == MODULE:
            return  # its names live in the tracker's records: no sets (see MODULE_SCOPE)
        self.bound: set[str] = set() if bound is None else bound
        self.loads: set[str] = set()
        self.globals: set[str] = set()
        self.nonlocals: set[str] = set()
        self.deleted: set[str] = set()


#: Every cell's module scope: it binds, reads and deletes through :class:`ScopeTracker`'s
#: records and declares nothing (``global`` at module level means nothing), so it holds no
#: names and one instance serves every cell; reading a set of it fails loudly.
MODULE_SCOPE: Final = Scope(MODULE, None)


class ScopeTracker:
    """The scope stack and what module-level names a cell binds, reads and deletes.

    Responsibilities: keep the stack of scopes; bind and read names in the right scope; resolve
    a function's free names when its body is closed; record module-level defs, refs, deletes
    and private defs in top-level order.
    """

    __slots__ = (
        "defined",
        "defs",
        "deletes",
        "late_reads",
        "lazy_annotations",
        "private_defs",
        "refs",
        "scope",
    )

    def __init__(self, lazy_annotations: bool = False) -> None:
        # PEP 563: with `from __future__ import annotations` no annotation is evaluated.
        self.lazy_annotations = lazy_annotations
        self.scope = MODULE_SCOPE
        self.defs: set[str] = set()
        self.defined: set[str] = set()  # module names bound so far, in top-level order
        self.refs: set[str] = set()
        self.late_reads: set[str] = set()  # module names read from function bodies
        self.deletes: set[str] = set()
        self.private_defs: set[str] = set()

    def result(self, ends_with_expression: bool = False) -> CellAnalysis:
        """The cell's analysis; every empty set is the one shared empty frozenset (a notebook
        of thousands of cells allocates no empty set per cell)."""
        defs, refs, late = self.defs, self.refs, self.late_reads
        if late:
            refs = refs | (late - defs)
        deletes, private_defs = self.deletes, self.private_defs
        return CellAnalysis(
            frozenset(defs) if defs else _NONE,
            frozenset(refs) if refs else _NONE,
            frozenset(deletes) if deletes else _NONE,
            frozenset(private_defs) if private_defs else _NONE,
            None,
            ends_with_expression,
        )

    def push(self, kind: int, bound: set[str] | None = None) -> Scope:
        self.scope = Scope(kind, self.scope, bound)
        return self.scope

    def pop(self, scope: Scope) -> None:
        assert scope.parent is not None
        self.scope = scope.parent
        if scope.kind == FUNCTION:
            self.close_function(scope)

    # -- module level ------------------------------------------------------------------------
    def module_read(self, name: str, deferred: bool) -> None:
        if is_private_name(name):
            return
        if deferred:
            self.late_reads.add(name)
        elif name not in self.defined:
            self.refs.add(name)

    def module_delete(self, name: str) -> None:
        if not is_private_name(name):
            self.deletes.add(name)

    # -- names in the current scope ----------------------------------------------------------
    def read(self, name: str) -> None:
        scope = self.scope
        kind = scope.kind
        if kind == MODULE:
            if name not in self.defined and not is_private_name(name):
                self.refs.add(name)  # module_read(name, False), one call fewer per name
        elif kind == FUNCTION:
            scope.loads.add(name)
        elif name in scope.bound:
            return  # class attribute bound earlier in the body, or comprehension variable
        elif kind == CLASS and name in scope.globals:
            self.module_read(name, scope.deferred)
        else:
            self.forward(scope.parent, name, scope.deferred)

    def forward(self, scope: Scope | None, name: str, deferred: bool) -> None:
        """Resolve a name free in a nested scope; class bodies are invisible from inside."""
        while scope is not None:
            kind = scope.kind
            if kind == FUNCTION:
                scope.loads.add(name)
                return
            if kind == MODULE:
                self.module_read(name, deferred)
                return
            if kind == INLINE and name in scope.bound:
                return
            scope = scope.parent

    def store(self, name: str, scope: Scope | None = None) -> None:
        scope = self.scope if scope is None else scope
        kind = scope.kind
        if kind == MODULE:
            if is_private_name(name):
                self.private_defs.add(name)
            else:
                self.defs.add(name)
                self.defined.add(name)
        elif kind == FUNCTION:
            scope.bound.add(name)
        elif kind == CLASS:
            if name in scope.globals:
                self.store(name, MODULE_SCOPE)
            elif name not in scope.nonlocals:
                scope.bound.add(name)
        # INLINE scopes collected their targets before their body was visited.

    def delete(self, name: str) -> None:
        scope = self.scope
        if scope.kind == MODULE or (scope.kind == CLASS and name in scope.globals):
            self.module_delete(name)
        elif scope.kind == FUNCTION:
            scope.bound.add(name)  # `del x` makes x local, like an assignment
            scope.deleted.add(name)

    def close_function(self, scope: Scope) -> None:
        """The body is complete, so its locals are known: pass its free names outwards."""
        for name in scope.bound & scope.globals:
            self.store(name, MODULE_SCOPE)
        for name in scope.deleted & scope.globals:
            self.module_delete(name)
        for name in scope.loads:
            if name in scope.globals:
                self.module_read(name, True)
            elif name not in scope.bound and name not in scope.nonlocals:
                self.forward(scope.parent, name, True)

    def binding_scope(self) -> Scope:
        """Where ``:=`` binds: the nearest scope that is not a comprehension."""
        scope = self.scope
        while scope.kind == INLINE and scope.parent is not None:
            scope = scope.parent
        return scope

"""Every place a cell's code names a module-level variable, with its exact position.

:mod:`app.core.analysis` answers *which* names a cell defines and reads; renaming also needs
*where*: each ``Name`` node, ``def``/``class`` name, import alias, ``global`` declaration and
``match`` capture that resolves to module scope. The scope rules are the analyser's (Python's):
function bodies resolve free names outwards and skip class bodies, a class body sees only what
it bound before, comprehension targets are local, ``:=`` binds in the enclosing function or
module, names bound by ``except … as e`` belong to the handler. Attributes (``obj.df``),
keyword arguments (``f(df=1)``), strings and comments are not names, so they are never found.

Names inside f-strings are ordinary nodes with exact positions (checked when an edit is
applied). A self-documenting field ``{df=}`` prints its own source text, so it is recorded
too: renaming inside it must keep the printed ``df=``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Final, Literal

from app.core.analysis import all_args, has_future_annotations
from app.core.convert.positions import SourceText

__all__ = ["Occurrence", "OccurrenceKind", "SelfDocField", "collect_occurrences"]

#: ``load``/``store``/``delete``: a ``Name`` (or a ``def``/``class``/``match`` name);
#: ``augmented``: the target of ``x += …`` (read, then bound); ``declare``: ``global x`` or a
#: bare ``x: int``; ``import``: an import alias binding the name (span: the whole alias).
OccurrenceKind = Literal["load", "store", "delete", "augmented", "declare", "import"]


@dataclass(frozen=True, slots=True)
class SelfDocField:
    """An f-string field ``{expr=}``: ``brace`` is the offset of its ``{``, ``expr_end`` of the
    end of ``expr``, ``eq_end`` just past the ``=`` and the spaces after it; ``explicit`` when a
    ``!conversion`` or ``:format`` follows (else Python applies ``!r``)."""

    brace: int
    expr_end: int
    eq_end: int
    explicit: bool


@dataclass(frozen=True, slots=True, eq=False)
class Occurrence:
    """One place ``name`` appears, resolving to the module namespace.

    ``start``/``end`` delimit the identifier (for ``import``, the alias ``a.b as c``).
    ``statement`` is the index of the top-level statement holding it; ``deferred`` when it
    runs only when a function is called. ``node`` is the AST node it came from (the alias for
    imports, the statement for ``def``/``class``/``global``).
    """

    name: str
    kind: OccurrenceKind
    start: int
    end: int
    statement: int
    deferred: bool
    node: ast.AST
    owner: ast.stmt | None = None  # the import statement of an ``import`` occurrence
    field: SelfDocField | None = None


_MODULE: Final = 0
_FUNCTION: Final = 1
_CLASS: Final = 2
_INLINE: Final = 3

_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


class _Scope:
    __slots__ = ("deferred", "globals", "kind", "locals", "nonlocals", "parent")

    def __init__(
        self,
        kind: int,
        parent: _Scope | None,
        local_names: set[str] | None = None,
        globals_: set[str] | None = None,
        nonlocals: set[str] | None = None,
    ) -> None:
        self.kind = kind
        self.parent = parent
        self.locals: set[str] = local_names if local_names is not None else set()
        self.globals: set[str] = globals_ if globals_ is not None else set()
        self.nonlocals: set[str] = nonlocals if nonlocals is not None else set()
        self.deferred: bool = kind == _FUNCTION or (parent is not None and parent.deferred)


def _function_bindings(
    args: ast.arguments | None, body: Iterable[ast.AST]
) -> tuple[set[str], set[str], set[str]]:
    """(locals, globals, nonlocals) of a function or lambda: Python decides from the whole
    body, before it runs, which names are local."""
    bound: set[str] = set()
    if args is not None:
        bound.update(arg.arg for arg in all_args(args))
    globals_: set[str] = set()
    nonlocals: set[str] = set()
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            bound.add(node.name)
            stack.extend(node.decorator_list)
            stack.extend(node.args.defaults)
            stack.extend(d for d in node.args.kw_defaults if d is not None)
            continue
        if isinstance(node, ast.ClassDef):
            bound.add(node.name)
            stack.extend(node.decorator_list)
            stack.extend(node.bases)
            stack.extend(k.value for k in node.keywords)
            continue
        if isinstance(node, ast.Lambda):
            stack.extend(node.args.defaults)
            continue
        if isinstance(node, _COMPREHENSIONS):
            bound.update(sub.target.id for sub in ast.walk(node) if isinstance(sub, ast.NamedExpr))
            continue
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound.update(_alias_binding(alias) for alias in node.names if alias.name != "*")
        elif (isinstance(node, ast.ExceptHandler) and node.name) or (
            isinstance(node, ast.MatchAs | ast.MatchStar) and node.name
        ):
            bound.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            bound.add(node.rest)
        elif isinstance(node, ast.Global):
            globals_.update(node.names)
        elif isinstance(node, ast.Nonlocal):
            nonlocals.update(node.names)
        stack.extend(ast.iter_child_nodes(node))
    return bound - globals_, globals_, nonlocals


def _alias_binding(alias: ast.alias) -> str:
    """The name an import alias binds: ``as`` name, else the first dotted part."""
    return alias.asname or alias.name.partition(".")[0]


class _Collector:
    """One walk over a module's AST in evaluation order, keeping the stack of scopes."""

    def __init__(self, source: SourceText, lazy_annotations: bool) -> None:
        self.source = source
        self.lazy_annotations = lazy_annotations
        self.scope = _Scope(_MODULE, None)
        self.shadowed: list[str] = []  # names bound by enclosing module-level except handlers
        self.statement = 0
        self.found: list[Occurrence] = []

    # -- recording ----------------------------------------------------------------------------
    def add(
        self,
        name: str,
        kind: OccurrenceKind,
        start: int | None,
        node: ast.AST,
        length: int | None = None,
        owner: ast.stmt | None = None,
    ) -> None:
        if start is None:
            return  # no token found (cannot happen for code that parsed; be safe)
        end = start + (len(name) if length is None else length)
        self.found.append(
            Occurrence(name, kind, start, end, self.statement, self.scope.deferred, node, owner)
        )

    def add_name(self, node: ast.Name, kind: OccurrenceKind) -> None:
        self.add(node.id, kind, self.source.start(node), node)

    # -- resolution ---------------------------------------------------------------------------
    def loads_module(self, name: str) -> bool:
        scope: _Scope | None = self.scope
        current = True
        while scope is not None:
            kind = scope.kind
            if kind == _MODULE:
                return name not in self.shadowed
            if kind == _FUNCTION:
                if name in scope.globals:
                    return True
                if name in scope.locals or name in scope.nonlocals:
                    return False
            elif kind == _CLASS:
                if current and name in scope.globals:
                    return True
                if current and name in scope.locals:
                    return False
            elif name in scope.locals:
                return False
            scope = scope.parent
            current = False
        return False

    def stores_module(self, name: str, scope: _Scope | None = None) -> bool:
        scope = self.scope if scope is None else scope
        if scope.kind == _MODULE:
            return name not in self.shadowed
        if scope.kind == _CLASS:
            if name in scope.globals:
                return True
            scope.locals.add(name)
            return False
        return scope.kind == _FUNCTION and name in scope.globals

    def binding_scope(self) -> _Scope:
        scope = self.scope
        while scope.kind == _INLINE and scope.parent is not None:
            scope = scope.parent
        return scope

    # -- traversal ------------------------------------------------------------------------------
    def visit(self, node: ast.AST | None) -> None:
        if node is None:
            return
        handler = getattr(self, "visit_" + type(node).__name__, None)
        if handler is None:
            for child in ast.iter_child_nodes(node):
                self.visit(child)
        else:
            handler(node)

    def visit_all(self, nodes: Iterable[ast.AST | None]) -> None:
        for node in nodes:
            self.visit(node)

    def push(self, scope: _Scope) -> None:
        self.scope = scope

    def pop(self) -> None:
        assert self.scope.parent is not None
        self.scope = self.scope.parent

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            if self.loads_module(node.id):
                self.add_name(node, "load")
        elif isinstance(node.ctx, ast.Store):
            if self.stores_module(node.id):
                self.add_name(node, "store")
        elif (
            self.scope.kind == _MODULE or node.id in self.scope.globals
        ) and node.id not in self.shadowed:
            self.add_name(node, "delete")

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        self.visit_all(node.targets)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        target = node.target
        if isinstance(target, ast.Name):
            self.visit(node.value)
            if self.stores_module(target.id):
                self.add_name(target, "augmented")
        else:
            self.visit(target)
            self.visit(node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        in_function = self.scope.kind == _FUNCTION
        self.visit(node.value)
        target = node.target
        if not isinstance(target, ast.Name) or node.value is not None:
            self.visit(target)
        elif self.scope.kind == _MODULE and target.id not in self.shadowed:
            self.add_name(target, "declare")
        if not in_function and not self.lazy_annotations:
            self.visit(node.annotation)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        if self.stores_module(node.target.id, self.binding_scope()):
            self.add_name(node.target, "store")

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.iter)
        self.visit(node.target)
        self.visit_all(node.body)
        self.visit_all(node.orelse)

    visit_AsyncFor = visit_For

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name == "*":
                continue
            name = _alias_binding(alias)
            if self.stores_module(name):
                start = self.source.start(alias)
                self.add(name, "import", start, alias, self.source.end(alias) - start, node)

    visit_ImportFrom = visit_Import

    def visit_Global(self, node: ast.Global | ast.Nonlocal) -> None:
        if isinstance(node, ast.Global):
            self.scope.globals.update(node.names)
            if self.scope.kind == _FUNCTION:
                self.scope.locals.difference_update(node.names)
        else:
            self.scope.nonlocals.update(node.names)
            return
        tokens = self.source.names_between(self.source.start(node), self.source.end(node))
        for offset, text in tokens[1:]:
            if text in node.names:
                self.add(text, "declare", offset, node)

    visit_Nonlocal = visit_Global

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        self.visit(node.type)
        if node.name is not None and self.scope.kind == _MODULE:
            self.shadowed.append(node.name)
            self.visit_all(node.body)
            self.shadowed.pop()
        else:
            self.visit_all(node.body)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.visit_all(node.decorator_list)
        self.visit_all(node.args.defaults)
        self.visit_all(node.args.kw_defaults)
        if not self.lazy_annotations:
            for arg in all_args(node.args):
                self.visit(arg.annotation)
            self.visit(node.returns)
        self.push(_Scope(_FUNCTION, self.scope, *_function_bindings(node.args, node.body)))
        self.visit_all(node.body)
        self.pop()
        if self.stores_module(node.name):
            self.add(node.name, "store", self.source.defined_name(node), node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.visit_all(node.args.defaults)
        self.visit_all(node.args.kw_defaults)
        self.push(_Scope(_FUNCTION, self.scope, *_function_bindings(node.args, [node.body])))
        self.visit(node.body)
        self.pop()

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.visit_all(node.decorator_list)
        self.visit_all(node.bases)
        self.visit_all(k.value for k in node.keywords)
        self.push(_Scope(_CLASS, self.scope))
        self.visit_all(node.body)
        self.pop()
        if self.stores_module(node.name):
            self.add(node.name, "store", self.source.defined_name(node), node)

    def visit_comprehension_node(
        self, generators: list[ast.comprehension], results: Iterable[ast.expr]
    ) -> None:
        self.visit(generators[0].iter)
        targets = {
            sub.id
            for gen in generators
            for sub in ast.walk(gen.target)
            if isinstance(sub, ast.Name)
        }
        self.push(_Scope(_INLINE, self.scope, targets))
        for index, gen in enumerate(generators):
            if index:
                self.visit(gen.iter)
            self.visit_all(gen.ifs)
        self.visit_all(results)
        self.pop()

    def visit_ListComp(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp) -> None:
        self.visit_comprehension_node(node.generators, [node.elt])

    visit_SetComp = visit_ListComp
    visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node: ast.DictComp) -> None:
        self.visit_comprehension_node(node.generators, [node.key, node.value])

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        self.visit(node.pattern)
        if node.name is not None and self.stores_module(node.name):
            self.add(node.name, "store", self.source.name_in(node, node.name, last=True), node)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name is not None and self.stores_module(node.name):
            self.add(node.name, "store", self.source.name_in(node, node.name, last=True), node)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        self.visit_all(node.keys)
        self.visit_all(node.patterns)
        if node.rest is not None and self.stores_module(node.rest):
            self.add(node.rest, "store", self.source.name_in(node, node.rest, last=True), node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> None:
        first = len(self.found)
        self.visit(node.value)
        self.visit(node.format_spec)
        if len(self.found) == first:
            return
        field = _self_documenting(self.source, node)
        if field is not None:
            for index in range(first, len(self.found)):
                self.found[index] = replace(self.found[index], field=field)

    def visit_TypeAlias(self, node: ast.AST) -> None:  # Python 3.12+: ``type X = …``
        value = getattr(node, "value", None)
        self.push(_Scope(_FUNCTION, self.scope))
        self.visit(value)
        self.pop()
        name = getattr(node, "name", None)
        if isinstance(name, ast.Name) and self.stores_module(name.id):
            self.add_name(name, "store")


def _self_documenting(source: SourceText, node: ast.FormattedValue) -> SelfDocField | None:
    """The ``{expr=}`` field around ``node``, or None for an ordinary field."""
    code = source.code
    expr_start = source.start(node.value)
    expr_end = source.end(node.value)
    brace = expr_start - 1
    while brace >= 0 and code[brace] in " \t\n":
        brace -= 1
    if brace < 0 or code[brace] != "{":
        return None
    position = expr_end
    while position < len(code) and code[position] in " \t\n":
        position += 1
    if position >= len(code) or code[position] != "=":
        return None
    position += 1
    while position < len(code) and code[position] in " \t\n":
        position += 1
    explicit = position < len(code) and code[position] in "!:"
    return SelfDocField(brace, expr_end, position, explicit)


def collect_occurrences(tree: ast.Module, source: SourceText) -> list[Occurrence]:
    """Every module-level occurrence in ``tree`` (parsed from ``source.code``), in evaluation
    order within each top-level statement."""
    collector = _Collector(source, has_future_annotations(tree))
    for index, statement in enumerate(tree.body):
        collector.statement = index
        collector.visit(statement)
    return collector.found

"""One pass over a cell's syntax tree: what each kind of node binds and reads, in the order
Python runs it (SEMANTICS §1; the rules are listed in :mod:`app.core.analysis`).

Dispatch is an explicit ``{node type: handler}`` table that holds every node type ``ast``
defines: the common ones have a handler of their own, the rest are walked field by field
(:meth:`ScopeVisitor.visit_children`). A handler visits a child through the table directly
(``_HANDLERS[type(child)](self, child)``), one call per node: opening a notebook of 10,000
cells walks hundreds of thousands of nodes. Every handler visits a node's fields in the order
of its ``_fields``, as the field-by-field walk would.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any, Final

from app.core.scopes import CLASS, FUNCTION, INLINE, MODULE, Scope, ScopeTracker

__all__ = ["ScopeVisitor", "all_args"]

_LOAD: Final = ast.Load
_STORE: Final = ast.Store
_AST: Final = ast.AST
_BIN_OP: Final = ast.BinOp
_NAME: Final = ast.Name


class ScopeVisitor(ScopeTracker):
    """Walks a module's AST once, telling the :class:`ScopeTracker` what each node binds and
    reads; :meth:`~ScopeTracker.result` then holds the cell's analysis."""

    __slots__ = ()

    def visit(self, node: ast.AST) -> None:
        _HANDLERS[type(node)](self, node)

    def visit_children(self, node: ast.AST) -> None:
        for field in node._fields:
            value = getattr(node, field, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, _AST):
                        _HANDLERS[type(item)](self, item)
            elif isinstance(value, _AST):
                _HANDLERS[type(value)](self, value)

    def visit_all(self, nodes: list[ast.expr] | list[ast.stmt]) -> None:
        for node in nodes:
            _HANDLERS[type(node)](self, node)

    def visit_name(self, node: ast.Name) -> None:
        ctx = type(node.ctx)
        if ctx is _LOAD:
            self.read(node.id)
        elif ctx is _STORE:
            self.store(node.id)
        else:
            self.delete(node.id)

    def visit_bin_op(self, node: ast.BinOp) -> None:
        # Long `a + b + c …` chains nest to the left; walk the spine so they cannot overflow.
        left: ast.expr = node.left
        if type(left) is not _BIN_OP:  # the common case: one operator
            _HANDLERS[type(left)](self, left)
            right = node.right
            _HANDLERS[type(right)](self, right)
            return
        rights = [node.right]
        while type(left) is _BIN_OP:
            rights.append(left.right)
            left = left.left
        _HANDLERS[type(left)](self, left)
        for right in reversed(rights):
            _HANDLERS[type(right)](self, right)

    def visit_assign(self, node: ast.Assign) -> None:
        value = node.value
        _HANDLERS[type(value)](self, value)
        for target in node.targets:
            if type(target) is _NAME:  # the common case, without a call for the handler
                self.store(target.id)
            else:
                _HANDLERS[type(target)](self, target)

    def visit_aug_assign(self, node: ast.AugAssign) -> None:
        target = node.target
        if isinstance(target, ast.Name):
            self.read(target.id)
            self.visit(node.value)
            self.store(target.id)
        else:
            self.visit(target)
            self.visit(node.value)

    def visit_ann_assign(self, node: ast.AnnAssign) -> None:
        # Python evaluates annotations at module and class level only, after the assignment.
        in_function = self.scope.kind == FUNCTION
        if node.value is not None:
            self.visit(node.value)
        target = node.target
        if not isinstance(target, ast.Name):
            self.visit(target)
        elif node.value is not None or in_function:  # a bare `x: int` is local in a function
            self.store(target.id)
        if not in_function and not self.lazy_annotations:
            self.visit(node.annotation)

    def visit_named_expr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        self.store(node.target.id, self.binding_scope())

    def visit_for(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.iter)
        self.visit(node.target)
        self.visit_all(node.body)
        self.visit_all(node.orelse)

    def visit_import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.store(alias.asname or alias.name.partition(".")[0])

    def visit_import_from(self, node: ast.ImportFrom) -> None:
        if node.module == "__future__":
            return  # a compiler directive for this cell only: every cell may repeat it
        for alias in node.names:
            if alias.name != "*":  # a star import binds names nobody can know statically
                self.store(alias.asname or alias.name)

    def visit_global(self, node: ast.Global) -> None:
        if self.scope.kind != MODULE:  # at module level every name is global already
            self.scope.globals.update(node.names)

    def visit_nonlocal(self, node: ast.Nonlocal) -> None:
        if self.scope.kind != MODULE:  # a compile error at module level, not a parse error
            self.scope.nonlocals.update(node.names)

    def visit_except_handler(self, node: ast.ExceptHandler) -> None:
        if node.type is not None:
            self.visit(node.type)
        name = node.name
        if name is None:
            self.visit_all(node.body)
        elif self.scope.kind == MODULE:
            # Bound only inside the handler: Python deletes it when the handler ends.
            fresh = name not in self.defined
            self.defined.add(name)
            self.visit_all(node.body)
            if fresh:
                self.defined.discard(name)
        else:
            self.store(name)
            self.visit_all(node.body)

    def visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.visit_all(node.decorator_list)
        self.visit_defaults(node.args)
        type_scope = self.open_type_params(node)
        params = all_args(node.args)
        if not self.lazy_annotations:
            for arg in params:
                if arg.annotation is not None:
                    self.visit(arg.annotation)
            if node.returns is not None:
                self.visit(node.returns)
        body = self.push(FUNCTION, {arg.arg for arg in params})
        self.visit_all(node.body)
        self.pop(body)
        if type_scope is not None:
            self.pop(type_scope)
        self.store(node.name)

    def visit_lambda(self, node: ast.Lambda) -> None:
        self.visit_defaults(node.args)
        body = self.push(FUNCTION, {arg.arg for arg in all_args(node.args)})
        self.visit(node.body)
        self.pop(body)

    def visit_defaults(self, args: ast.arguments) -> None:
        self.visit_all(args.defaults)
        for default in args.kw_defaults:
            if default is not None:
                self.visit(default)

    def visit_class(self, node: ast.ClassDef) -> None:
        self.visit_all(node.decorator_list)
        type_scope = self.open_type_params(node)
        self.visit_all(node.bases)
        for keyword in node.keywords:
            self.visit(keyword.value)
        body = self.push(CLASS)
        self.visit_all(node.body)
        self.pop(body)
        if type_scope is not None:
            self.pop(type_scope)
        self.store(node.name)

    def visit_type_alias(self, node: Any) -> None:
        """``type X[T] = value`` (Python 3.12+): the value is evaluated lazily, like a body."""
        type_scope = self.open_type_params(node)
        body = self.push(FUNCTION)
        self.visit(node.value)
        self.pop(body)
        if type_scope is not None:
            self.pop(type_scope)
        self.store(node.name.id)

    def open_type_params(self, node: Any) -> Scope | None:
        """Push a scope binding 3.12 type parameters (``def f[T]``), or nothing without any."""
        params = getattr(node, "type_params", None)
        if not params:
            return None
        scope = self.push(INLINE, {param.name for param in params})
        for param in params:
            for field in ("bound", "default_value"):
                value = getattr(param, field, None)
                if value is not None:
                    self.visit(value)
        return scope

    def visit_list_comp(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp) -> None:
        self.visit_comprehension(node.generators, node.elt)

    def visit_dict_comp(self, node: ast.DictComp) -> None:
        self.visit_comprehension(node.generators, node.key, node.value)

    def visit_comprehension(self, generators: list[ast.comprehension], *results: ast.expr) -> None:
        # The first iterable is evaluated in the enclosing scope; the rest in the comprehension.
        self.visit(generators[0].iter)
        scope = self.push(
            INLINE, {name for gen in generators for name in _target_names(gen.target)}
        )
        for index, gen in enumerate(generators):
            if index:
                self.visit(gen.iter)
            self.visit(gen.target)
            self.visit_all(gen.ifs)
        for result in results:
            self.visit(result)
        self.pop(scope)

    def visit_match_as(self, node: ast.MatchAs) -> None:
        if node.pattern is not None:
            self.visit(node.pattern)
        if node.name is not None:
            self.store(node.name)

    def visit_match_star(self, node: ast.MatchStar) -> None:
        if node.name is not None:
            self.store(node.name)

    def visit_match_mapping(self, node: ast.MatchMapping) -> None:
        self.visit_all(node.keys)
        for pattern in node.patterns:
            self.visit(pattern)
        if node.rest is not None:
            self.store(node.rest)

    # -- common nodes, each field in the order of its ``_fields`` (see _FIELD_WALKS) ----------
    def visit_value(self, node: ast.Expr | ast.Attribute | ast.Starred | ast.keyword) -> None:
        """Nodes whose one child is ``value`` (``Expr``, ``Attribute``, ``Starred``,
        ``keyword``, ``Await``; the rest of their fields are names, numbers or contexts)."""
        value = node.value
        _HANDLERS[type(value)](self, value)

    def visit_optional_value(self, node: ast.Return | ast.Yield) -> None:
        value = node.value
        if value is not None:
            _HANDLERS[type(value)](self, value)

    def visit_call(self, node: ast.Call) -> None:
        func = node.func
        _HANDLERS[type(func)](self, func)
        for arg in node.args:
            _HANDLERS[type(arg)](self, arg)
        for keyword in node.keywords:
            value = keyword.value
            _HANDLERS[type(value)](self, value)

    def visit_subscript(self, node: ast.Subscript) -> None:
        value = node.value
        _HANDLERS[type(value)](self, value)
        index = node.slice
        _HANDLERS[type(index)](self, index)

    def visit_elements(self, node: ast.Tuple | ast.List | ast.Set) -> None:
        for element in node.elts:
            _HANDLERS[type(element)](self, element)

    def visit_dict(self, node: ast.Dict) -> None:
        for key in node.keys:
            if key is not None:  # `**mapping`
                _HANDLERS[type(key)](self, key)
        for value in node.values:
            _HANDLERS[type(value)](self, value)

    def visit_compare(self, node: ast.Compare) -> None:
        left = node.left
        _HANDLERS[type(left)](self, left)
        for right in node.comparators:
            _HANDLERS[type(right)](self, right)

    def visit_bool_op(self, node: ast.BoolOp) -> None:
        for value in node.values:
            _HANDLERS[type(value)](self, value)

    def visit_unary_op(self, node: ast.UnaryOp) -> None:
        operand = node.operand
        _HANDLERS[type(operand)](self, operand)

    def visit_if(self, node: ast.If | ast.While) -> None:
        test = node.test
        _HANDLERS[type(test)](self, test)
        for statement in node.body:
            _HANDLERS[type(statement)](self, statement)
        for statement in node.orelse:
            _HANDLERS[type(statement)](self, statement)

    def visit_if_exp(self, node: ast.IfExp) -> None:
        test, body, orelse = node.test, node.body, node.orelse
        _HANDLERS[type(test)](self, test)
        _HANDLERS[type(body)](self, body)
        _HANDLERS[type(orelse)](self, orelse)

    def visit_joined_str(self, node: ast.JoinedStr) -> None:
        for value in node.values:
            _HANDLERS[type(value)](self, value)

    def visit_formatted_value(self, node: ast.FormattedValue) -> None:
        value = node.value
        _HANDLERS[type(value)](self, value)
        if node.format_spec is not None:
            self.visit(node.format_spec)


def all_args(args: ast.arguments) -> list[ast.arg]:
    """Every parameter of a function or lambda, in declaration order."""
    params = [*args.posonlyargs, *args.args]
    if args.vararg is not None:
        params.append(args.vararg)
    params.extend(args.kwonlyargs)
    if args.kwarg is not None:
        params.append(args.kwarg)
    return params


def _target_names(target: ast.expr) -> set[str]:
    """Plain names a comprehension target binds (``x``, ``(a, *b)``; not ``obj.attr``)."""
    if isinstance(target, ast.Name):
        return {target.id}
    return {
        node.id
        for node in ast.walk(target)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    }


def _node_types(base: type[ast.AST]) -> list[type[ast.AST]]:
    """``base`` and every node type below it."""
    found = [base]
    for sub in base.__subclasses__():
        found += _node_types(sub)
    return found


def _no_names(visitor: ScopeVisitor, node: ast.AST) -> None:
    """Constants, contexts and operators: nodes that hold no other node."""


_Handler = Callable[[ScopeVisitor, Any], None]
#: Every node type: those without a handler of their own are walked field by field.
_HANDLERS: Final[dict[type[ast.AST], _Handler]] = dict.fromkeys(
    _node_types(ast.AST), ScopeVisitor.visit_children
)
_OPERATORS = (ast.operator, ast.unaryop, ast.boolop, ast.cmpop)
_LEAVES = (
    ast.Constant,
    ast.Load,
    ast.Store,
    ast.Del,
    *(kind for base in _OPERATORS for kind in base.__subclasses__()),
)
_HANDLERS.update(dict.fromkeys(_LEAVES, _no_names))
_HANDLERS.update(
    {
        ast.Name: ScopeVisitor.visit_name,
        ast.BinOp: ScopeVisitor.visit_bin_op,
        ast.Assign: ScopeVisitor.visit_assign,
        ast.AugAssign: ScopeVisitor.visit_aug_assign,
        ast.AnnAssign: ScopeVisitor.visit_ann_assign,
        ast.NamedExpr: ScopeVisitor.visit_named_expr,
        ast.For: ScopeVisitor.visit_for,
        ast.AsyncFor: ScopeVisitor.visit_for,
        ast.Import: ScopeVisitor.visit_import,
        ast.ImportFrom: ScopeVisitor.visit_import_from,
        ast.Global: ScopeVisitor.visit_global,
        ast.Nonlocal: ScopeVisitor.visit_nonlocal,
        ast.ExceptHandler: ScopeVisitor.visit_except_handler,
        ast.FunctionDef: ScopeVisitor.visit_function,
        ast.AsyncFunctionDef: ScopeVisitor.visit_function,
        ast.Lambda: ScopeVisitor.visit_lambda,
        ast.ClassDef: ScopeVisitor.visit_class,
        ast.ListComp: ScopeVisitor.visit_list_comp,
        ast.SetComp: ScopeVisitor.visit_list_comp,
        ast.GeneratorExp: ScopeVisitor.visit_list_comp,
        ast.DictComp: ScopeVisitor.visit_dict_comp,
        ast.MatchAs: ScopeVisitor.visit_match_as,
        ast.MatchStar: ScopeVisitor.visit_match_star,
        ast.MatchMapping: ScopeVisitor.visit_match_mapping,
    }
)
#: Handlers of common nodes that walk the fields as :meth:`ScopeVisitor.visit_children`
#: does, without a ``getattr`` and type test per field (a test holds each to it).
_FIELD_WALKS: Final[dict[type[ast.AST], _Handler]] = {
    ast.Expr: ScopeVisitor.visit_value,
    ast.Attribute: ScopeVisitor.visit_value,
    ast.Starred: ScopeVisitor.visit_value,
    ast.keyword: ScopeVisitor.visit_value,
    ast.Await: ScopeVisitor.visit_value,
    ast.Return: ScopeVisitor.visit_optional_value,
    ast.Yield: ScopeVisitor.visit_optional_value,
    ast.Call: ScopeVisitor.visit_call,
    ast.Subscript: ScopeVisitor.visit_subscript,
    ast.Tuple: ScopeVisitor.visit_elements,
    ast.List: ScopeVisitor.visit_elements,
    ast.Set: ScopeVisitor.visit_elements,
    ast.Dict: ScopeVisitor.visit_dict,
    ast.Compare: ScopeVisitor.visit_compare,
    ast.BoolOp: ScopeVisitor.visit_bool_op,
    ast.UnaryOp: ScopeVisitor.visit_unary_op,
    ast.If: ScopeVisitor.visit_if,
    ast.While: ScopeVisitor.visit_if,
    ast.IfExp: ScopeVisitor.visit_if_exp,
    ast.JoinedStr: ScopeVisitor.visit_joined_str,
    ast.FormattedValue: ScopeVisitor.visit_formatted_value,
}
_HANDLERS.update(_FIELD_WALKS)
_TYPE_ALIAS: type[ast.AST] | None = getattr(ast, "TypeAlias", None)
if _TYPE_ALIAS is not None:  # Python 3.12+
    _HANDLERS[_TYPE_ALIAS] = ScopeVisitor.visit_type_alias

"""Values changed in place by a cell other than the one that defines them: reported, kept.

``df["c"] = 1`` or ``items.append(x)`` in a later cell changes the object an earlier cell made.
Run top to bottom (Jupyter's order, and Cascade's after conversion: every edge points down,
so run-all order is notebook order) this gives the same result. What differs is *re-running*:
Cascade does not know the cell changed ``df``, so running that cell again changes it again, and
the cells that read ``df`` do not re-run after it.

The converter leaves such code as it is, like marimo's converter: rewriting it (copying the
object first, or merging cells) would change what the code means or how much memory it uses,
and a method call's effect cannot be known statically. It reports every syntactic mutation it
can see — assignment or ``del`` through an attribute or subscript, augmented assignment of one,
a call of a well-known in-place method (``append``, ``update``, ``sort`` …) or any method call
with ``inplace=True`` — so the user can move the change into the defining cell.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence

from app.core.convert.cells import ParsedCell, SourceCell
from app.core.convert.report import Note

__all__ = ["IN_PLACE_METHODS", "mutation_notes"]

#: Methods of the builtin containers, numpy arrays and pandas objects that change their object.
IN_PLACE_METHODS = frozenset(
    {
        "append", "extend", "insert", "remove", "pop", "clear", "update", "sort", "reverse",
        "add", "discard", "setdefault", "popitem", "difference_update", "intersection_update",
        "symmetric_difference_update", "fill", "resize", "itemset", "put", "appendleft",
        "extendleft", "popleft", "rotate",
    }
)  # fmt: skip


def _base(node: ast.expr) -> ast.Name | None:
    """The variable at the root of ``a.b[c].d`` (None for anything else)."""
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node if isinstance(node, ast.Name) else None


def _immediate(tree: ast.Module) -> Iterator[ast.AST]:
    """Nodes that run when the cell runs (not function bodies)."""
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            stack.extend(node.decorator_list)
            continue
        if isinstance(node, ast.Lambda):
            continue
        stack.extend(ast.iter_child_nodes(node))


def _mutations(tree: ast.Module) -> Iterator[tuple[ast.Name, ast.AST]]:
    """(root variable, node that changes it) for each syntactic in-place change."""
    for node in _immediate(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = list(node.targets)
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, ast.Attribute | ast.Subscript) and isinstance(
                    part.ctx, ast.Store | ast.Del
                ):
                    root = _base(part)
                    if root is not None:
                        yield root, node
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            in_place = node.func.attr in IN_PLACE_METHODS or any(
                keyword.arg == "inplace"
                and isinstance(keyword.value, ast.Constant)
                and keyword.value.value is True
                for keyword in node.keywords
            )
            root = _base(node.func.value)
            if in_place and root is not None:
                yield root, node


def mutation_notes(cells: Sequence[SourceCell]) -> list[Note]:
    """One warning per cell and variable it changes in place while another cell defines it."""
    parsed = [ParsedCell(cell) for cell in cells]
    definer: dict[str, int] = {}
    for index, cell in enumerate(parsed):
        for name in cell.analysis.defs:
            definer.setdefault(name, index)
    notes: list[Note] = []
    for index, cell in enumerate(parsed):
        if cell.tree is None:
            continue
        module_loads = {
            id(o.node) for occurrences in cell.occurrences.values() for o in occurrences
        }
        seen: set[str] = set()
        for root, node in _mutations(cell.tree):
            name = root.id
            home = definer.get(name)
            if home is None or home == index or name in seen or id(root) not in module_loads:
                continue
            seen.add(name)
            example = ast.get_source_segment(cell.cell.code, node) or name
            example = example.split("\n")[0]
            if len(example) > 60:
                example = example[:59] + "…"
            notes.append(
                Note(
                    index,
                    "mutation",
                    f"changes `{name}` in place (`{example}`), which cell {home + 1} defines: "
                    f"running this cell again changes it again, and cells reading `{name}` do "
                    f"not re-run after it — move the change into cell {home + 1} to make it "
                    "reactive",
                    "warning",
                )
            )
    return notes

"""Rewriting one name in one cell: which occurrences get which name, as text edits.

A cell that binds a name again gets ``own`` (``df_2``); reads of the value from above keep
``previous`` (``df``). :func:`plan_rename` decides with :mod:`app.core.convert.flow` whether
that can be done in place or needs an alias line ``own = previous`` at the top of the cell.
Everything else in the code — comments, strings, attributes, keyword arguments, layout — is
left exactly as it was.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from app.core.convert.cells import ParsedCell
from app.core.convert.flow import NEW, analyze_flow
from app.core.convert.occurrences import Occurrence, SelfDocField
from app.core.convert.positions import Edit, SourceText, apply_edits

__all__ = [
    "CannotRename",
    "NamePlan",
    "ReadTracker",
    "alias_insertion",
    "apply_cell_edits",
    "import_key",
    "occurrence_edits",
    "plan_rename",
    "remove_imports",
]


class CannotRename(Exception):
    """This occurrence cannot take another name (``import a.b`` binds ``a`` and nothing else)."""


@dataclass(slots=True)
class NamePlan:
    """The edits that rename one name in one cell, and the alias line it needs (if any)."""

    edits: list[Edit] = field(default_factory=list)
    alias: str | None = None
    reads_previous: bool = False


class ReadTracker:
    """Who reads which version of a name, looking down the notebook from a cell."""

    def __init__(self, cells: Sequence[ParsedCell]) -> None:
        self.cells = cells
        self._previous: dict[tuple[str, int], bool] = {}

    def read_later(self, name: str, index: int) -> bool:
        """Whether a cell below ``index`` reads the version ``index`` defines (a cell that
        defines the name again reads it when it starts from it: ``x += 1``, ``if c: x = 1``)."""
        for below in range(index + 1, len(self.cells)):
            cell = self.cells[below]
            if cell.defines(name):
                return self.reads_previous(name, below)
            if cell.reads(name):
                return True
        return False

    def reads_previous(self, name: str, index: int) -> bool:
        """Whether cell ``index``, which defines ``name``, reads the value from above it."""
        key = (name, index)
        known = self._previous.get(key)
        if known is not None:
            return known
        cell = self.cells[index]
        if cell.binds_only_by_import(name) or cell.reads(name):
            result = True  # a repeated import may be merged away: then it reads the first
        elif cell.tree is None:
            result = False
        else:
            flow = analyze_flow(cell.tree, cell.occurrences.get(name, []))
            result = (
                flow.ambiguous
                or any(state != NEW for state in flow.reads.values())
                or (flow.end != NEW and self.read_later(name, index))
            )
        self._previous[key] = result
        return result


def plan_rename(
    cell: ParsedCell, name: str, *, previous: str, own: str, read_later: bool
) -> NamePlan:
    """Rename ``name`` in a cell that binds it: its own binding becomes ``own``, reads of the
    value from above become ``previous`` (``read_later``: a cell below reads this version, so
    the cell must end with ``own`` bound whenever Jupyter would have had a value)."""
    assert cell.tree is not None
    occurrences = cell.occurrences.get(name, [])
    flow = analyze_flow(cell.tree, occurrences)
    plan = NamePlan()
    if flow.in_place(read_later):
        for occurrence in occurrences:
            old_value = occurrence in flow.window
            plan.reads_previous |= old_value
            plan.edits.extend(
                occurrence_edits(cell.source, occurrence, previous if old_value else own)
            )
    else:
        plan.alias = f"{own} = {previous}"
        plan.reads_previous = True
        for occurrence in occurrences:
            plan.edits.extend(occurrence_edits(cell.source, occurrence, own))
    plan.edits.extend(_self_doc_edits(cell.source, occurrences, own))
    return plan


def occurrence_edits(source: SourceText, occurrence: Occurrence, target: str) -> list[Edit]:
    """The edit giving one occurrence the name ``target`` (none if it has it already)."""
    if target == occurrence.name:
        return []
    if occurrence.kind == "import":
        return [_import_edit(source, occurrence, target)]
    return [Edit(occurrence.start, occurrence.end, target, expected=occurrence.name)]


def _import_edit(source: SourceText, occurrence: Occurrence, target: str) -> Edit:
    alias = occurrence.node
    assert isinstance(alias, ast.alias)
    if isinstance(occurrence.owner, ast.Import) and alias.asname is None and "." in alias.name:
        raise CannotRename(f"`import {alias.name}` binds `{occurrence.name}` and no other name")
    text = source.code[occurrence.start : occurrence.end]
    return Edit(occurrence.start, occurrence.end, f"{alias.name} as {target}", expected=text)


def _self_doc_edits(source: SourceText, occurrences: Iterable[Occurrence], own: str) -> list[Edit]:
    """``f"{df=}"`` prints ``df=``: once ``df`` inside is renamed, spell the label out
    (``f"df={df_2!r}"``) so the printed text stays what it was."""
    fields: dict[int, SelfDocField] = {}
    for occurrence in occurrences:
        if occurrence.field is not None and (own != occurrence.name):
            fields[occurrence.field.brace] = occurrence.field
    edits = []
    code = source.code
    for doc in fields.values():
        label = code[doc.brace + 1 : doc.eq_end].replace("{", "{{").replace("}", "}}")
        edits.append(Edit(doc.brace, doc.brace, label))
        edits.append(Edit(doc.expr_end, doc.eq_end, ""))
        if not doc.explicit:
            edits.append(Edit(doc.eq_end, doc.eq_end, "!r"))
    return edits


def import_key(occurrence: Occurrence) -> tuple[str, ...]:
    """What an import binds, as a comparable key: two imports with one key bind the same object
    (``import a`` and ``import a.b`` both bind the package ``a``)."""
    alias = occurrence.node
    owner = occurrence.owner
    assert isinstance(alias, ast.alias)
    if isinstance(owner, ast.ImportFrom):
        return ("from", str(owner.level), owner.module or "", alias.name)
    if alias.asname is None:
        return ("import", alias.name.partition(".")[0])
    return ("import", alias.name)


def remove_imports(
    cell: ParsedCell, owner: ast.Import | ast.ImportFrom, replaced: Mapping[ast.alias, str | None]
) -> list[Edit]:
    """Edits that drop (``None``) or respell the given aliases of one import statement; a
    statement left with no alias disappears (its line too, when it is alone on it)."""
    source = cell.source
    code = source.code
    kept = []
    for alias in owner.names:
        if alias in replaced:
            if replaced[alias] is not None:
                kept.append(replaced[alias])
        else:
            kept.append(code[source.start(alias) : source.end(alias)])
    start, end = source.start(owner), source.end(owner)
    if kept:
        if isinstance(owner, ast.ImportFrom):
            head = f"from {'.' * owner.level}{owner.module or ''} import "
        else:
            head = "import "
        return [Edit(start, end, head + ", ".join(str(text) for text in kept))]
    top_level = cell.tree is not None and owner in cell.tree.body
    line_start = source.line_start(start)
    line_end = code.find("\n", end)
    line_end = len(code) if line_end < 0 else line_end
    rest = code[end:line_end].strip()
    if top_level and not code[line_start:start].strip() and (not rest or rest.startswith("#")):
        return [Edit(line_start, min(line_end + 1, len(code)), "")]
    return [Edit(start, end, "pass")]


def alias_insertion(cell: ParsedCell, lines: Sequence[str]) -> Edit:
    """Where alias lines go: before the cell's first statement, after ``from __future__``
    imports (which must stay first)."""
    assert cell.tree is not None
    body = cell.tree.body
    futures = 0
    while (
        futures < len(body)
        and isinstance(body[futures], ast.ImportFrom)
        and body[futures].module == "__future__"  # type: ignore[attr-defined]
    ):
        futures += 1
    text = "\n".join(lines)
    if futures:
        return Edit(
            cell.source.end(body[futures - 1]), cell.source.end(body[futures - 1]), "\n" + text
        )
    if not body:
        return Edit(0, 0, text + "\n")
    at = cell.source.line_start(cell.source.start(body[0]))
    return Edit(at, at, text + "\n")


def apply_cell_edits(cell: ParsedCell, edits: Sequence[Edit], aliases: Sequence[str]) -> str:
    """The cell's new code: the edits applied, alias lines (sorted) inserted."""
    all_edits = list(edits)
    if aliases:
        all_edits.insert(0, alias_insertion(cell, sorted(aliases)))
    return apply_edits(cell.cell.code, all_edits)

"""The one-click fix for a name defined by two cells: "Rename to df_2 here and in the cells
below that read it" — the import's renaming, applied to one definition of an open notebook.

The chosen cell's definition becomes ``df_2`` (reads of the value from above keep ``df``, with
an alias line when the cell updates it in place: ``df_2 = df`` then ``df_2 += …``). Cells below
that read ``df`` now read ``df_2``, down to the next cell that defines ``df`` again; that cell's
reads of the earlier value read ``df_2`` too. SQL cells take part: ``{df}`` placeholders and
result names are renamed like Python names. The result is the new code of every changed cell
plus a unified diff to preview; applying it (as one undoable edit) is the caller's job.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace

from app.core.convert.cells import ParsedCell, SourceCell, all_identifiers
from app.core.convert.positions import Edit, apply_edits
from app.core.convert.rename import NameFactory
from app.core.convert.rewrite import (
    CannotRename,
    ReadTracker,
    apply_cell_edits,
    occurrence_edits,
    plan_rename,
)
from app.core.notebook import Notebook

__all__ = ["CellChange", "QuickFix", "rename_here_and_below"]


@dataclass(frozen=True, slots=True)
class CellChange:
    """A cell's new code (and, for a SQL cell, its result name)."""

    cell_id: str
    code: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class QuickFix:
    """What the fix changes: ``title`` is the menu text, ``diff`` a unified diff preview."""

    name: str
    new_name: str
    title: str
    changes: tuple[CellChange, ...]
    readers: tuple[str, ...]
    diff: str


def _rename_reads(cell: ParsedCell, name: str, target: str) -> SourceCell:
    """Every read of ``name`` in a cell that does not define it, renamed to ``target``."""
    if cell.cell.kind == "sql":
        edits = [
            Edit(start, end, target, expected=name)
            for start, end, found in cell.placeholders
            if found == name
        ]
        return replace(cell.cell, code=apply_edits(cell.cell.code, edits))
    edits = [
        e for o in cell.occurrences.get(name, ()) for e in occurrence_edits(cell.source, o, target)
    ]
    return replace(cell.cell, code=apply_edits(cell.cell.code, edits))


def _rename_definition(
    cell: ParsedCell, name: str, *, previous: str, own: str, read_later: bool
) -> SourceCell:
    if cell.cell.kind == "sql":
        placeholders = _rename_reads(cell, name, previous) if previous != name else cell.cell
        return replace(placeholders, name=own)
    plan = plan_rename(cell, name, previous=previous, own=own, read_later=read_later)
    return replace(
        cell.cell, code=apply_cell_edits(cell, plan.edits, [plan.alias] if plan.alias else [])
    )


def _defines(cell: ParsedCell, name: str) -> bool:
    if cell.cell.kind == "sql":
        return cell.cell.name == name
    return cell.defines(name)


def rename_here_and_below(notebook: Notebook, cell_id: str, name: str) -> QuickFix:
    """The fix for ``name`` defined by ``cell_id`` (and another cell).

    ``ValueError`` when the cell does not define ``name`` or cannot be rewritten (it does not
    parse, or ``import a.b`` binds the name and can bind no other).
    """
    sources = [SourceCell(cell.kind, cell.code, cell.name) for cell in notebook.cells]
    parsed = [ParsedCell(source) for source in sources]
    start = notebook.position(cell_id)
    here = parsed[start]
    if here.cell.kind == "python" and here.tree is None:
        raise ValueError(f"{notebook.label(cell_id)} does not parse")
    if not _defines(here, name):
        raise ValueError(f"{notebook.label(cell_id)} does not define `{name}`")
    new_name = NameFactory(all_identifiers(parsed)).fresh(name)
    below = list(range(start + 1, len(parsed)))
    next_definer = next((j for j in below if _defines(parsed[j], name)), None)
    stop = next_definer if next_definer is not None else len(parsed)
    readers = [j for j in range(start + 1, stop) if parsed[j].reads(name)]
    tracker = ReadTracker(parsed)
    next_reads = next_definer is not None and tracker.reads_previous(name, next_definer)
    new_cells: dict[int, SourceCell] = {}
    try:
        new_cells[start] = _rename_definition(
            here, name, previous=name, own=new_name, read_later=bool(readers) or next_reads
        )
        for j in readers:
            new_cells[j] = _rename_reads(parsed[j], name, new_name)
        if next_definer is not None and next_reads:
            new_cells[next_definer] = _rename_definition(
                parsed[next_definer],
                name,
                previous=new_name,
                own=name,
                read_later=tracker.read_later(name, next_definer),
            )
    except CannotRename as problem:
        raise ValueError(str(problem)) from None
    changes, diff = _changes(notebook, new_cells)
    return QuickFix(
        name=name,
        new_name=new_name,
        title=f"Rename to {new_name} here and in the cells below that read it",
        changes=tuple(changes),
        readers=tuple(notebook.cells[j].id for j in readers),
        diff="\n".join(diff) + ("\n" if diff else ""),
    )


def _changes(
    notebook: Notebook, new_cells: dict[int, SourceCell]
) -> tuple[list[CellChange], list[str]]:
    """The cells whose code or result name the fix changes, and the preview's diff lines."""
    changes = []
    diff: list[str] = []
    for index, cell in sorted(new_cells.items()):
        old = notebook.cells[index]
        if cell.code == old.code and cell.name == old.name:
            continue
        changes.append(CellChange(old.id, cell.code, cell.name if old.kind == "sql" else None))
        label = notebook.label(old.id)
        if cell.name != old.name:
            diff.append(f"{label}: result name {old.name} -> {cell.name}")
        diff.extend(
            difflib.unified_diff(
                old.code.split("\n"),
                cell.code.split("\n"),
                fromfile=f"{label} (before)",
                tofile=f"{label} (after)",
                lineterm="",
            )
        )
    return changes, diff

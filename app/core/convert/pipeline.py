"""The steps every import shares once its cells are read: make them reactive, report in-place
changes and anything still conflicting, give the cells ids, build the notebook."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.core.convert.cells import SourceCell
from app.core.convert.conflicts import conflict_notes
from app.core.convert.mutations import mutation_notes
from app.core.convert.rename import make_reactive
from app.core.convert.report import Conversion, ConversionReport, Note
from app.core.notebook import Cell, Notebook, new_cell_id

__all__ = ["VALID_ID", "DraftCell", "finish"]

#: Ids kept from the source: nbformat 4.5's rule, which Cascade's files accept as they are.
VALID_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True, slots=True)
class DraftCell:
    """A cell read from the source, before renaming: ``origin`` is its index in the source,
    ``notes`` what reading it already did (magics …), with ``cell`` left None."""

    source: SourceCell
    origin: int
    cell_id: str | None = None
    meta: tuple[tuple[str, str], ...] = ()
    notes: tuple[Note, ...] = ()


def _ids(drafts: Sequence[DraftCell]) -> list[str]:
    seen: set[str] = set()
    wanted = [d.cell_id if d.cell_id and VALID_ID.fullmatch(d.cell_id) else None for d in drafts]
    taken = {cell_id for cell_id in wanted if cell_id}
    ids = []
    for cell_id in wanted:
        if cell_id is None or cell_id in seen:
            cell_id = new_cell_id(taken)
            taken.add(cell_id)
        seen.add(cell_id)
        ids.append(cell_id)
    return ids


def finish(
    drafts: Sequence[DraftCell],
    *,
    source: str,
    name: str = "",
    database: str | None = None,
    extra_header: str = "",
    notes: Sequence[Note] = (),
) -> Conversion:
    """The notebook of these cells made reactive, with the whole report."""
    reactive = make_reactive([draft.source for draft in drafts])
    cell_notes = [
        Note(index, note.kind, note.message, note.severity)
        for index, draft in enumerate(drafts)
        for note in draft.notes
    ]
    all_notes = [
        *notes,
        *cell_notes,
        *reactive.notes,
        *mutation_notes(reactive.cells),
        *conflict_notes(reactive.cells),
    ]
    all_notes.sort(key=lambda note: -1 if note.cell is None else note.cell)
    cells = tuple(
        Cell(
            id=cell_id,
            kind=cell.kind,
            code=cell.code,
            name=cell.name if cell.kind == "sql" else None,
            meta=draft.meta,
        )
        for cell_id, cell, draft in zip(_ids(drafts), reactive.cells, drafts, strict=True)
    )
    report = ConversionReport(source, reactive.renames, reactive.merged_imports, tuple(all_notes))
    notebook = Notebook(cells, name, database, extra_header)
    return Conversion(notebook, report, tuple(draft.origin for draft in drafts))

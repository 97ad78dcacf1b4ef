"""Undo and redo of structural edits (cells added, deleted, moved) for one notebook.

Each entry records what is needed to put the notebook back *and* forward again: a deleted
cell keeps its code, id, position and last run state (its outputs), so undoing a delete shows
the cell exactly as it was. The coordinator applies entries; this module only keeps them.
"""

from __future__ import annotations

from app.core.notebook import Cell
from app.core.record import Record
from app.core.state import CellRunState

#: How many structural edits can be undone.
MAX_DEPTH = 200


class CellRemoved(Record):
    """``cell`` was at ``index`` and is gone; ``state`` is how it last looked."""

    cell: Cell
    index: int
    state: CellRunState


class CellInserted(Record):
    """``cell`` was inserted at ``index`` (redo inserts it again with ``state``)."""

    cell: Cell
    index: int
    state: CellRunState


class CellMoved(Record):
    cell_id: str
    from_index: int
    to_index: int


class CodeChanged(Record):
    """Several cells' code changed as one edit (replace all, a rename quick fix):
    ``changes`` holds (cell id, code before, code after); ``label`` names the edit."""

    changes: tuple[tuple[str, str, str], ...]
    label: str

    def inverted(self) -> CodeChanged:
        return CodeChanged(
            tuple((c, after, before) for c, before, after in self.changes), self.label
        )


class KindChanged(Record):
    """A cell became another kind (Python, Markdown, SQL): the cell ``before`` and ``after``
    (a SQL cell also gets or loses its result name)."""

    before: Cell
    after: Cell


class MetaChanged(Record):
    """A cell's metadata changed (auto-run on or off): ``before`` and ``after``; ``label``
    names the change."""

    cell_id: str
    before: tuple[tuple[str, str], ...]
    after: tuple[tuple[str, str], ...]
    label: str

    def inverted(self) -> MetaChanged:
        return MetaChanged(self.cell_id, self.after, self.before, self.label)


class EditGroup(Record):
    """Several edits made as one operation (delete or paste several cells, merge, split):
    undone and redone in one step, in reverse order."""

    edits: tuple[StructuralEdit, ...]
    label: str


StructuralEdit = (
    CellRemoved | CellInserted | CellMoved | CodeChanged | KindChanged | MetaChanged | EditGroup
)


def describe(edit: StructuralEdit) -> str:
    """The user's operation an undo entry records, for "Undo delete cell"."""
    if isinstance(edit, CellRemoved):
        return "delete cell"
    if isinstance(edit, CellInserted):
        return "add cell"
    if isinstance(edit, CodeChanged | EditGroup | MetaChanged):
        return edit.label
    if isinstance(edit, KindChanged):
        return f"change to {edit.after.kind}"
    return "move cell"


def describe_redo(edit: StructuralEdit) -> str:
    """The operation a redo entry (the inverse of an undone one) does again."""
    if isinstance(edit, CellRemoved):
        return "add cell"
    if isinstance(edit, CellInserted):
        return "delete cell"
    if isinstance(edit, CodeChanged | EditGroup | MetaChanged):
        return edit.label
    if isinstance(edit, KindChanged):
        return f"change to {edit.before.kind}"
    return "move cell"


class CellHistory:
    """Two stacks; a new edit clears the redo stack, as in every editor."""

    def __init__(self) -> None:
        self._undo: list[StructuralEdit] = []
        self._redo: list[StructuralEdit] = []

    def record(self, edit: StructuralEdit) -> None:
        self._undo.append(edit)
        del self._undo[:-MAX_DEPTH]
        self._redo.clear()

    def take_undo(self) -> StructuralEdit | None:
        return self._undo.pop() if self._undo else None

    def take_redo(self) -> StructuralEdit | None:
        return self._redo.pop() if self._redo else None

    def push_redo(self, edit: StructuralEdit) -> None:
        self._redo.append(edit)

    def push_undo(self, edit: StructuralEdit) -> None:
        """Put back an edit that was redone (not a new edit: the redo stack stays)."""
        self._undo.append(edit)

    def clear(self) -> None:
        self._undo.clear()
        self._redo.clear()

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def next_undo(self) -> StructuralEdit | None:
        return self._undo[-1] if self._undo else None

    def next_redo(self) -> StructuralEdit | None:
        return self._redo[-1] if self._redo else None

"""Editing intents: a cell's code, cells added, deleted, moved, several cells at once, and the
inverse of each for undo. Mixed into :class:`app.coordinator.coordinator.Coordinator`, whose
members it names below; kept apart so each file holds one job.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Coroutine, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from app.coordinator.cell_history import (
    CellHistory,
    CellInserted,
    CellMoved,
    CellRemoved,
    CodeChanged,
    EditGroup,
    KindChanged,
    MetaChanged,
    StructuralEdit,
    describe,
    describe_redo,
)
from app.coordinator.events import (
    AnalysisChanged,
    CoordinatorEvent,
    HistoryChanged,
    StructureChanged,
)
from app.coordinator.runner import Runner
from app.core.code_change import same_program
from app.core.document import AnalysedNotebook, Delta
from app.core.notebook import AUTORUN_KEY, HIDE_IN_APP_KEY, Cell, CellKind, Notebook, new_cell_id
from app.core.planner import Mode
from app.core.problems import Stale
from app.core.record import Record, replace
from app.core.state import CellRunState


class PendingCascade(Record):
    """A cascade asked for while several edits are applied as one operation: they are
    joined and run (or staled) once when the operation ends."""

    roots: set[str]
    run: bool
    why: Stale
    extra: set[str]
    purge: bool


class StructuralEditor:
    """The editing half of the coordinator (see the module docstring)."""

    _document: AnalysedNotebook
    _runner: Runner
    _history: CellHistory
    _batched: list[PendingCascade] | None

    if TYPE_CHECKING:  # provided by the coordinator

        @property
        def notebook(self) -> Notebook: ...

        @property
        def mode(self) -> Mode: ...

        def _emit(self, event: CoordinatorEvent) -> None: ...

        def _save(self, *, overwrite: bool = False) -> None: ...

        async def _after_change(
            self,
            roots: set[str],
            run: bool,
            why: Stale,
            *,
            extra: set[str] | frozenset[str] = frozenset(),
            purge: bool = False,
        ) -> None: ...

        async def run_cell(self, cell_id: str) -> None: ...

    # -- the snapshot ------------------------------------------------------------------------------
    def _adopt(self, notebook: Notebook, changed: tuple[str, ...] = ()) -> Delta:
        """Take ``notebook`` as the document (``changed`` cells analysed again) and tell
        observers whose analysis or problems changed."""
        self._document, delta = self._document.update(notebook, changed)
        self._announce(delta.announce)
        return delta

    def _announce(self, cell_ids: tuple[str, ...]) -> None:
        """Tell observers these cells' analyses and problems (new or changed)."""
        for cell_id in cell_ids:
            self._emit(
                AnalysisChanged(
                    cell_id, self._document.analyses[cell_id], self._document.problems(cell_id)
                )
            )

    def _affected(self, changed: tuple[str, ...], delta: Delta) -> set[str]:
        """The edited cells, their readers before the edit, and cells whose problems changed."""
        affected = set(changed) | set(delta.problems_changed)
        for cell_id in changed:
            affected |= delta.old_graph.children.get(cell_id, frozenset())
        return affected

    # -- code ----------------------------------------------------------------------------------------
    def update_cell(
        self, cell_id: str, code: str, *, run: bool | None = None
    ) -> Coroutine[Any, Any, None]:
        """One edit: adopted and saved *now* (a closing window loses nothing), then — in the
        returned coroutine — its cascade runs (autorun, or ``run=True``) or goes stale
        (``run=False``: the editor was left). Unchanged code with ``run=True`` just runs.
        Auto-run (``run=None``) skips an edit that leaves the program the same (a comment,
        spacing) and waits, stale, while the code does not parse (SEMANTICS.md §3)."""
        if cell_id not in self.notebook or self.notebook.cell(cell_id).code == code:
            return self._run_if(cell_id, bool(run))
        before = self.notebook.cell(cell_id)
        delta = self._adopt(self.notebook.update_code(cell_id, code), (cell_id,))
        self._save()
        if run is None and same_program(before.kind, before.code, code):
            return self._run_if(cell_id, False)  # a comment or spacing: nothing to re-run
        affected = self._affected((cell_id,), delta)
        auto = self.mode == "autorun" and self.notebook.cell(cell_id).auto_runs
        should_run = auto if run is None else run
        if run is None and self._document.analyses[cell_id].syntax_error is not None:
            should_run = False  # auto-run waits for code that parses; the error shows quietly
        return self._after_change({cell_id}, should_run, Stale("edited"), extra=affected)

    async def _run_if(self, cell_id: str, run: bool) -> None:
        if run and cell_id in self.notebook:
            await self.run_cell(cell_id)

    async def set_sql_name(self, cell_id: str, name: str) -> None:
        """Rename the variable a SQL cell's result is bound to; its readers follow."""
        cell = self.notebook.cell(cell_id)
        if cell.kind != "sql" or not name.isidentifier() or cell.name == name:
            return
        delta = self._adopt(self.notebook.replace_cell(replace(cell, name=name)), (cell_id,))
        self._save()
        affected = self._affected((cell_id,), delta)
        await self._after_change(
            {cell_id}, self.mode == "autorun", Stale("renamed"), extra=affected
        )

    async def apply_code_changes(self, changes: Mapping[str, str], label: str) -> None:
        """Change several cells' code as one edit (replace all, a rename quick fix): saved
        once, undone in one step, and run once per the mode."""
        recorded = tuple(
            (cell_id, self.notebook.cell(cell_id).code, code)
            for cell_id, code in changes.items()
            if cell_id in self.notebook and self.notebook.cell(cell_id).code != code
        )
        if recorded:
            edit = CodeChanged(recorded, label)
            self._record(edit)
            await self._set_codes(edit)

    async def _set_codes(self, edit: CodeChanged) -> None:
        notebook = self.notebook
        for cell_id, _before, after in edit.changes:
            notebook = notebook.update_code(cell_id, after)
        changed = tuple(cell_id for cell_id, _, _ in edit.changes)
        delta = self._adopt(notebook, changed)
        self._save()
        await self._after_change(
            set(changed),
            self.mode == "autorun",
            Stale("edited"),
            extra=self._affected(changed, delta),
        )

    # -- cells ---------------------------------------------------------------------------------------
    async def add_cell(
        self, kind: CellKind = "python", index: int | None = None, code: str = ""
    ) -> str:
        """Insert a cell (at the end by default); returns its id. Runs it if it has code and
        the notebook is in autorun mode."""
        inserted = await self._add(kind, index, code)
        self._record(inserted)
        return inserted.cell.id

    async def _add(self, kind: CellKind, index: int | None, code: str) -> CellInserted:
        cell = self.notebook.new_cell(kind, code)
        at = len(self.notebook) if index is None else max(0, min(index, len(self.notebook)))
        self._insert(cell, at, CellRunState())
        if code.strip():
            await self._after_change({cell.id}, self.mode == "autorun", Stale("new_cell"))
        return CellInserted(cell, at, CellRunState())

    async def delete_cell(self, cell_id: str) -> None:
        """Remove a cell: its names leave the kernel; its readers re-run (autorun) or go stale.
        Undo brings it back with its outputs."""
        self._record(await self._delete(cell_id))

    async def _delete(self, cell_id: str) -> CellRemoved:
        cell = self.notebook.cell(cell_id)
        index = self.notebook.position(cell_id)
        state = self._runner.session.states.get(cell_id, CellRunState())
        await self._remove(cell_id)
        return CellRemoved(cell, index, state)

    # -- operations on several cells: one undo step, one cascade -----------------------------------
    @asynccontextmanager
    async def _one_cascade(self) -> AsyncIterator[None]:
        """Edits made inside join their cascades into one, run (or staled) at the end."""
        if self._batched is not None:  # already inside an operation: it runs the cascade
            yield
            return
        self._batched = []
        try:
            yield
        finally:
            pending, self._batched = self._batched, None
        if pending:
            roots = set().union(*(p.roots for p in pending))
            extra = set().union(*(p.extra for p in pending))
            await self._after_change(
                roots,
                any(p.run for p in pending),
                pending[0].why,
                extra=extra,
                purge=any(p.purge for p in pending),
            )

    def _in_order(self, cell_ids: Sequence[str]) -> list[str]:
        wanted = set(cell_ids)
        return [c for c in self.notebook.cell_ids if c in wanted]

    async def delete_cells(self, cell_ids: Sequence[str]) -> None:
        """Delete several cells as one operation: one Undo brings them all back."""
        ids = self._in_order(cell_ids)
        if len(ids) <= 1:
            if ids:
                await self.delete_cell(ids[0])
            return
        async with self._one_cascade():
            removed = [await self._delete(cell_id) for cell_id in ids]
        self._record(EditGroup(tuple(removed), f"delete {len(ids)} cells"))

    async def add_cells(self, index: int, cells: Sequence[tuple[CellKind, str]]) -> list[str]:
        """Insert several cells at ``index`` (a paste) as one operation; returns their ids."""
        inserted: list[CellInserted] = []
        async with self._one_cascade():
            for offset, (kind, code) in enumerate(cells):
                inserted.append(await self._add(kind, index + offset, code))
        if len(inserted) == 1:
            self._record(inserted[0])
        elif inserted:
            self._record(EditGroup(tuple(inserted), f"paste {len(inserted)} cells"))
        return [edit.cell.id for edit in inserted]

    async def merge_cells(self, cell_ids: Sequence[str]) -> str | None:
        """Merge cells into the first (its kind; code joined by a blank line), as JupyterLab's
        Shift+M does: one undoable operation that runs once. Returns the merged cell's id."""
        ids = self._in_order(cell_ids)
        if len(ids) < 2:
            return None
        first = self.notebook.cell(ids[0])
        code = "\n\n".join(self.notebook.cell(c).code.strip("\n") for c in ids)
        async with self._one_cascade():
            removed = [await self._delete(cell_id) for cell_id in ids[1:]]
            changed = CodeChanged(((first.id, first.code, code),), "merge cells")
            await self._set_codes(changed)
        self._record(EditGroup((*removed, changed), "merge cells"))
        return first.id

    async def split_cell(self, cell_id: str, offset: int) -> str | None:
        """Split a cell at character ``offset`` of its code: the part after it becomes a new
        cell of the same kind below. One undoable operation. Returns the new cell's id."""
        if cell_id not in self.notebook:
            return None
        cell = self.notebook.cell(cell_id)
        offset = max(0, min(offset, len(cell.code)))
        head, tail = cell.code[:offset].rstrip("\n"), cell.code[offset:].lstrip("\n")
        index = self.notebook.position(cell_id) + 1
        async with self._one_cascade():
            changed = CodeChanged(((cell_id, cell.code, head),), "split cell")
            if head != cell.code:
                await self._set_codes(changed)
            inserted = await self._add(cell.kind, index, tail)
        self._record(EditGroup((changed, inserted), "split cell"))
        return inserted.cell.id

    async def set_cell_kind(self, cell_id: str, kind: CellKind) -> None:
        """Make a cell Python, Markdown or SQL (a SQL cell gets a free result name); one
        undoable edit, then it runs or goes stale like an edited cell."""
        cell = self.notebook.cell(cell_id)
        if cell.kind == kind:
            return
        name = self.notebook.next_sql_name() if kind == "sql" else None
        edit = KindChanged(cell, replace(cell, kind=kind, name=name))
        self._record(edit)
        await self._set_cell(edit.after)

    def set_cell_autorun(self, cell_id: str, on: bool) -> None:
        """Let the cell run by itself (the default) or only when asked: its ``autorun``
        metadata, saved in the file; undoable. Nothing runs now."""
        if self.notebook.cell(cell_id).auto_runs != on:
            label = f"auto-run {'on' if on else 'off'}"
            self._set_flag(cell_id, AUTORUN_KEY, None if on else "false", label)

    def set_hidden_in_app(self, cell_id: str, hidden: bool) -> None:
        """Keep the cell out of the app view (``hide_in_app=true``) or show it; undoable."""
        if self.notebook.cell(cell_id).hidden_in_app != hidden:
            label = "hide in app view" if hidden else "show in app view"
            self._set_flag(cell_id, HIDE_IN_APP_KEY, "true" if hidden else None, label)

    def _set_flag(self, cell_id: str, key: str, value: str | None, label: str) -> None:
        cell = self.notebook.cell(cell_id)
        edit = MetaChanged(cell_id, cell.meta, cell.with_meta(key, value).meta, label)
        self._set_meta(edit)
        self._record(edit)

    def _set_meta(self, edit: MetaChanged) -> None:
        cell = self.notebook.cell(edit.cell_id)
        self._adopt(self.notebook.replace_cell(replace(cell, meta=edit.after)), (cell.id,))
        self._emit(StructureChanged(self.notebook))
        self._save()

    async def _set_cell(self, cell: Cell) -> None:
        delta = self._adopt(self.notebook.replace_cell(cell), (cell.id,))
        self._emit(StructureChanged(self.notebook))
        self._save()
        await self._after_change(
            {cell.id},
            self.mode == "autorun",
            Stale("edited"),
            extra=self._affected((cell.id,), delta),
        )

    async def move_cell(self, cell_id: str, index: int) -> None:
        """Change display order; run order is computed, so nothing needs to run."""
        before = self.notebook.position(cell_id)
        self._move(cell_id, index)
        after = self.notebook.position(cell_id)
        if after != before:
            self._record(CellMoved(cell_id, before, after))

    def _insert(self, cell: Cell, index: int, state: CellRunState) -> None:
        self._adopt(self.notebook.insert_cell(index, cell), (cell.id,))
        self._runner.session.add(cell.id, state)
        self._emit(StructureChanged(self.notebook))
        self._save()

    async def _remove(self, cell_id: str) -> None:
        readers = self._document.graph.children.get(cell_id, frozenset())
        delta = self._adopt(self.notebook.delete_cell(cell_id))
        self._runner.session.remove(cell_id)
        self._emit(StructureChanged(self.notebook))
        self._save()
        await self._after_change(
            set(readers) | set(delta.problems_changed),
            self.mode == "autorun",
            Stale("input_deleted"),
            purge=True,
        )

    def _move(self, cell_id: str, index: int) -> None:
        self._adopt(self.notebook.move_cell(cell_id, index))
        self._emit(StructureChanged(self.notebook))
        self._save()

    # -- undo ---------------------------------------------------------------------------------------
    async def _apply_inverse(self, edit: StructuralEdit) -> StructuralEdit:
        """Apply the opposite of ``edit``; return the edit that takes it back again."""
        if isinstance(edit, EditGroup):
            async with self._one_cascade():
                done = [await self._apply_inverse(part) for part in reversed(edit.edits)]
            return EditGroup(tuple(reversed(done)), edit.label)
        if isinstance(edit, CellRemoved):
            return await self._restore(edit)
        if isinstance(edit, CodeChanged):
            inverse = edit.inverted()
            await self._set_codes(inverse)
            return inverse
        if isinstance(edit, MetaChanged):
            undone = edit.inverted()
            self._set_meta(undone)
            return undone
        if isinstance(edit, KindChanged):
            current = self.notebook.cell(edit.after.id)  # its code as edited since
            target = replace(edit.before, code=current.code)
            await self._set_cell(target)
            return KindChanged(current, target)
        if isinstance(edit, CellInserted):
            current = self.notebook.cell(edit.cell.id)
            index = self.notebook.position(current.id)
            state = self._runner.session.states.get(current.id, CellRunState())
            await self._remove(current.id)
            return CellRemoved(current, index, state)
        before = self.notebook.position(edit.cell_id)
        self._move(edit.cell_id, edit.from_index)
        # Applying the returned edit's inverse moves the cell back to where it was before.
        return CellMoved(edit.cell_id, before, self.notebook.position(edit.cell_id))

    async def _restore(self, edit: CellRemoved) -> StructuralEdit:
        cell = edit.cell
        if cell.id in self.notebook:  # an id taken since: the cell comes back as a copy
            cell = replace(cell, id=new_cell_id(self.notebook.cell_ids))
        index = min(edit.index, len(self.notebook))
        self._insert(cell, index, edit.state)
        if edit.state.status != "idle" or cell.code.strip():
            readers = self._document.graph.children.get(cell.id, frozenset())
            await self._after_change(
                {cell.id}, self.mode == "autorun", Stale("restored"), extra=set(readers)
            )
        return CellInserted(cell, index, edit.state)

    # -- undo -----------------------------------------------------------------------------------
    def _record(self, edit: StructuralEdit) -> None:
        self._history.record(edit)
        self._emit_history()

    def _emit_history(self) -> None:
        undo, redo = self._history.next_undo(), self._history.next_redo()
        self._emit(
            HistoryChanged(
                describe(undo) if undo is not None else None,
                describe_redo(redo) if redo is not None else None,
            )
        )

    async def undo(self) -> bool:
        """Undo the last structural edit (a deleted cell comes back with its code, id,
        position and outputs, then runs or goes stale like any new input). False: nothing."""
        edit = self._history.take_undo()
        if edit is None:
            return False
        self._history.push_redo(await self._apply_inverse(edit))
        self._emit_history()
        return True

    async def redo(self) -> bool:
        """Do again the last undone structural edit. False: nothing to redo."""
        edit = self._history.take_redo()
        if edit is None:
            return False
        self._history.push_undo(await self._apply_inverse(edit))
        self._emit_history()
        return True

    @property
    def history(self) -> CellHistory:
        return self._history

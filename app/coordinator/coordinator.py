"""The coordinator: owns the open notebook, its graph and run state, and the kernel.

Responsibilities:
- turn user intents (edit, run, add, delete, move, interrupt, restart, mode) into pure core
  calls (analysis, graph, planner) and one ``RunPlan`` per cascade;
- save every edit (atomically) before anything runs;
- fold kernel events into per-cell run state and tell observers about every change;
- survive the kernel dying: report it, restart it, mark cells stale, leave the file alone.

Every intent is a coroutine that completes when all the work it triggered is finished.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from app.coordinator.cell_history import (
    CellHistory,
    CellInserted,
    CellMoved,
    CellRemoved,
    CodeChanged,
    StructuralEdit,
    describe_redo,
)
from app.coordinator.cell_history import describe as describe_edit
from app.coordinator.events import (
    AnalysisChanged,
    CellStateChanged,
    CoordinatorEvent,
    DatabaseStatusChanged,
    FileChangedOnDisk,
    HistoryChanged,
    KernelStateChanged,
    KernelStatus,
    NotebookLoaded,
    NotebookSaved,
    Notice,
    SaveFailed,
    StructureChanged,
    TrustChanged,
    TrustDecisionNeeded,
)
from app.coordinator.kernel import KernelConnection, KernelEvent, KernelExited, KernelStartError
from app.coordinator.persistence import NotebookFile
from app.coordinator.recovery import RecoveryStore
from app.coordinator.trust_store import TrustStore
from app.core import fileformat
from app.core.analysis import CellAnalysis, analyze_cell
from app.core.graph import Graph, build_graph
from app.core.notebook import Cell, CellKind, Notebook, new_cell_id
from app.core.planner import Mode, Plan, plan_run
from app.core.settings import get_setting, set_setting
from app.core.sql_template import Placeholder, parse_sql_statements
from app.core.state import (
    Blocked,
    CellError,
    CellRunState,
    Finished,
    MadeStale,
    OutputAdded,
    OutputOmitted,
    Queued,
    RichOutput,
    RunEvent,
    Started,
    StreamText,
    reduce,
)
from app.core.trust import TrustRequest, settings_fingerprint, trust_requests
from kernel_worker import protocol as p

Observer = Callable[[CoordinatorEvent], None]

#: After a failed save, how long until the next attempt (an edit also retries at once).
SAVE_RETRY_S = 10.0
#: How long an interrupted cell may take to stop before the user is told it has not.
INTERRUPT_FEEDBACK_S = 2.0
INTERRUPT_UNANSWERED = (
    "Interrupt sent; the cell has not stopped yet. "
    "Interrupt again to restart the kernel (its variables are lost)."
)


@dataclass(slots=True)
class _ActivePlan:
    plan_id: int
    order: tuple[str, ...]  # steps in the order the worker runs them
    defs: dict[str, frozenset[str]]
    done: asyncio.Future[None]
    running: str | None = None
    interrupted: bool = False
    finished: set[str] = field(default_factory=set)

    @property
    def cells(self) -> set[str]:
        return set(self.order)

    def current_step(self) -> str | None:
        """The step the worker is in: announced, or else the first unfinished one (a brief
        step is announced only when it ends, so a crash inside it names it this way)."""
        if self.running is not None:
            return self.running
        return next((c for c in self.order if c not in self.finished), None)


class Coordinator:
    """See the module docstring. Not thread-safe: use it from one event loop."""

    def __init__(
        self,
        kernel: KernelConnection,
        *,
        autosave: bool = True,
        trust_store: TrustStore | None = None,
        recovery: RecoveryStore | None = None,
        assume_trusted: bool = False,
    ) -> None:
        self._kernel = kernel
        self._kernel.set_handler(self._on_kernel_event)
        self._autosave = autosave
        self._observers: list[Observer] = []
        self.notebook = Notebook()
        self._recovery = recovery or RecoveryStore()
        self.file = NotebookFile(recovery=self._recovery)
        self.trust_store = trust_store or TrustStore()
        #: ``cascade run --trust``: the user vouched for this notebook on the command line.
        self._assume_trusted = assume_trusted
        #: Whether the notebook's own settings (interpreter, database) are honoured.
        self.trusted = True
        self.trust_requests: tuple[TrustRequest, ...] = ()
        self._trusted_fingerprint: str | None = None
        #: The user chose to run this untrusted notebook with the default Python and SQLite.
        self._untrusted_runs_allowed = False
        #: Runs asked for while the trust decision is open, started once it is made.
        self._held_roots: dict[str, None] = {}
        #: A database password found in the file: used for this session, never stored.
        self._file_password: str | None = None
        self._save_retry: asyncio.TimerHandle | None = None
        self.history = CellHistory()
        #: For a restored recovery copy: the file it was an edit of (Save As suggests it).
        self.origin: Path | None = None
        self.mode: Mode = "autorun"
        self.analyses: dict[str, CellAnalysis] = {}
        self.graph: Graph = build_graph(self.notebook, {})
        self.states: dict[str, CellRunState] = {}
        self.kernel_status: KernelStatus = "not_started"
        self.kernel_python = ""
        #: name -> cell whose last run bound it in the kernel namespace (SEMANTICS.md §4)
        self.kernel_names: dict[str, str] = {}
        self._run_lock = asyncio.Lock()
        self._active: _ActivePlan | None = None
        self._plan_ids = 0
        self._starting: asyncio.Task[None] | None = None
        self._closing = False
        self._requests = 0
        self._pending_requests: dict[int, asyncio.Future[Any]] = {}
        #: The last answer about the database connection (None before the first check).
        self.database_status: DatabaseStatusChanged | None = None
        #: cell -> the plan its latest run belongs to (late output of its threads goes there).
        self._last_run: dict[str, int] = {}
        #: Runs whose late output was dropped (the user is told once per run).
        self._dropped_late: set[tuple[int, str]] = set()

    @property
    def path(self) -> Path | None:
        """The notebook's file (None for a new notebook not saved yet)."""
        return self.file.path

    @property
    def save_blocked(self) -> bool:
        """The newest edit is not in the file (changed on disk, save failed, never saved)."""
        return self.file.unsaved

    @property
    def has_unsaved_work(self) -> bool:
        """Closing now would lose something unless the user saves it somewhere."""
        if self.path is None:
            return any(cell.code.strip() for cell in self.notebook.cells) or bool(
                self.notebook.name
            )
        return self.file.unsaved

    # -- observers ------------------------------------------------------------------------------
    def subscribe(self, observer: Observer) -> Callable[[], None]:
        """Call ``observer`` with every event; returns the function that unsubscribes."""
        self._observers.append(observer)

        def unsubscribe() -> None:
            if observer in self._observers:
                self._observers.remove(observer)

        return unsubscribe

    def _emit(self, event: CoordinatorEvent) -> None:
        for observer in list(self._observers):
            observer(event)

    def _set_state(self, cell_id: str, event: RunEvent) -> None:
        state = reduce(self.states.get(cell_id, CellRunState()), event)
        self.states[cell_id] = state
        appended = event.output if isinstance(event, OutputAdded) else None
        self._emit(CellStateChanged(cell_id, state, appended))

    def _set_kernel_status(self, status: KernelStatus, detail: str = "") -> None:
        self.kernel_status = status
        self._emit(KernelStateChanged(status, detail))

    # -- documents ----------------------------------------------------------------------------
    async def open(self, path: str | Path) -> None:
        """Open a notebook file (NotebookFormatError if it cannot be parsed). Runs nothing."""
        self.open_now(path)

    def open_now(self, path: str | Path) -> None:
        """:meth:`open` without the event loop (a window reports parse errors at once).

        Nothing the file asks for happens here: its interpreter and database are honoured only
        once the notebook is trusted, and a password in it is used, never stored."""
        loaded = self.file.load(Path(path).resolve())
        assert self.path is not None
        fileformat.remove_stale_temp_files(self.path)  # left by saves killed midway
        self._load(loaded.notebook)
        self._file_password = loaded.secrets.get("database_password")
        self._check_trust()
        for notice in loaded.notices:
            self._emit(Notice("info", notice))
        if self._file_password:
            self._emit(
                Notice(
                    "warning",
                    "This file holds a database password. Cascade keeps it out of the file and "
                    "uses it for this session only; enter it in Run → Database… to store it.",
                )
            )

    def new(self, path: str | Path | None = None, name: str = "") -> None:
        """Start an empty notebook: in memory (and a recovery copy) until it is saved, or, given
        ``path``, saved there on the first edit. A notebook the user creates is trusted."""
        self.file = NotebookFile(Path(path).resolve() if path is not None else None, self._recovery)
        self._file_password = None
        self._load(Notebook(name=name))
        self._check_trust(created=True)

    def restore(self, text: str, key: str, origin: Path | None = None) -> None:
        """Open a recovery copy as an unsaved notebook (NotebookFormatError if it does not
        parse). ``origin``: the file it was an edit of, offered by Save As."""
        loaded = fileformat.parse(text)
        self.file = NotebookFile(None, self._recovery)
        self.file.adopt_recovery(key)
        self.origin = origin
        self._file_password = None
        self._load(loaded.notebook)
        self._check_trust()

    def _load(self, notebook: Notebook) -> None:
        self._held_roots.clear()
        self.history.clear()
        self.notebook = notebook
        self.analyses = {cell.id: analyze_cell(cell) for cell in notebook.cells}
        self.graph = build_graph(notebook, self.analyses)
        self.states = {cell.id: CellRunState() for cell in notebook.cells}
        self._emit(NotebookLoaded(notebook, self.path))
        self._emit_history()
        for cell in notebook.cells:
            self._emit(
                AnalysisChanged(cell.id, self.analyses[cell.id], self.graph.errors.get(cell.id))
            )

    # -- trust ----------------------------------------------------------------------------------
    def _check_trust(self, *, created: bool = False) -> None:
        """Decide whether the notebook's settings are honoured (docs/SECURITY.md)."""
        self.trust_requests = trust_requests(self.notebook)
        fingerprint = settings_fingerprint(self.notebook)
        stored = self.path is not None and self.trust_store.is_trusted(self.path, fingerprint)
        self.trusted = created or self._assume_trusted or not self.trust_requests or stored
        self._trusted_fingerprint = fingerprint if stored else None
        self._untrusted_runs_allowed = False
        self._emit(TrustChanged(self.trusted, self.trust_requests))

    def _remember_trust(self) -> None:
        """Keep a trusted notebook trusted across header edits made here (and new paths)."""
        if not self.trusted or self.path is None or self._assume_trusted:
            return
        self.trust_requests = trust_requests(self.notebook)
        fingerprint = settings_fingerprint(self.notebook)
        if fingerprint != self._trusted_fingerprint:
            with contextlib.suppress(OSError):  # the decision then holds for this session
                self.trust_store.trust(self.path, fingerprint)
                self._trusted_fingerprint = fingerprint

    async def trust(self) -> None:
        """The user trusts this notebook: remember it, then honour its interpreter (a new
        kernel) and database, and start the runs that waited for the decision."""
        if self.trusted:
            await self._release_held_runs()
            return
        self.trusted = True
        self._remember_trust()
        self._emit(TrustChanged(True, self.trust_requests))
        if self._kernel_alive():
            if self.kernel_interpreter() is not None:
                try:
                    await self.restart_kernel()
                except KernelStartError as exc:
                    self._emit(Notice("error", _interpreter_failed(self.kernel_interpreter(), exc)))
                    return
            elif self.notebook.database:
                await self._apply_database()
        await self._release_held_runs()

    async def run_untrusted(self) -> None:
        """Run the waiting cells (and later ones) with the default Python and SQLite, leaving
        the notebook's own settings off."""
        self._untrusted_runs_allowed = True
        await self._release_held_runs()

    def discard_held_runs(self) -> None:
        """The user closed the trust question: nothing runs; the waiting cells stay stale."""
        self._held_roots.clear()

    async def _release_held_runs(self) -> None:
        roots, self._held_roots = list(self._held_roots), {}
        roots = [c for c in roots if c in self.notebook]
        if roots:
            await self.run_cells(roots)

    def _hold_for_trust(self, roots: tuple[str, ...]) -> bool:
        """Keep ``roots`` waiting when the notebook is untrusted and the user has not chosen
        yet; True if held (the window asks, then calls trust / run_untrusted)."""
        if self.trusted or self._untrusted_runs_allowed or not roots:
            return False
        first = not self._held_roots
        self._held_roots.update(dict.fromkeys(roots))
        for cell_id in roots:
            if cell_id in self.states:
                self._set_state(
                    cell_id,
                    MadeStale("waiting: trust this notebook, or run it without its settings"),
                )
        if first:
            self._emit(TrustDecisionNeeded(self.trust_requests))
        return True

    # -- saving ---------------------------------------------------------------------------------
    def _save(self, *, overwrite: bool = False) -> None:
        """Autosave. Never damages the file: a change on disk, a read-only file or a failing
        disk leave it as it was, keep the text in a recovery copy, and tell observers."""
        if not self._autosave:
            return
        try:
            text = fileformat.dumps(self.notebook)
        except ValueError as exc:  # beyond what the file format can hold (too many cells…)
            self._emit(SaveFailed(self.path, f"cannot save: {exc}"))
            return
        outcome = self.file.save(text, overwrite=overwrite, name=self.notebook.name)
        if outcome.result == "saved":
            self._cancel_save_retry()
            self._remember_trust()
            assert self.path is not None
            self._emit(NotebookSaved(self.path, time.time()))
        elif outcome.result == "conflict":
            assert self.path is not None
            self._emit(FileChangedOnDisk(self.path))
        elif outcome.result == "failed":
            self._emit(SaveFailed(self.path, outcome.message))
            self._schedule_save_retry()

    def _schedule_save_retry(self) -> None:
        if self._save_retry is not None or self._closing:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (a closing window): the next edit retries
        self._save_retry = loop.call_later(SAVE_RETRY_S, self._retry_save)

    def _retry_save(self) -> None:
        self._save_retry = None
        if self.file.unsaved and self.path is not None and not self._closing:
            self._save()

    def _cancel_save_retry(self) -> None:
        if self._save_retry is not None:
            self._save_retry.cancel()
            self._save_retry = None

    async def save(self, *, overwrite: bool = False) -> None:
        """Save now; ``overwrite=True`` keeps this version over a change made on disk."""
        if self.path is not None:
            self._save(overwrite=overwrite)

    def save_now(self) -> bool:
        """Save synchronously (a closing window); True when the file holds the newest text."""
        if self.path is None:
            return False
        self._save()
        return not self.file.unsaved

    async def save_as(self, path: str | Path) -> bool:
        """Write the notebook to ``path``, which becomes its file: title, watcher and the
        default SQLite database follow. False (with a SaveFailed event) if it cannot be written."""
        old_default = self._default_database_url()
        target = with_notebook_suffix(Path(path).absolute())
        outcome = self.file.write(target, fileformat.dumps(self.notebook), name=self.notebook.name)
        if outcome.result != "saved":
            self._emit(SaveFailed(target, outcome.message))
            return False
        self._cancel_save_retry()
        self.trusted = True  # the user saved it here: a notebook of theirs
        self._trusted_fingerprint = None
        self._remember_trust()
        assert self.path is not None
        self._emit(NotebookSaved(self.path, time.time()))
        self._emit(TrustChanged(True, self.trust_requests))
        moved = self.notebook.database is None and self._default_database_url() != old_default
        if moved and self._kernel_alive():
            await self._apply_database()
        return True

    def _kernel_alive(self) -> bool:
        return self._kernel.is_running and self.kernel_status not in ("dead", "not_started")

    def write_now(self, path: Path) -> str:
        """Write the notebook to ``path`` synchronously (a closing window); "" on success,
        else why not. The kernel is left alone: the window is going away."""
        outcome = self.file.write(
            with_notebook_suffix(path.absolute()), fileformat.dumps(self.notebook)
        )
        if outcome.result == "saved":
            self._cancel_save_retry()
            return ""
        return outcome.message

    def discard_unsaved(self) -> None:
        """The user chose to close without keeping the unsaved text: drop its recovery copy."""
        self.file.discard_recovery()

    def file_changed_on_disk(self) -> bool:
        """True when the file no longer holds what we last read or wrote."""
        return self.file.changed_on_disk()

    async def reload(self) -> None:
        """Read the file again (after a change on disk); run state starts over and a changed
        settings header is asked about again."""
        if self.path is None:
            return
        if self._active is not None:
            self._kernel.interrupt()
        self.file.discard_recovery()
        await self.open(self.path)

    async def rename(self, name: str) -> None:
        """Set the notebook's display name (stored in the file header)."""
        self.notebook = replace(self.notebook, name=name)
        self._emit(StructureChanged(self.notebook))
        self._save()

    def _reanalyse(self, notebook: Notebook, changed: Iterable[str] = ()) -> Graph:
        """Adopt ``notebook``; re-analyse the ``changed`` cells; rebuild the graph; tell
        observers whose analysis or graph problem changed. Returns the previous graph."""
        old_graph = self.graph
        same_cells = notebook.cell_ids == self.notebook.cell_ids
        self.notebook = notebook
        changed = set(changed)
        edges_same = same_cells
        for cell_id in changed:
            before = self.analyses.get(cell_id)
            after = analyze_cell(notebook.cell(cell_id))
            self.analyses[cell_id] = after
            if before is None or (before.defs, before.refs, before.deletes) != (
                after.defs,
                after.refs,
                after.deletes,
            ):
                edges_same = False
        for cell_id in [c for c in self.analyses if c not in notebook]:
            del self.analyses[cell_id]
        if not edges_same:
            # The usual edit changes a value, not what the cell defines or reads: then the
            # graph (and every message in it) is the same and is kept as it is.
            self.graph = build_graph(notebook, self.analyses)
        for cell_id in notebook.cell_ids:
            problem = self.graph.errors.get(cell_id)
            if cell_id in changed or problem != old_graph.errors.get(cell_id):
                self._emit(AnalysisChanged(cell_id, self.analyses[cell_id], problem))
        return old_graph

    def _problem_changes(self, old_graph: Graph) -> set[str]:
        """Cells that became errable or stopped being errable with the last analysis."""
        now = self.graph.errors
        return {
            c
            for c in self.notebook.cell_ids
            if now.get(c) != old_graph.errors.get(c) and (c in now or c in old_graph.errors)
        }

    # -- intents: editing ---------------------------------------------------------------------
    def commit_edit(self, cell_id: str, code: str) -> set[str] | None:
        """Adopt and save an edit without running anything (synchronous, so a closing window
        can call it). Returns the cells the edit affects, or ``None`` if nothing changed."""
        if self.notebook.cell(cell_id).code == code:
            return None
        old_graph = self._reanalyse(self.notebook.update_code(cell_id, code), (cell_id,))
        self._save()
        affected = {cell_id} | old_graph.children.get(cell_id, frozenset())
        return affected | self._problem_changes(old_graph)

    async def update_cell(self, cell_id: str, code: str, *, run: bool | None = None) -> None:
        """Commit an edit: analyse, save, then (autorun, or ``run=True``) run its cascade.

        ``run=False`` is the blur case: saved, and the cell and its descendants show stale.
        ``run=True`` with unchanged code simply runs the cell.
        """
        await self.settle_edit(cell_id, self.commit_edit(cell_id, code), run=run)

    async def settle_edit(
        self, cell_id: str, affected: set[str] | None, *, run: bool | None = None
    ) -> None:
        """The second half of :meth:`update_cell`, for callers that committed the edit
        synchronously (the window saves on blur before anything else can happen)."""
        if affected is None:
            if run:
                await self.run_cell(cell_id)
            return
        should_run = self.mode == "autorun" if run is None else run
        await self._after_change(affected, should_run, "edited since it last ran")

    async def add_cell(
        self, kind: CellKind = "python", index: int | None = None, code: str = ""
    ) -> str:
        """Insert a cell (at the end by default); returns its id. Runs it if it has code and
        the notebook is in autorun mode."""
        cell = self.notebook.new_cell(kind, code)
        at = len(self.notebook) if index is None else max(0, min(index, len(self.notebook)))
        self._insert(cell, at, CellRunState())
        self._record(CellInserted(cell, at, CellRunState()))
        if code.strip():
            await self._after_change({cell.id}, self.mode == "autorun", "new cell")
        return cell.id

    async def delete_cell(self, cell_id: str) -> None:
        """Remove a cell: its names leave the kernel; its readers re-run (autorun) or go stale.
        Undo brings it back with its outputs."""
        cell = self.notebook.cell(cell_id)
        index = self.notebook.position(cell_id)
        state = self.states.get(cell_id, CellRunState())
        await self._remove(cell_id)
        self._record(CellRemoved(cell, index, state))

    async def move_cell(self, cell_id: str, index: int) -> None:
        """Change display order; run order is computed, so nothing needs to run."""
        before = self.notebook.position(cell_id)
        self._move(cell_id, index)
        after = self.notebook.position(cell_id)
        if after != before:
            self._record(CellMoved(cell_id, before, after))

    async def apply_code_changes(self, changes: Mapping[str, str], label: str) -> None:
        """Change several cells' code as one edit (replace all, a rename quick fix): saved
        once, undone in one step, and run once per the mode (each affected cell at most once)."""
        recorded = tuple(
            (cell_id, self.notebook.cell(cell_id).code, code)
            for cell_id, code in changes.items()
            if cell_id in self.notebook and self.notebook.cell(cell_id).code != code
        )
        if not recorded:
            return
        edit = CodeChanged(recorded, label)
        self._record(edit)
        await self._set_codes(edit)

    async def _set_codes(self, edit: CodeChanged) -> None:
        notebook = self.notebook
        for cell_id, _before, after in edit.changes:
            notebook = notebook.update_code(cell_id, after)
        changed = [cell_id for cell_id, _, _ in edit.changes]
        old_graph = self._reanalyse(notebook, changed)
        self._save()
        affected = set(changed)
        for cell_id in changed:
            affected |= old_graph.children.get(cell_id, frozenset())
        await self._after_change(
            affected | self._problem_changes(old_graph), self.mode == "autorun", "edited"
        )

    def _insert(self, cell: Cell, index: int, state: CellRunState) -> None:
        self._reanalyse(self.notebook.insert_cell(index, cell), (cell.id,))
        self.states[cell.id] = state
        self._emit(StructureChanged(self.notebook))
        self._save()

    async def _remove(self, cell_id: str) -> None:
        old_children = self.graph.children.get(cell_id, frozenset())
        old_graph = self._reanalyse(self.notebook.delete_cell(cell_id))
        self.states.pop(cell_id, None)
        self._emit(StructureChanged(self.notebook))
        self._save()
        affected = set(old_children) | self._problem_changes(old_graph)
        await self._after_change(
            affected, self.mode == "autorun", "an input cell was deleted", purge=True
        )

    def _move(self, cell_id: str, index: int) -> None:
        self._reanalyse(self.notebook.move_cell(cell_id, index))
        self._emit(StructureChanged(self.notebook))
        self._save()

    # -- intents: undo ----------------------------------------------------------------------------
    def _record(self, edit: StructuralEdit) -> None:
        self.history.record(edit)
        self._emit_history()

    def _emit_history(self) -> None:
        undo, redo = self.history.next_undo(), self.history.next_redo()
        self._emit(
            HistoryChanged(
                describe_edit(undo) if undo is not None else None,
                describe_redo(redo) if redo is not None else None,
            )
        )

    async def undo(self) -> bool:
        """Undo the last structural edit (a deleted cell comes back with its code, id,
        position and outputs, then runs or goes stale like any new input). False: nothing."""
        edit = self.history.take_undo()
        if edit is None:
            return False
        self.history.push_redo(await self._apply_inverse(edit))
        self._emit_history()
        return True

    async def redo(self) -> bool:
        """Do again the last undone structural edit. False: nothing to redo."""
        edit = self.history.take_redo()
        if edit is None:
            return False
        self.history.push_undo(await self._apply_inverse(edit))
        self._emit_history()
        return True

    async def _apply_inverse(self, edit: StructuralEdit) -> StructuralEdit:
        """Apply the opposite of ``edit``; return the edit that takes it back again."""
        if isinstance(edit, CellRemoved):
            cell = edit.cell
            if cell.id in self.notebook:  # an id taken since: the cell comes back as a copy
                cell = replace(cell, id=new_cell_id(self.notebook.cell_ids))
            index = min(edit.index, len(self.notebook))
            self._insert(cell, index, edit.state)
            if edit.state.status != "idle" or cell.code.strip():
                affected = {cell.id} | self.graph.children.get(cell.id, frozenset())
                await self._after_change(affected, self.mode == "autorun", "restored by undo")
            return CellInserted(cell, index, edit.state)
        if isinstance(edit, CodeChanged):
            inverse = edit.inverted()
            await self._set_codes(inverse)
            return inverse
        if isinstance(edit, CellInserted):
            current = self.notebook.cell(edit.cell.id)
            index = self.notebook.position(current.id)
            state = self.states.get(current.id, CellRunState())
            await self._remove(current.id)
            return CellRemoved(current, index, state)
        before = self.notebook.position(edit.cell_id)
        self._move(edit.cell_id, edit.from_index)
        # Applying the returned edit's inverse moves the cell back to where it was before.
        return CellMoved(edit.cell_id, before, self.notebook.position(edit.cell_id))

    async def set_mode(self, mode: Mode) -> None:
        self.mode = mode

    async def _after_change(
        self, affected: set[str], run: bool, reason: str, *, purge: bool = False
    ) -> None:
        """Run the cascade of ``affected`` or mark it stale (and then remove dead names)."""
        affected = {c for c in affected if c in self.notebook}
        if run and affected:
            await self._interrupt_if_affected(affected)
            await self.run_cells(affected)
            return
        for cell_id in self.graph.sort(affected | self.graph.descendants(affected)):
            self._set_state(cell_id, MadeStale(reason))
        if purge:
            await self.run_cells(())  # an empty plan still deletes names no cell defines

    # -- intents: running ---------------------------------------------------------------------
    async def run_cell(self, cell_id: str) -> None:
        await self._interrupt_if_affected({cell_id})
        await self.run_cells((cell_id,))

    async def run_all(self) -> None:
        await self.run_cells(self.notebook.cell_ids)

    async def run_cells(self, roots: Iterable[str]) -> None:
        """Plan and run ``roots`` with their cascade; completes when the plan has finished."""
        roots = tuple(roots)
        if self._hold_for_trust(roots):
            return
        async with self._run_lock:
            if self._closing:
                return  # the window is closing: edits are saved, nothing more runs
            await self._ensure_kernel()
            if self._closing:
                return
            up_to_date = {c for c, s in self.states.items() if s.up_to_date}
            ran = {c for c, s in self.states.items() if s.status != "idle"}
            plan = plan_run(
                self.notebook, self.graph, roots, up_to_date, self.kernel_names, self.mode, ran
            )
            await self._execute(plan)

    async def _execute(self, plan: Plan) -> None:
        held = [name for name in plan.delete_names if name in self.kernel_names]
        for name in held:
            del self.kernel_names[name]
        for cell_id, reason in plan.blocked.items():
            self._set_state(cell_id, Blocked(reason))
        for cell_id in plan.stale:
            self._set_state(cell_id, MadeStale("an input changed; run to update"))
        for step in plan.steps:
            self._set_state(step.cell_id, Queued())
        if not plan.steps and not held:
            return  # nothing to run and nothing in the kernel to remove
        self._plan_ids += 1
        loop = asyncio.get_running_loop()
        active = _ActivePlan(
            plan_id=self._plan_ids,
            order=plan.cell_ids,
            defs={s.cell_id: self.analyses[s.cell_id].defs for s in plan.steps},
            done=loop.create_future(),
        )
        self._active = active
        request = p.RunPlan(
            plan_id=active.plan_id,
            steps=tuple(self._step(s.cell_id, s.depends_on) for s in plan.steps),
            delete_names=plan.delete_names,
        )
        self._set_kernel_status("busy")
        self._kernel.send(request)
        try:
            await active.done
        finally:
            self._active = None
            if self.kernel_status == "busy":
                self._set_kernel_status("idle")

    def _step(self, cell_id: str, depends_on: tuple[str, ...]) -> p.Step:
        cell = self.notebook.cell(cell_id)
        kind: p.StepKind = "sql" if cell.kind == "sql" else "python"
        return p.Step(
            cell_id=cell_id,
            kind=kind,
            code=cell.code,
            label=self.notebook.label(cell_id),
            depends_on=depends_on,
            private_names=tuple(sorted(self.analyses[cell_id].private_defs)),
            name=cell.name,
            sql=_sql_spec(cell.code) if cell.kind == "sql" else (),
        )

    async def _interrupt_if_affected(self, cells: set[str]) -> None:
        """An edit that touches the running plan stops it, so no cell runs on an old value."""
        active = self._active
        if active is None:
            return
        touched = cells | self.graph.descendants(cells)
        if touched & (active.cells - active.finished):
            self._kernel.interrupt()

    async def interrupt(self) -> None:
        """Stop the running cell (KeyboardInterrupt); the rest of the plan does not run.

        If the cell has not stopped after :data:`INTERRUPT_FEEDBACK_S`, observers get a
        :class:`Notice` saying so. A second interrupt of the same plan means the first got no
        answer (C code that ignores signals): the kernel is restarted (a window asks first,
        see :attr:`interrupt_restarts`).
        """
        active = self._active
        if active is None:
            return
        if active.interrupted:
            await self.restart_kernel()
            return
        active.interrupted = True
        self._kernel.interrupt()
        loop = asyncio.get_running_loop()
        loop.call_later(INTERRUPT_FEEDBACK_S, self._check_interrupt_answered, active)

    @property
    def interrupt_restarts(self) -> bool:
        """True when the next :meth:`interrupt` restarts the kernel (the last one went
        unanswered so far)."""
        return self._active is not None and self._active.interrupted

    def _check_interrupt_answered(self, active: _ActivePlan) -> None:
        if self._active is active and not active.done.done():
            self._emit(Notice("warning", INTERRUPT_UNANSWERED))

    # -- kernel environment ---------------------------------------------------------------------
    def kernel_interpreter(self) -> str | None:
        """The notebook's ``python`` setting as an absolute path (relative paths are relative
        to the notebook's folder); None: the interpreter Cascade itself runs in (or the
        bundled one) — always for an untrusted notebook."""
        setting = get_setting(self.notebook, "python")
        if not setting or not self.trusted:
            return None
        path = Path(setting).expanduser()
        if not path.is_absolute() and self.path is not None:
            path = self.path.parent / path
        return str(path)

    async def set_kernel_interpreter(self, python: str | None) -> None:
        """Choose the kernel's Python (stored in the notebook, relative when it lies beside
        it), then restart the kernel in it."""
        value = python
        if python and self.path is not None:
            candidate = Path(python).absolute()  # not resolve(): a venv's python is a symlink
            try:
                value = str(candidate.relative_to(self.path.parent))
            except ValueError:
                value = str(candidate)
        self.notebook = set_setting(self.notebook, "python", value or None)
        self.trusted = True  # the user chose it: trust follows this header
        self._save()
        self._remember_trust()
        await self.restart_kernel()

    # -- database -------------------------------------------------------------------------------
    def database_url(self) -> str:
        """The URL SQL cells use: the notebook's (when trusted), else an SQLite file beside
        the notebook (in memory for a notebook with no file yet)."""
        if self.notebook.database and self.trusted:
            return self.notebook.database
        return self._default_database_url()

    def _password_for(self, url: str | None) -> str | None:
        """The stored password for ``url`` (or the one the file held, this session only)."""
        if not url or not self.trusted:
            return None
        if self._file_password and url == self.notebook.database:
            return self._file_password
        from app.coordinator.secrets import load_database_password

        return load_database_password(url)

    async def _request(self, make: Callable[[int], p.Request]) -> Any:
        """Send a request that gets one answer, and wait for that answer (matched by id).
        If the kernel dies first, the answer is a failure built by ``_fail_requests``."""
        self._requests += 1
        request_id = self._requests
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending_requests[request_id] = future
        try:
            self._kernel.send(make(request_id))
            return await future
        finally:
            self._pending_requests.pop(request_id, None)

    async def _configure_database(self, url: str, password: str | None) -> p.DatabaseStatus:
        status: p.DatabaseStatus = await self._request(
            lambda rid: p.ConfigureDatabase(rid, url, password)
        )
        return status

    # -- kernel tables ----------------------------------------------------------------------------
    async def fetch_rows(
        self,
        table_id: str,
        start: int,
        count: int,
        sort_column: int | None = None,
        ascending: bool = True,
    ) -> p.TableRows:
        """A page of a table that lives in the kernel (``error`` set when it is stale)."""
        if not self._kernel.is_running or self.kernel_status in ("dead", "not_started"):
            return p.TableRows(0, table_id, start, error="the kernel restarted: run the cell again")
        rows: p.TableRows = await self._request(
            lambda rid: p.FetchRows(rid, table_id, start, count, sort_column, ascending)
        )
        return rows

    async def export_table(
        self, table_id: str, path: str, sort_column: int | None = None, ascending: bool = True
    ) -> p.TableExported:
        """Write a kernel table to ``path`` as CSV (the kernel writes it; nothing is copied)."""
        if not self._kernel.is_running:
            return p.TableExported(0, False, "the kernel is not running")
        done: p.TableExported = await self._request(
            lambda rid: p.ExportTable(rid, table_id, path, sort_column, ascending)
        )
        return done

    def _report_database(self, status: p.DatabaseStatus, url: str) -> None:
        in_force = url or (self.database_status.url if self.database_status else "")
        self.database_status = DatabaseStatusChanged(
            status.ok, status.message, status.server, in_force
        )
        self._emit(self.database_status)

    async def set_database(self, url: str, password: str | None = None) -> DatabaseStatusChanged:
        """Point SQL cells at ``url`` (empty: the SQLite file beside the notebook).

        The kernel checks the connection first; on failure nothing changes and the status
        says why. A password in the URL or given here goes to the secret store, never to the
        file. On success, SQL cells and what depends on them become stale.
        """
        stripped, in_url = fileformat.strip_password(url.strip()) if url.strip() else ("", None)
        password = password or in_url or _stored_password(stripped)
        async with self._run_lock:
            await self._ensure_kernel()
            target = stripped or self._default_database_url()
            status = await self._configure_database(target, password)
        if not status.ok:
            self._report_database(status, "")
            return self.database_status  # type: ignore[return-value]
        if password and stripped:
            from app.coordinator.secrets import store_database_password

            store_database_password(stripped, password)
        self.notebook = replace(self.notebook, database=stripped or None)
        self.trusted = True  # the user typed this URL: trust follows this header
        self._save()
        self._remember_trust()
        self._emit(TrustChanged(True, trust_requests(self.notebook)))
        self._report_database(status, target)
        self._stale_sql_cells("the database connection changed")
        return self.database_status  # type: ignore[return-value]

    def _default_database_url(self) -> str:
        """The SQLite file beside the notebook (created by the kernel only when a SQL cell
        first runs); in memory for a notebook with no file yet."""
        if self.path is None:
            return "sqlite://"
        return f"sqlite:///{self.path.with_suffix('.sqlite')}"

    async def _apply_database(self) -> None:
        """Point the running kernel at the database now in force; SQL cells become stale."""
        url = self.database_url()
        async with self._run_lock:
            status = await self._configure_database(url, self._password_for(url))
        self._report_database(status, url if status.ok else "")
        if status.ok:
            self._stale_sql_cells("the database connection changed")

    def _stale_sql_cells(self, reason: str) -> None:
        sql_cells = {c.id for c in self.notebook.cells if c.kind == "sql"}
        for cell_id in self.graph.sort(sql_cells | self.graph.descendants(sql_cells)):
            self._set_state(cell_id, MadeStale(reason))

    async def set_sql_name(self, cell_id: str, name: str) -> None:
        """Rename the variable a SQL cell's result is bound to; its readers follow."""
        cell = self.notebook.cell(cell_id)
        if cell.kind != "sql" or not name.isidentifier() or cell.name == name:
            return
        old_graph = self._reanalyse(
            self.notebook.replace_cell(replace(cell, name=name)), (cell_id,)
        )
        self._save()
        affected = {cell_id} | old_graph.children.get(cell_id, frozenset())
        await self._after_change(
            affected | self._problem_changes(old_graph), self.mode == "autorun", "renamed"
        )

    # -- kernel lifecycle ---------------------------------------------------------------------
    async def _ensure_kernel(self) -> None:
        if self._kernel.is_running and self.kernel_status not in ("dead", "not_started"):
            return
        self._set_kernel_status("starting")
        self._kernel.set_interpreter(self.kernel_interpreter())
        try:
            ready = await self._kernel.start()
        except KernelStartError as exc:
            self._set_kernel_status("dead", str(exc))
            if self._closing:
                return  # the window closed while the kernel started: nothing to report
            raise
        if self._closing:
            return
        self.kernel_python = ready.python.split()[0] if ready.python else ""
        self._set_kernel_status("idle", f"Python {self.kernel_python}")
        if ready.missing:
            self._emit(Notice("warning", _missing_message(ready.executable, ready.missing)))
        url = self.database_url()
        status = await self._configure_database(url, self._password_for(url))
        self._report_database(status, url if status.ok else "")

    async def start_kernel(self) -> None:
        async with self._run_lock:
            if not self._closing:
                await self._ensure_kernel()

    async def restart_kernel(self) -> None:
        """A fresh namespace: every cell that ran shows stale; nothing in the file changes."""
        if self._active is not None:
            self._kernel.interrupt()
        self._kernel.kill()
        async with self._run_lock:
            self._forget_kernel("kernel restarted")
            await self._ensure_kernel()

    def _forget_kernel(self, reason: str) -> None:
        self.kernel_names.clear()
        for cell_id in self.notebook.cell_ids:
            self._set_state(cell_id, MadeStale(reason))

    def close(self) -> None:
        """Stop the kernel now (the window is closing); commit pending edits first."""
        self._closing = True
        self._kernel.kill()
        self._remove_output_files()

    async def shutdown(self) -> None:
        self._closing = True
        await self._kernel.shutdown()
        self._set_kernel_status("not_started")
        self._remove_output_files()

    def _remove_output_files(self) -> None:
        """The files holding capped outputs in full go with the session that showed them."""
        for state in self.states.values():
            if state.full_output:
                _remove_output_file(state.full_output)

    # -- kernel events --------------------------------------------------------------------------
    def _on_kernel_event(self, event: KernelEvent) -> None:
        handler = _HANDLERS.get(type(event))
        if handler is not None:
            handler(self, event)

    def _current(self, plan_id: int) -> _ActivePlan | None:
        active = self._active
        return active if active is not None and active.plan_id == plan_id else None

    def _on_step_started(self, event: p.StepStarted) -> None:
        active = self._current(event.plan_id)
        if active is None:
            return
        self._mark_started(active, event.cell_id)
        self._set_state(event.cell_id, Started(time.monotonic()))

    def _mark_started(self, active: _ActivePlan, cell_id: str) -> None:
        active.running = cell_id
        self._last_run[cell_id] = active.plan_id
        old = self.states.get(cell_id)
        if old is not None and old.full_output:
            _remove_output_file(old.full_output)  # the run it belonged to is being replaced
        # Whatever the cell binds is in the namespace from now on, even if it fails later.
        for name in active.defs.get(cell_id, ()):
            self.kernel_names[name] = cell_id

    def _on_stream(self, event: p.StreamOutput) -> None:
        """Output of a run: the running plan's, or late output of a thread a cell started —
        kept while that cell has not run again, dropped (the user is told once) after."""
        cell_id = event.cell_id
        if cell_id not in self.states:
            return
        if self._current(event.plan_id) is None and self._last_run.get(cell_id) != event.plan_id:
            self._drop_late_output(event)
            return
        if event.dropped or event.full_output:
            self._set_state(cell_id, OutputOmitted(event.dropped, event.full_output))
        if event.text:
            self._set_state(cell_id, OutputAdded(StreamText(event.stream, event.text)))

    def _drop_late_output(self, event: p.StreamOutput) -> None:
        run = (event.plan_id, event.cell_id)
        if event.full_output:
            _remove_output_file(event.full_output)
        if run in self._dropped_late:
            return
        self._dropped_late.add(run)
        label = self.notebook.label(event.cell_id)
        self._emit(
            Notice(
                "info",
                f"Output of a thread that {label} started in an earlier run was dropped: "
                f"{label} has run again since.",
            )
        )

    def _on_display(self, event: p.DisplayData) -> None:
        if self._current(event.plan_id) is not None and event.cell_id in self.states:
            self._set_state(event.cell_id, OutputAdded(RichOutput(dict(event.data))))

    def _on_step_finished(self, event: p.StepFinished) -> None:
        active = self._current(event.plan_id)
        if active is None:
            return
        if event.unannounced:
            # A brief, silent step: this frame is its start and its end; one state change.
            self._mark_started(active, event.cell_id)
            if event.cell_id in self.states:
                self.states[event.cell_id] = reduce(
                    self.states[event.cell_id], Started(time.monotonic())
                )
        active.finished.add(event.cell_id)
        active.running = None
        if event.cell_id not in self.states:
            return  # deleted while it ran
        status = event.status
        if status == "blocked":
            culprits = ", ".join(
                self.notebook.label(c) for c in event.blocked_by if c in self.notebook
            )
            self._set_state(event.cell_id, Blocked(f"blocked by {culprits}, which failed"))
        elif status == "not_run":
            self._set_state(event.cell_id, MadeStale("not run: the run was interrupted"))
        else:
            error = None
            if event.error is not None:
                e = event.error
                error = CellError(e.ename, e.evalue, e.traceback, e.line)
            self._set_state(event.cell_id, Finished(status, event.duration_ms, error))

    def _on_plan_finished(self, event: p.PlanFinished) -> None:
        active = self._current(event.plan_id)
        if active is not None and not active.done.done():
            active.done.set_result(None)

    def _on_answer(self, event: p.DatabaseStatus | p.TableRows | p.TableExported) -> None:
        future = self._pending_requests.get(event.request_id)
        if future is not None and not future.done():
            future.set_result(event)

    def _on_log(self, event: p.WorkerLog) -> None:
        self._emit(Notice("warning" if event.level == "warning" else "error", event.message))

    def _on_ready(self, event: p.Ready) -> None:
        pass  # start() consumes the handshake

    def _on_exited(self, event: KernelExited) -> None:
        if event.expected or self._closing:
            self._fail_requests("the kernel was stopped")
            self._set_kernel_status("not_started" if self._closing else "dead", "stopped")
            if self._active is not None and not self._active.done.done():
                self._fail_active("the kernel was stopped")
            return
        message = event.describe()
        self._fail_requests(message)
        self._set_kernel_status("dead", message)
        self._emit(Notice("error", f"{message}; starting a new kernel"))
        self._forget_kernel(message)
        self._fail_active(message)  # after: the cell that was running shows the error
        if self._starting is None or self._starting.done():
            self._starting = asyncio.ensure_future(self._restart_after_death())

    def _fail_requests(self, message: str) -> None:
        """Answer every waiting request with a failure of its own kind (the kernel is gone)."""
        for future in self._pending_requests.values():
            if not future.done():
                future.set_result(_FailedAnswer(message))

    def _fail_active(self, message: str) -> None:
        active = self._active
        if active is None:
            return
        current = active.current_step()
        if current is not None and current in self.states:
            error = CellError("KernelDied", message, message)
            self._set_state(current, Finished("error", 0.0, error))
            active.finished.add(current)
        for cell_id in active.cells - active.finished:
            if cell_id in self.states:
                self._set_state(cell_id, MadeStale(f"not run: {message}"))
        if not active.done.done():
            active.done.set_result(None)

    async def _restart_after_death(self) -> None:
        async with self._run_lock:
            if self.kernel_status == "dead" and not self._closing:
                with contextlib.suppress(KernelStartError):
                    await self._ensure_kernel()


def with_notebook_suffix(path: Path) -> Path:
    """Cascade opens only ``.py`` notebooks: Save As to ``report`` writes ``report.py``."""
    return path if path.suffix == ".py" else path.with_name(path.name + ".py")


def _interpreter_failed(python: str | None, exc: Exception) -> str:
    """Why the notebook's own Python did not start, and which setting to change."""
    return (
        f"The notebook's Python ({python}) could not start: {exc}. Change it with "
        "Run → Kernel Python… (the [tool.cascade] python setting in the file's header)."
    )


def _stored_password(url: str) -> str | None:
    """What the secret store holds for ``url`` (a URL the user typed in the dialog)."""
    if not url:
        return None
    from app.coordinator.secrets import load_database_password

    return load_database_password(url)


_DISABLES = {
    "pandas": "SQL results and tables",
    "sqlalchemy": "SQL cells",
    "psycopg": "PostgreSQL connections",
    "matplotlib": "plots",
}


def _missing_message(executable: str, missing: tuple[str, ...]) -> str:
    """Which optional packages the kernel's Python lacks, and what that disables."""
    parts = ", ".join(f"{name} ({_DISABLES.get(name, 'some features')})" for name in missing)
    return f"The kernel's Python ({executable or 'unknown'}) lacks: {parts}."


def _remove_output_file(path: str) -> None:
    """Delete a file the kernel wrote a capped output to (only such files, by their name)."""
    name = Path(path).name
    if name.startswith("cascade-output-") and name.endswith(".txt"):
        with contextlib.suppress(OSError):
            Path(path).unlink()


@dataclass(frozen=True, slots=True)
class _FailedAnswer:
    """What a request gets when the kernel died before answering: every answer type's
    failure fields at once (``ok`` False, ``error``/``message`` set, nothing else)."""

    message: str
    ok: bool = False
    server: str = ""
    rows: tuple[tuple[str, ...], ...] = ()
    total: int = 0
    start: int = 0

    @property
    def error(self) -> str:
        return self.message


def _sql_spec(code: str) -> tuple[p.SqlStatementSpec, ...]:
    """A SQL cell's statements in the protocol's form (parsed here, once, not in the worker)."""
    return tuple(
        (
            statement.line,
            tuple(
                ("param", part.name) if isinstance(part, Placeholder) else ("text", part)
                for part in statement.template.parts
            ),
        )
        for statement in parse_sql_statements(code)
    )


_HANDLERS: dict[type, Callable[[Coordinator, object], None]] = {
    p.StepStarted: Coordinator._on_step_started,  # type: ignore[dict-item]
    p.StreamOutput: Coordinator._on_stream,  # type: ignore[dict-item]
    p.DisplayData: Coordinator._on_display,  # type: ignore[dict-item]
    p.StepFinished: Coordinator._on_step_finished,  # type: ignore[dict-item]
    p.PlanFinished: Coordinator._on_plan_finished,  # type: ignore[dict-item]
    p.WorkerLog: Coordinator._on_log,  # type: ignore[dict-item]
    p.DatabaseStatus: Coordinator._on_answer,  # type: ignore[dict-item]
    p.TableRows: Coordinator._on_answer,  # type: ignore[dict-item]
    p.TableExported: Coordinator._on_answer,  # type: ignore[dict-item]
    p.Ready: Coordinator._on_ready,  # type: ignore[dict-item]
    KernelExited: Coordinator._on_exited,  # type: ignore[dict-item]
}

"""The coordinator: the one place the window's (and the CLI's) intents become actions.

A thin facade over units with one job each: the notebook snapshot (:mod:`app.core.document`),
saving (:mod:`app.coordinator.saving`), trust (:mod:`app.coordinator.trust`), undo
(:mod:`app.coordinator.cell_history`), and running (:mod:`app.coordinator.runner`, which owns
the kernel client and the run session). Observers receive typed events and read the state
through the read-only properties below (the :class:`app.coordinator.view.NotebookState`
protocol); nothing outside assigns to it.

Every intent that runs something is a coroutine that completes when the work it triggered is
finished; edits are saved synchronously, before anything can run or the window can close.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from app.coordinator.cell_history import CellHistory
from app.coordinator.control_memory import ControlMemory
from app.coordinator.controls import Coalescer, ControlIntents
from app.coordinator.database import Passwords, default_database_url
from app.coordinator.editing import PendingCascade, StructuralEditor
from app.coordinator.environment import EnvironmentIntents
from app.coordinator.event_log import log_event
from app.coordinator.events import (
    CoordinatorEvent,
    DatabaseStatusChanged,
    ModeChanged,
    NotebookLoaded,
    Notice,
    StructureChanged,
    TrustChanged,
    TrustDecisionNeeded,
)
from app.coordinator.kernel import KernelConnection, KernelStartError
from app.coordinator.kernel_queries import KernelQueries
from app.coordinator.recovery import RecoveryStore
from app.coordinator.runner import Runner
from app.coordinator.saving import Autosave
from app.coordinator.trust import TrustGate
from app.coordinator.trust_store import TrustStore
from app.core import fileformat
from app.core.analysis import CellAnalysis
from app.core.document import AnalysedNotebook
from app.core.graph import Graph
from app.core.notebook import Notebook
from app.core.planner import Mode
from app.core.problems import Stale
from app.core.record import replace
from app.core.state import CellRunState
from app.core.trust import TrustRequest

if TYPE_CHECKING:
    # Made when first asked (a headless run never is): its modules stay unimported.
    from app.coordinator.completion import Completer

Observer = Callable[[CoordinatorEvent], None]

_FILE_PASSWORD_NOTICE = (
    "This file holds a database password. Cascade keeps it out of the file and uses it for "
    "this session only; enter it in Run → Database… to store it."
)


class Coordinator(StructuralEditor, EnvironmentIntents, ControlIntents, KernelQueries):
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
        self._observers: list[Observer] = []
        self._document = AnalysedNotebook.of(Notebook())
        self._mode: Mode = "autorun"
        self._saver = Autosave(self._emit, recovery or RecoveryStore(), enabled=autosave)
        self._saver.follow(lambda: self._document.notebook)
        self._trust = TrustGate(trust_store or TrustStore(), assume_trusted=assume_trusted)
        self._passwords = Passwords()
        self._history = CellHistory()
        #: While an operation of several edits is applied, the cascades it asks for.
        self._batched: list[PendingCascade] | None = None
        self._origin: Path | None = None
        self._runner = Runner(kernel, self, self._emit)
        self._completer: Completer | None = None
        self._controls = Coalescer()
        self._control_values = {}
        self._control_memory = ControlMemory()

    # -- observers ------------------------------------------------------------------------------
    def subscribe(self, observer: Observer) -> Callable[[], None]:
        """Call ``observer`` with every event; returns the function that unsubscribes."""
        self._observers.append(observer)

        def unsubscribe() -> None:
            if observer in self._observers:
                self._observers.remove(observer)

        return unsubscribe

    def _emit(self, event: CoordinatorEvent) -> None:
        log_event(event)
        for observer in list(self._observers):
            observer(event)

    # -- the state, read-only (app.coordinator.view.NotebookState) ------------------------------
    @property
    def document(self) -> AnalysedNotebook:
        return self._document

    @property
    def notebook(self) -> Notebook:
        return self._document.notebook

    @property
    def analyses(self) -> Mapping[str, CellAnalysis]:
        return self._document.analyses

    @property
    def graph(self) -> Graph:
        return self._document.graph

    @property
    def states(self) -> Mapping[str, CellRunState]:
        return self._runner.session.states

    @property
    def kernel_names(self) -> Mapping[str, str]:
        return self._runner.session.kernel_names

    @property
    def mode(self) -> Mode:
        return self._mode

    @property
    def path(self) -> Path | None:
        """The notebook's file (None for a new notebook not saved yet)."""
        return self._saver.file.path

    @property
    def origin(self) -> Path | None:
        """For a restored recovery copy: the file it was an edit of (Save As suggests it)."""
        return self._origin

    @property
    def kernel_status(self) -> str:
        return self._runner.status

    @property
    def kernel_pid(self) -> int | None:
        return self._runner.client.pid

    @property
    def kernel_python(self) -> str:
        return self._runner.python

    @property
    def database_status(self) -> DatabaseStatusChanged | None:
        return self._runner.database_status

    @property
    def trusted(self) -> bool:
        """Whether the notebook's own settings (interpreter, database) are honoured."""
        return self._trust.trusted

    @property
    def trust_requests(self) -> tuple[TrustRequest, ...]:
        return self._trust.requests

    @property
    def save_blocked(self) -> bool:
        """The newest edit is not in the file (changed on disk, save failed, never saved)."""
        return self._saver.file.unsaved

    @property
    def read_only(self) -> bool:
        return self._saver.file.read_only

    @property
    def recovery_key(self) -> str:
        return self._saver.file.recovery_key

    @property
    def has_unsaved_work(self) -> bool:
        """Closing now would lose something unless the user saves it somewhere."""
        if self.path is None:
            return any(c.code.strip() for c in self.notebook.cells) or bool(self.notebook.name)
        return self._saver.file.unsaved

    @property
    def interrupt_restarts(self) -> bool:
        """True when the next :meth:`interrupt` restarts the kernel (the last went unanswered)."""
        return self._runner.interrupt_restarts

    def cell_name(self, cell_id: str) -> str:
        """How messages name a cell (its first defined name, heading, result name…)."""
        return self._document.cell_name(cell_id)

    def file_changed_on_disk(self) -> bool:
        return self._saver.file.changed_on_disk()

    # -- documents ------------------------------------------------------------------------------
    async def open(self, path: str | Path) -> None:
        """Open a notebook file (NotebookFormatError if it cannot be parsed). Runs nothing."""
        self.open_now(path)

    def open_now(self, path: str | Path) -> None:
        """:meth:`open` without the event loop (a window reports errors at once). Nothing the
        file asks for happens: its settings wait for trust; a password in it is never stored."""
        file = self._saver.fresh_file(None)
        loaded = file.load(Path(path).resolve())
        fileformat.remove_stale_temp_files(file.path or path)  # left by saves killed midway
        self._origin = None
        self._passwords.from_file = loaded.secrets.get("database_password")
        self._load(loaded.notebook)
        self._check_trust()
        for notice in loaded.notices:
            self._emit(Notice("info", notice))
        if self._passwords.from_file:
            self._emit(Notice("warning", _FILE_PASSWORD_NOTICE))

    def new(self, path: str | Path | None = None, name: str = "") -> None:
        """An empty notebook: in memory (and a recovery copy) until saved, or, given ``path``,
        saved there on the first edit. A notebook the user creates is trusted."""
        self._saver.fresh_file(Path(path).resolve() if path is not None else None)
        self._origin = None
        self._passwords.from_file = None
        self._load(Notebook(name=name))
        self._check_trust(created=True)

    def restore(self, text: str, key: str, origin: Path | None = None) -> None:
        """Open a recovery copy as an unsaved notebook (NotebookFormatError if it does not
        parse); ``origin``: the file it was an edit of."""
        loaded = fileformat.parse(text)
        self._saver.fresh_file(None).adopt_recovery(key)
        self._origin = origin
        self._passwords.from_file = None
        self._load(loaded.notebook)
        self._check_trust()

    def _load(self, notebook: Notebook) -> None:
        self._history.clear()
        self._document = AnalysedNotebook.of(notebook)
        self._runner.session.reset(notebook.cell_ids)
        self._emit(NotebookLoaded(notebook, self.path))
        self._emit_history()
        self._announce(notebook.cell_ids)

    async def reload(self) -> None:
        """Read the file again (after a change on disk); run state starts over and a changed
        settings header is asked about again."""
        if self.path is None:
            return
        if self._runner.session.active is not None:
            self._runner.client.interrupt()
        self._saver.file.discard_recovery()
        await self.open(self.path)

    async def rename(self, name: str) -> None:
        """Set the notebook's display name (stored in the file header)."""
        self._document = replace(self._document, notebook=replace(self.notebook, name=name))
        self._emit(StructureChanged(self.notebook))
        self._save()

    # -- saving ---------------------------------------------------------------------------------
    def _save(self, *, overwrite: bool = False) -> None:
        self._saver.save(overwrite=overwrite)
        if not self._saver.file.unsaved:
            self._trust.remember(self.notebook, self.path)

    async def save(self, *, overwrite: bool = False) -> None:
        """Save now; ``overwrite=True`` keeps this version over a change made on disk."""
        if self.path is not None:
            self._save(overwrite=overwrite)

    def save_now(self) -> bool:
        """Save synchronously (a closing window); True when the file holds the newest text."""
        if self.path is None:
            return False
        self._save()
        return not self._saver.file.unsaved

    def retry_save(self) -> None:
        """What the retry timer does, on demand (the "Try again" button)."""
        self._saver.retry()

    async def save_as(self, path: str | Path) -> bool:
        """Write the notebook to ``path``, which becomes its file: title, watcher and the
        default SQLite database follow; the user's own file is trusted. False if it failed."""
        old_default = default_database_url(self.path)
        if self._saver.write_to(Path(path)).result != "saved":
            return False
        self._trust.forget_path()
        self._trust.trust(self.notebook, self.path)
        self._emit(TrustChanged(True, self.trust_requests))
        if self.path is not None:
            self._runner.client.set_folder(str(self.path.parent))
        moved = self.notebook.database is None and default_database_url(self.path) != old_default
        if moved and self._runner.alive:
            await self._apply_database()
        return True

    def write_now(self, path: Path) -> str:
        """Write to ``path`` synchronously (a closing window); "" on success, else why not."""
        outcome = self._saver.write_to(path)
        return "" if outcome.result == "saved" else outcome.message

    def discard_unsaved(self) -> None:
        """The user closes without keeping the unsaved text: drop its recovery copy."""
        self._saver.file.discard_recovery()

    # -- trust ----------------------------------------------------------------------------------
    def _check_trust(self, *, created: bool = False) -> None:
        self._trust.check(self.notebook, self.path, created=created)
        self._emit(TrustChanged(self.trusted, self.trust_requests))

    async def trust(self) -> None:
        """The user trusts this notebook: remember it, honour its interpreter (a new kernel)
        and database, then start the runs that waited for the decision."""
        if not self.trusted:
            self._trust.trust(self.notebook, self.path)
            self._emit(TrustChanged(True, self.trust_requests))
            if self._runner.alive and not await self._apply_settings():
                return
        await self.run_cells(self._trust.release())

    async def _apply_settings(self) -> bool:
        """A running kernel follows settings just honoured; False if its Python won't start."""
        if self.kernel_interpreter() is not None:
            try:
                await self.restart_kernel()
            except KernelStartError as exc:
                self._emit(Notice("error", _interpreter_failed(self.kernel_interpreter(), exc)))
                return False
        elif self.notebook.database:
            await self._apply_database()
        return True

    async def run_untrusted(self) -> None:
        """Run the waiting cells (and later ones) with the default Python and SQLite."""
        self._trust.untrusted_runs_allowed = True
        await self.run_cells(self._trust.release())

    def discard_held_runs(self) -> None:
        """The user closed the trust question: nothing runs."""
        self._trust.discard()

    # -- running --------------------------------------------------------------------------------
    async def set_mode(self, mode: Mode) -> None:
        if mode != self._mode:
            self._mode = mode
            self._emit(ModeChanged(mode))

    async def run_cell(self, cell_id: str) -> None:
        self._runner.interrupt_if_affected({cell_id})
        await self.run_cells((cell_id,))

    async def run_all(self) -> None:
        await self.run_cells(self.notebook.cell_ids)

    async def run_above(self, cell_id: str) -> None:
        """Run every cell above ``cell_id`` (with what they need), not the cell itself."""
        ids = self.notebook.cell_ids
        if cell_id in self.notebook:
            await self.run_cells(ids[: ids.index(cell_id)])

    async def run_below(self, cell_id: str) -> None:
        """Run ``cell_id`` and every cell below it (with what they need)."""
        ids = self.notebook.cell_ids
        if cell_id in self.notebook:
            await self.run_cells(ids[ids.index(cell_id) :])

    def clear_outputs(self, cell_ids: Iterable[str] | None = None) -> None:
        """Clear these cells' outputs (every cell's when None); statuses stay, nothing runs,
        the kernel keeps its values. Outputs are never in the file, so nothing is saved."""
        self._runner.clear_outputs(self.notebook.cell_ids if cell_ids is None else cell_ids)

    async def run_cells(self, roots: Iterable[str]) -> None:
        """Plan and run ``roots`` with their cascade; completes when the plan has finished. In
        an untrusted notebook the run waits until the user decides (TrustDecisionNeeded)."""
        roots = tuple(c for c in roots if c in self.notebook)
        held, first = self._trust.hold(roots)
        if held:
            self._runner.forget_some(roots, Stale("waiting_for_trust"))
            if first:
                self._emit(TrustDecisionNeeded(self.trust_requests))
            return
        # Remembered control values (if any) come back as their controls are created.
        await self._runner.run_cells(roots, control_values=self.remembered_control_values())

    async def _after_change(
        self,
        roots: set[str],
        run: bool,
        why: Stale,
        *,
        extra: set[str] | frozenset[str] = frozenset(),
        purge: bool = False,
    ) -> None:
        """Run the cascade of ``roots`` and ``extra`` (cells that also depend on the change),
        or mark it stale — the roots for ``why``, everything else because an input changed —
        and then (``purge``) remove names no cell defines any more."""
        if self._batched is not None:  # one operation of several edits: one cascade at its end
            self._batched.append(PendingCascade(set(roots), run, why, set(extra), purge))
            return
        roots = {c for c in roots if c in self.notebook}
        others = {c for c in extra if c in self.notebook} - roots
        if run and (roots or others):
            # Cells with auto-run off are not roots of a cascade: they wait, stale (§3).
            held = {c for c in others if not self.notebook.cell(c).auto_runs}
            if held:
                self._runner.forget_some(self.graph.sort(held), Stale("autorun_off"))
                others -= held
            self._runner.interrupt_if_affected(roots | others)
            await self.run_cells(self.graph.sort(roots | others))
            return
        below = (others | self.graph.descendants(roots | others)) - roots
        self._runner.forget_some(self.graph.sort(roots), why)
        self._runner.forget_some(self.graph.sort(below), Stale("input_changed"))
        if purge:
            await self._runner.run_cells(())  # an empty plan still deletes names no cell defines

    async def interrupt(self) -> None:
        await self._runner.interrupt()

    async def start_kernel(self) -> None:
        await self._runner.start_kernel()

    async def restart_kernel(self) -> None:
        await self._runner.restart_kernel()

    def close(self) -> None:
        """Stop the kernel now (the window is closing); edits are already saved."""
        self._saver.closing = True
        self._saver.cancel_retry()
        self._runner.close()
        if self._completer is not None:
            self._completer.close()

    async def shutdown(self) -> None:
        await self._runner.shutdown()


def _interpreter_failed(python: str | None, exc: Exception) -> str:
    """Why the notebook's own Python did not start, and which setting to change."""
    return (
        f"The notebook's Python ({python}) could not start: {exc}. Change it with "
        "Run → Kernel Python… (the [tool.cascade] python setting in the file's header)."
    )

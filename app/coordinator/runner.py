"""Running: the kernel's lifecycle, one plan per cascade, and the fold of what comes back.

The :class:`Runner` owns the kernel client and the run session (:mod:`app.core.session`);
what it runs comes from the notebook snapshot and settings its :class:`RunContext` (the
coordinator) gives it, and every change it makes is announced through ``emit``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from app.coordinator.events import (
    STOPPED,
    CellStateChanged,
    CellStatesChanged,
    CoordinatorEvent,
    DatabaseStatusChanged,
    KernelStateChanged,
    KernelStatus,
    Notice,
)
from app.coordinator.kernel import KernelConnection, KernelStartError
from app.coordinator.kernel_client import (
    OPTIONAL_PACKAGES,
    ClientEvent,
    DatabaseAnswer,
    KernelClient,
    KernelGone,
    KernelLog,
    KernelUnavailable,
    PageRequest,
    TableExport,
    TablePage,
    VariableSummary,
    VariableTable,
)
from app.coordinator.step_specs import StepSpecs
from app.core.document import AnalysedNotebook
from app.core.planner import Mode, Plan, plan_run
from app.core.problems import Stale
from app.core.session import Changes, LateOutputDropped, RunSession

#: How long an interrupted cell may take to stop before the user is told it has not.
INTERRUPT_FEEDBACK_S = 2.0
INTERRUPT_UNANSWERED = (
    "Interrupt sent; the cell has not stopped yet. "
    "Interrupt again to restart the kernel (its variables are lost)."
)


class RunContext(Protocol):
    """What the runner needs to know from the coordinator, read at the moment it needs it."""

    @property
    def document(self) -> AnalysedNotebook: ...

    @property
    def mode(self) -> Mode: ...

    def kernel_interpreter(self) -> str | None: ...

    def database_url(self) -> str: ...

    def password_for(self, url: str) -> str | None: ...


class Runner:
    """See the module docstring. Not thread-safe: use it from one event loop."""

    def __init__(
        self,
        connection: KernelConnection,
        context: RunContext,
        emit: Callable[[CoordinatorEvent], None],
    ) -> None:
        self._context = context
        self._emit = emit
        self.client = KernelClient(connection, self._on_client_event)
        self.session = RunSession()
        self._specs = StepSpecs()
        self.status: KernelStatus = "not_started"
        self.python = ""
        #: The last answer about the database connection (None before the first check).
        self.database_status: DatabaseStatusChanged | None = None
        self.lock = asyncio.Lock()
        self._plan_ids = 0
        self._plan_done: asyncio.Future[None] | None = None
        self._starting: asyncio.Task[None] | None = None
        self.closing = False

    # -- announcing ------------------------------------------------------------------------------
    def publish(self, changes: Changes) -> None:
        """Tell observers what a fold step changed: one cell's new state (with the output it
        appended), or the new states of several cells in one event."""
        states = changes.states
        if len(states) > 1 and not any(appended for _, appended in states.values()):
            self._emit(CellStatesChanged({c: state for c, (state, _) in states.items()}))
        else:
            for cell_id, (state, appended) in states.items():
                self._emit(CellStateChanged(cell_id, state, appended))
        for path in changes.obsolete_files:
            remove_output_file(path)
        for notice in changes.notices:
            self._emit(Notice("info", self._late_output_message(notice)))
        if changes.plan_done and self._plan_done is not None and not self._plan_done.done():
            self._plan_done.set_result(None)

    def _late_output_message(self, notice: LateOutputDropped) -> str:
        name = self._context.document.cell_name(notice.cell_id)
        return (
            f"Output of a thread that {name} started in an earlier run was dropped: "
            f"{name} has run again since."
        )

    def _set_status(self, status: KernelStatus, detail: str = "") -> None:
        self.status = status
        self._emit(KernelStateChanged(status, detail))

    @property
    def alive(self) -> bool:
        return self.client.is_running and self.status not in ("dead", "not_started")

    @property
    def idle(self) -> bool:
        """The kernel runs and no plan does: it answers side requests (completion) at once."""
        return self.alive and self.status == "idle" and self.session.active is None

    # -- kernel lifecycle --------------------------------------------------------------------------
    async def ensure_kernel(self) -> None:
        """Start a kernel if none runs (call with the lock held)."""
        if self.alive:
            return
        self._set_status("starting")
        try:
            ready = await self.client.start(self._context.kernel_interpreter())
        except KernelStartError as exc:
            self._set_status("dead", str(exc))
            if self.closing:
                return  # the window closed while the kernel started: nothing to report
            raise
        if self.closing:
            return
        self.python = ready.python
        self._set_status("idle", f"Python {ready.python}")
        if ready.missing:
            self._emit(Notice("warning", _missing_message(ready.executable, ready.missing)))
        self._precompile()
        await self.configure_database()

    def _precompile(self) -> None:
        """A new worker compiles the notebook's Python cells whenever it waits (it serves every
        request first), so the first run does not compile them, and loads those an earlier
        worker of its interpreter compiled (protocol v12); nothing runs."""
        document = self._context.document
        analyses = document.analyses
        cells = tuple(
            (cell.id, document.cell_name(cell.id), cell.code)
            for cell in document.notebook.cells
            if cell.kind == "python" and cell.code.strip() and not analyses[cell.id].syntax_error
        )
        plain = [cell_id for cell_id, _, _ in cells if not analyses[cell_id].ends_with_expression]
        # Sent even with no cell: it also asks the worker to hand back what it compiles.
        with contextlib.suppress(KernelUnavailable):
            self.client.precompile(cells, plain)

    async def start_kernel(self) -> None:
        async with self.lock:
            if not self.closing:
                await self.ensure_kernel()

    async def restart_kernel(self) -> None:
        """A fresh namespace: every cell that ran shows stale; nothing in the file changes."""
        if self.session.active is not None:
            self.client.interrupt()
        self.client.kill()
        async with self.lock:
            self.publish(self.session.lose_kernel("", forget=True))
            await self.ensure_kernel()

    def close(self) -> None:
        """Stop the kernel now (the window is closing)."""
        self.closing = True
        self.client.kill()
        self._remove_output_files()

    async def shutdown(self) -> None:
        self.closing = True
        await self.client.shutdown()
        self._set_status("not_started")
        self._remove_output_files()

    def _remove_output_files(self) -> None:
        """The files holding capped outputs in full go with the session that showed them."""
        for state in self.session.states.values():
            if state.full_output:
                remove_output_file(state.full_output)

    # -- running -----------------------------------------------------------------------------------
    async def run_cells(
        self,
        roots: Iterable[str],
        *,
        changed_names: Iterable[str] = (),
        control_values: Mapping[str, Any] | None = None,
    ) -> None:
        """Plan and run ``roots`` with their cascade; completes when the plan has finished.

        ``control_values`` (control id -> wire value) are set in the kernel before the plan's
        steps; ``changed_names`` (the variables holding those controls) add their readers to
        the roots (SEMANTICS.md §8)."""
        roots = tuple(roots)
        async with self.lock:
            if self.closing:
                return  # the window is closing: edits are saved, nothing more runs
            await self.ensure_kernel()
            if self.closing:
                return
            document = self._context.document
            session = self.session
            plan = plan_run(
                document.notebook,
                document.graph,
                roots,
                session.up_to_date,
                session.kernel_names,
                self._context.mode,
                session.ran,
                changed_names,
            )
            await self._execute(plan, document, control_values)

    async def _execute(
        self,
        plan: Plan,
        document: AnalysedNotebook,
        control_values: Mapping[str, Any] | None = None,
    ) -> None:
        held = self.session.held_names(plan.delete_names)
        self._plan_ids += 1
        plan_id = self._plan_ids
        sending = bool(plan.steps or held or control_values)
        failure: KernelUnavailable | None = None
        if sending:
            # Sent before the run state is updated, so the worker starts on it while the
            # queued states are folded and announced: nothing it answers is read before the
            # await below.
            steps = self._specs.build(document, plan.steps)
            try:
                self.client.run_plan(plan_id, steps, plan.delete_names, control_values)
            except KernelUnavailable as exc:
                failure = exc
        defs = {s.cell_id: document.analyses[s.cell_id].defs for s in plan.steps}
        self.publish(
            self.session.begin_plan(
                plan_id,
                plan.cell_ids,
                defs,
                plan.delete_names,
                plan.blocked,
                plan.stale,
                plan.held,
            )
        )
        if not sending:
            self.session.active = None
            return  # nothing to run, nothing in the kernel to remove, no value to set
        if failure is None and not self.client.is_running:
            failure = KernelUnavailable("the kernel stopped")  # while the plan was sent
        self._plan_done = asyncio.get_running_loop().create_future()
        self._set_status("busy")
        try:
            if failure is not None:
                raise failure
            await self._plan_done
        except KernelUnavailable as exc:
            self.publish(self.session.lose_kernel(str(exc), forget=False))
        finally:
            self.session.active = None
            self._plan_done = None
            if self.status == "busy":
                self._set_status("idle")

    def interrupt_if_affected(self, cells: set[str]) -> None:
        """An edit that touches the running plan stops it, so no cell runs on an old value."""
        active = self.session.active
        if active is None:
            return
        touched = cells | self._context.document.graph.descendants(cells)
        if touched & active.unfinished:
            self.client.interrupt()

    async def interrupt(self) -> None:
        """Stop the running cell (KeyboardInterrupt); the rest of the plan does not run. If it
        has not stopped after :data:`INTERRUPT_FEEDBACK_S`, observers are told; a second
        interrupt of the same plan restarts the kernel (a window asks first)."""
        active = self.session.active
        if active is None:
            return
        if active.interrupted:
            await self.restart_kernel()
            return
        active.interrupted = True
        self.client.interrupt()
        loop = asyncio.get_running_loop()
        loop.call_later(INTERRUPT_FEEDBACK_S, self._check_interrupt_answered, active.plan_id)

    @property
    def interrupt_restarts(self) -> bool:
        """True when the next :meth:`interrupt` restarts the kernel."""
        return self.session.active is not None and self.session.active.interrupted

    def _check_interrupt_answered(self, plan_id: int) -> None:
        active = self.session.active
        if active is not None and active.plan_id == plan_id and not active.done:
            self._emit(Notice("warning", INTERRUPT_UNANSWERED))

    # -- database and tables -------------------------------------------------------------------------
    async def configure_database(self, url: str | None = None) -> DatabaseAnswer:
        """Point the kernel at ``url`` (default: the one in force) and report how it went."""
        target = url if url is not None else self._context.database_url()
        try:
            answer = await self.client.configure_database(
                target, self._context.password_for(target)
            )
        except KernelUnavailable as exc:
            answer = DatabaseAnswer(False, str(exc))
        self.report_database(answer, target if answer.ok else "")
        return answer

    async def check_database(self, url: str, password: str | None) -> DatabaseAnswer:
        """Try ``url`` with ``password`` in the kernel (the lock is taken here)."""
        async with self.lock:
            await self.ensure_kernel()
            try:
                return await self.client.configure_database(url, password)
            except KernelUnavailable as exc:
                return DatabaseAnswer(False, str(exc))

    def report_database(self, answer: DatabaseAnswer, url: str) -> None:
        in_force = url or (self.database_status.url if self.database_status else "")
        self.database_status = DatabaseStatusChanged(
            answer.ok, answer.message, answer.server, in_force
        )
        self._emit(self.database_status)

    async def fetch_rows(self, request: PageRequest) -> TablePage:
        """A page of a table that lives in the kernel (``error`` set when it cannot be read)."""
        try:
            if not self.alive:
                raise KernelUnavailable("the kernel restarted: run the cell again")
            return await self.client.fetch_rows(request)
        except KernelUnavailable as exc:
            return TablePage(request.table_id, request.start, error=str(exc))

    async def describe_variables(self) -> tuple[VariableSummary, ...]:
        """The names the kernel holds, summarised by the worker (empty when it is not up)."""
        names = tuple(self.session.kernel_names)
        if not self.alive or not names:
            return ()
        try:
            return await self.client.describe_namespace(names)
        except KernelUnavailable:
            return ()

    async def export_table(
        self, table_id: str, path: str, sort_column: int | None = None, ascending: bool = True
    ) -> TableExport:
        """Write a kernel table to ``path`` as CSV (the kernel writes it; nothing is copied)."""
        try:
            return await self.client.export_table(table_id, path, sort_column, ascending)
        except KernelUnavailable as exc:
            return TableExport(False, str(exc))

    async def view_variable(self, name: str) -> VariableTable:
        """``name``'s value kept as a kernel table for the table viewer (the worker answers
        between plans, about the value the last plan left)."""
        if not self.alive:
            return VariableTable(name, problem="the kernel is not running", defined=False)
        try:
            return await self.client.view_variable(name, self.session.kernel_names.get(name, ""))
        except KernelUnavailable as exc:
            return VariableTable(name, problem=str(exc), defined=False)

    def release_tables(self, table_ids: tuple[str, ...]) -> None:
        """The kernel may forget these viewer tables (nothing to do if it is gone)."""
        if self.alive:
            with contextlib.suppress(KernelUnavailable):
                self.client.release_tables(table_ids)

    # -- what the kernel says ----------------------------------------------------------------------
    def _on_client_event(self, event: ClientEvent) -> None:
        if isinstance(event, KernelGone):
            self._kernel_gone(event)
        elif isinstance(event, KernelLog):
            self._emit(Notice("warning" if event.level == "warning" else "error", event.message))
        else:
            self.publish(self.session.apply(event))

    def _kernel_gone(self, event: KernelGone) -> None:
        if event.expected or self.closing:
            self._set_status("not_started" if self.closing else "dead", STOPPED)
            self.publish(self.session.lose_kernel("the kernel was stopped", forget=False))
            return
        self._set_status("dead", event.message)
        self._emit(Notice("error", f"{event.message}; starting a new kernel"))
        self.publish(self.session.lose_kernel(event.message, forget=True))
        if self._starting is None or self._starting.done():
            self._starting = asyncio.ensure_future(self._restart_after_death())

    async def _restart_after_death(self) -> None:
        async with self.lock:
            if self.status == "dead" and not self.closing:
                with contextlib.suppress(KernelStartError):
                    await self.ensure_kernel()

    def clear_outputs(self, cell_ids: Iterable[str]) -> None:
        """Clear these cells' outputs; their statuses stay."""
        self.publish(self.session.clear_outputs(cell_ids))

    def forget_some(self, cell_ids: Iterable[str], reason: Stale) -> None:
        """These cells show stale for ``reason`` (those that never ran stay as they are)."""
        self.publish(self.session.mark_stale(cell_ids, reason))


def _missing_message(executable: str, missing: tuple[str, ...]) -> str:
    """Which optional packages the kernel's Python lacks, and what that disables."""
    parts = ", ".join(
        f"{name} ({OPTIONAL_PACKAGES.get(name, 'some features')})" for name in missing
    )
    return f"The kernel's Python ({executable or 'unknown'}) lacks: {parts}."


def remove_output_file(path: str) -> None:
    """Delete a file the kernel wrote a capped output to (only such files, by their name)."""
    name = os.path.basename(path)
    if name.startswith("cascade-output-") and name.endswith(".txt"):
        with contextlib.suppress(OSError):
            os.remove(path)

"""The kernel client: the coordinator's one speaker of the worker's protocol.

It starts and stops the worker through a :class:`KernelConnection`, sends plans built from
core values, answers requests with typed values (or raises :class:`KernelUnavailable`), and
turns worker frames into :mod:`app.core.session` events. Everything above it — the
coordinator, the window — sees core and coordinator values only.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from app.coordinator.code_cache import CompiledCodeCache
from app.coordinator.kernel import KernelConnection, KernelEvent, KernelExited, KernelStartError
from app.coordinator.kernel_answers import (
    CompletionItem,
    DatabaseAnswer,
    KernelCompletions,
    KernelInspection,
    PageRequest,
    SchemaAnswer,
    TableExport,
    TablePage,
    VariableSummary,
    VariableTable,
)
from app.core.record import Record
from app.core.session import (
    DisplayReceived,
    PlanEnded,
    SessionEvent,
    StepBegan,
    StepEnded,
    StepsEnded,
    StreamReceived,
)
from app.core.sql_template import Placeholder, parse_sql_statements
from app.core.state import CellError
from kernel_worker import protocol as p
from kernel_worker.protocol import OPTIONAL_PACKAGES

log = logging.getLogger(__name__)

__all__ = [
    "OPTIONAL_PACKAGES",
    "CompletionItem",
    "DatabaseAnswer",
    "KernelClient",
    "KernelCompletions",
    "KernelGone",
    "KernelInspection",
    "KernelLog",
    "KernelReady",
    "KernelStartError",
    "KernelUnavailable",
    "PageRequest",
    "SchemaAnswer",
    "StepSpec",
    "TableExport",
    "TablePage",
    "VariableSummary",
    "VariableTable",
]


#: Protocol steps kept for re-sending: twice the largest notebook Cascade opens (10,000 cells).
WIRE_STEPS_KEPT = 20_000


class KernelUnavailable(RuntimeError):
    """The kernel is not running, or went away before it answered."""


class KernelReady(Record):
    python: str  # "3.11.7"
    executable: str
    missing: tuple[str, ...]  # optional packages its Python lacks


class KernelGone(Record):
    """The worker ended: ``expected`` when we asked; ``message`` says why in words."""

    expected: bool
    message: str


class KernelLog(Record):
    level: str  # "warning" | "error"
    message: str


class StepSpec(Record):
    """One cell to run, as the coordinator knows it."""

    cell_id: str
    kind: str  # "python" | "sql"
    code: str
    label: str
    depends_on: tuple[str, ...] = ()
    private_names: tuple[str, ...] = ()
    name: str | None = None
    #: False only when the cell was parsed and its last statement is not an expression.
    ends_with_expression: bool = True


ClientEvent = SessionEvent | KernelGone | KernelLog
_Answer = TypeVar(
    "_Answer",
    p.DatabaseStatus,
    p.TableRows,
    p.TableExported,
    p.NamespaceSummary,
    p.Completions,
    p.Inspection,
    p.DatabaseSchema,
    p.VariableTable,
)

#: The answers that settle a pending request (matched by ``request_id``).
_ANSWERS = (
    p.DatabaseStatus,
    p.TableRows,
    p.TableExported,
    p.NamespaceSummary,
    p.Completions,
    p.Inspection,
    p.DatabaseSchema,
    p.VariableTable,
)


class KernelClient:
    """One worker at a time; ``on_event`` receives :data:`ClientEvent` values on the loop."""

    def __init__(
        self, connection: KernelConnection, on_event: Callable[[ClientEvent], None]
    ) -> None:
        self._connection = connection
        self._on_event = on_event
        self._requests = 0
        self._pending: dict[int, asyncio.Future[p.Event]] = {}
        #: cell id -> (the step last sent for it, its protocol form)
        self._wire: dict[str, tuple[StepSpec, p.Step]] = {}
        #: Cells a worker compiled, for the next worker of its interpreter (protocol v12).
        self.compiled_code = CompiledCodeCache()
        connection.set_handler(self._receive)

    # -- lifecycle --------------------------------------------------------------------------
    @property
    def is_running(self) -> bool:
        return self._connection.is_running

    @property
    def pid(self) -> int | None:
        """The worker's process id (None when none runs)."""
        pid = getattr(self._connection, "pid", None)
        return pid if isinstance(pid, int) else None

    async def start(self, interpreter: str | None) -> KernelReady:
        """Start a worker in ``interpreter`` (None: the default); KernelStartError if not."""
        self._connection.set_interpreter(interpreter)
        ready = await self._connection.start()
        self.compiled_code.use_interpreter(ready.python, ready.executable)
        python = ready.python.split()[0] if ready.python else ""
        return KernelReady(python, ready.executable, tuple(ready.missing))

    def interrupt(self) -> None:
        self._connection.interrupt()

    def kill(self) -> None:
        self._connection.kill()

    async def shutdown(self) -> None:
        await self._connection.shutdown()

    def set_folder(self, folder: str) -> None:
        """Where the next worker runs (the notebook's folder; a new notebook's after Save As)."""
        self._connection.set_cwd(folder)

    # -- sending ------------------------------------------------------------------------------
    def run_plan(
        self,
        plan_id: int,
        steps: Sequence[StepSpec],
        delete_names: Sequence[str],
        control_values: Mapping[str, Any] | None = None,
    ) -> None:
        """Send a plan; ``control_values`` (control id -> wire value) are set first."""
        request = p.RunPlan(
            plan_id=plan_id,
            steps=tuple(map(self._wire_step, steps)),
            delete_names=tuple(delete_names),
            control_values=tuple(
                p.ControlValue(control_id, value)
                for control_id, value in (control_values or {}).items()
            ),
        )
        self._send(request)

    def precompile(
        self, cells: Sequence[tuple[str, str, str]], no_last_expression: Sequence[str] = ()
    ) -> None:
        """Let the worker compile these ``(cell_id, label, code)`` Python cells while it waits
        (protocol v10): a plan that runs them then finds them compiled. Nothing runs.
        ``no_last_expression``: those of them whose last statement is not an expression.
        Cells an earlier worker of this interpreter compiled go compiled (v12)."""
        to_compile, compiled = self.compiled_code.split(cells, p.cell_filename)
        self._send(
            p.Precompile(
                tuple(to_compile), tuple(no_last_expression), tuple(compiled), hand_back=True
            )
        )

    def _wire_step(self, step: StepSpec) -> p.Step:
        """The protocol form of ``step``, kept per cell while the same step is sent again
        (a re-run sends mostly unchanged steps; see :mod:`app.coordinator.step_specs`)."""
        entry = self._wire.get(step.cell_id)
        if entry is not None and entry[0] is step:
            return entry[1]
        if len(self._wire) >= WIRE_STEPS_KEPT:
            self._wire.clear()
        wire = _protocol_step(step)
        self._wire[step.cell_id] = (step, wire)
        return wire

    def _send(self, request: p.Request) -> None:
        if not self._connection.is_running:
            raise KernelUnavailable("the kernel is not running")
        try:
            self._connection.send(request)
        except KernelStartError as exc:
            raise KernelUnavailable(str(exc)) from None

    async def _request(self, make: Callable[[int], p.Request], answer: type[_Answer]) -> _Answer:
        """Send a request that gets one answer of type ``answer`` (matched by id)."""
        self._requests += 1
        request_id = self._requests
        future: asyncio.Future[p.Event] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        try:
            self._send(make(request_id))
            result = await future
        finally:
            self._pending.pop(request_id, None)
        if not isinstance(result, answer):
            log.warning("%s answered by %s", answer.__name__, type(result).__name__)
            raise KernelUnavailable(f"the kernel answered {type(result).__name__}")
        return result

    async def configure_database(self, url: str, password: str | None) -> DatabaseAnswer:
        status = await self._request(
            lambda rid: p.ConfigureDatabase(rid, url, password), p.DatabaseStatus
        )
        return DatabaseAnswer(status.ok, status.message, status.server)

    async def fetch_rows(self, request: PageRequest) -> TablePage:
        rows = await self._request(
            lambda rid: p.FetchRows(
                rid,
                request.table_id,
                request.start,
                request.count,
                request.sort_column,
                request.ascending,
            ),
            p.TableRows,
        )
        return TablePage(rows.table_id, rows.start, rows.rows, rows.total, rows.error)

    async def export_table(
        self, table_id: str, path: str, sort_column: int | None = None, ascending: bool = True
    ) -> TableExport:
        done = await self._request(
            lambda rid: p.ExportTable(rid, table_id, path, sort_column, ascending),
            p.TableExported,
        )
        return TableExport(done.ok, done.message)

    async def complete(self, code: str, line: int, column: int) -> KernelCompletions:
        """Completions at ``line`` (1-based), ``column`` (0-based, code points) of ``code``
        from the live namespace (the worker answers when no plan runs)."""
        answer = await self._request(lambda rid: p.Complete(rid, code, line, column), p.Completions)
        items = tuple(CompletionItem(i.name, i.insert, i.kind, i.detail) for i in answer.items)
        return KernelCompletions(items, answer.unavailable, answer.error)

    async def inspect(self, code: str, line: int, column: int, docs: bool) -> KernelInspection:
        """Signature help at a position (and the docs of the name there, with ``docs``)."""
        a = await self._request(lambda rid: p.Inspect(rid, code, line, column, docs), p.Inspection)
        return KernelInspection(
            a.name,
            a.signature,
            a.params,
            a.parameter,
            a.doc,
            a.module,
            a.unavailable,
            a.error,
            a.path,
            a.line,
        )

    async def describe_schema(self, tables: Sequence[str], refresh: bool) -> SchemaAnswer:
        """The database's tables and the columns of ``tables`` (read again with ``refresh``),
        from the worker's cache of its connection (the worker answers when no plan runs)."""
        a = await self._request(
            lambda rid: p.DescribeSchema(rid, tuple(tables), refresh), p.DatabaseSchema
        )
        columns = {c.table: tuple(zip(c.columns, c.types, strict=False)) for c in a.columns}
        return SchemaAnswer(a.tables, a.views, columns, a.truncated, a.generation, a.error)

    async def describe_namespace(self, names: tuple[str, ...]) -> tuple[VariableSummary, ...]:
        summary = await self._request(
            lambda rid: p.DescribeNamespace(rid, names), p.NamespaceSummary
        )
        return tuple(VariableSummary(*v.values()) for v in summary.variables)

    async def view_variable(self, name: str, owner: str) -> VariableTable:
        """Keep ``name``'s value (defined by cell ``owner``) as a table the viewer pages."""
        a = await self._request(lambda rid: p.ViewVariable(rid, name, owner), p.VariableTable)
        return VariableTable(a.name, a.table, a.problem, a.defined)

    def release_tables(self, table_ids: tuple[str, ...]) -> None:
        """The kernel may forget these viewer tables (nothing is answered)."""
        self._send(p.ReleaseTables(table_ids))

    # -- receiving ----------------------------------------------------------------------------
    def _receive(self, event: KernelEvent) -> None:
        if isinstance(event, _ANSWERS):
            future = self._pending.get(event.request_id)
            if future is not None and not future.done():
                future.set_result(event)
            return
        if isinstance(event, p.CompiledCode):
            self.compiled_code.add(event.cells)
            return
        if isinstance(event, KernelExited):
            self._fail_requests(event.describe())
            self._on_event(KernelGone(event.expected, event.describe()))
            return
        translated = _translate(event)
        if translated is not None:
            self._on_event(translated)

    def _fail_requests(self, message: str) -> None:
        """Every waiting request fails: the kernel that would answer is gone."""
        if self._pending:
            log.info("%d kernel requests fail: %s", len(self._pending), message)
        for future in self._pending.values():
            if not future.done():
                future.set_exception(KernelUnavailable(message))
                future.exception()  # retrieved here: the awaiting caller re-raises it


def _translate(event: p.Event) -> SessionEvent | KernelLog | None:
    """A worker frame as a session event (None: nothing the session needs)."""
    match event:
        case p.StepStarted(plan_id=plan_id, cell_id=cell_id):
            return StepBegan(plan_id, cell_id, time.monotonic())
        case p.StreamOutput():
            return StreamReceived(
                event.plan_id,
                event.cell_id,
                event.stream,
                event.text,
                event.dropped,
                event.full_output,
            )
        case p.DisplayData(plan_id=plan_id, cell_id=cell_id, data=data):
            return DisplayReceived(plan_id, cell_id, data)
        case p.StepFinished():
            error = None
            if event.error is not None:
                e = event.error
                error = CellError(e.ename, e.evalue, e.traceback, e.line)
            return StepEnded(
                event.plan_id,
                event.cell_id,
                event.status,
                time.monotonic(),
                event.duration_ms,
                error,
                event.blocked_by,
                event.unannounced,
            )
        case p.StepsFinished(plan_id=plan_id, steps=steps):
            return StepsEnded(plan_id, time.monotonic(), steps)
        case p.PlanFinished(plan_id=plan_id):
            return PlanEnded(plan_id)
        case p.WorkerLog(level=level, message=message):
            return KernelLog(level, message)
    return None  # Ready is consumed by start()


def _protocol_step(step: StepSpec) -> p.Step:
    kind: p.StepKind = "sql" if step.kind == "sql" else "python"
    return p.Step(
        cell_id=step.cell_id,
        kind=kind,
        code=step.code,
        label=step.label,
        depends_on=step.depends_on,
        private_names=step.private_names,
        name=step.name,
        sql=_sql_spec(step.code) if kind == "sql" else (),
        ends_with_expression=step.ends_with_expression,
    )


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

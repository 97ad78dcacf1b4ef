"""A scripted stand-in for the worker process: no exec, no process, same event shapes.

Each step's outcome comes from ``script`` (cell code -> outcome); unscripted code succeeds.
Requests are recorded so tests can assert on the plans the coordinator sends. As the worker
does (protocol v3), steps that end quietly — success without output, blocked, not run — are
reported in :class:`~kernel_worker.protocol.StepsFinished` batches, sent before any other
frame; a step with output is announced, and a failure has a frame of its own.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from app.coordinator.kernel import EventHandler, KernelExited
from kernel_worker import protocol as p


@dataclass
class Outcome:
    status: p.StepStatus = "success"
    stdout: str = ""
    display: str | None = None
    crash: bool = False  # the process dies while running this step
    hang: bool = False  # runs until interrupted


@dataclass
class FakeKernel:
    script: dict[str, Outcome] = field(default_factory=dict)
    requests: list[p.Request] = field(default_factory=list)
    #: url -> (ok, message) answered to ConfigureDatabase; unknown URLs connect.
    database_answers: dict[str, tuple[bool, str]] = field(default_factory=dict)
    starts: int = 0
    interpreter: str | None = None
    cwd: Path | None = None
    missing: tuple[str, ...] = ()
    interrupts: int = 0
    #: The answer to every Complete request (None: completion items for "live_name").
    completions: p.Completions | None = None
    #: The database DescribeSchema reads: table -> its columns (all typed "INTEGER").
    schema: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: The worker's schema cache generation (a refresh request bumps it, as the worker does).
    schema_generation: int = 0
    _handler: EventHandler | None = None
    _running: bool = False
    _hanging: tuple[p.RunPlan, int] | None = None
    #: Quiet steps not reported yet (sent as one StepsFinished before the next frame).
    _batch: list[p.StepResult] = field(default_factory=list)
    #: Every event sent, in order (tests count frames and batches).
    sent: list[p.Event | KernelExited] = field(default_factory=list)

    def set_handler(self, handler: EventHandler) -> None:
        self._handler = handler

    def set_interpreter(self, python: str | None) -> None:
        self.interpreter = python

    def set_cwd(self, cwd: str | Path) -> None:
        self.cwd = Path(cwd)

    @property
    def is_running(self) -> bool:
        return self._running

    @property
    def plans(self) -> list[p.RunPlan]:
        return [r for r in self.requests if isinstance(r, p.RunPlan)]

    @property
    def database_requests(self) -> list[p.ConfigureDatabase]:
        return [r for r in self.requests if isinstance(r, p.ConfigureDatabase)]

    async def start(self) -> p.Ready:
        self.starts += 1
        self._running = True
        return p.Ready(p.PROTOCOL_VERSION, 1000 + self.starts, "3.11.7 fake", "", self.missing)

    def send(self, request: p.Request) -> None:
        self.requests.append(request)
        if isinstance(request, p.RunPlan):
            asyncio.get_running_loop().call_soon(self._play, request, 0, set())
        elif isinstance(request, p.ConfigureDatabase):
            ok, message = self.database_answers.get(request.url, (True, "Connected"))
            answer = p.DatabaseStatus(request.request_id, ok, message, "FakeSQL 1" if ok else "")
            asyncio.get_running_loop().call_soon(self._emit, answer)
        elif isinstance(request, p.Complete):
            canned = self.completions or p.Completions(
                0, (p.CompletionItem("live_name", "live_name"[len("live") :], "instance"),)
            )
            answer_c = p.Completions(request.request_id, canned.items, canned.unavailable)
            asyncio.get_running_loop().call_soon(self._emit, answer_c)
        elif isinstance(request, p.DescribeSchema):
            asyncio.get_running_loop().call_soon(self._emit, self._describe_schema(request))
        elif isinstance(request, p.Inspect):
            inspected = p.Inspection(request.request_id, "live", "live(x)", ("x",), 0)
            asyncio.get_running_loop().call_soon(self._emit, inspected)

    def _describe_schema(self, request: p.DescribeSchema) -> p.DatabaseSchema:
        if request.refresh:
            self.schema_generation += 1
        columns = tuple(
            p.TableColumns(t, self.schema[t], ("INTEGER",) * len(self.schema[t]))
            for t in request.tables
            if t in self.schema
        )
        tables = tuple(sorted(self.schema))
        return p.DatabaseSchema(
            request.request_id, tables, (), columns, generation=self.schema_generation
        )

    def _emit(self, event: p.Event | KernelExited) -> None:
        assert self._handler is not None
        self.sent.append(event)
        self._handler(event)

    def _emit_after_batch(self, plan_id: int, event: p.Event | KernelExited) -> None:
        """Send the quiet steps waiting for a frame, then ``event`` (as the worker does)."""
        if self._batch:
            steps, self._batch = tuple(self._batch), []
            self._emit(p.StepsFinished(plan_id, steps))
        self._emit(event)

    def _play(self, plan: p.RunPlan, start: int, failed: set[str]) -> None:
        emit = lambda event: self._emit_after_batch(plan.plan_id, event)  # noqa: E731
        for index in range(start, len(plan.steps)):
            step = plan.steps[index]
            if any(d in failed for d in step.depends_on):
                failed.add(step.cell_id)
                blockers = tuple(d for d in step.depends_on if d in failed)
                self._batch.append(p.StepResult(step.cell_id, "blocked", 0.0, blockers))
                continue
            outcome = self.script.get(step.code, Outcome())
            quiet = outcome.stdout == "" and outcome.display is None
            if outcome.crash:
                emit(p.StepStarted(plan.plan_id, step.cell_id))
                self._running = False
                self._emit(KernelExited(exit_code=None, signal=11, expected=False))
                return
            if outcome.hang:
                emit(p.StepStarted(plan.plan_id, step.cell_id))
                self._hanging = (plan, index)
                return
            if outcome.status == "success" and quiet:
                self._batch.append(p.StepResult(step.cell_id, "success", 1.0))
                continue
            if not quiet:
                emit(p.StepStarted(plan.plan_id, step.cell_id))
            if outcome.stdout:
                emit(p.StreamOutput(plan.plan_id, step.cell_id, "stdout", outcome.stdout))
            if outcome.display is not None:
                emit(p.DisplayData(plan.plan_id, step.cell_id, {"text/plain": outcome.display}))
            error = None
            if outcome.status == "error":
                error = p.ErrorInfo("RuntimeError", "scripted", "Traceback: scripted", 1)
                failed.add(step.cell_id)
            emit(
                p.StepFinished(
                    plan.plan_id, step.cell_id, outcome.status, 1.0, error, unannounced=quiet
                )
            )
        emit(p.PlanFinished(plan.plan_id))

    def interrupt(self) -> None:
        self.interrupts += 1
        if self._hanging is None:
            return
        plan, index = self._hanging
        self._hanging = None
        step = plan.steps[index]
        self._emit(p.StepFinished(plan.plan_id, step.cell_id, "interrupted", 5.0))
        for rest in plan.steps[index + 1 :]:
            self._batch.append(p.StepResult(rest.cell_id, "not_run"))
        self._emit_after_batch(plan.plan_id, p.PlanFinished(plan.plan_id, interrupted=True))

    def kill(self) -> None:
        if self._running:
            self._running = False
            self._hanging = None
            self._emit(KernelExited(exit_code=None, signal=9, expected=True))

    async def shutdown(self) -> None:
        self.kill()

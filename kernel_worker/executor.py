"""Run a plan: delete stale names, then each step in order, reporting as it goes.

The worker holds no graph logic: the coordinator decides what runs and in which order; the
executor only honours ``depends_on`` (a step whose input failed in this run is skipped and
reported ``blocked``) and stops the plan on an interrupt.
"""

from __future__ import annotations

import builtins
import json
import os
import sys
import time
import types
from collections.abc import Mapping

from kernel_worker import controls, figures, interrupts, ipython_bridge
from kernel_worker.capture import FdCapture
from kernel_worker.compiled_cells import CompiledCells
from kernel_worker.display import bundle_from_data, mime_bundle
from kernel_worker.protocol import (
    QUIET_STATUSES,
    TABLE_MIME,
    DisplayData,
    ErrorInfo,
    PlanFinished,
    RunPlan,
    Step,
    StepFinished,
    StepResult,
    StepStatus,
    WorkerLog,
    cell_filename,
)
from kernel_worker.router import OutputRouter
from kernel_worker.tables import TableStore, is_table
from kernel_worker.transport import FrameWriter

TYPE_CHECKING = False  # typing is for the type checker only (see kernel_worker.protocol)
if TYPE_CHECKING:
    from typing import Any, TextIO

    from kernel_worker.sql import SqlEngine


def _filename(step: Step) -> str:
    return cell_filename(step.cell_id, step.label)


class Executor:
    """Owns the user namespace; runs :class:`RunPlan` requests."""

    def __init__(
        self,
        writer: FrameWriter,
        router: OutputRouter,
        capture: FdCapture,
        streams: tuple[TextIO, TextIO],
    ) -> None:
        self._writer = writer
        self._streams = streams
        self._router = router
        self._capture = capture
        #: Compiled cells; compiled ahead while the worker waits (see Precompile).
        self.cells = CompiledCells(writer.send)
        self._plan_id = 0
        self._cell_id = ""
        module = types.ModuleType("__main__")
        sys.modules["__main__"] = module  # user classes and functions pickle as usual
        self.namespace: dict[str, Any] = module.__dict__
        self.namespace["__builtins__"] = builtins
        self.namespace["display"] = self.display
        ipython_bridge.install(self.display, self.publish)
        figures.prepare()
        self._sql: SqlEngine | None = None
        self.tables = TableStore()
        # cs.table(df): the frame stays here and is paged like any shown table.
        controls.registry.describe_table = lambda frame: self.tables.register(self._cell_id, frame)

    @property
    def sql(self) -> SqlEngine:
        """The SQL engine, made (and its module imported) when first needed."""
        if self._sql is None:
            from kernel_worker.sql import SqlEngine

            self._sql = SqlEngine()
        return self._sql

    # -- display ------------------------------------------------------------------------------
    def display(self, *values: Any) -> None:
        """Show each value under the running cell (available in every cell, no import)."""
        for value in values:
            self._router.flush(announce=True)  # after the step's start and what it printed
            bundle = mime_bundle(value)
            if is_table(value):
                try:
                    described = self.tables.register(self._cell_id, value)
                    bundle[TABLE_MIME] = json.dumps(described, ensure_ascii=False)
                except Exception:  # an exotic frame: its static preview still shows
                    pass
            self._writer.send(DisplayData(self._plan_id, self._cell_id, bundle))

    def publish(self, data: Mapping[str, Any], metadata: Any = None) -> None:
        """Show a ready MIME dict (IPython's ``publish_display_data``, ``display(raw=True)``)."""
        bundle = bundle_from_data(data, metadata)
        if bundle:
            self._router.flush(announce=True)
            self._writer.send(DisplayData(self._plan_id, self._cell_id, bundle))

    # -- plans --------------------------------------------------------------------------------
    def run_plan(self, plan: RunPlan) -> None:
        interrupts.reset()
        self._plan_id = plan.plan_id
        # Tables shown by cells that run again (or are skipped) describe values about to go.
        self.tables.drop_cells({step.cell_id for step in plan.steps})
        self._set_controls(plan)
        for name in plan.delete_names:
            self.namespace.pop(name, None)
        failed: set[str] = set()
        for step in plan.steps:
            assert isinstance(step, Step)  # the reader resolved every StepRef
            if interrupts.state.requested:
                self._finish(step, "not_run", 0.0)
                failed.add(step.cell_id)
                continue
            blockers = tuple(cell for cell in step.depends_on if cell in failed) if failed else ()
            if blockers:
                self._finish(step, "blocked", 0.0, blocked_by=blockers)
                failed.add(step.cell_id)
                continue
            if self._run_step(step) != "success":
                failed.add(step.cell_id)
        self.cells.send_new()  # before PlanFinished: a restart right after still gets them
        self._writer.send(PlanFinished(plan.plan_id, interrupted=interrupts.state.requested))
        interrupts.reset()

    def _set_controls(self, plan: RunPlan) -> None:
        """The user's new control values, before any step reads them."""
        for update in plan.control_values:
            problem = controls.registry.set_value(update.control_id, update.value)
            if problem is not None:
                self._writer.send(WorkerLog("warning", f"control not set: {problem}"))

    def _finish(
        self,
        step: Step,
        status: StepStatus,
        duration_ms: float,
        error: ErrorInfo | None = None,
        blocked_by: tuple[str, ...] = (),
        unannounced: bool = True,
    ) -> None:
        """Report how a step ended: a step that was never announced and ends quietly joins
        the batch of such steps; any other ends with its own frame."""
        if unannounced and error is None and status in QUIET_STATUSES:
            result = StepResult(step.cell_id, status, duration_ms, blocked_by)
            self._writer.add_quiet_step(self._plan_id, result)
        else:
            self._writer.send(
                StepFinished(
                    self._plan_id, step.cell_id, status, duration_ms, error, blocked_by, unannounced
                )
            )

    def _run_step(self, step: Step) -> StepStatus:
        self._cell_id = step.cell_id
        self._capture.restore()  # fds 1 and 2 as the step expects them, whatever came before
        self._router.begin_step(self._plan_id, step.cell_id)
        controls.registry.begin_cell(step.cell_id)
        sys.stdout, sys.stderr = self._streams
        started = time.perf_counter()
        status: StepStatus
        error: ErrorInfo | None = None
        if step.kind == "python":
            status, error = self._run_python(step)
        else:
            status, error = self._run_sql(step)
        # To the microsecond: more digits say nothing and cost the most in each step's frame.
        duration_ms = round((time.perf_counter() - started) * 1000.0, 3)
        for name in step.private_names:
            self.namespace.pop(name, None)
        self._capture.drain()
        announced = self._router.end_step()
        self._finish(step, status, duration_ms, error, unannounced=not announced)
        return status

    def _run_python(self, step: Step) -> tuple[StepStatus, ErrorInfo | None]:
        filename = _filename(step)
        try:
            body, expr = self.cells.get(filename, step.code, step.ends_with_expression)
        except SyntaxError as exc:
            import traceback  # only for errors: a worker start does without it

            text = "".join(traceback.format_exception_only(type(exc), exc))
            return "error", ErrorInfo("SyntaxError", str(exc.msg), text, exc.lineno)
        value: Any = None
        try:
            with interrupts.user_code():
                figures.patch_show(self.display)
                if body is not None:
                    exec(body, self.namespace)
                if expr is not None:
                    value = eval(expr, self.namespace)
                # The value first, then figures the cell left open; each shown once.
                figures.after_cell(self.display, value)
        except KeyboardInterrupt as exc:
            if interrupts.state.raised:
                return "interrupted", _error_info(exc, filename, "Interrupted by the user")
            return "error", _error_info(exc, filename)
        except BaseException as exc:  # SystemExit and friends are contained: the kernel lives
            self._show_figures_of_failed_cell()
            return "error", _error_info(exc, filename)
        finally:
            figures.close_all()  # nothing a cell drew leaks into the next one
        return "success", None

    def _show_figures_of_failed_cell(self) -> None:
        """Figures a failing cell drew still show, above its error, as in Jupyter."""
        try:
            with interrupts.user_code():
                figures.after_cell(self.display, None)
        except BaseException:  # the cell's own error is what the user must see
            pass

    def _run_sql(self, step: Step) -> tuple[StepStatus, ErrorInfo | None]:
        """Run the cell's statements; bind the last result to the cell's name and show it."""
        from kernel_worker.sql import SqlCellError

        try:
            with interrupts.user_code():
                result = self.sql.run(step.sql, self.namespace)
        except KeyboardInterrupt as exc:
            if interrupts.state.raised:
                return "interrupted", ErrorInfo(type(exc).__name__, "Interrupted by the user", "")
            return "error", ErrorInfo("KeyboardInterrupt", "", "")
        except Exception as exc:
            if interrupts.state.requested:  # the driver's "query cancelled", from Interrupt
                return "interrupted", ErrorInfo("KeyboardInterrupt", "Interrupted by the user", "")
            if isinstance(exc, SqlCellError):
                return "error", ErrorInfo(exc.ename, exc.message, exc.message, exc.line)
            # A driver bug or an unexpected value: say what it was.
            import traceback

            text = "".join(traceback.format_exception_only(type(exc), exc))
            return "error", ErrorInfo(type(exc).__name__, str(exc), text)
        if result.frame is not None:
            if step.name:
                self.namespace[step.name] = result.frame
            self.display(result.frame)
        elif result.rowcount is not None:
            count = result.rowcount
            noun = "row" if count == 1 else "rows"
            text = f"{count} {noun} affected" if count >= 0 else "statement executed"
            self._router.flush(announce=True)
            self._writer.send(DisplayData(self._plan_id, step.cell_id, {"text/plain": text}))
        return "success", None


_WORKER_DIR = os.path.dirname(os.path.abspath(__file__))


def _is_worker_frame(filename: str) -> bool:
    return os.path.dirname(os.path.abspath(filename)) == _WORKER_DIR


def _importable(package: str) -> bool:
    """Whether the kernel's Python has ``package`` (found without importing it)."""
    import importlib.util

    if sys.modules.get(package) is not None:
        return True
    try:
        return importlib.util.find_spec(package) is not None
    except (ImportError, ValueError):
        return False


def _version(package: str) -> str:
    """`` 2.2.3`` — the installed distribution's version when it has the package's name."""
    import importlib.metadata

    try:
        return " " + importlib.metadata.version(package)
    except Exception:  # no distribution of that name (import and distribution names differ)
        return ""


def _error_info(exc: BaseException, filename: str, message: str | None = None) -> ErrorInfo:
    """The traceback as the user should see it: from the cell's first frame on, without the
    worker's own frames (the exec call in front, the SIGINT handler at the end)."""
    import traceback

    summary = traceback.TracebackException.from_exception(exc)
    frames = list(summary.stack)
    while frames and frames[0].filename != filename:
        frames.pop(0)
    frames = [f for f in frames if not _is_worker_frame(f.filename)]
    summary.stack = traceback.StackSummary.from_list(frames)
    text = "".join(summary.format())
    line = next((f.lineno for f in reversed(frames) if f.filename == filename), None)
    evalue = message if message is not None else str(exc)
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        package = exc.name.split(".")[0]
        if "." in exc.name and _importable(package):
            hint = (
                f"{package}{_version(package)} is installed in the kernel's Python "
                f"({sys.executable}), but has no module {exc.name}: it may have been renamed "
                f"or removed in this version of {package}."
            )
        elif getattr(sys, "frozen", False):
            hint = (
                f"The kernel is Cascade's bundled Python, which cannot install packages: "
                f"choose a Python that has {package} (Run → Kernel Python…)."
            )
        else:
            hint = (
                f"The kernel runs {sys.executable}; install the package there: "
                f"{sys.executable} -m pip install {package}"
            )
        evalue = f"{evalue}\n{hint}"
        text = f"{text}{hint}\n"
    return ErrorInfo(type(exc).__name__, evalue, text, line)

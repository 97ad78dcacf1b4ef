"""The window's kernel connection: a worker process started and watched with QProcess.

The only Qt in the coordinator layer. It hands bytes from the worker's stdout to its
:class:`~app.coordinator.worker_session.WorkerSession` (framing, handshake, how the worker
ended: shared with the headless :class:`~app.coordinator.asyncio_kernel.AsyncioKernel`) and
holds no notebook logic. Runs on a qasync loop.

Two guarantees live here and in the session:

* a worker whose frames stop making sense (stray bytes, a forged frame, a damaged one) is
  killed at once and reported as corrupted (the coordinator then starts a new one) — it is
  never waited on for a frame that will not come;
* the worker leads its own process group (see ``kernel_worker.session``); kill, restart,
  shutdown and an unexpected death end that whole group, so nothing a cell started survives
  its kernel.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, QProcess, QProcessEnvironment

from app.coordinator.kernel import KernelStartError
from app.coordinator.launch import WorkerLaunch, WorkerLauncher
from app.coordinator.worker_session import (
    SHUTDOWN_TIMEOUT_S,
    WorkerSession,
    kill_process_group,
)
from kernel_worker import protocol as p

#: Frames at least this large are written to the worker's pipe at once (see ``send``).
EARLY_WRITE_BYTES = 64 * 1024


class QProcessKernel(WorkerLauncher):
    """One worker process at a time; :meth:`start` again after it ended for a fresh one."""

    #: Set per worker started (the settings of the next start are the launcher's).
    _process: QProcess | None = None
    _session: WorkerSession | None = None
    #: True while :meth:`send` waits for Qt to write (signals then wait for the loop).
    _sending = False
    _holder: QObject | None = None

    @property
    def pid(self) -> int | None:
        return self._session.pid if self._session is not None and self.is_running else None

    @property
    def is_running(self) -> bool:
        return (
            self._process is not None and self._process.state() != QProcess.ProcessState.NotRunning
        )

    @staticmethod
    def _environment(launch: WorkerLaunch) -> QProcessEnvironment:
        env = QProcessEnvironment()
        for key, value in launch.env.items():
            env.insert(key, value)
        return env

    async def start(self) -> p.Ready:
        if self.is_running:
            raise KernelStartError("a kernel is already running")
        launch = self.next_launch()
        session = WorkerSession(launch.nonce, self._deliver)
        self._session = session
        # Owned by Qt (a parent), not by its Python wrapper: the process is deleted with
        # deleteLater once it ended, while the only references to its wrapper are in its own
        # signal handlers; a wrapper that owned it would delete it a second time when those
        # are released inside its destructor (rare segfaults in event processing).
        process = QProcess(self._owner())
        process.setProgram(launch.program)
        process.setArguments(list(launch.args))
        process.setProcessEnvironment(self._environment(launch))
        process.setWorkingDirectory(launch.cwd)
        # Each handler is bound to its process: a late signal of an old one is ignored.
        process.readyReadStandardOutput.connect(lambda: self._on_stdout(process))
        process.readyReadStandardError.connect(lambda: self._on_stderr(process))
        process.finished.connect(lambda code, status: self._on_finished(process, code, status))
        process.errorOccurred.connect(lambda error: self._on_error(process, error))
        self._process = process
        process.start()
        try:
            return await session.wait_ready()
        except KernelStartError:
            self.kill()
            raise

    def _owner(self) -> QObject:
        """The parent of this kernel's worker processes (made on first use)."""
        if self._holder is None:
            self._holder = QObject()
        return self._holder

    def send(self, request: p.Request) -> None:
        """Buffer the frame; a large one (a plan of thousands of steps) goes to the worker's
        pipe now, not when the loop next runs.

        ``QProcess.write`` only buffers; Qt writes when control is back in the event loop. A
        big plan would then reach the worker only after the coordinator has folded and
        announced its queued states (a tenth of a second for 10,000 cells).
        ``waitForBytesWritten(0)`` writes what the pipe takes at once (all of a plan, into an
        idle worker's 1 MB pipe); should Qt read the worker's output meanwhile (a full pipe),
        the signals it emits are handled from the loop (:meth:`_later`), never inside this
        call. A small frame gains nothing measurable and keeps the window's usual order (the
        worker's answer after the loop's pending work: tests/ui/test_window_saves.py
        ``test_delete_is_undone_with_its_outputs`` fails one run in three otherwise).
        """
        process = self._process
        if process is None or self._session is None or not self.is_running:
            raise KernelStartError("the kernel is not running")
        frame = self._session.encode(request)
        process.write(frame)
        if len(frame) < EARLY_WRITE_BYTES:
            return
        self._sending = True
        try:
            process.waitForBytesWritten(0)
        finally:
            self._sending = False

    def _later(self, handler: Callable[[], None]) -> bool:
        """Inside :meth:`send`, run ``handler`` from the loop instead (True); else False
        (also when no loop runs: the handler then runs at once, as Qt called it)."""
        if not self._sending:
            return False
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        loop.call_soon(handler)
        return True

    def kill(self) -> None:
        """SIGKILL the worker's group and reap the worker at once (milliseconds), so a restart
        never races the old process."""
        process = self._process
        if process is not None and self._session is not None and self.is_running:
            self._session.expected_exit = True
            self._kill_now(process)

    def _kill_now(self, process: QProcess) -> None:
        if self._session is not None:
            kill_process_group(self._session.group)  # the worker and what it started, at once
        process.kill()
        process.waitForFinished(5000)

    async def shutdown(self) -> None:
        session = self._session
        if self._process is None or session is None or not self.is_running:
            return
        session.expected_exit = True
        with contextlib.suppress(KernelStartError):
            self.send(p.Shutdown())
        self._process.closeWriteChannel()
        try:
            await asyncio.wait_for(asyncio.shield(session.exited), SHUTDOWN_TIMEOUT_S)
        except TimeoutError:
            if self._process is not None:
                self._process.kill()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(session.exited), SHUTDOWN_TIMEOUT_S)

    # -- Qt signal handlers -----------------------------------------------------------------
    def _on_stdout(self, process: QProcess) -> None:
        if self._later(lambda: self._on_stdout(process)):
            return
        if process is not self._process or not shiboken6.isValid(process):
            return
        data = bytes(process.readAllStandardOutput().data())
        if self._session is not None and not self._session.on_stdout(data):
            # Frames cannot be told apart any more: stop the worker (not "expected": the
            # coordinator reports it and starts a new one).
            self._kill_now(process)

    def _on_stderr(self, process: QProcess) -> None:
        if self._later(lambda: self._on_stderr(process)):
            return
        if process is self._process and shiboken6.isValid(process) and self._session:
            self._session.on_stderr(bytes(process.readAllStandardError().data()))

    def _on_error(self, process: QProcess, error: QProcess.ProcessError) -> None:
        if self._later(lambda: self._on_error(process, error)):
            return
        if process is not self._process or self._session is None:
            return
        if error == QProcess.ProcessError.FailedToStart:
            self._session.failed_to_start(f"could not start {process.program()}: {error.name}")

    def _on_finished(
        self, process: QProcess, exit_code: int, exit_status: QProcess.ExitStatus
    ) -> None:
        if self._later(lambda: self._on_finished(process, exit_code, exit_status)):
            return
        if process is not self._process or not shiboken6.isValid(process):
            return
        session = self._session
        self._on_stdout(process)  # frames written just before the end still count
        crashed = exit_status == QProcess.ExitStatus.CrashExit
        self._process = None
        # The signal lambdas hold this kernel (and through it the coordinator) in a cycle
        # that runs through Qt: only deleting the QProcess breaks it.
        process.deleteLater()
        if session is None:
            return
        event = session.finish(
            exit_code=None if crashed else exit_code,
            signal_number=exit_code if crashed and exit_code > 0 else None,
        )
        self._deliver(event)

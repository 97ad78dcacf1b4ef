"""The real kernel connection: a worker process started and watched with QProcess.

The only Qt in the coordinator layer. It turns bytes from the worker's stdout into protocol
events, and the process ending into :class:`KernelExited`; it holds no notebook logic.
Runs on a qasync loop (GUI) or a QCoreApplication loop (headless ``cascade run``).

Two guarantees live here:

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
import os
import signal
from collections.abc import Sequence
from pathlib import Path

import shiboken6
from PySide6.QtCore import QProcess, QProcessEnvironment

from app.coordinator.kernel import EventHandler, KernelExited, KernelStartError
from app.coordinator.launch import WorkerLaunch, worker_launch
from kernel_worker import protocol as p

#: How long a worker may take to say Ready (imports on a cold disk can be slow).
START_TIMEOUT_S = 30.0
#: How long a polite shutdown may take before the worker is killed.
SHUTDOWN_TIMEOUT_S = 2.0
#: The last this-many bytes of the worker's own stderr are kept to explain a failed start.
STDERR_TAIL_BYTES = 8192


def kill_process_group(group: int | None) -> None:
    """SIGKILL every process of a worker's group (the worker leads it; never ours)."""
    if group is None or group <= 1 or group == os.getpgrp():
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGKILL)


def _own_group(pid: int) -> int | None:
    """``pid``'s process group if ``pid`` leads it (a worker that made its session)."""
    try:
        return pid if os.getpgid(pid) == pid else None
    except OSError:
        return None


class QProcessKernel:
    """One worker process at a time; :meth:`start` again after it ended for a fresh one."""

    def __init__(
        self,
        cwd: str | Path | None = None,
        python: str | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self._cwd = str(cwd) if cwd is not None else None
        self._python = python
        self._extra_env = extra_env or {}
        self._handler: EventHandler | None = None
        self._process: QProcess | None = None
        self._nonce = b""
        self._decoder = p.FrameDecoder(self._nonce)
        #: Why the running worker's stream was found corrupt (it is being killed).
        self._corrupted = ""
        #: The worker's process group, once it said Ready as its leader.
        self._group: int | None = None
        self._ready: asyncio.Future[p.Ready] | None = None
        self._exited: asyncio.Future[None] | None = None
        self._stderr_tail = b""
        self._expected_exit = False
        self.pid: int | None = None

    def set_handler(self, handler: EventHandler) -> None:
        self._handler = handler

    def set_interpreter(self, python: str | None) -> None:
        self._python = python

    def set_cwd(self, cwd: str | Path) -> None:
        """Working directory of the next worker started (the notebook's folder)."""
        self._cwd = str(cwd)

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
        loop = asyncio.get_running_loop()
        launch = worker_launch(self._python, self._cwd, self._extra_env)
        self._nonce = launch.nonce
        self._decoder = p.FrameDecoder(launch.nonce)
        self._corrupted = ""
        self._group = None
        self._stderr_tail = b""
        self._expected_exit = False
        self._ready = loop.create_future()
        self._exited = loop.create_future()
        process = QProcess()
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
            ready = await asyncio.wait_for(asyncio.shield(self._ready), START_TIMEOUT_S)
        except TimeoutError:
            self.kill()
            raise KernelStartError(
                f"the kernel did not start within {START_TIMEOUT_S:.0f} s"
            ) from None
        if ready.protocol_version != p.PROTOCOL_VERSION:
            self.kill()
            raise KernelStartError(
                f"the kernel speaks protocol {ready.protocol_version}, "
                f"this Cascade speaks {p.PROTOCOL_VERSION}"
            )
        self.pid = ready.pid
        self._group = _own_group(ready.pid)
        return ready

    def send(self, request: p.Request) -> None:
        if self._process is None or not self.is_running:
            raise KernelStartError("the kernel is not running")
        self._process.write(p.encode(request, self._nonce))

    def interrupt(self) -> None:
        if self.pid is not None and self.is_running:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGINT)

    def kill(self) -> None:
        """SIGKILL the worker's group and reap the worker at once (milliseconds), so a restart
        never races the old process."""
        process = self._process
        if process is not None and self.is_running:
            self._expected_exit = True
            self._kill_now(process)

    def _kill_now(self, process: QProcess) -> None:
        kill_process_group(self._group)  # the worker and whatever it started, at once
        process.kill()
        process.waitForFinished(5000)

    async def shutdown(self) -> None:
        if self._process is None or not self.is_running:
            return
        self._expected_exit = True
        exited = self._exited
        with contextlib.suppress(KernelStartError):
            self.send(p.Shutdown())
        self._process.closeWriteChannel()
        if exited is not None:
            try:
                await asyncio.wait_for(asyncio.shield(exited), SHUTDOWN_TIMEOUT_S)
            except TimeoutError:
                self._process.kill()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(exited), SHUTDOWN_TIMEOUT_S)

    # -- Qt signal handlers -----------------------------------------------------------------
    def _deliver(self, event: p.Event | KernelExited) -> None:
        if self._handler is not None:
            self._handler(event)

    def _on_stdout(self, process: QProcess) -> None:
        if process is not self._process or not shiboken6.isValid(process):
            return
        data = bytes(process.readAllStandardOutput().data())
        if self._corrupted:
            return  # nothing more from a corrupt stream is believed
        try:
            messages: Sequence[p.Message] = self._decoder.feed(data)
        except p.ProtocolError as exc:
            # Frames cannot be told apart any more: stop the worker (not "expected": the
            # coordinator reports it and starts a new one).
            self._corrupted = str(exc)
            self._kill_now(process)
            return
        for message in messages:
            if isinstance(message, p.Ready) and self._ready is not None and not self._ready.done():
                self._ready.set_result(message)
            self._deliver(message)  # type: ignore[arg-type]

    def _on_stderr(self, process: QProcess) -> None:
        if process is self._process and shiboken6.isValid(process):
            data = bytes(process.readAllStandardError().data())
            self._stderr_tail = (self._stderr_tail + data)[-STDERR_TAIL_BYTES:]

    def _on_error(self, process: QProcess, error: QProcess.ProcessError) -> None:
        if process is not self._process:
            return
        if error == QProcess.ProcessError.FailedToStart and self._ready and not self._ready.done():
            program = process.program()
            self._ready.set_exception(KernelStartError(f"could not start {program}: {error.name}"))
            if self._exited is not None and not self._exited.done():
                self._exited.set_result(None)

    def _on_finished(
        self, process: QProcess, exit_code: int, exit_status: QProcess.ExitStatus
    ) -> None:
        if process is not self._process or not shiboken6.isValid(process):
            return
        self._on_stdout(process)  # frames written just before the end still count
        crashed = exit_status == QProcess.ExitStatus.CrashExit
        detail = self._stderr_tail.decode("utf-8", errors="replace").strip().splitlines()
        kill_process_group(self._group)  # nothing the worker started outlives it
        expected = self._expected_exit and not self._corrupted
        event = KernelExited(
            exit_code=None if crashed else exit_code,
            signal=exit_code if crashed and exit_code > 0 else None,
            expected=expected,
            detail=detail[-1] if detail and not expected else "",
            corrupted=self._corrupted,
        )
        if self._ready is not None and not self._ready.done():
            self._ready.set_exception(KernelStartError(event.describe()))
            self._ready.exception()  # mark retrieved: start() may already have given up
        if self._exited is not None and not self._exited.done():
            self._exited.set_result(None)
        self._process = None
        self.pid = None
        self._group = None
        # The signal lambdas hold this kernel (and through it the coordinator) in a cycle
        # that runs through Qt: only deleting the QProcess breaks it.
        process.deleteLater()
        self._deliver(event)

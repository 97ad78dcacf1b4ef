"""The headless kernel connection: a worker process on plain asyncio, no Qt.

``cascade run`` and ``cascade export`` use it so their process never imports PySide6 or
qasync (a quarter of a second before anything else could happen). It starts the worker
exactly as the window's :class:`~app.coordinator.qprocess_kernel.QProcessKernel` does (same
:func:`~app.coordinator.launch.worker_launch`, same protocol framing and process-group
handling in :class:`~app.coordinator.worker_session.WorkerSession`) and passes the same
contract tests; only the process mechanism differs: a :mod:`subprocess` process whose pipes
the loop reads (:class:`~app.coordinator.popen_transport.PopenTransport`, as
``loop.subprocess_exec`` would) and a :class:`asyncio.SubprocessProtocol` whose callbacks play
the part of QProcess's signals. ``cascade run`` starts its worker before it imports this
module (:class:`~app.coordinator.worker_process.StartedWorker`); the kernel adopts that one.

:meth:`AsyncioKernel.kill` must, like QProcess's ``waitForFinished``, leave no running worker
behind when it returns, so that a restart never races the old process: it kills the group,
reads what the old worker had already written, delivers its :class:`KernelExited` at once and
detaches it (the process is reaped by asyncio's child watcher whenever it is).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from typing import Any

from app.coordinator.kernel import KernelExited, KernelStartError
from app.coordinator.launch import WorkerLauncher
from app.coordinator.popen_transport import PopenTransport
from app.coordinator.worker_process import StartedWorker, start_worker
from app.coordinator.worker_session import (
    SHUTDOWN_TIMEOUT_S,
    WorkerSession,
    kill_process_group,
)
from kernel_worker import protocol as p

#: After the process ended, how long its pipes may stay open (a descendant that left the
#: group may hold them) before the end is reported anyway.
PIPE_CLOSE_GRACE_S = 1.0


class _WorkerProtocol(asyncio.SubprocessProtocol):
    """Routes one worker process's pipes and its end to the kernel, for as long as that
    process is the kernel's current one."""

    def __init__(self, kernel: AsyncioKernel, session: WorkerSession, launched_for: object) -> None:
        self.kernel = kernel
        self.session = session
        #: The interpreter, folder and environment it was started for.
        self.launched_for = launched_for
        #: start() returned it (a worker launched ahead is not the kernel's until then).
        self.adopted = False
        self.transport: PopenTransport | None = None
        self.exited = False
        self.closed = False
        #: Set once asyncio has reaped the process (the loop must not close before).
        self.reaped: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, PopenTransport)
        self.transport = transport

    def pipe_data_received(self, fd: int, data: bytes | str) -> None:
        if not isinstance(data, bytes) or not self.kernel.is_current(self):
            return
        if fd == 1:
            self.kernel.on_stdout(self, data)
        elif fd == 2:
            self.session.on_stderr(data)

    def process_exited(self) -> None:
        self.exited = True
        if not self.reaped.done():
            self.reaped.set_result(None)
        kill_process_group(self.session.group)  # whatever holds the pipes goes with it
        loop = asyncio.get_running_loop()
        loop.call_later(PIPE_CLOSE_GRACE_S, self._end)

    def connection_lost(self, exc: Exception | None) -> None:
        """Every pipe is closed and the process has exited: all its frames are in."""
        self._end()

    def _end(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.transport is not None:
            returncode = self.transport.get_returncode()
            self.transport.close()
            self.kernel.on_exit(self, returncode)


class AsyncioKernel(WorkerLauncher):
    """One worker process at a time; :meth:`start` again after it ended for a fresh one."""

    #: The worker of the kernel (or launched ahead and not yet adopted); set per start.
    _current: _WorkerProtocol | None = None
    #: A worker started before the loop ran (``cascade run``), until the first launch.
    _started: StartedWorker | None = None

    def adopt_started(self, started: StartedWorker) -> None:
        """Take ``started`` as the worker of the first :meth:`launch` (or :meth:`start`) if
        it was started for the interpreter, folder and environment wanted then; else it is
        killed then and a worker started for them."""
        self._started = started

    @property
    def pid(self) -> int | None:
        return self._current.session.pid if self._current is not None else None

    @property
    def is_running(self) -> bool:
        """A worker is the kernel's, or was launched ahead and may become it."""
        return self._current is not None

    def is_current(self, worker: _WorkerProtocol) -> bool:
        return worker is self._current

    async def launch(self) -> None:
        """Start a worker now for the interpreter and folder set so far, without waiting for
        it: :meth:`start` adopts it if it is still the one wanted, or replaces it. The
        headless run launches its worker first, so that it starts while the notebook is read
        and analysed. Nothing of a launched worker reaches the handler before it is adopted."""
        if self._current is None:
            self._current = await self._spawn()

    async def _spawn(self) -> _WorkerProtocol:
        """A new worker (the one started ahead if it is wanted), made current."""
        loop = asyncio.get_running_loop()
        started, self._started = self._started, None
        if started is not None and started.wanted != self.wanted():
            _end_unwanted(started)
            started = None
        launch = started.launch if started is not None else self.next_launch()
        worker: _WorkerProtocol

        def deliver(event: p.Event | KernelExited) -> None:
            if worker.adopted:
                self._deliver(event)

        worker = _WorkerProtocol(self, WorkerSession(launch.nonce, deliver), self.wanted())
        try:
            popen = started.popen if started is not None else start_worker(launch)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise KernelStartError(f"could not start {launch.program}: {reason}") from None
        # Current before its pipes are read: a worker started ahead may have said Ready
        # already, and what a worker that is not current says is dropped.
        self._current = worker
        await PopenTransport(popen, worker).connect(loop)
        return worker

    async def start(self) -> p.Ready:
        worker = self._current
        if worker is not None and worker.adopted:
            raise KernelStartError("a kernel is already running")
        if worker is not None and worker.launched_for != self.wanted():
            self._discard(worker)  # launched ahead for another interpreter
            worker = None
        if worker is None:
            worker = self._current = await self._spawn()
        worker.adopted = True
        ready = worker.session.ready
        if ready.done() and not ready.cancelled() and ready.exception() is None:
            self._deliver(ready.result())  # it said Ready before it was adopted
        try:
            return await worker.session.wait_ready()
        except KernelStartError:
            self.kill()
            raise

    def send(self, request: p.Request) -> None:
        worker = self._current
        pipe = worker.transport.get_pipe_transport(0) if worker and worker.transport else None
        if worker is None or pipe is None or pipe.is_closing():
            raise KernelStartError("the kernel is not running")
        pipe.write(worker.session.encode(request))

    def kill(self) -> None:
        """SIGKILL the worker's group now; its KernelExited(expected) is delivered before this
        returns, and nothing of it reaches the handler afterwards."""
        worker = self._current
        if worker is None:
            return
        worker.session.expected_exit = True
        self._kill(worker, wait=True)
        self._drain(worker)
        self._detach(worker)

    def _kill(self, worker: _WorkerProtocol, *, wait: bool = False) -> None:
        """SIGKILL the worker's group; with ``wait``, return once the worker is dead (without
        reaping it: asyncio's child watcher does, and reports its end)."""
        kill_process_group(worker.session.group)  # the worker and what it started, at once
        transport = worker.transport
        if transport is None or worker.exited:
            return
        with contextlib.suppress(ProcessLookupError):
            transport.send_signal(signal.SIGKILL)
        if wait:
            with contextlib.suppress(ChildProcessError):  # reaped already: dead too
                os.waitid(os.P_PID, transport.get_pid(), os.WEXITED | os.WNOWAIT)

    def _drain(self, worker: _WorkerProtocol) -> None:
        """Deliver what the worker wrote before it was killed (as the end of a QProcess
        delivers the last of its output before ``finished``)."""
        pipe = worker.transport.get_pipe_transport(1) if worker.transport else None
        source: Any = pipe.get_extra_info("pipe") if pipe is not None else None
        if source is None:
            return
        with contextlib.suppress(OSError, ValueError):
            while data := os.read(source.fileno(), 1 << 16):
                if not worker.session.on_stdout(data):
                    return

    def _detach(self, worker: _WorkerProtocol) -> None:
        """The killed worker is no longer the kernel's: report its end once, close its
        pipes (asyncio reaps the process when it is gone)."""
        self._current = None
        finished = worker.session.finish(None, signal.SIGKILL)
        if worker.transport is not None:
            for fd in (0, 1, 2):
                pipe = worker.transport.get_pipe_transport(fd)
                if pipe is not None:
                    pipe.close()
        if worker.adopted:
            self._deliver(finished)

    def _discard(self, worker: _WorkerProtocol) -> None:
        """End a worker launched ahead that is not wanted after all (never reported)."""
        worker.session.expected_exit = True
        self._kill(worker, wait=True)
        self._detach(worker)

    async def shutdown(self) -> None:
        """Ask the worker to exit, kill it if it does not in time; returns once it is reaped
        (a launched worker never adopted is killed)."""
        started, self._started = self._started, None
        if started is not None:  # started ahead and never launched: nobody will want it
            _end_unwanted(started)
        worker = self._current
        if worker is None:
            return
        if not worker.adopted:
            self._discard(worker)
        else:
            worker.session.expected_exit = True
            with contextlib.suppress(KernelStartError):
                self.send(p.Shutdown())
            stdin = worker.transport.get_pipe_transport(0) if worker.transport else None
            if stdin is not None:
                stdin.close()
            try:
                await asyncio.wait_for(asyncio.shield(worker.session.exited), SHUTDOWN_TIMEOUT_S)
            except TimeoutError:
                if self._current is worker:
                    self.kill()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(worker.reaped), SHUTDOWN_TIMEOUT_S)

    # -- from the worker's protocol --------------------------------------------------------
    def on_stdout(self, worker: _WorkerProtocol, data: bytes) -> None:
        if not worker.session.on_stdout(data):
            # Frames cannot be told apart any more: stop the worker (not "expected": the
            # coordinator reports it and starts a new one when the end is reported).
            self._kill(worker)

    def on_exit(self, worker: _WorkerProtocol, returncode: int | None) -> None:
        if worker is not self._current:
            return  # killed and reported already
        self._current = None
        exit_code = returncode if returncode is not None and returncode >= 0 else None
        signal_number = -returncode if returncode is not None and returncode < 0 else None
        ended = worker.session.finish(exit_code, signal_number)
        if worker.adopted:
            self._deliver(ended)


def _end_unwanted(started: StartedWorker) -> None:
    """Kill and reap a worker started ahead for settings no longer wanted (it never said
    anything to anyone: its Ready is not even read)."""
    popen = started.popen
    with contextlib.suppress(ProcessLookupError):
        popen.kill()
    for pipe in (popen.stdin, popen.stdout, popen.stderr):
        if pipe is not None:
            pipe.close()
    popen.wait()

"""A worker process started by :func:`~app.coordinator.worker_process.start_worker`, given to
an event loop as ``loop.subprocess_exec`` would have: its pipes read and written by the loop,
the end of the process and of its pipes reported to a :class:`asyncio.SubprocessProtocol`.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import threading
from functools import partial
from typing import Any


class _Reader(asyncio.Protocol):
    """One of the process's output pipes, read by the loop: data and end to the transport."""

    def __init__(self, transport: PopenTransport, fd: int) -> None:
        self._transport = transport
        self._fd = fd

    def data_received(self, data: bytes) -> None:
        self._transport.protocol.pipe_data_received(self._fd, data)

    def eof_received(self) -> bool:
        return False  # (the pipe transport closes itself)

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport.pipe_closed(self._fd)


class _Writer(asyncio.BaseProtocol):
    """The process's stdin as the loop writes it (no flow control: frames are small and the
    worker reads them as they come, as with ``subprocess_exec``)."""


class PopenTransport:
    """What the headless kernel uses of :class:`asyncio.SubprocessTransport`, for a started
    process: ``protocol`` gets ``connection_made`` first, then ``pipe_data_received`` for
    fds 1 and 2, ``process_exited`` once the process has ended
    (a thread waits for it, as asyncio's own child watcher does) and ``connection_lost``
    once it has ended and both output pipes have closed. :meth:`close` closes the pipes and
    kills a process still running, as asyncio's does."""

    def __init__(self, popen: subprocess.Popen[bytes], protocol: asyncio.SubprocessProtocol):
        self.popen = popen
        self.protocol = protocol
        self._pipes: dict[int, asyncio.BaseTransport] = {}
        self._open_reads = {1, 2}
        self._exited = False
        self._lost = False

    async def connect(self, loop: asyncio.AbstractEventLoop) -> None:
        """Hand the pipes to ``loop`` and start watching for the end of the process."""
        self.protocol.connection_made(self)  # type: ignore[arg-type]
        popen = self.popen
        assert popen.stdin is not None and popen.stdout is not None and popen.stderr is not None
        self._pipes[0], _ = await loop.connect_write_pipe(_Writer, popen.stdin)
        for fd, pipe in ((1, popen.stdout), (2, popen.stderr)):
            self._pipes[fd], _ = await loop.connect_read_pipe(partial(_Reader, self, fd), pipe)
        name = f"worker-{self.popen.pid}-exit"
        threading.Thread(target=self._wait, args=(loop,), name=name, daemon=True).start()

    def _wait(self, loop: asyncio.AbstractEventLoop) -> None:
        self.popen.wait()
        with contextlib.suppress(RuntimeError):  # the loop closed first: nobody is told
            loop.call_soon_threadsafe(self._on_exit)

    def _on_exit(self) -> None:
        self._exited = True
        self.protocol.process_exited()
        self._maybe_lost()

    def pipe_closed(self, fd: int) -> None:
        self._open_reads.discard(fd)
        self._maybe_lost()

    def _maybe_lost(self) -> None:
        if self._exited and not self._open_reads and not self._lost:
            self._lost = True
            self.protocol.connection_lost(None)

    # -- what the kernel calls (asyncio.SubprocessTransport's names) -----------------------
    def get_pid(self) -> int:
        return self.popen.pid

    def get_returncode(self) -> int | None:
        return self.popen.returncode

    def get_pipe_transport(self, fd: int) -> Any:
        return self._pipes.get(fd)

    def send_signal(self, signal: int) -> None:
        if self.popen.returncode is None:
            self.popen.send_signal(signal)

    def close(self) -> None:
        for pipe in self._pipes.values():
            pipe.close()
        if self.popen.returncode is None and self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.popen.kill()

"""Capture everything a cell writes and route it to that cell's output, never to the protocol.

Two paths feed the router (:mod:`kernel_worker.router`):

* ``sys.stdout`` / ``sys.stderr`` are :class:`CellStream` objects that hand text straight to
  the router: fast (no syscall per ``print``), exactly ordered between the two streams, and
  attributed to the run of the thread that writes (see :mod:`kernel_worker.threads`);
* fds 1 and 2 are pipes read by a background thread, so C extensions and child processes
  (``os.system("echo hi")``) are captured too.

User code can break fds 1 and 2 — close them, point them elsewhere, make them non-blocking —
so :meth:`FdCapture.restore` puts them right at the start of every step: a fresh pipe where
the old one is gone, blocking mode back. A pipe whose writers are all gone is dropped by the
reader thread (it never spins on an end of file).
"""

from __future__ import annotations

import codecs
import contextlib
import fcntl
import io
import os
import select
import threading

from kernel_worker import forks
from kernel_worker.fds import private_pipe
from kernel_worker.protocol import StreamName
from kernel_worker.router import FLUSH_BYTES, OutputRouter
from kernel_worker.threads import origin_of_calling_thread

TYPE_CHECKING = False  # typing is for the type checker only (see kernel_worker.protocol)
if TYPE_CHECKING:
    from typing import TextIO

_STREAM_FDS: tuple[tuple[int, StreamName], ...] = ((1, "stdout"), (2, "stderr"))
_POLL_FLAGS = select.POLLIN | select.POLLHUP | select.POLLERR | select.POLLNVAL


class CellStream(io.TextIOBase):
    """``sys.stdout`` / ``sys.stderr`` replacement feeding the router directly."""

    def __init__(self, router: OutputRouter, stream: StreamName, fd: int) -> None:
        super().__init__()
        self._router = router
        self._stream: StreamName = stream
        self._fd = fd

    encoding = "utf-8"
    errors = "replace"

    @property
    def name(self) -> str:
        return f"<{self._stream}>"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        """fd 1 or 2: a child given ``stdout=sys.stdout`` writes into the capture pipe."""
        return self._fd

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if forks.state.forked:
            # A forked child has no router thread: straight to the pipe the worker reads.
            data = text.encode("utf-8", "replace")
            while data:
                data = data[os.write(self._fd, data) :]
        else:
            self._router.write(self._stream, text, origin_of_calling_thread())
        return len(text)

    def flush(self) -> None:
        """Nothing to do: text is already in the router's ordered buffer."""


class FdCapture:
    """Points fds 1 and 2 at pipes and forwards what arrives on them to the router."""

    def __init__(self, router: OutputRouter) -> None:
        self._router = router
        self._lock = threading.Lock()  # held while pipes are read or the set of pipes changes
        #: read end -> (stream, decoder); the read ends live among the worker's high fds.
        self._readers: dict[int, tuple[StreamName, codecs.BufferedIncrementalDecoder]] = {}
        #: fd 1 / 2 -> the read end of its pipe
        self._targets: dict[int, int] = {}
        #: The read ends again, for :meth:`drain` to ask which have anything in one syscall.
        self._ready = select.poll()
        self._wake_read, self._wake_write = private_pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)
        for fd, stream in _STREAM_FDS:
            self._attach(fd, stream)
        self._thread = threading.Thread(target=self._read_loop, name="fd-capture", daemon=True)
        self._thread.start()

    # -- keeping fds 1 and 2 ours -----------------------------------------------------------
    def _attach(self, fd: int, stream: StreamName) -> None:
        """Point ``fd`` at a fresh pipe read by this capture."""
        # Both ends are moved high first: a free fd 1 or 2 would otherwise be handed out as
        # one of them (and then overwritten).
        read_end, write_end = private_pipe()
        os.dup2(write_end, fd)  # inheritable: children write into the pipe
        os.close(write_end)
        os.set_blocking(read_end, False)
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        with self._lock:
            self._readers[read_end] = (stream, decoder)
            self._ready.register(read_end, _POLL_FLAGS)
        self._targets[fd] = read_end
        self._wake()

    def restore(self) -> None:
        """Make fds 1 and 2 our blocking capture pipes again (called before every step).

        A pipe whose fd 1 or 2 was closed or replaced (``os.dup2``) has no writer left, so the
        end-of-step drain has read its end of file and dropped it: that, or the fd being
        closed, is what is checked (two cheap syscalls, not an ``fstat`` each: this runs for
        every cell). A pipe kept open by a child that outlives the cell stays until it ends.
        """
        for fd, stream in _STREAM_FDS:
            try:
                flags = fcntl.fcntl(fd, fcntl.F_GETFL)
            except OSError:
                flags = -1  # closed
            if flags < 0 or self._targets[fd] not in self._readers:
                self._attach(fd, stream)
            elif flags & os.O_NONBLOCK:
                fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)

    def _wake(self) -> None:
        with contextlib.suppress(OSError):  # already awake (pipe full)
            os.write(self._wake_write, b"\0")

    # -- reading ----------------------------------------------------------------------------
    def _drain(self, read_end: int) -> None:
        """Route what is in one pipe; forget the pipe once no one can write to it any more."""
        stream, decoder = self._readers[read_end]
        while True:
            try:
                data = os.read(read_end, FLUSH_BYTES)
            except BlockingIOError:
                return
            except InterruptedError:
                continue
            except OSError:
                data = b""
            if not data:
                self._router.write(stream, decoder.decode(b"", final=True))
                del self._readers[read_end]
                self._ready.unregister(read_end)
                with contextlib.suppress(OSError):
                    os.close(read_end)
                return
            self._router.write(stream, decoder.decode(data))

    def _read_loop(self) -> None:
        poller = select.poll()
        watched: set[int] = set()
        poller.register(self._wake_read, select.POLLIN)
        while True:
            with self._lock:
                current = set(self._readers)
            for fd in watched - current:
                poller.unregister(fd)
            for fd in current - watched:
                poller.register(fd, _POLL_FLAGS)
            watched = current
            try:
                events = poller.poll()
            except InterruptedError:
                continue
            with self._lock:
                for fd, _flags in events:
                    if fd == self._wake_read:
                        with contextlib.suppress(OSError):
                            os.read(self._wake_read, 4096)
                    elif fd in self._readers:
                        self._drain(fd)

    def drain(self) -> None:
        """Route everything already written to fds 1 and 2 (called at the end of a step).

        Writes by this process are complete once ``write`` returned, so reading the pipes dry
        under the reader's lock leaves nothing of the step behind, without a thread handoff.
        One ``poll`` says which pipes have anything (or were closed): most steps write
        nothing at the fd level, and a failed read per pipe cost more than the cell.
        """
        with self._lock:
            for read_end, _flags in self._ready.poll(0):
                if read_end in self._readers:
                    self._drain(read_end)


def install_streams(router: OutputRouter) -> tuple[TextIO, TextIO]:
    """The Python-level stream objects for stdout and stderr."""
    # A TextIOBase is the run-time shape of typing.TextIO (typing.cast would import typing).
    return (CellStream(router, "stdout", 1), CellStream(router, "stderr", 2))  # type: ignore[return-value]

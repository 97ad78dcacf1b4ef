"""Capture everything a cell writes and route it to that cell's output, never to the protocol.

Two paths feed one ordered buffer:

* ``sys.stdout`` / ``sys.stderr`` are :class:`CellStream` objects that append text straight to
  the buffer: fast (no syscall per ``print``) and exactly ordered between the two streams.
* fds 1 and 2 are pipes read by a background thread, so C extensions and child processes
  (``os.system("echo hi")``) are captured too.

The buffer is flushed as :class:`StreamOutput` frames every ~20 ms or 64 KiB by a flusher
thread, and synchronously at the end of every step after draining both pipes, so all output of
a step reaches the coordinator before its ``StepFinished``.
"""

from __future__ import annotations

import codecs
import errno
import fcntl
import io
import os
import select
import threading
import time
from typing import TextIO, cast

from kernel_worker.protocol import StepStarted, StreamName, StreamOutput
from kernel_worker.transport import FrameWriter

FLUSH_INTERVAL_S = 0.02
FLUSH_BYTES = 64 * 1024


class OutputRouter:
    """An ordered buffer of (stream, text) pieces for the current step, flushed as frames.

    It also announces the step: ``StepStarted`` goes out with the step's first output, or from
    the flusher once the step has run for a flush interval. A step that ends sooner, silently,
    is never announced (its ``StepFinished`` says so): a fast cell costs one frame, not two.
    """

    def __init__(self, writer: FrameWriter) -> None:
        self._writer = writer
        self._lock = threading.Lock()
        self._pieces: list[tuple[StreamName, str]] = []
        self._size = 0
        self.plan_id = 0
        self.cell_id = ""
        self._unannounced: StepStarted | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._flush_loop, name="output-flusher", daemon=True)
        self._thread.start()

    def write(self, stream: StreamName, text: str) -> None:
        if not text:
            return
        with self._lock:
            self._pieces.append((stream, text))
            self._size += len(text)
            full = self._size >= FLUSH_BYTES
        if full:
            self.flush()

    def flush(self, *, announce: bool = False) -> None:
        """Send everything buffered, coalescing consecutive pieces of the same stream; the
        step's StepStarted goes first if it has not gone yet (always, with ``announce``)."""
        with self._lock:
            pieces, self._pieces, self._size = self._pieces, [], 0
            plan_id, cell_id = self.plan_id, self.cell_id
            if self._unannounced is not None and (pieces or announce):
                self._writer.send(self._unannounced)
                self._unannounced = None
            if not pieces:
                return
            # Frames go out under the buffer lock so a concurrent flush cannot reorder them.
            run: list[str] = []
            current = pieces[0][0]
            for stream, text in pieces:
                if stream != current:
                    self._writer.send(StreamOutput(plan_id, cell_id, current, "".join(run)))
                    run, current = [], stream
                run.append(text)
            self._writer.send(StreamOutput(plan_id, cell_id, current, "".join(run)))

    def begin_step(self, plan_id: int, cell_id: str) -> None:
        """Attribute what follows to a new step, which is announced lazily (see the class)."""
        self.flush()
        with self._lock:
            self.plan_id, self.cell_id = plan_id, cell_id
            self._unannounced = StepStarted(plan_id, cell_id)
            self._announce_at = time.monotonic() + FLUSH_INTERVAL_S

    def end_step(self) -> bool:
        """Flush the step's output; True if its StepStarted went out (else it never will)."""
        self.flush()
        with self._lock:
            announced = self._unannounced is None
            self._unannounced = None
            return announced

    _announce_at = 0.0

    def _flush_loop(self) -> None:
        while not self._stop.wait(FLUSH_INTERVAL_S):
            due = self._unannounced is not None and time.monotonic() >= self._announce_at
            if self._pieces or due:
                try:
                    self.flush(announce=due)
                except OSError:
                    return  # the coordinator went away; the main loop will notice

    def close(self) -> None:
        self._stop.set()
        self.flush()


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
        self._router.write(self._stream, text)
        return len(text)

    def flush(self) -> None:
        """Nothing to do: text is already in the router's ordered buffer."""


class FdCapture:
    """Points fds 1 and 2 at pipes and forwards what arrives on them to the router."""

    def __init__(self, router: OutputRouter) -> None:
        self._router = router
        self._lock = threading.Lock()
        self._pipes: dict[int, tuple[StreamName, codecs.BufferedIncrementalDecoder]] = {}
        for fd, stream in ((1, "stdout"), (2, "stderr")):
            read_end, write_end = os.pipe()
            os.dup2(write_end, fd)
            os.close(write_end)
            flags = fcntl.fcntl(read_end, fcntl.F_GETFL)
            fcntl.fcntl(read_end, fcntl.F_SETFL, flags | os.O_NONBLOCK)
            decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
            self._pipes[read_end] = (stream, decoder)  # type: ignore[assignment]
        self._thread = threading.Thread(target=self._read_loop, name="fd-capture", daemon=True)
        self._thread.start()

    def _drain(self, read_end: int) -> None:
        stream, decoder = self._pipes[read_end]
        while True:
            try:
                data = os.read(read_end, FLUSH_BYTES)
            except BlockingIOError:
                return
            except OSError as exc:
                if exc.errno == errno.EINTR:
                    continue
                return
            if not data:
                return
            self._router.write(stream, decoder.decode(data))

    def _read_loop(self) -> None:
        fds = list(self._pipes)
        while True:
            try:
                ready, _, _ = select.select(fds, [], [])
            except InterruptedError:
                continue
            except OSError:
                return
            with self._lock:
                for read_end in ready:
                    self._drain(read_end)

    def drain(self) -> None:
        """Route everything already written to fds 1 and 2 (called at the end of a step).

        Writes by this process are complete once ``write`` returned, so reading the pipes dry
        under the reader's lock leaves nothing of the step behind, without a thread handoff.
        """
        with self._lock:
            for read_end in self._pipes:
                self._drain(read_end)


def install_streams(router: OutputRouter) -> tuple[TextIO, TextIO]:
    """The Python-level stream objects for stdout and stderr."""
    return (
        cast(TextIO, CellStream(router, "stdout", 1)),
        cast(TextIO, CellStream(router, "stderr", 2)),
    )

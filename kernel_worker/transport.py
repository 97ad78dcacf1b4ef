"""The worker's ends of the protocol channel: private file descriptors, whole frames.

The coordinator starts the worker with the channel on fds 0 (requests) and 1 (events).
:func:`open_channel` moves both (and fd 2, kept for fatal diagnostics) to high, close-on-exec
file descriptors before any user code runs, so the channel is out of reach of user code that
writes to, closes or hands to a child "every fd from 3 to 20", and no child process inherits
it. fds 0, 1 and 2 are then free for user code: 0 reads /dev/null, 1 and 2 are capture pipes
(:mod:`kernel_worker.capture`).

Frames are written by the main thread and by the output flusher thread, so writes are locked.
A SIGINT that arrives while a frame is half written must not cut it: the interrupt guard
(:mod:`kernel_worker.interrupts`) defers the KeyboardInterrupt until the frame is out. A
forked child never writes a frame (it is not the worker; see :mod:`kernel_worker.forks`).

Brief quiet steps are not a frame each: :meth:`FrameWriter.add_quiet_step` queues them, and
they go out as one :class:`~kernel_worker.protocol.StepsFinished` when the oldest has waited
:data:`BATCH_INTERVAL_S`, or just before any other frame (so frames stay in run order).
"""

from __future__ import annotations

import errno
import os
import select
import threading
import time
from collections.abc import Callable

from kernel_worker import interrupts
from kernel_worker.fds import high_copy
from kernel_worker.protocol import (
    HEADER_BYTES,
    MAX_FRAME_BYTES,
    DisplayData,
    KnownSteps,
    Message,
    ProtocolError,
    Record,
    Request,
    RunPlan,
    StepResult,
    StepsFinished,
    WorkerLog,
    check_header,
    decode_frame_body,
    encode,
)

#: How long a brief quiet step's result may wait to share a frame with the steps after it.
BATCH_INTERVAL_S = 0.005
#: A batch this long goes out at once, however recent (it bounds a frame's size).
BATCH_MAX_STEPS = 4096

_REQUEST_TYPES = frozenset(
    {
        "run_plan",
        "precompile",
        "configure_database",
        "fetch_rows",
        "export_table",
        "shutdown",
        "complete",
        "inspect",
        "describe_namespace",
        "describe_schema",
        "view_variable",
        "release_tables",
    }
)


class ChannelLost(OSError):
    """The coordinator's end of the channel is gone (or the channel's fd was closed)."""


class Channel(Record):
    """The worker's private fds: requests in, events out, and the launcher's stderr."""

    requests: int
    events: int
    diagnostics: int


def open_channel() -> Channel:
    """Take the channel off fds 0/1/2; fd 0 reads /dev/null and fd 1 writes to it until the
    output capture points fds 1 and 2 at its pipes (fd 2 still reaches the launcher's stderr,
    so a failure during start-up is explained there)."""
    channel = Channel(high_copy(0), high_copy(1), high_copy(2))
    _widen_pipe(channel.requests)
    _widen_pipe(channel.events)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)  # nothing printed before the capture starts can reach the channel
    os.close(devnull)
    return channel


#: The channel pipes' capacity asked for (Linux; the default is 64 KiB): a 10,000-step plan
#: (~700 KB) goes into the requests pipe at once, so the worker starts on it while the
#: coordinator folds the queued states instead of waiting for the rest; and the worker runs
#: on while the coordinator is busy instead of stalling on a full events pipe.
CHANNEL_PIPE_BYTES = 1024 * 1024


def _widen_pipe(fd: int) -> None:
    """Ask for a larger pipe buffer where the system has the call (Linux), up to what it
    allows an unprivileged process; elsewhere, or if refused, the pipe stays as it is."""
    import fcntl

    setter = getattr(fcntl, "F_SETPIPE_SZ", None)
    if setter is None:
        return
    try:
        with open("/proc/sys/fs/pipe-max-size", encoding="ascii") as limit:
            size = min(CHANNEL_PIPE_BYTES, int(limit.read()))
        fcntl.fcntl(fd, setter, size)
    except (OSError, ValueError):
        pass  # not a pipe (a test's socket, say), or the limit is lower: keep the default


def readable(fd: int) -> bool:
    """Whether reading ``fd`` would not block now (data, or its end)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


def holds_data(fd: int) -> bool:
    """Whether ``fd`` has bytes to read now (unlike :func:`readable`, not only its end: a pipe
    whose writer closed after writing reports both)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    try:
        return any(flags & select.POLLIN for _fd, flags in poller.poll(0))
    except OSError:
        return False


def wait_for(fd: int, event: int) -> None:
    """Block until ``fd`` is ready for ``event`` (poll: high fd numbers are fine)."""
    poller = select.poll()
    poller.register(fd, event)
    poller.poll()


def _blocking_write(fd: int, data: memoryview) -> int:
    """``os.write`` that waits instead of failing if someone made ``fd`` non-blocking."""
    while True:
        try:
            return os.write(fd, data)
        except BlockingIOError:
            wait_for(fd, select.POLLOUT)
        except InterruptedError:
            continue


class FrameWriter:
    """Writes whole frames to one fd; safe to call from several threads."""

    def __init__(self, fd: int, nonce: bytes) -> None:
        self._fd = fd
        self._nonce = nonce
        self._lock = threading.Lock()
        self._owner = os.getpid()
        self.lost = False
        #: Quiet steps not sent yet, their plan, and when they are due.
        self._batch: list[StepResult] = []
        self._batch_plan = 0
        self.batch_due = 0.0
        #: Called (without the lock) when a batch begins: the flusher thread sends it on time
        #: if the main thread is busy in a long step meanwhile.
        self.on_batch_begun: Callable[[], None] | None = None

    def send(self, message: Message) -> None:
        frame = encode(message, self._nonce)
        if len(frame) - HEADER_BYTES > MAX_FRAME_BYTES:
            frame = encode(_too_large(message, len(frame)), self._nonce)
        self._send_frame(frame)

    def add_quiet_step(self, plan_id: int, result: StepResult) -> None:
        """Queue a brief quiet step's result; the batch goes out once it is due."""
        now = time.monotonic()
        with self._lock:
            begun = not self._batch
            if begun:
                self._batch_plan = plan_id
                self.batch_due = now + BATCH_INTERVAL_S
            self._batch.append(result)
            due = now >= self.batch_due or len(self._batch) >= BATCH_MAX_STEPS
        if due:
            self._send_frame(b"")
        elif begun and self.on_batch_begun is not None:
            self.on_batch_begun()

    @property
    def batch_pending(self) -> bool:
        return bool(self._batch)

    def flush_batch(self) -> None:
        """Send the queued quiet steps now (if any)."""
        if self._batch:
            self._send_frame(b"")

    def _send_frame(self, frame: bytes) -> None:
        """Write ``frame`` (possibly empty), after the queued batch if there is one."""
        if os.getpid() != self._owner:
            return  # a forked child: never speaks for the worker
        with interrupts.deferred(), self._lock:
            if self.lost:
                raise ChannelLost(errno.EPIPE, "the protocol channel is closed")
            if self._batch:
                batch = StepsFinished(self._batch_plan, tuple(self._batch))
                self._batch = []
                frame = encode(batch, self._nonce) + frame
            view = memoryview(frame)
            try:
                while view:
                    written = _blocking_write(self._fd, view)
                    view = view[written:]
            except OSError as exc:
                self.lost = True
                raise ChannelLost(exc.errno, f"the protocol channel is gone: {exc}") from None


def _too_large(message: Message, size: int) -> Message:
    """What is sent instead of a message too large for one frame (a huge image, say)."""
    note = f"(this output is {size / 1e6:,.0f} MB: too large to show)"
    if isinstance(message, DisplayData):
        return DisplayData(message.plan_id, message.cell_id, {"text/plain": note})
    return WorkerLog("error", f"a {type(message).__name__} message was dropped: {note}")


class FrameReader:
    """Blocking reader of request frames from one fd; a plan's steps sent as references
    (:class:`~kernel_worker.protocol.StepRef`) come out as the full steps."""

    def __init__(self, fd: int, nonce: bytes) -> None:
        self._fd = fd
        self._nonce = nonce
        self._known = KnownSteps()

    def _read_exact(self, count: int) -> bytes | None:
        chunks: list[bytes] = []
        remaining = count
        while remaining:
            try:
                chunk = os.read(self._fd, remaining)
            except BlockingIOError:
                wait_for(self._fd, select.POLLIN)
                continue
            except InterruptedError:
                continue
            if not chunk:
                return None
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def read(self) -> Request | None:
        """The next request, or ``None`` when the coordinator closed the channel.

        :class:`ProtocolError` when the bytes are not a request frame of this session: the
        stream cannot be trusted after that (the caller ends the worker).
        """
        header = self._read_exact(HEADER_BYTES)
        if header is None:
            return None
        length, crc = check_header(header, self._nonce)
        body = self._read_exact(length)
        if body is None:
            return None
        message = decode_frame_body(body, crc)
        if message.TYPE not in _REQUEST_TYPES:
            raise ProtocolError(f"{message.TYPE} is not a request")
        if type(message) is RunPlan:
            return self._known.resolve(message)
        return message  # type: ignore[return-value]

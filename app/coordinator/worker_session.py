"""One worker process as both kernel connections see it, whatever runs the process.

:class:`~app.coordinator.qprocess_kernel.QProcessKernel` (the window, on a qasync loop) and
:class:`~app.coordinator.asyncio_kernel.AsyncioKernel` (headless, plain asyncio) differ only in
how they start a process and hear from it. What a worker's bytes mean is decided here, once:

* frames are decoded as they arrive; the first one that does not make sense marks the
  session corrupted (the connection kills the worker at once: it is never waited on);
* the worker's Ready is checked (protocol version) and names its process group — the worker
  leads its own (see ``kernel_worker.session``), and that whole group is killed when the
  worker ends, so nothing a cell started outlives its kernel;
* the end of the process becomes one :class:`KernelExited`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal

from app.coordinator.kernel import EventHandler, KernelExited, KernelStartError
from kernel_worker import protocol as p

log = logging.getLogger(__name__)

#: How long a worker may take to say Ready (imports on a cold disk can be slow).
START_TIMEOUT_S = 30.0
#: How long a polite shutdown may take before the worker is killed.
SHUTDOWN_TIMEOUT_S = 2.0
#: The last this-many bytes of the worker's own stderr are kept to explain a failed start.
STDERR_TAIL_BYTES = 8192
#: Steps remembered as sent to a worker: twice the largest notebook Cascade opens.
SENT_STEPS_KEPT = 20_000


def kill_process_group(group: int | None) -> None:
    """SIGKILL every process of a worker's group (the worker leads it; never ours)."""
    if group is None or group <= 1 or group == os.getpgrp():
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGKILL)


def own_group(pid: int) -> int | None:
    """``pid``'s process group if ``pid`` leads it (a worker that made its session)."""
    try:
        return pid if os.getpgid(pid) == pid else None
    except OSError:
        return None


class WorkerSession:
    """The protocol state of one worker process, from its start to its end."""

    def __init__(self, nonce: bytes, deliver: EventHandler) -> None:
        loop = asyncio.get_running_loop()
        self.nonce = nonce
        self._decoder = p.FrameDecoder(nonce)
        #: The step last sent for each cell: this worker has it, a plan refers to it.
        self._sent_steps: dict[str, p.Step] = {}
        self._deliver = deliver
        #: Why the stream was found corrupt (the worker is being killed), or "".
        self.corrupted = ""
        #: The worker's process group, once it said Ready as its leader.
        self.group: int | None = None
        self.pid: int | None = None
        #: We asked the worker to end (shutdown, kill): its end is no surprise.
        self.expected_exit = False
        self.ended = False
        self.ready: asyncio.Future[p.Ready] = loop.create_future()
        self.exited: asyncio.Future[None] = loop.create_future()
        self._stderr_tail = b""

    def encode(self, request: p.Request) -> bytes:
        """The frame for ``request``; a plan's steps this worker already has go as references
        (protocol version 10: a re-run of 10,000 unchanged cells does not send their code)."""
        if isinstance(request, p.RunPlan):
            if len(self._sent_steps) > SENT_STEPS_KEPT:
                self._sent_steps.clear()  # cells deleted since: the next plans send in full
            return p.encode_plan(request, self.nonce, self._sent_steps)
        return p.encode(request, self.nonce)

    def on_stdout(self, data: bytes) -> bool:
        """Deliver the complete messages in ``data``; False when the stream turned out corrupt
        (the caller kills the worker; nothing more from it is believed)."""
        if self.corrupted or self.ended:
            return True
        try:
            messages = self._decoder.feed(data)
        except p.ProtocolError as exc:
            self.corrupted = str(exc)
            return False
        for message in messages:
            if isinstance(message, p.Ready) and not self.ready.done():
                self.ready.set_result(message)
            self._deliver(message)  # type: ignore[arg-type]
        return True

    def on_stderr(self, data: bytes) -> None:
        self._stderr_tail = (self._stderr_tail + data)[-STDERR_TAIL_BYTES:]

    async def wait_ready(self) -> p.Ready:
        """The worker's Ready; :class:`KernelStartError` if it does not come in time, ends
        first, or speaks another protocol version (the caller kills the worker then)."""
        try:
            ready = await asyncio.wait_for(asyncio.shield(self.ready), START_TIMEOUT_S)
        except TimeoutError:
            raise KernelStartError(
                f"the kernel did not start within {START_TIMEOUT_S:.0f} s"
            ) from None
        if ready.protocol_version != p.PROTOCOL_VERSION:
            raise KernelStartError(
                f"the kernel speaks protocol {ready.protocol_version}, "
                f"this Cascade speaks {p.PROTOCOL_VERSION}"
            )
        self.pid = ready.pid
        self.group = own_group(ready.pid)
        log.info(
            "kernel worker %d ready (%s, Python %s)", ready.pid, ready.executable, ready.python
        )
        return ready

    def failed_to_start(self, reason: str) -> None:
        """The process could not be started at all."""
        self.ended = True
        log.warning("the kernel worker could not start: %s", reason)
        if not self.ready.done():
            self.ready.set_exception(KernelStartError(reason))
        if not self.exited.done():
            self.exited.set_result(None)

    def finish(self, exit_code: int | None, signal_number: int | None) -> KernelExited:
        """The process ended (``exit_code``, or killed by ``signal_number``): end its group,
        settle the waiting futures, and say how it ended."""
        self.ended = True
        kill_process_group(self.group)  # nothing the worker started outlives it
        detail = self._stderr_tail.decode("utf-8", errors="replace").strip().splitlines()
        expected = self.expected_exit and not self.corrupted
        event = KernelExited(
            exit_code=exit_code,
            signal=signal_number,
            expected=expected,
            detail=detail[-1] if detail and not expected else "",
            corrupted=self.corrupted,
        )
        if expected:
            log.info("kernel worker %s ended", self.pid)
        else:
            tail = self._stderr_tail.decode("utf-8", errors="replace")[-2000:]
            log.warning("kernel worker %s ended: %s\n%s", self.pid, event.describe(), tail)
        if not self.ready.done():
            self.ready.set_exception(KernelStartError(event.describe()))
            self.ready.exception()  # mark retrieved: start() may already have given up
        if not self.exited.done():
            self.exited.set_result(None)
        self.group = None
        return event

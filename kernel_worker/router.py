"""One ordered buffer of everything cells write, flushed as frames to the run that wrote it.

Pieces of text arrive from the stream objects (``print``) and from the fd capture thread;
each is tagged with its run (the running step, or for a thread's writes the run of the cell
that started the thread, see :mod:`kernel_worker.threads`). The buffer is flushed as
:class:`StreamOutput` frames every ~20 ms or 64 KiB by a flusher thread, and synchronously at
the end of every step, so all output of a step reaches the coordinator before its
``StepFinished``. Each run's output is capped (:mod:`kernel_worker.output_cap`).
"""

from __future__ import annotations

import threading
import time

from kernel_worker.protocol import StepStarted, StreamName, StreamOutput
from kernel_worker.threads import Origin
from kernel_worker.transport import FrameWriter

TYPE_CHECKING = False  # typing is for the type checker only (see kernel_worker.protocol)
if TYPE_CHECKING:
    from kernel_worker.output_cap import RunOutput

FLUSH_INTERVAL_S = 0.02
FLUSH_BYTES = 64 * 1024
#: Runs whose output is still tracked (for late output of their threads); older are forgotten.
MAX_TRACKED_RUNS = 64


class OutputRouter:
    """An ordered buffer of (run, stream, text) pieces, flushed as frames.

    It also announces the step: ``StepStarted`` goes out with the step's first output, or from
    the flusher once the step has run for a flush interval. A step that ends sooner, silently,
    is never announced (its ``StepFinished`` says so): a fast cell costs one frame, not two.
    """

    def __init__(self, writer: FrameWriter) -> None:
        self._writer = writer
        self._lock = threading.Lock()
        self._pieces: list[tuple[Origin | None, StreamName, str]] = []
        self._size = 0
        self.plan_id = 0
        self.cell_id = ""
        #: The running step has not been announced yet (its StepStarted is made when it is).
        self._unannounced = False
        self._announce_at = 0.0
        #: Output state of recent runs, oldest first (dicts keep insertion order).
        self._runs: dict[Origin, RunOutput] = {}
        self._spilling: set[Origin] = set()
        self._stopped = False
        #: Wakes the flusher early: the worker stops, or a batch of quiet steps has begun.
        self._wake = threading.Event()
        writer.on_batch_begun = self._wake.set
        self._thread = threading.Thread(target=self._flush_loop, name="output-flusher", daemon=True)
        self._thread.start()

    @property
    def current(self) -> Origin | None:
        """The run of the step in progress (None between steps)."""
        return (self.plan_id, self.cell_id) if self.cell_id else None

    def write(self, stream: StreamName, text: str, origin: Origin | None = None) -> None:
        """Buffer ``text``; ``origin`` None means the running step."""
        if not text:
            return
        with self._lock:
            self._pieces.append((origin, stream, text))
            self._size += len(text)
            full = self._size >= FLUSH_BYTES
        if full:
            self.flush()

    def flush(self, *, announce: bool = False) -> None:
        """Send everything buffered, coalescing consecutive pieces of the same run and stream;
        the step's StepStarted goes first if it has not gone yet (always, with ``announce``)."""
        with self._lock:
            self._flush_locked(announce, final=False)

    def _flush_locked(self, announce: bool, final: bool) -> None:
        if not self._pieces and not self._spilling and not (announce and self._unannounced):
            return  # nothing to send: the usual case between brief quiet steps
        pieces, self._pieces, self._size = self._pieces, [], 0
        if self._unannounced and (pieces or announce):
            self._writer.send(StepStarted(self.plan_id, self.cell_id))
            self._unannounced = False
        current = (self.plan_id, self.cell_id)
        frames: list[StreamOutput] = []
        # Frames go out under the buffer lock so a concurrent flush cannot reorder them.
        run_origin: Origin | None = None
        run_stream: StreamName = "stdout"
        run_text: list[str] = []
        for origin, stream, text in pieces:
            origin = origin or current
            if not origin[1]:
                continue  # fd-level output between steps belongs to no cell
            piece = self._run(origin).accept(stream, text)
            if piece is None:
                self._spilling.add(origin)
                continue
            if (origin, stream) != (run_origin, run_stream) and run_text:
                frames.append(_frame(run_origin, run_stream, "".join(run_text)))
                run_text = []
            run_origin, run_stream = origin, stream
            run_text.append(piece[1])
        if run_text:
            frames.append(_frame(run_origin, run_stream, "".join(run_text)))
        if self._spilling:
            frames.extend(self._tails(final, current))
        for frame in frames:
            self._writer.send(frame)

    def _tails(self, final: bool, current: Origin) -> list[StreamOutput]:
        """The due tails of spilling runs (the running step's at once when it ends)."""
        now = time.monotonic()
        frames: list[StreamOutput] = []
        for origin in list(self._spilling):
            run = self._runs.get(origin)
            if run is None:
                self._spilling.discard(origin)
                continue
            ending = final and origin == current
            if ending:
                self._spilling.discard(origin)  # late output of its threads adds it again
            elif not run.due(now):
                continue
            dropped, tail = run.take_tail(now)
            if not tail and not dropped:
                continue
            if not tail:
                tail = [("stdout", "")]
            plan_id, cell_id = origin
            for index, (stream, text) in enumerate(tail):
                frames.append(
                    StreamOutput(
                        plan_id, cell_id, stream, text, dropped if index == 0 else 0, run.path
                    )
                )
        return frames

    def _run(self, origin: Origin) -> RunOutput:
        run = self._runs.get(origin)
        if run is None:
            # Imported with the first output (a worker that never prints never needs it).
            from kernel_worker.output_cap import RunOutput

            run = self._runs[origin] = RunOutput()
            if len(self._runs) > MAX_TRACKED_RUNS:
                oldest = next(iter(self._runs))
                self._runs.pop(oldest).finish()
                self._spilling.discard(oldest)
        return run

    def begin_step(self, plan_id: int, cell_id: str) -> None:
        """Attribute what follows to a new step, which is announced lazily (see the class)."""
        with self._lock:  # what was buffered goes out first, in the same hold of the lock
            if self._pieces or self._spilling:  # (else nothing to flush: the usual case)
                self._flush_locked(False, final=False)
            self.plan_id, self.cell_id = plan_id, cell_id
            self._unannounced = True
            self._announce_at = time.monotonic() + FLUSH_INTERVAL_S

    def end_step(self) -> bool:
        """Flush the step's output; True if its StepStarted went out (else it never will)."""
        with self._lock:
            if self._pieces or self._spilling:
                self._flush_locked(False, final=True)
            if self._runs:
                run = self._runs.get((self.plan_id, self.cell_id))
                if run is not None:
                    run.finish()
            announced = not self._unannounced
            self._unannounced = False
            self.cell_id = ""
            return announced

    def _flush_loop(self) -> None:
        """Every flush interval: send buffered output and announce a step that has run that
        long; and send a batch of quiet steps when it is due, should the main thread be busy
        in a long step by then."""
        writer = self._writer
        timeout = FLUSH_INTERVAL_S
        while True:
            self._wake.wait(timeout)
            self._wake.clear()
            if self._stopped:
                return
            now = time.monotonic()
            due = self._unannounced and now >= self._announce_at
            try:
                if writer.batch_pending and now >= writer.batch_due:
                    writer.flush_batch()
                if self._pieces or due or self._spilling:
                    self.flush(announce=due)
            except OSError:
                return  # the coordinator went away; the main loop will notice
            timeout = FLUSH_INTERVAL_S
            if writer.batch_pending:
                timeout = min(timeout, max(0.0, writer.batch_due - now))

    def close(self) -> None:
        self._stopped = True
        self._wake.set()
        with self._lock:
            self._flush_locked(False, final=True)
            for run in self._runs.values():
                run.finish()


def _frame(origin: Origin | None, stream: StreamName, text: str) -> StreamOutput:
    assert origin is not None
    return StreamOutput(origin[0], origin[1], stream, text)

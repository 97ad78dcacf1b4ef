"""Per-cell run state (status, outputs, error, timing) and the pure transitions between states.

Kept apart from the document (:mod:`app.core.notebook`): run state is what the kernel did this
session, never saved to the notebook file. ``reduce(state, event)`` is the only way a state
changes, so the coordinator and a test can replay the same event stream and agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TypeAlias

from app.core.problems import Interrupted, Reason, Stale
from app.core.record import Record, replace
from app.core.terminal import append_stream, settle

Status = Literal["idle", "queued", "running", "success", "error", "blocked", "stale", "interrupted"]
StreamName = Literal["stdout", "stderr"]

#: Consecutive text of one stream is merged into one output up to this size, so a cell that
#: prints a million lines holds a few hundred chunks, not a million tiny ones.
MERGE_LIMIT_CHARS = 256 * 1024
#: The most stream text kept per cell; older text beyond it is dropped (and counted). The
#: worker caps each run's output well below this already; this is the second line of defence.
MAX_STREAM_CHARS = 8 * 1024 * 1024


class StreamText(Record):
    stream: StreamName
    text: str


class RichOutput(Record):
    """A displayed value: MIME type -> data (base64 for binary image types)."""

    data: Mapping[str, str]

    def preferred(self, order: tuple[str, ...]) -> tuple[str, str]:
        """The first MIME type of ``order`` present (else text/plain) and its data."""
        for mime in order:
            if mime in self.data:
                return mime, self.data[mime]
        return "text/plain", self.data.get("text/plain", "")


Output: TypeAlias = StreamText | RichOutput


class CellError(Record):
    ename: str
    evalue: str
    traceback: str
    line: int | None = None


class CellRunState(Record):
    """What the session knows about one cell's last run.

    ``reason`` explains blocked / stale / interrupted. ``started_at`` is a monotonic time
    (the view shows elapsed time while running). ``omitted_chars``: stream text of this run
    that is not in ``outputs`` (over the output cap); ``full_output``: a file with all of it,
    when the kernel wrote one.
    """

    status: Status = "idle"
    outputs: tuple[Output, ...] = ()
    error: CellError | None = None
    reason: Reason | None = None
    duration_ms: float | None = None
    started_at: float | None = None
    omitted_chars: int = 0
    full_output: str | None = None

    @property
    def up_to_date(self) -> bool:
        return self.status == "success"

    def text(self, stream: StreamName) -> str:
        return "".join(
            o.text for o in self.outputs if isinstance(o, StreamText) and o.stream == stream
        )


# -- events ---------------------------------------------------------------------------------


class Queued(Record):
    pass


class Started(Record):
    at: float


class OutputAdded(Record):
    output: Output


class OutputOmitted(Record):
    """The kernel skipped ``chars`` characters of the run's output: the stream text held so
    far no longer joins up with what comes next, so it goes too (and is counted).
    ``full_output``: the file that holds everything (empty: unchanged)."""

    chars: int
    full_output: str = ""


class Finished(Record):
    status: Literal["success", "error", "interrupted"]
    duration_ms: float
    error: CellError | None = None


class Ran(Record):
    """Started and finished successfully with nothing to show: a brief quiet step (one
    transition where :class:`Started` then :class:`Finished` would make two)."""

    duration_ms: float


class Blocked(Record):
    reason: Reason


class MadeStale(Record):
    reason: Stale


class OutputsCleared(Record):
    """The user cleared the cell's outputs (Clear output): its status stays as it was."""


RunEvent: TypeAlias = (
    Queued
    | Started
    | OutputAdded
    | OutputOmitted
    | Finished
    | Ran
    | Blocked
    | MadeStale
    | OutputsCleared
)


def _append(outputs: tuple[Output, ...], output: Output) -> tuple[Output, ...]:
    """Add an output; text continues the previous piece of the same stream, with carriage
    returns applied (a progress bar is one line that changes, not thousands)."""
    if isinstance(output, StreamText) and outputs:
        last = outputs[-1]
        if (
            isinstance(last, StreamText)
            and last.stream == output.stream
            and (len(last.text) < MERGE_LIMIT_CHARS or "\r" in output.text)
        ):
            return (*outputs[:-1], StreamText(last.stream, append_stream(last.text, output.text)))
    if isinstance(output, StreamText) and "\r" in output.text:
        output = StreamText(output.stream, settle(output.text))
    return (*outputs, output)


#: How far past a cut point a line end is looked for (a cut text starts at a line start).
_LINE_SEARCH_CHARS = 1000


def _stream_chars(outputs: tuple[Output, ...]) -> int:
    return sum(len(o.text) for o in outputs if isinstance(o, StreamText))


def _drop_oldest_text(outputs: tuple[Output, ...], excess: int) -> tuple[tuple[Output, ...], int]:
    """Remove at least ``excess`` characters of the oldest stream text (whole lines where a
    piece is cut); rich outputs stay. Returns the outputs and how much was removed."""
    kept: list[Output] = []
    removed = 0
    for output in outputs:
        if removed >= excess or not isinstance(output, StreamText):
            kept.append(output)
            continue
        need = excess - removed
        if len(output.text) <= need:
            removed += len(output.text)
            continue
        newline = output.text.find("\n", need, need + _LINE_SEARCH_CHARS)
        cut = need if newline < 0 else newline + 1
        removed += cut
        if cut < len(output.text):
            kept.append(StreamText(output.stream, output.text[cut:]))
    return tuple(kept), removed


def _add_output(state: CellRunState, output: Output) -> CellRunState:
    outputs = _append(state.outputs, output)
    if not isinstance(output, StreamText):
        return replace(state, outputs=outputs)
    total = _stream_chars(outputs)
    if total <= MAX_STREAM_CHARS:
        return replace(state, outputs=outputs)
    outputs, removed = _drop_oldest_text(outputs, total - MAX_STREAM_CHARS)
    return replace(state, outputs=outputs, omitted_chars=state.omitted_chars + removed)


def _omit(state: CellRunState, chars: int, full_output: str) -> CellRunState:
    """The run's stream text so far is dropped (and counted) when ``chars`` were skipped."""
    path = full_output or state.full_output
    if not chars:
        return replace(state, full_output=path)
    held = _stream_chars(state.outputs)
    outputs = tuple(o for o in state.outputs if not isinstance(o, StreamText))
    return replace(
        state,
        outputs=outputs,
        omitted_chars=state.omitted_chars + held + chars,
        full_output=path,
    )


def queued(state: CellRunState) -> CellRunState:
    """``state`` after :class:`Queued`: the outputs of the previous run stay visible.

    Spelled out, by position, rather than :func:`~app.core.record.replace` (1.6x slower), and callable
    without an event: every cell of every plan is queued
    (:meth:`app.core.session.RunSession.begin_plan`).
    """
    return CellRunState(
        "queued",  # status, outputs, error, reason, duration_ms, started_at, omitted_chars, …
        state.outputs,
        state.error,
        None,
        state.duration_ms,
        state.started_at,
        state.omitted_chars,
        state.full_output,
    )


def ran(duration_ms: float) -> CellRunState:
    """The state after :class:`Ran` (whatever came before): a brief quiet success."""
    return CellRunState("success", (), None, None, duration_ms)  # by position: the fastest


def reduce(state: CellRunState, event: RunEvent) -> CellRunState:
    """The state after ``event``. Outputs of the previous run stay visible while queued and
    are replaced when the cell starts; a blocked cell's old outputs are cleared (they would
    describe values that no longer exist)."""
    match event:
        case Queued():
            return queued(state)
        case Ran(duration_ms=duration):
            return ran(duration)
        case Started(at=at):
            return CellRunState(status="running", started_at=at)
        case OutputAdded(output=output):
            return _add_output(state, output)
        case OutputOmitted(chars=chars, full_output=full_output):
            return _omit(state, chars, full_output)
        case Finished(status=status, duration_ms=duration, error=error):
            reason = Interrupted() if status == "interrupted" else None
            return CellRunState(
                status=status,
                outputs=state.outputs,
                error=error,
                reason=reason,
                duration_ms=duration,
                omitted_chars=state.omitted_chars,
                full_output=state.full_output,
            )
        case Blocked(reason=reason):
            return CellRunState(status="blocked", reason=reason)
        case MadeStale(reason=reason):
            if state.status == "idle":
                return state  # never run: nothing on screen is out of date
            return replace(state, status="stale", reason=reason, started_at=None)
        case OutputsCleared():
            if state.status in ("running", "queued"):
                return state  # output still coming belongs to the run the user sees
            return replace(state, outputs=(), omitted_chars=0, full_output=None)
    raise TypeError(f"unknown run event {event!r}")

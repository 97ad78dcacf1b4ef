"""Per-cell run state (status, outputs, error, timing) and the pure transitions between states.

Kept apart from the document (:mod:`app.core.notebook`): run state is what the kernel did this
session, never saved to the notebook file. ``reduce(state, event)`` is the only way a state
changes, so the coordinator and a test can replay the same event stream and agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal, TypeAlias

from app.core.terminal import append_stream, settle

Status = Literal["idle", "queued", "running", "success", "error", "blocked", "stale", "interrupted"]
StreamName = Literal["stdout", "stderr"]

#: Consecutive text of one stream is merged into one output up to this size, so a cell that
#: prints a million lines holds a few hundred chunks, not a million tiny ones.
MERGE_LIMIT_CHARS = 256 * 1024


@dataclass(frozen=True, slots=True)
class StreamText:
    stream: StreamName
    text: str


@dataclass(frozen=True, slots=True)
class RichOutput:
    """A displayed value: MIME type -> data (base64 for binary image types)."""

    data: Mapping[str, str]

    def preferred(self, order: tuple[str, ...]) -> tuple[str, str]:
        """The first MIME type of ``order`` present (else text/plain) and its data."""
        for mime in order:
            if mime in self.data:
                return mime, self.data[mime]
        return "text/plain", self.data.get("text/plain", "")


Output: TypeAlias = StreamText | RichOutput


@dataclass(frozen=True, slots=True)
class CellError:
    ename: str
    evalue: str
    traceback: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class CellRunState:
    """What the session knows about one cell's last run.

    ``reason`` explains blocked / stale / interrupted. ``started_at`` is a monotonic time
    (the view shows elapsed time while running).
    """

    status: Status = "idle"
    outputs: tuple[Output, ...] = ()
    error: CellError | None = None
    reason: str = ""
    duration_ms: float | None = None
    started_at: float | None = None

    @property
    def up_to_date(self) -> bool:
        return self.status == "success"

    def text(self, stream: StreamName) -> str:
        return "".join(
            o.text for o in self.outputs if isinstance(o, StreamText) and o.stream == stream
        )


# -- events ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Queued:
    pass


@dataclass(frozen=True, slots=True)
class Started:
    at: float


@dataclass(frozen=True, slots=True)
class OutputAdded:
    output: Output


@dataclass(frozen=True, slots=True)
class Finished:
    status: Literal["success", "error", "interrupted"]
    duration_ms: float
    error: CellError | None = None


@dataclass(frozen=True, slots=True)
class Blocked:
    reason: str


@dataclass(frozen=True, slots=True)
class MadeStale:
    reason: str


@dataclass(frozen=True, slots=True)
class Reset:
    """Back to never-run (a new kernel with no outputs)."""


RunEvent: TypeAlias = Queued | Started | OutputAdded | Finished | Blocked | MadeStale | Reset


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


def reduce(state: CellRunState, event: RunEvent) -> CellRunState:
    """The state after ``event``. Outputs of the previous run stay visible while queued and
    are replaced when the cell starts; a blocked cell's old outputs are cleared (they would
    describe values that no longer exist)."""
    match event:
        case Queued():
            return replace(state, status="queued", reason="")
        case Started(at=at):
            return CellRunState(status="running", started_at=at)
        case OutputAdded(output=output):
            return replace(state, outputs=_append(state.outputs, output))
        case Finished(status=status, duration_ms=duration, error=error):
            reason = "interrupted by the user" if status == "interrupted" else ""
            return replace(
                state,
                status=status,
                duration_ms=duration,
                error=error,
                reason=reason,
                started_at=None,
            )
        case Blocked(reason=reason):
            return CellRunState(status="blocked", reason=reason)
        case MadeStale(reason=reason):
            if state.status == "idle":
                return state  # never run: nothing on screen is out of date
            return replace(state, status="stale", reason=reason, started_at=None)
        case Reset():
            return CellRunState()
    raise TypeError(f"unknown run event {event!r}")

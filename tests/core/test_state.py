"""Per-cell run state and its transitions (SEMANTICS.md §5 statuses, §7 outputs)."""

from __future__ import annotations

import pytest

from app.core.problems import (
    BlockedBy,
    Interrupted,
    MultipleDefinition,
    Stale,
    Unrunnable,
)
from app.core.record import replace
from app.core.state import (
    MERGE_LIMIT_CHARS,
    Blocked,
    CellError,
    CellRunState,
    Finished,
    MadeStale,
    OutputAdded,
    Queued,
    Ran,
    RichOutput,
    Started,
    StreamText,
    reduce,
)

ERROR = CellError("ValueError", "bad", "Traceback …\nValueError: bad", 3)
OLD_OUT = (StreamText("stdout", "old\n"), RichOutput({"text/plain": "42"}))
SUCCESS = CellRunState(status="success", outputs=OLD_OUT, duration_ms=12.0)
FAILED = CellRunState(status="error", outputs=OLD_OUT, error=ERROR, duration_ms=3.0)
RUNNING = CellRunState(status="running", started_at=100.0)
EDITED = Stale("edited")
STALE = CellRunState(status="stale", outputs=OLD_OUT, reason=EDITED, duration_ms=12.0)
BLOCKED = CellRunState(status="blocked", reason=BlockedBy("c1", failed=False))

TRANSITIONS: list[tuple[str, CellRunState, object, CellRunState]] = [
    # Queued keeps the previous run's outputs (and error) on screen until the cell starts.
    ("queued-from-idle", CellRunState(), Queued(), CellRunState(status="queued")),
    (
        "queued-keeps-outputs",
        SUCCESS,
        Queued(),
        CellRunState(status="queued", outputs=OLD_OUT, duration_ms=12.0),
    ),
    (
        "queued-keeps-error-clears-reason",
        FAILED,
        Queued(),
        CellRunState(status="queued", outputs=OLD_OUT, error=ERROR, duration_ms=3.0),
    ),
    (
        "queued-clears-stale-reason",
        STALE,
        Queued(),
        CellRunState(status="queued", outputs=OLD_OUT, duration_ms=12.0),
    ),
    # Started replaces everything: outputs, error, reason, duration.
    (
        "started-from-queued",
        SUCCESS,
        Started(at=5.0),
        CellRunState(status="running", started_at=5.0),
    ),
    (
        "started-clears-error",
        FAILED,
        Started(at=7.5),
        CellRunState(status="running", started_at=7.5),
    ),
    (
        "started-clears-reason",
        BLOCKED,
        Started(at=1.0),
        CellRunState(status="running", started_at=1.0),
    ),
    # Finished.
    (
        "finished-success",
        CellRunState(status="running", outputs=OLD_OUT, started_at=100.0),
        Finished("success", 12.5),
        CellRunState(status="success", outputs=OLD_OUT, duration_ms=12.5),
    ),
    (
        "finished-error-keeps-printed-output",
        CellRunState(status="running", outputs=(StreamText("stdout", "before\n"),), started_at=1.0),
        Finished("error", 2.0, ERROR),
        CellRunState(
            status="error",
            outputs=(StreamText("stdout", "before\n"),),
            error=ERROR,
            duration_ms=2.0,
        ),
    ),
    (
        "finished-interrupted-has-reason",
        RUNNING,
        Finished("interrupted", 900.0),
        CellRunState(status="interrupted", reason=Interrupted(), duration_ms=900.0),
    ),
    # Blocked clears the old outputs: they describe values that no longer exist (§5).
    (
        "blocked-clears-outputs",
        SUCCESS,
        Blocked(BlockedBy("c2", failed=False)),
        CellRunState(status="blocked", reason=BlockedBy("c2", failed=False)),
    ),
    (
        "blocked-clears-error",
        FAILED,
        Blocked(Unrunnable((MultipleDefinition("x", ("c1", "c3")),))),
        CellRunState(status="blocked", reason=Unrunnable((MultipleDefinition("x", ("c1", "c3")),))),
    ),
    # MadeStale: a never-run cell has nothing out of date; others keep their outputs.
    ("stale-on-idle-stays-idle", CellRunState(), MadeStale(Stale("input_changed")), CellRunState()),
    (
        "stale-on-success-keeps-outputs",
        SUCCESS,
        MadeStale(Stale("input_changed")),
        CellRunState(
            status="stale", outputs=OLD_OUT, reason=Stale("input_changed"), duration_ms=12.0
        ),
    ),
    (
        "stale-on-error-keeps-error",
        FAILED,
        MadeStale(EDITED),
        CellRunState(status="stale", outputs=OLD_OUT, error=ERROR, reason=EDITED, duration_ms=3.0),
    ),
    (
        "stale-replaces-reason",
        STALE,
        MadeStale(Stale("input_deleted")),
        CellRunState(
            status="stale", outputs=OLD_OUT, reason=Stale("input_deleted"), duration_ms=12.0
        ),
    ),
]


@pytest.mark.parametrize(
    ("before", "event", "after"), [t[1:] for t in TRANSITIONS], ids=[t[0] for t in TRANSITIONS]
)
def test_reduce(before: CellRunState, event: object, after: CellRunState) -> None:
    assert reduce(before, event) == after  # type: ignore[arg-type]


CAPPED = CellRunState(
    status="success", outputs=OLD_OUT, omitted_chars=9, full_output="/tmp/out.txt"
)
EVERY_STATE = (CellRunState(), SUCCESS, FAILED, RUNNING, STALE, BLOCKED, CAPPED)


@pytest.mark.parametrize("state", EVERY_STATE)
def test_spelled_out_transitions_keep_every_other_field(state: CellRunState) -> None:
    """Queued and Finished build the new state field by field (faster than
    replace): they must agree with replace, so a field added later is kept."""
    assert reduce(state, Queued()) == replace(state, status="queued", reason=None)
    finished = Finished("error", 4.0, ERROR)
    assert reduce(state, finished) == replace(
        state, status="error", duration_ms=4.0, error=ERROR, reason=None, started_at=None
    )


@pytest.mark.parametrize("state", EVERY_STATE)
def test_ran_is_started_then_finished(state: CellRunState) -> None:
    """A brief quiet step's one transition gives what its start and end would give."""
    both = reduce(reduce(state, Started(at=3.0)), Finished("success", 2.5))
    assert reduce(state, Ran(2.5)) == both


def test_reduce_does_not_mutate() -> None:
    before = CellRunState(status="running", outputs=(StreamText("stdout", "a"),), started_at=1.0)
    reduce(before, OutputAdded(StreamText("stdout", "b")))
    assert before.outputs == (StreamText("stdout", "a"),)


def test_reduce_rejects_unknown_events() -> None:
    with pytest.raises(TypeError, match="unknown run event"):
        reduce(CellRunState(), object())  # type: ignore[arg-type]


# -- §7 outputs: merging of consecutive same-stream text ----------------------------------------

OUT = StreamText
RICH = RichOutput({"text/plain": "1", "text/html": "<b>1</b>"})

MERGE_CASES: list[tuple[str, list[object], tuple[object, ...]]] = [
    ("single", [OUT("stdout", "a")], (OUT("stdout", "a"),)),
    (
        "same-stream-merges",
        [OUT("stdout", "a\n"), OUT("stdout", "b\n")],
        (OUT("stdout", "a\nb\n"),),
    ),
    (
        "across-streams-interleaved",
        [OUT("stdout", "1"), OUT("stderr", "2"), OUT("stdout", "3")],
        (OUT("stdout", "1"), OUT("stderr", "2"), OUT("stdout", "3")),
    ),
    (
        "stderr-merges-too",
        [OUT("stderr", "w1 "), OUT("stderr", "w2")],
        (OUT("stderr", "w1 w2"),),
    ),
    (
        "not-across-rich-output",
        [OUT("stdout", "a"), RICH, OUT("stdout", "b")],
        (OUT("stdout", "a"), RICH, OUT("stdout", "b")),
    ),
    ("rich-outputs-never-merge", [RICH, RICH], (RICH, RICH)),
    (
        "text-after-rich",
        [RICH, OUT("stdout", "a"), OUT("stdout", "b")],
        (RICH, OUT("stdout", "ab")),
    ),
]


@pytest.mark.parametrize(
    ("added", "outputs"), [c[1:] for c in MERGE_CASES], ids=[c[0] for c in MERGE_CASES]
)
def test_output_merging(added: list[object], outputs: tuple[object, ...]) -> None:
    state = reduce(CellRunState(), Started(at=0.0))
    for output in added:
        state = reduce(state, OutputAdded(output))  # type: ignore[arg-type]
    assert state == CellRunState(status="running", outputs=outputs, started_at=0.0)  # type: ignore[arg-type]


def test_merging_stops_at_the_limit() -> None:
    """A chunk that reached MERGE_LIMIT_CHARS is closed; the next text starts a new one."""
    big = "x" * MERGE_LIMIT_CHARS
    state = reduce(CellRunState(status="running"), OutputAdded(OUT("stdout", big)))
    state = reduce(state, OutputAdded(OUT("stdout", "y")))
    state = reduce(state, OutputAdded(OUT("stdout", "z")))
    assert state.outputs == (OUT("stdout", big), OUT("stdout", "yz"))
    assert state.text("stdout") == big + "yz"


def test_merging_just_below_the_limit_still_merges() -> None:
    almost = "x" * (MERGE_LIMIT_CHARS - 1)
    state = reduce(CellRunState(status="running"), OutputAdded(OUT("stdout", almost)))
    state = reduce(state, OutputAdded(OUT("stdout", "yz")))
    assert state.outputs == (OUT("stdout", almost + "yz"),)


# -- queries -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "up_to_date"),
    [
        ("idle", False),
        ("queued", False),
        ("running", False),
        ("success", True),
        ("error", False),
        ("blocked", False),
        ("stale", False),
        ("interrupted", False),
    ],
)
def test_up_to_date_only_after_success(status: str, up_to_date: bool) -> None:
    assert CellRunState(status=status).up_to_date is up_to_date  # type: ignore[arg-type]


def test_text_joins_one_stream_in_order() -> None:
    state = CellRunState(
        outputs=(
            OUT("stdout", "a"),
            OUT("stderr", "E1"),
            RICH,
            OUT("stdout", "b"),
            OUT("stderr", "E2"),
        )
    )
    assert state.text("stdout") == "ab"
    assert state.text("stderr") == "E1E2"
    assert CellRunState().text("stdout") == ""


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        (("text/html", "text/plain"), ("text/html", "<b>1</b>")),
        (("image/png", "text/plain"), ("text/plain", "1")),
        (("image/png",), ("text/plain", "1")),
    ],
)
def test_rich_output_preferred(order: tuple[str, ...], expected: tuple[str, str]) -> None:
    assert RICH.preferred(order) == expected


def test_rich_output_preferred_without_plain_text() -> None:
    assert RichOutput({"image/png": "iVBO"}).preferred(("text/html",)) == ("text/plain", "")


def test_full_run_replayed() -> None:
    """A typical event stream: queued → running → outputs → success → stale → re-run."""
    state = CellRunState()
    for event in (
        Queued(),
        Started(at=10.0),
        OutputAdded(OUT("stdout", "hello ")),
        OutputAdded(OUT("stdout", "world\n")),
        OutputAdded(RICH),
        Finished("success", 4.0),
    ):
        state = reduce(state, event)
    assert state == CellRunState(
        status="success", outputs=(OUT("stdout", "hello world\n"), RICH), duration_ms=4.0
    )
    assert state.up_to_date
    state = reduce(state, MadeStale(Stale("input_changed")))
    assert (state.status, state.reason, state.up_to_date) == (
        "stale",
        Stale("input_changed"),
        False,
    )
    state = reduce(reduce(state, Queued()), Started(at=20.0))
    assert state == CellRunState(status="running", started_at=20.0)

"""The run-session fold, replayed from event lists: no loop, no process (issue 14)."""

from __future__ import annotations

from app.core.problems import BlockedBy, MultipleDefinition, Stale, Unrunnable
from app.core.session import (
    DisplayReceived,
    LateOutputDropped,
    PlanEnded,
    RunSession,
    StepBegan,
    StepEnded,
    StreamReceived,
)
from app.core.state import CellError, RichOutput, StreamText

DEFS = {"a": frozenset({"x"}), "b": frozenset({"y"})}


def session_with_plan(plan_id: int = 1) -> RunSession:
    session = RunSession()
    session.reset(["a", "b", "c"])
    session.begin_plan(plan_id, ("a", "b"), DEFS, (), {}, ())
    return session


def test_a_plan_queues_its_steps_blocks_and_stales_the_rest() -> None:
    session = RunSession()
    session.reset(["a", "b", "c"])
    session.states["c"] = session.states["c"].__class__(status="success")
    problem = Unrunnable((MultipleDefinition("z", ("c", "d")),))
    changes = session.begin_plan(1, ("a",), DEFS, ("x",), {"b": problem}, ("c",))
    assert [session.states[c].status for c in "abc"] == ["queued", "blocked", "stale"]
    assert session.states["b"].reason == problem
    assert session.states["c"].reason == Stale("input_changed")
    assert set(changes.states) == {"a", "b", "c"}


def test_a_run_folds_into_states_and_kernel_names() -> None:
    session = session_with_plan()
    session.apply(StepBegan(1, "a", 10.0))
    assert session.states["a"].status == "running" and session.kernel_names == {"x": "a"}
    changes = session.apply(StreamReceived(1, "a", "stdout", "hi\n"))
    assert changes.states["a"][1] == StreamText("stdout", "hi\n")
    session.apply(DisplayReceived(1, "a", {"text/plain": "1"}))
    session.apply(StepEnded(1, "a", "success", 11.0, 3.5))
    session.apply(StepEnded(1, "b", "success", 11.0, 0.1, unannounced=True))
    assert session.kernel_names == {"x": "a", "y": "b"}  # a silent step binds its names too
    assert session.states["a"].outputs == (
        StreamText("stdout", "hi\n"),
        RichOutput({"text/plain": "1"}),
    )
    assert session.states["b"].status == "success"
    assert session.apply(PlanEnded(1)).plan_done
    assert session.up_to_date == {"a", "b"}


def test_events_of_another_plan_are_ignored() -> None:
    session = session_with_plan(2)
    assert not session.apply(StepBegan(1, "a", 0.0)).states
    assert not session.apply(PlanEnded(1)).plan_done


def test_a_failure_blocks_with_the_culprit_named_as_data() -> None:
    session = session_with_plan()
    error = CellError("ValueError", "bad", "Traceback…", 1)
    session.apply(StepEnded(1, "a", "error", 0.0, 1.0, error))
    session.apply(StepEnded(1, "b", "blocked", 0.0, blocked_by=("a",)))
    assert session.states["a"].error == error
    assert session.states["b"].reason == BlockedBy("a", failed=True)


def test_late_output_of_a_thread_goes_to_its_cell_until_it_runs_again() -> None:
    session = session_with_plan()
    session.apply(StepBegan(1, "a", 0.0))
    session.apply(StepEnded(1, "a", "success", 0.0))
    session.apply(PlanEnded(1))
    session.active = None
    session.apply(StreamReceived(1, "a", "stdout", "late\n"))
    assert session.states["a"].text("stdout") == "late\n"
    session.begin_plan(2, ("a",), DEFS, (), {}, ())
    session.apply(StepBegan(2, "a", 0.0))
    changes = session.apply(StreamReceived(1, "a", "stdout", "too late\n", full_output="/tmp/x"))
    assert changes.notices == [LateOutputDropped("a")]
    assert changes.obsolete_files == ["/tmp/x"]
    assert "too late" not in session.states["a"].text("stdout")
    again = session.apply(StreamReceived(1, "a", "stdout", "more\n"))
    assert again.notices == []  # told once per run


def test_losing_the_kernel_fails_the_running_step_and_forgets_the_namespace() -> None:
    session = session_with_plan()
    session.states["c"] = session.states["c"].__class__(status="success")
    session.apply(StepBegan(1, "a", 0.0))
    changes = session.lose_kernel("kernel died: killed by SIGKILL", forget=True)
    assert session.states["a"].status == "error"
    assert session.states["a"].error is not None and session.states["a"].error.ename == "KernelDied"
    assert session.states["b"].reason == Stale("kernel_lost", "kernel died: killed by SIGKILL")
    assert session.states["c"].status == "stale"
    assert session.kernel_names == {} and session.active is None and changes.plan_done

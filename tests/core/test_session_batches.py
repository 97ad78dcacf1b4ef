"""The run session folds a batch of brief quiet steps (``StepsEnded``) in one pass: one
``Changes`` with every cell, the same states as the steps reported one by one."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.problems import BlockedBy, Stale
from app.core.session import PlanEnded, RunSession, StepBegan, StepEnded, StepsEnded
from app.core.state import CellRunState


@dataclass(frozen=True, slots=True)
class Quiet:
    cell_id: str
    status: str = "success"
    duration_ms: float = 0.5
    blocked_by: tuple[str, ...] = ()


ORDER = ("a", "b", "c", "d")
DEFS = {"a": frozenset({"x"}), "b": frozenset({"y"}), "c": frozenset(), "d": frozenset({"z"})}


def session_with_plan(plan_id: int = 1) -> RunSession:
    session = RunSession()
    session.reset(ORDER)
    session.begin_plan(plan_id, ORDER, DEFS, (), {}, ())
    return session


def batch(plan_id: int = 1) -> StepsEnded:
    steps = (Quiet("a"), Quiet("b"), Quiet("c", "blocked", 0.0, ("x1",)), Quiet("d", "not_run"))
    return StepsEnded(plan_id, 10.0, steps)  # type: ignore[arg-type]


def test_a_batch_is_one_change_with_every_cell() -> None:
    session = session_with_plan()
    changes = session.apply(batch())
    assert list(changes.states) == ["a", "b", "c", "d"]
    states = {cell: state for cell, (state, appended) in changes.states.items()}
    assert states["a"] == CellRunState(status="success", duration_ms=0.5)
    assert states["c"].status == "blocked"
    assert states["c"].reason == BlockedBy("x1", failed=True)
    assert (states["d"].status, states["d"].reason) == ("stale", Stale("interrupted"))
    assert all(appended is None for _, appended in changes.states.values())
    assert session.active is not None and session.active.finished == set(ORDER)
    # Only the steps that ran bound their names in the kernel.
    assert session.kernel_names == {"x": "a", "y": "b"}


def test_a_batch_folds_to_the_same_states_as_one_frame_per_step() -> None:
    one_by_one = session_with_plan()
    for step in batch().steps:
        one_by_one.apply(
            StepEnded(
                1,
                step.cell_id,
                step.status,
                10.0,
                step.duration_ms,
                None,
                step.blocked_by,
                unannounced=step.status == "success",
            )
        )
    batched = session_with_plan()
    batched.apply(batch())
    assert batched.states == one_by_one.states
    assert batched.kernel_names == one_by_one.kernel_names


def test_a_batch_of_another_plan_changes_nothing() -> None:
    session = session_with_plan(plan_id=2)
    before = dict(session.states)
    changes = session.apply(batch(plan_id=1))
    assert (changes.states, changes.notices, changes.obsolete_files, changes.plan_done) == (
        {},
        [],
        [],
        False,
    )
    assert session.states == before


def test_a_batch_after_an_announced_step_ends_the_plan_in_order() -> None:
    session = session_with_plan()
    session.apply(StepBegan(1, "a", 9.0))
    session.apply(StepEnded(1, "a", "success", 9.5, 2.0))
    session.apply(StepsEnded(1, 10.0, (Quiet("b"), Quiet("c"), Quiet("d"))))  # type: ignore[arg-type]
    assert session.apply(PlanEnded(1)).plan_done
    assert [session.states[c].status for c in ORDER] == ["success"] * 4


def test_stale_reason_of_a_step_not_run() -> None:
    session = session_with_plan()
    session.states["d"] = CellRunState(status="success")
    changes = session.apply(StepsEnded(1, 1.0, (Quiet("d", "not_run"),)))  # type: ignore[arg-type]
    state, _ = changes.states["d"]
    assert (state.status, state.reason) == ("stale", Stale("interrupted"))


STATUSES = st.sampled_from(["success", "success", "blocked", "not_run"])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(ORDER), STATUSES), max_size=8),
    st.sets(st.sampled_from(ORDER)),
)
def test_any_batch_folds_as_its_steps_one_by_one(
    steps: list[tuple[str, str]], spilled: set[str]
) -> None:
    """Whatever the batch holds (the same cell twice, skipped steps, cells whose last run
    spilled its output to a file), folding it in one pass changes the states, the names in
    the kernel, the files no longer shown and the plan's progress as one frame per step."""
    quiet = tuple(
        Quiet(
            cell,
            status,
            0.25 if status == "success" else 0.0,
            ("a",) if status == "blocked" else (),
        )
        for cell, status in steps
    )

    def prepared() -> RunSession:
        session = session_with_plan()
        for cell in spilled:
            session.states[cell] = CellRunState(status="queued", full_output=f"/spill/{cell}")
        return session

    one_by_one = prepared()
    obsolete_one: list[str] = []
    for step in quiet:
        changes = one_by_one.apply(
            StepEnded(
                1, step.cell_id, step.status, 10.0, step.duration_ms, None, step.blocked_by,
                unannounced=step.status == "success",
            )
        )  # fmt: skip
        obsolete_one += changes.obsolete_files
    batched = prepared()
    changes = batched.apply(StepsEnded(1, 10.0, quiet))  # type: ignore[arg-type]
    assert batched.states == one_by_one.states
    assert batched.kernel_names == one_by_one.kernel_names
    assert changes.obsolete_files == obsolete_one
    assert batched.active is not None and one_by_one.active is not None
    assert batched.active.finished == one_by_one.active.finished
    assert batched.active.running is None and one_by_one.active.running is None
    assert batched.apply(PlanEnded(1)).plan_done

"""A plan's frame is written from parts (the JSON text of each full step, kept per step
object, and runs of references): it must say exactly what encoding the whole message says."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from kernel_worker import protocol as p

TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=12)
STEPS = st.lists(
    st.tuples(
        st.integers(0, 5),  # which cell
        TEXT,  # its code
        st.booleans(),  # sent as a reference (if the worker has it)
    ),
    max_size=12,
)


def _step(cell: int, code: str) -> p.Step:
    return p.Step(f"c{cell}", "python", code, f"cell {cell} “{code[:3]}”", (), (), None, (), False)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(STEPS, st.booleans()), min_size=1, max_size=4), st.lists(TEXT, max_size=3)
)
def test_plans_written_from_parts_decode_as_the_plans_sent(
    plans: list[tuple[list[tuple[int, str, bool]], bool]], delete_names: list[str]
) -> None:
    """Over several plans (references to steps the worker has, new and changed steps, any
    text, a new worker now and then that has none of them), each frame decodes to the plan
    as the worker must see it, and the steps the worker is known to have are the last sent."""
    nonce = p.new_nonce()
    known: dict[str, p.Step] = {}
    texts = p.StepTexts()
    worker = p.KnownSteps()
    last: dict[str, p.Step] = {}
    for number, (plan_steps, restarted) in enumerate(plans, start=1):
        if restarted:  # a new worker: the texts are kept, the steps it has are none
            known, worker = {}, p.KnownSteps()
        steps: list[p.Step] = []
        for cell, code, again in plan_steps:
            previous = last.get(f"c{cell}")
            step = previous if again and previous is not None else _step(cell, code)
            last[step.cell_id] = step
            steps.append(step)
        plan = p.RunPlan(number, tuple(steps), tuple(delete_names), ())
        frame = p.encode_plan(plan, nonce, known, texts)
        body = frame[p.HEADER_BYTES :]
        whole = json.loads(p.encode(plan, nonce)[p.HEADER_BYTES :])
        sent = json.loads(body)
        assert sent.keys() == whole.keys()
        assert {k: v for k, v in sent.items() if k != "steps"} == {
            k: v for k, v in whole.items() if k != "steps"
        }
        received = worker.resolve(p.decode_frame_body(body, p.check_header(frame, nonce)[1]))
        assert received == plan
        newest = {step.cell_id: step for step in steps}  # a cell may be in a plan twice
        assert all(known[cell_id] is step for cell_id, step in newest.items())

"""Batched step results reach observers once per batch (issue 15): a plan's queued cells are
one event, a batch of brief quiet steps is one event with every cell it changed."""

from __future__ import annotations

import asyncio

from app.coordinator.coordinator import Coordinator
from app.coordinator.events import (
    CellStateChanged,
    CellStatesChanged,
    CoordinatorEvent,
    cell_states,
)
from kernel_worker import protocol as p
from tests.coordinator.fake_kernel import FakeKernel, Outcome

FAN = 200


async def fan_notebook(kernel: FakeKernel) -> tuple[Coordinator, list[str]]:
    c = Coordinator(kernel)
    c.new(None)
    await c.set_mode("lazy")
    ids = [await c.add_cell("python", code="x = 0")]
    ids += [await c.add_cell("python", code=f"y_{i} = x + {i}") for i in range(FAN)]
    await c.set_mode("autorun")
    return c, ids


def test_a_batch_of_quiet_steps_is_one_observer_call_with_every_cell() -> None:
    async def body() -> None:
        kernel = FakeKernel()
        c, ids = await fan_notebook(kernel)
        await c.run_all()
        events: list[CoordinatorEvent] = []
        c.subscribe(events.append)
        kernel.sent.clear()
        await c.update_cell(ids[0], "x = 1")  # the whole fan runs again, quietly

        batches = [e for e in kernel.sent if isinstance(e, p.StepsFinished)]
        assert len(batches) == 1 and len(batches[0].steps) == FAN + 1
        state_events = [e for e in events if cell_states(e)]
        # One event when the plan is queued, one when its batch of steps ended.
        assert [type(e) for e in state_events] == [CellStatesChanged, CellStatesChanged]
        queued, ended = state_events
        assert isinstance(queued, CellStatesChanged) and isinstance(ended, CellStatesChanged)
        assert set(queued.states) == set(ids) and {s.status for s in queued.states.values()} == {
            "queued"
        }
        assert list(ended.states) == ids
        assert {s.status for s in ended.states.values()} == {"success"}
        assert all(c.states[i] is ended.states[i] for i in ids)

    asyncio.run(body())


def test_output_failures_and_blocked_cells_keep_their_order_around_batches() -> None:
    async def body() -> None:
        kernel = FakeKernel(
            script={
                "b = a": Outcome(stdout="hello\n"),
                "c = b": Outcome(status="error"),
            }
        )
        c = Coordinator(kernel)
        c.new(None)
        await c.set_mode("lazy")
        codes = ["a = 1", "b = a", "c = b", "d = c", "e = d", "f = 0"]
        ids = [await c.add_cell("python", code=code) for code in codes]
        await c.set_mode("autorun")
        await c.start_kernel()
        events: list[CoordinatorEvent] = []
        c.subscribe(events.append)
        kernel.sent.clear()
        await c.run_all()

        kinds = [type(e).__name__ for e in kernel.sent]
        assert kinds == [
            "StepsFinished",  # a
            "StepStarted",  # b, with output
            "StreamOutput",
            "StepFinished",
            "StepFinished",  # c fails: a frame of its own, unannounced
            "StepsFinished",  # d, e blocked, f quiet
            "PlanFinished",
        ]
        statuses = [c.states[i].status for i in ids]
        assert statuses == ["success", "success", "error", "blocked", "blocked", "success"]
        single = [e for e in events if isinstance(e, CellStateChanged)]
        assert [e.cell_id for e in single if e.appended is not None] == [ids[1]]
        last = [e for e in events if isinstance(e, CellStatesChanged)][-1]
        assert list(last.states) == ids[3:]

    asyncio.run(body())


def test_an_interrupt_reports_the_steps_not_run_in_one_event() -> None:
    async def body() -> None:
        kernel = FakeKernel(script={"import time": Outcome(hang=True)})
        c = Coordinator(kernel)
        c.new(None)
        await c.set_mode("lazy")
        ids = [await c.add_cell("python", code=code) for code in ("import time", "u = 1", "v = 2")]
        events: list[CoordinatorEvent] = []
        c.subscribe(events.append)
        running = asyncio.ensure_future(c.run_all())
        async with asyncio.timeout(10):
            while c.states[ids[0]].status != "running":
                await asyncio.sleep(0)
        await c.interrupt()
        await running
        not_run = [e for e in events if isinstance(e, CellStatesChanged)][-1]
        assert list(not_run.states) == ids[1:]
        assert {s.status for s in not_run.states.values()} == {"stale"}
        assert c.states[ids[0]].status == "interrupted"

    asyncio.run(body())

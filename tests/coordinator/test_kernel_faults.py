"""The coordinator's side of a kernel that user code misbehaves in (fake kernel, no process):
interrupts that get no answer, late output of threads, capped outputs, a corrupt stream."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

from app.coordinator import runner as runner_module
from app.coordinator.coordinator import Coordinator
from app.coordinator.events import CoordinatorEvent, Notice
from app.coordinator.kernel import CORRUPTED_MESSAGE, KernelExited
from app.coordinator.runner import INTERRUPT_UNANSWERED
from kernel_worker import protocol as p
from tests.coordinator.fake_kernel import FakeKernel, Outcome


def run(coro_factory: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(coro_factory())


async def notebook(kernel: FakeKernel, *codes: str) -> tuple[Coordinator, list[str]]:
    coordinator = Coordinator(kernel)
    coordinator.new(None)
    await coordinator.set_mode("lazy")
    ids = [await coordinator.add_cell("python", code=code) for code in codes]
    await coordinator.set_mode("autorun")
    return coordinator, ids


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.005)


def notices(events: list[CoordinatorEvent]) -> list[str]:
    return [e.message for e in events if isinstance(e, Notice)]


# -- 9. an interrupt the cell ignores -------------------------------------------------------------


def test_an_unanswered_interrupt_is_reported_and_the_next_one_would_restart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runner_module, "INTERRUPT_FEEDBACK_S", 0.01)

    async def body() -> None:
        kernel = FakeKernel(script={"ignore_sigint()": Outcome(hang=True)})
        kernel.interrupt = lambda: None  # type: ignore[method-assign]  # the cell ignores it
        c, _ = await notebook(kernel, "ignore_sigint()")
        events: list[CoordinatorEvent] = []
        c.subscribe(events.append)
        task = asyncio.ensure_future(c.run_all())
        await until(lambda: c.kernel_status == "busy")
        assert not c.interrupt_restarts
        await c.interrupt()
        await until(lambda: INTERRUPT_UNANSWERED in notices(events))
        assert c.interrupt_restarts
        assert kernel.starts == 1
        await c.interrupt()  # the second one restarts (the window asks before calling it)
        await task
        assert kernel.starts == 2
        assert not c.interrupt_restarts

    run(body)


def test_an_answered_interrupt_says_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner_module, "INTERRUPT_FEEDBACK_S", 0.0)

    async def body() -> None:
        kernel = FakeKernel(script={"loop()": Outcome(hang=True)})
        c, (a,) = await notebook(kernel, "loop()")
        events: list[CoordinatorEvent] = []
        c.subscribe(events.append)
        task = asyncio.ensure_future(c.run_all())
        await until(lambda: c.kernel_status == "busy")
        await c.interrupt()
        await task
        for _ in range(3):  # let the (zero-delay) check run: it finds the plan done
            await asyncio.sleep(0)
        assert c.states[a].status == "interrupted"
        assert INTERRUPT_UNANSWERED not in notices(events)

    run(body)


# -- 4. late output of a thread -------------------------------------------------------------------


def test_late_output_goes_to_the_cell_that_started_the_thread_until_it_reruns() -> None:
    async def body() -> None:
        kernel = FakeKernel()
        c, (a, b) = await notebook(kernel, "start_thread()", "other = 1")
        events: list[CoordinatorEvent] = []
        c.subscribe(events.append)
        await c.run_cell(a)
        first_plan = kernel.plans[-1].plan_id
        await c.run_cell(b)
        kernel._emit(p.StreamOutput(first_plan, a, "stdout", "late\n"))
        assert c.states[a].text("stdout") == "late\n"
        assert c.states[b].text("stdout") == ""
        await c.run_cell(a)  # a new run of a: its old thread's output no longer belongs
        kernel._emit(p.StreamOutput(first_plan, a, "stdout", "later\n"))
        kernel._emit(p.StreamOutput(first_plan, a, "stdout", "and later\n"))
        assert c.states[a].text("stdout") == ""
        dropped = [n for n in notices(events) if "earlier run was dropped" in n]
        assert len(dropped) == 1  # told once per run, not per line

    run(body)


# -- 5. capped output ---------------------------------------------------------------------------


def test_skipped_output_replaces_what_was_held_and_the_file_goes_with_the_next_run(
    tmp_path: Path,
) -> None:
    full = tmp_path / "cascade-output-test.txt"
    full.write_text("everything")

    async def body() -> None:
        kernel = FakeKernel()
        c, (a,) = await notebook(kernel, "chatty()")
        await c.run_cell(a)
        plan = kernel.plans[-1].plan_id
        kernel._emit(p.StreamOutput(plan, a, "stdout", "head\n"))
        kernel._emit(p.StreamOutput(plan, a, "stdout", "tail\n", 1000, str(full)))
        state = c.states[a]
        assert state.text("stdout") == "tail\n"
        assert state.omitted_chars == len("head\n") + 1000
        assert state.full_output == str(full)
        await c.run_cell(a)
        assert not full.exists()  # the run it held in full was replaced

    run(body)


# -- 2. a corrupt stream ---------------------------------------------------------------------------


def test_a_corrupt_stream_is_reported_on_the_cell_and_the_kernel_restarts() -> None:
    async def body() -> None:
        kernel = FakeKernel(script={"forge()": Outcome(hang=True)})
        c, (a,) = await notebook(kernel, "forge()")
        events: list[CoordinatorEvent] = []
        c.subscribe(events.append)
        task = asyncio.ensure_future(c.run_all())
        await until(lambda: c.kernel_status == "busy")
        kernel._running = False
        kernel._emit(
            KernelExited(exit_code=None, signal=9, expected=False, corrupted="bad frame header")
        )
        await task
        state = c.states[a]
        assert state.status == "error"
        assert state.error is not None and CORRUPTED_MESSAGE in state.error.evalue
        assert any(CORRUPTED_MESSAGE in n for n in notices(events))
        await until(lambda: c.kernel_status == "idle")
        assert kernel.starts == 2

    run(body)

"""The kernel connection contract, met by both connections (QProcess for the window, asyncio
headless): start and handshake, events in order, interrupt, kill, shutdown, a worker that
dies or corrupts its stream, and processes a cell started ending with their kernel."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.coordinator.kernel import KernelConnection, KernelEvent, KernelExited, KernelStartError
from kernel_worker import protocol as p
from tests.kernel_worker.worker_client import process_gone

pytestmark = pytest.mark.slow
BOTH_CONNECTIONS = True
Run = Callable[..., Any]


class Kernel:
    """A connection of the test's kind with every event it delivered."""

    def __init__(self, connection: KernelConnection) -> None:
        self.connection = connection
        self.events: list[KernelEvent] = []
        connection.set_handler(self.events.append)
        self._plans = 0

    def run(self, *codes: str) -> int:
        self._plans += 1
        steps = tuple(p.Step(f"c{i}", "python", code) for i, code in enumerate(codes))
        self.connection.send(p.RunPlan(self._plans, steps))
        return self._plans

    async def until(self, condition: Callable[[], bool], timeout: float = 30.0) -> None:
        async with asyncio.timeout(timeout):
            while not condition():
                await asyncio.sleep(0.005)

    async def plan_finished(self, plan_id: int) -> None:
        await self.until(
            lambda: any(isinstance(e, p.PlanFinished) and e.plan_id == plan_id for e in self.events)
        )

    def exits(self) -> list[KernelExited]:
        return [e for e in self.events if isinstance(e, KernelExited)]

    def displayed(self) -> list[str]:
        return [e.data["text/plain"] for e in self.events if isinstance(e, p.DisplayData)]


@pytest.fixture
def kernel(
    make_kernel: Callable[..., KernelConnection], tmp_path: Path, arun: Run
) -> Iterator[Kernel]:
    k = Kernel(make_kernel(cwd=tmp_path))
    yield k
    arun(k.connection.shutdown())


def test_start_says_ready_and_the_worker_leads_its_group(kernel: Kernel, arun: Run) -> None:
    ready = arun(kernel.connection.start())
    assert ready.protocol_version == p.PROTOCOL_VERSION
    assert kernel.connection.is_running
    assert os.getpgid(ready.pid) == ready.pid
    assert kernel.events[0] == ready


def test_a_plans_events_arrive_in_order(kernel: Kernel, arun: Run, tmp_path: Path) -> None:
    async def body() -> None:
        await kernel.connection.start()
        plan = kernel.run("a = 1", "b = 2", "print('hi')\nimport os\nos.getcwd()", "a + b")
        await kernel.plan_finished(plan)

    arun(body())
    ends = []
    for event in kernel.events:
        if isinstance(event, p.StepsFinished):
            ends += [s.cell_id for s in event.steps]
        elif isinstance(event, p.StepFinished):
            ends.append(event.cell_id)
    assert ends == ["c0", "c1", "c2", "c3"]
    assert kernel.displayed() == [repr(str(tmp_path)), "3"]
    assert any(isinstance(e, p.StreamOutput) and e.text == "hi\n" for e in kernel.events)


def test_interrupt_stops_the_running_cell(kernel: Kernel, arun: Run) -> None:
    async def body() -> None:
        await kernel.connection.start()
        plan = kernel.run("import time\ntime.sleep(60)")
        await kernel.until(lambda: any(isinstance(e, p.StepStarted) for e in kernel.events))
        kernel.connection.interrupt()
        await kernel.plan_finished(plan)

    arun(body())
    (end,) = [e for e in kernel.events if isinstance(e, p.StepFinished)]
    assert end.status == "interrupted"
    assert kernel.connection.is_running


_SPAWN = "import subprocess\nsubprocess.Popen(['sleep', '300']).pid"


@pytest.mark.parametrize("how", ["kill", "shutdown", "dies"])
def test_the_worker_and_what_it_started_end_together(kernel: Kernel, arun: Run, how: str) -> None:
    async def body() -> tuple[int, int]:
        ready = await kernel.connection.start()
        await kernel.plan_finished(kernel.run(_SPAWN))
        child = int(kernel.displayed()[-1])
        assert not process_gone(child)
        if how == "kill":
            kernel.connection.kill()
            # Like QProcess's waitForFinished: reported before kill() returns.
            assert [e.expected for e in kernel.exits()] == [True]
            assert not kernel.connection.is_running
        elif how == "shutdown":
            await kernel.connection.shutdown()
        else:
            kernel.run("import os\nos._exit(3)")
            await kernel.until(lambda: bool(kernel.exits()))
        await kernel.until(lambda: process_gone(child) and process_gone(ready.pid))
        return ready.pid, child

    arun(body())
    (end,) = kernel.exits()
    assert not kernel.connection.is_running
    if how == "dies":
        assert (end.expected, end.exit_code) == (False, 3)
    else:
        assert end.expected


def test_kill_then_start_gives_a_fresh_worker(kernel: Kernel, arun: Run) -> None:
    async def body() -> None:
        first = await kernel.connection.start()
        await kernel.plan_finished(kernel.run("x = 1"))
        kernel.connection.kill()
        second = await kernel.connection.start()
        assert second.pid != first.pid
        await kernel.plan_finished(kernel.run("'x' in globals()"))
        await asyncio.sleep(0)  # a late end of the old worker must not be reported now

    arun(body())
    assert kernel.displayed() == ["False"]
    assert len(kernel.exits()) == 1
    assert kernel.connection.is_running


def test_a_corrupted_stream_kills_the_worker_and_says_why(kernel: Kernel, arun: Run) -> None:
    fds = "sorted(int(fd) for fd in os.listdir('/proc/self/fd'))"
    evil = f"import os\nfor fd in {fds}:\n    try:\n        os.write(fd, b'garbage!')\n    except OSError:\n        pass"

    async def body() -> int:
        ready = await kernel.connection.start()
        kernel.run(evil)
        await kernel.until(lambda: bool(kernel.exits()))
        return int(ready.pid)

    pid = arun(body())
    (end,) = kernel.exits()
    assert end.corrupted and not end.expected
    assert process_gone(pid)
    assert not kernel.connection.is_running


def test_an_interpreter_that_does_not_exist_cannot_start(
    make_kernel: Callable[..., KernelConnection], arun: Run, tmp_path: Path
) -> None:
    connection = make_kernel(cwd=tmp_path, python=str(tmp_path / "nope" / "python3"))
    with pytest.raises(KernelStartError, match="could not start"):
        arun(connection.start())
    assert not connection.is_running


def test_an_interpreter_that_fails_says_what_it_wrote(
    make_kernel: Callable[..., KernelConnection], arun: Run, tmp_path: Path
) -> None:
    fake = tmp_path / "python3"
    fake.write_text("#!/bin/sh\necho 'this is not Python' >&2\nexit 4\n")
    fake.chmod(0o755)
    connection = make_kernel(cwd=tmp_path, python=str(fake))
    with pytest.raises(KernelStartError, match=r"exit code 4 \(this is not Python\)"):
        arun(connection.start())
    assert not connection.is_running


def _until_file(path: Path, timeout: float = 30.0) -> bool:
    """Wait for ``path`` without giving the event loop a turn (the loop is busy meanwhile)."""
    import time

    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


#: A cell whose plan is a large frame (the QProcess connection writes those at once).
BIG_CELL = "open('ran', 'w').close()\n#" + "x" * 100_000


def test_a_large_request_reaches_the_worker_before_the_loop_runs_again(
    kernel: Kernel, arun: Run, tmp_path: Path
) -> None:
    """``send`` hands a large frame to the worker at once: a big plan runs while the
    coordinator is still busy folding and announcing its queued states (the QProcess
    connection used to write only when the loop next ran)."""

    async def body() -> bool:
        await kernel.connection.start()
        plan = kernel.run(BIG_CELL)
        arrived = _until_file(tmp_path / "ran")  # no await: the loop does not run meanwhile
        await kernel.plan_finished(plan)
        return arrived

    assert arun(body())

"""Brief quiet steps share frames (protocol v3, ``StepsFinished``): the writer's batching with
a scripted clock, then the real worker — every step reported once, in plan order, never
behind a frame of a later step."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest

from kernel_worker import protocol as p
from kernel_worker import transport
from kernel_worker.transport import BATCH_INTERVAL_S, BATCH_MAX_STEPS, FrameWriter
from tests.kernel_worker.worker_client import WorkerClient, finished, stream_text

NONCE = bytes.fromhex("00112233445566ff")


class Clock:
    """``time.monotonic`` for the writer, moved by the test."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(transport.time, "monotonic", fake)
    return fake


@pytest.fixture
def sink() -> Iterator[tuple[FrameWriter, list[int]]]:
    """A writer into a temporary file, and the list its batch-begun hook appends to."""
    with tempfile.TemporaryFile() as file:
        writer = FrameWriter(os.dup(file.fileno()), NONCE)
        begun: list[int] = []
        writer.on_batch_begun = lambda: begun.append(1)
        yield writer, begun
        os.close(writer._fd)


def frames(writer: FrameWriter) -> list[p.Message]:
    os.lseek(writer._fd, 0, os.SEEK_SET)
    data = b""
    while chunk := os.read(writer._fd, 1 << 20):
        data += chunk
    return p.FrameDecoder(NONCE).feed(data)


def quiet(i: int) -> p.StepResult:
    return p.StepResult(f"c{i}", "success", 0.001)


def test_steps_within_the_interval_share_one_frame(
    sink: tuple[FrameWriter, list[int]], clock: Clock
) -> None:
    writer, begun = sink
    for i in range(1000):
        writer.add_quiet_step(1, quiet(i))
    assert frames(writer) == []  # nothing is due yet
    writer.flush_batch()
    assert frames(writer) == [p.StepsFinished(1, tuple(quiet(i) for i in range(1000)))]
    assert len(begun) == 1


def test_a_batch_goes_out_once_its_oldest_step_has_waited_the_interval(
    sink: tuple[FrameWriter, list[int]], clock: Clock
) -> None:
    writer, begun = sink
    steps = 1000
    for i in range(steps):
        writer.add_quiet_step(1, quiet(i))
        clock.now += BATCH_INTERVAL_S / 5  # five steps per interval
    writer.flush_batch()
    sent = frames(writer)
    assert all(isinstance(m, p.StepsFinished) for m in sent)
    assert len(sent) <= steps // 5
    assert [s for m in sent for s in m.steps] == [quiet(i) for i in range(steps)]  # type: ignore[union-attr]
    assert len(begun) == len(sent)


def test_any_other_frame_goes_after_the_pending_batch(
    sink: tuple[FrameWriter, list[int]], clock: Clock
) -> None:
    writer, _ = sink
    writer.add_quiet_step(4, quiet(1))
    writer.add_quiet_step(4, quiet(2))
    writer.send(p.StepStarted(4, "c3"))
    writer.send(p.PlanFinished(4))
    assert frames(writer) == [
        p.StepsFinished(4, (quiet(1), quiet(2))),
        p.StepStarted(4, "c3"),
        p.PlanFinished(4),
    ]


def test_a_batch_is_bounded_in_size(sink: tuple[FrameWriter, list[int]], clock: Clock) -> None:
    writer, _ = sink
    for i in range(BATCH_MAX_STEPS + 1):
        writer.add_quiet_step(1, quiet(i))
    writer.flush_batch()
    assert [len(m.steps) for m in frames(writer)] == [BATCH_MAX_STEPS, 1]  # type: ignore[union-attr]


# -- the real worker ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def worker() -> Iterator[WorkerClient]:
    client = WorkerClient()
    yield client
    client.close()


def run_steps(worker: WorkerClient, plan_id: int, *steps: p.Step) -> list[p.Message]:
    worker.send(p.RunPlan(plan_id, steps))
    return worker.read_until(p.PlanFinished)


def ends_in_order(messages: list[p.Message]) -> list[str]:
    """The cells in the order their ends arrived (batch entries in their order)."""
    order: list[str] = []
    for m in messages:
        if isinstance(m, p.StepFinished):
            order.append(m.cell_id)
        elif isinstance(m, p.StepsFinished):
            order.extend(s.cell_id for s in m.steps)
    return order


@pytest.mark.slow
def test_many_quiet_steps_take_fewer_frames_than_steps(worker: WorkerClient) -> None:
    count = 300
    steps = [p.Step(f"q{i}", "python", f"q_{i} = {i}") for i in range(count)]
    messages = run_steps(worker, 101, *steps)
    batches = [m for m in messages if isinstance(m, p.StepsFinished)]
    assert ends_in_order(messages) == [s.cell_id for s in steps]
    assert len(batches) < count
    assert not any(isinstance(m, p.StepFinished | p.StepStarted) for m in messages)
    assert {s.status for b in batches for s in b.steps} == {"success"}


@pytest.mark.slow
def test_output_errors_and_blocked_steps_keep_plan_order(worker: WorkerClient) -> None:
    steps = (
        p.Step("a", "python", "a = 1"),
        p.Step("b", "python", "b = 2"),
        p.Step("say", "python", "print('hello')"),
        p.Step("c", "python", "c = 3"),
        p.Step("bad", "python", "1 / 0"),
        p.Step("d", "python", "d = 4", depends_on=("bad",)),
        p.Step("e", "python", "e = 5", depends_on=("d",)),
        p.Step("f", "python", "f = 6"),
    )
    messages = run_steps(worker, 102, *steps)
    assert ends_in_order(messages) == [s.cell_id for s in steps]
    kinds = [type(m).__name__ for m in messages]
    # (a batch may be cut in two when the worker is descheduled: count consecutive ones once)
    kinds = [k for i, k in enumerate(kinds) if i == 0 or k != kinds[i - 1] or k != "StepsFinished"]
    # a, b batched; 'say' announced with its output; c batched before the failure's frame;
    # d and e blocked and f quiet: batched together at the end.
    assert kinds == [
        "StepsFinished",
        "StepStarted",
        "StreamOutput",
        "StepFinished",
        "StepsFinished",
        "StepFinished",
        "StepsFinished",
        "PlanFinished",
    ]
    assert stream_text(messages, "say") == "hello\n"
    ends = finished(messages)
    assert ends["bad"].status == "error" and ends["bad"].error is not None
    assert ends["bad"].unannounced  # a brief failure still costs one frame, not two
    assert (ends["d"].status, ends["d"].blocked_by) == ("blocked", ("bad",))
    assert (ends["e"].status, ends["e"].blocked_by) == ("blocked", ("d",))
    assert ends["f"].status == "success"


@pytest.mark.slow
def test_a_long_step_does_not_hold_back_the_batch_before_it(worker: WorkerClient) -> None:
    steps = (
        p.Step("x", "python", "x = 1"),
        p.Step("wait", "python", "import time\ntime.sleep(60)"),
        p.Step("y", "python", "y = 2"),
    )
    worker.send(p.RunPlan(103, steps))
    early = worker.read_until(p.StepsFinished)
    assert ends_in_order(early) == ["x"]
    worker.interrupt()
    rest = worker.read_until(p.PlanFinished)
    ends = finished(rest)
    assert ends["wait"].status == "interrupted"
    assert ends["y"].status == "not_run"
    assert any(isinstance(m, p.StepsFinished) and m.steps[0].cell_id == "y" for m in rest)

"""A re-run sends the steps the worker already has as references (protocol v10): the real
worker runs the steps it received before, and refuses a reference to one it never got."""

from __future__ import annotations

from kernel_worker import protocol as p
from tests.kernel_worker.worker_client import WorkerClient, displays


def _send_plan(worker: WorkerClient, plan: p.RunPlan, known: dict[str, p.Step]) -> None:
    """Send ``plan`` as the app does (steps the worker has as references)."""
    assert worker.process.stdin is not None
    worker.process.stdin.write(p.encode_plan(plan, worker.nonce, known))
    worker.process.stdin.flush()


def test_a_re_run_sent_as_references_runs_the_steps_received_before() -> None:
    """Version 10: unchanged steps travel as their cell ids; an edited one in full."""
    worker = WorkerClient()
    try:
        known: dict[str, p.Step] = {}
        a = p.Step("a", "python", "x = 1", "cell 1")
        b = p.Step("b", "python", "x + 1", "cell 2", ("a",))
        _send_plan(worker, p.RunPlan(1, (a, b)), known)
        assert displays(worker.read_until(p.PlanFinished), "b") == [{"text/plain": "2"}]
        edited = p.Step("a", "python", "x = 41", "cell 1")
        _send_plan(worker, p.RunPlan(2, (edited, b), ("x",)), known)
        assert displays(worker.read_until(p.PlanFinished), "b") == [{"text/plain": "42"}]
        _send_plan(worker, p.RunPlan(3, (b,)), known)
        assert displays(worker.read_until(p.PlanFinished), "b") == [{"text/plain": "42"}]
    finally:
        worker.close()


def test_a_reference_to_a_step_the_worker_never_got_ends_it_as_corrupted() -> None:
    from kernel_worker.main import EXIT_CORRUPT_REQUESTS

    worker = WorkerClient()
    try:
        _send_plan(worker, p.RunPlan(1, (p.StepRef("nowhere"),)), {})
        (log,) = [m for m in worker.read_until(p.WorkerLog) if isinstance(m, p.WorkerLog)]
        assert "never sent" in log.message
        assert worker.process.wait(30) == EXIT_CORRUPT_REQUESTS
    finally:
        worker.close()

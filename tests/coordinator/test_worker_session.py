"""A worker session encodes a plan's steps that its worker already has as references
(protocol v10), and never across workers: each session starts knowing nothing."""

from __future__ import annotations

import asyncio

import pytest

from app.coordinator import worker_session
from app.coordinator.worker_session import WorkerSession
from kernel_worker import protocol as p

NONCE = bytes.fromhex("0011223344556677")


def _plan(frame: bytes) -> p.RunPlan:
    (message,) = p.FrameDecoder(NONCE).feed(frame)
    assert isinstance(message, p.RunPlan)
    return message


def test_a_step_is_sent_once_then_referred_to_and_again_in_full_to_a_new_worker() -> None:
    async def body() -> None:
        a = p.Step("a", "python", "x = 1", "cell 1")
        b = p.Step("b", "python", "x + 1", "cell 2", ("a",))
        session = WorkerSession(NONCE, lambda event: None)
        assert _plan(session.encode(p.RunPlan(1, (a, b)))).steps == (a, b)
        again = session.encode(p.RunPlan(2, (a, b)))
        assert _plan(again).steps == (p.StepRef("a"), p.StepRef("b"))
        assert b"x = 1" not in again
        fresh = WorkerSession(NONCE, lambda event: None)  # a restarted kernel
        assert _plan(fresh.encode(p.RunPlan(3, (a, b)))).steps == (a, b)

    asyncio.run(body())


def test_forgetting_sent_steps_only_sends_them_in_full_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def body() -> None:
        steps = tuple(p.Step(f"c{i}", "python", f"x_{i} = {i}") for i in range(5))
        session = WorkerSession(NONCE, lambda event: None)
        session.encode(p.RunPlan(1, steps))
        # Fewer kept than the plan holds: forgotten before the next plan is encoded.
        monkeypatch.setattr(worker_session, "SENT_STEPS_KEPT", 3)
        assert _plan(session.encode(p.RunPlan(2, steps))).steps == steps

    asyncio.run(body())

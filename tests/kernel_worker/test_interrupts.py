"""The SIGINT guard: an interrupt lands in user code on the main thread, never elsewhere."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator

import pytest

from kernel_worker import interrupts


@pytest.fixture
def guard() -> Iterator[None]:
    previous = signal.getsignal(signal.SIGINT)
    interrupts.reset()
    try:
        yield
    finally:
        interrupts.reset()
        signal.signal(signal.SIGINT, previous)


def _spin_until_interrupted() -> None:
    # The Python-level handler runs between bytecodes of the main thread.
    for _ in range(10_000_000):
        pass
    raise AssertionError("the interrupt was never delivered")


def test_an_interrupt_in_user_code_raises_there(guard: None) -> None:
    with pytest.raises(KeyboardInterrupt), interrupts.user_code():
        os.kill(os.getpid(), signal.SIGINT)
        _spin_until_interrupted()


def test_a_frame_written_by_another_thread_does_not_swallow_the_interrupt(guard: None) -> None:
    """The output flusher writes frames from its own thread: its deferred section must neither
    hold back the main thread's interrupt nor raise KeyboardInterrupt in the flusher."""
    inside = threading.Event()
    release = threading.Event()
    errors: list[BaseException] = []

    def flusher() -> None:
        try:
            with interrupts.deferred():
                inside.set()
                release.wait(10)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=flusher)
    thread.start()
    assert inside.wait(10)
    try:
        with pytest.raises(KeyboardInterrupt), interrupts.user_code():
            os.kill(os.getpid(), signal.SIGINT)
            _spin_until_interrupted()
    finally:
        release.set()
        thread.join(10)
    assert errors == []


def test_an_interrupt_during_a_main_thread_frame_is_raised_after_it(guard: None) -> None:
    with pytest.raises(KeyboardInterrupt), interrupts.user_code():
        with interrupts.deferred():
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(100_000):  # the handler runs here but must not raise
                pass
        _spin_until_interrupted()

"""SIGINT handling: a KeyboardInterrupt only ever lands inside user code.

The handler records every interrupt (so the rest of the plan is skipped) but raises only while
user code runs and no frame is being written; an interrupt that arrives in a deferred section
is raised when the section ends, if user code is still running.

Python runs signal handlers on the main thread only, so only the main thread's frames need the
guard: a frame written by another thread (the output flusher) must neither hold back the main
thread's interrupt nor raise KeyboardInterrupt in that thread.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class _State:
    requested = False  # an interrupt arrived during the current plan
    in_user_code = False
    raised = False  # the KeyboardInterrupt for this request was delivered
    deferred_depth = 0


state = _State()


def _handler(signum: int, frame: FrameType | None) -> None:
    state.requested = True
    if state.in_user_code and state.deferred_depth == 0 and not state.raised:
        state.raised = True
        raise KeyboardInterrupt


def install() -> None:
    signal.signal(signal.SIGINT, _handler)


def reset() -> None:
    """Forget interrupts of a finished plan; (re)claim SIGINT in case user code took it."""
    state.requested = False
    state.raised = False
    state.in_user_code = False
    install()


@contextmanager
def deferred() -> Iterator[None]:
    """Hold an interrupt back while the main thread writes a frame (no-op on other threads)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    state.deferred_depth += 1
    try:
        yield
    finally:
        state.deferred_depth -= 1
        if (
            state.deferred_depth == 0
            and state.requested
            and state.in_user_code
            and not state.raised
        ):
            state.raised = True
            raise KeyboardInterrupt


@contextmanager
def user_code() -> Iterator[None]:
    """Mark the body as user code: an interrupt raises KeyboardInterrupt inside it."""
    state.in_user_code = True
    try:
        if state.requested and not state.raised:
            state.raised = True
            raise KeyboardInterrupt
        yield
    finally:
        state.in_user_code = False

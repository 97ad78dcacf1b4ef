"""SIGINT handling: a KeyboardInterrupt only ever lands inside user code.

The handler records every interrupt (so the rest of the plan is skipped) but raises only while
user code runs and no frame is being written; an interrupt that arrives in a deferred section
is raised when the section ends, if user code is still running.

A Python signal handler only runs when the main thread gets back to Python bytecode, which a
database driver blocked in C (a long SQLite query) does not do. So the C-level handler also
writes the signal number to a wake-up pipe (``signal.set_wakeup_fd``), and a watcher thread
calls the *canceller* registered for the running statement (``sqlite3.Connection.interrupt``,
psycopg's cancel): the driver returns with an error, and the interrupt is raised then.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

from kernel_worker import forks
from kernel_worker.fds import private_pipe


class _State:
    requested = False  # an interrupt arrived during the current plan
    in_user_code = False
    raised = False  # the KeyboardInterrupt for this request was delivered
    deferred_depth = 0
    #: Stops the statement the main thread is blocked in (set by :func:`cancellable`).
    canceller: Callable[[], None] | None = None


state = _State()
_wakeup_write = -1


def _handler(signum: int, frame: FrameType | None) -> None:
    state.requested = True
    if state.in_user_code and state.deferred_depth == 0 and not state.raised:
        state.raised = True
        raise KeyboardInterrupt


def install() -> None:
    """Claim SIGINT (again, in case user code took it) and its wake-up pipe."""
    signal.signal(signal.SIGINT, _handler)
    if _wakeup_write >= 0:
        # ValueError: not the main thread; OSError: user code closed the fd.
        with contextlib.suppress(ValueError, OSError):
            signal.set_wakeup_fd(_wakeup_write, warn_on_full_buffer=False)


def start_watcher() -> None:
    """Create the wake-up pipe and the thread that cancels blocked statements on SIGINT."""
    global _wakeup_write
    read_end, write_end = private_pipe()
    os.set_blocking(write_end, False)  # set_wakeup_fd requires it
    _wakeup_write = write_end
    install()

    def watch() -> None:
        while True:
            try:
                data = os.read(read_end, 64)
            except InterruptedError:
                continue
            except OSError:
                return
            if not data:
                return
            if signal.SIGINT in data:
                _cancel_while_requested(read_end)

    threading.Thread(target=watch, name="interrupt-watch", daemon=True).start()


#: How often a cancel is repeated while the interrupted statement has not ended.
CANCEL_RETRY_S = 0.1


def _cancel_while_requested(read_end: int) -> None:
    """Cancel the running statement, and again until it has ended: a cancel that lands just
    before the driver starts the statement does nothing (SQLite's interrupt, PostgreSQL's
    cancel only stop what runs), so it is repeated while a statement is in progress."""
    poller = select.poll()
    poller.register(read_end, select.POLLIN)
    while True:
        cancel_running()
        if not (state.requested and state.canceller is not None):
            return
        if poller.poll(CANCEL_RETRY_S * 1000):
            with contextlib.suppress(OSError):
                os.read(read_end, 64)  # more signals: the loop goes on either way


def cancel_running() -> None:
    """Ask the driver to stop the statement the main thread is blocked in, if any."""
    canceller = state.canceller
    if canceller is not None:
        # The statement may have ended meanwhile, or the driver cannot cancel: SIGINT remains.
        with contextlib.suppress(Exception):
            canceller()


def reset() -> None:
    """Forget interrupts of a finished plan; (re)claim SIGINT in case user code took it."""
    state.requested = False
    state.raised = False
    state.in_user_code = False
    state.canceller = None
    install()


_main_ident = threading.main_thread().ident


@contextmanager
def deferred() -> Iterator[None]:
    """Hold back a KeyboardInterrupt in the main thread until the body is done. Other threads
    (the output flusher) are never interrupted: for them this does nothing, or their frame
    would end by raising the main thread's interrupt in the wrong thread."""
    if threading.get_ident() != _main_ident:
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
def cancellable(canceller: Callable[[], None]) -> Iterator[None]:
    """Run a blocking driver call that SIGINT stops through ``canceller``; the interrupt is
    raised (as KeyboardInterrupt) once the call has returned or failed, not inside the driver."""
    state.canceller = canceller
    try:
        with deferred():
            if state.requested and state.in_user_code and not state.raised:
                state.raised = True  # interrupted before the call: do not start it
                raise KeyboardInterrupt
            yield
    finally:
        state.canceller = None


class _UserCode:
    """The context of :func:`user_code`: a class rather than a ``@contextmanager`` generator
    (a third of the cost; it is entered for every cell)."""

    __slots__ = ()

    def __enter__(self) -> None:
        state.in_user_code = True
        if state.requested and not state.raised:
            state.raised = True
            state.in_user_code = False
            raise KeyboardInterrupt

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, traceback: object
    ) -> None:
        try:
            if forks.in_child():
                forks.exit_child(exc)  # None when the body ended normally
        finally:
            state.in_user_code = False


_USER_CODE = _UserCode()


def user_code() -> _UserCode:
    """Mark the body as user code: an interrupt raises KeyboardInterrupt inside it.

    A process forked inside the body is not the worker: when the body ends in that child, the
    child exits (:func:`kernel_worker.forks.exit_child`) instead of returning into the worker.
    """
    return _USER_CODE

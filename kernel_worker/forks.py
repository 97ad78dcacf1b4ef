"""Processes forked by user code are not the worker.

A cell may call ``os.fork()`` (directly, or through ``multiprocessing`` with the fork start
method). The child is a copy of the worker, main loop included; if the cell's code returned in
the child, the child would go on running the plan and answer the coordinator as a second worker.
So, in a child:

* the protocol channel is closed at once (``os.register_at_fork``) and never written;
* ``sys.stdout`` / ``sys.stderr`` write straight to fds 1 and 2 (the worker's capture pipes,
  so the output still shows under the running cell) instead of the worker's buffer;
* when the user code that forked returns or raises, the child exits with ``os._exit``
  (:func:`exit_child`, called by :func:`kernel_worker.interrupts.user_code`).

A fork made without Python's hooks (C code calling ``fork()``) is caught by the pid check.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable


class _State:
    #: Set in a child forked with Python's hooks (cheap to test on every write).
    forked = False


state = _State()
_worker_pid = os.getpid()
_in_child_hooks: list[Callable[[], None]] = []


def in_child() -> bool:
    """True in a process forked from the worker (never in the worker itself)."""
    return os.getpid() != _worker_pid


def install(*hooks: Callable[[], None]) -> None:
    """Run ``hooks`` in every child forked from now on (before any of its user code)."""
    global _worker_pid
    _worker_pid = os.getpid()
    if not _in_child_hooks:
        os.register_at_fork(after_in_child=_after_fork_in_child)
    _in_child_hooks.extend(hooks)


def _after_fork_in_child() -> None:
    state.forked = True
    for hook in _in_child_hooks:
        with contextlib.suppress(Exception):  # a hook must never stop the child
            hook()


def exit_child(exc: BaseException | None) -> None:
    """End a forked child whose user code has returned (``exc`` None) or raised."""
    code = 0
    if isinstance(exc, SystemExit):
        if exc.code is None:
            code = 0
        elif isinstance(exc.code, int):
            code = exc.code
        else:
            code = 1
            _write_stderr(f"{exc.code}\n")
    elif isinstance(exc, KeyboardInterrupt):
        code = 130
    elif exc is not None:
        import traceback  # only a forked child that failed needs it

        code = 1
        _write_stderr("".join(traceback.format_exception(exc)))
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def _write_stderr(text: str) -> None:
    with contextlib.suppress(OSError):
        os.write(2, text.encode("utf-8", "replace"))

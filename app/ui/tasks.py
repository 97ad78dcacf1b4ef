"""Start coordinator coroutines from Qt slots without losing their errors.

A slot cannot await; ``spawn`` schedules the coroutine on the running qasync loop, keeps a
reference until it finishes (so it is not garbage-collected mid-flight) and hands any
exception to a reporter instead of letting asyncio print it to nobody.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

_running: set[asyncio.Task[Any]] = set()
_reporter: Callable[[BaseException], None] | None = None


def set_error_reporter(reporter: Callable[[BaseException], None] | None) -> None:
    global _reporter
    _reporter = reporter


def spawn(coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
    task = asyncio.ensure_future(coro)
    _running.add(task)
    task.add_done_callback(_finished)
    return task


def _finished(task: asyncio.Task[Any]) -> None:
    _running.discard(task)
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        if _reporter is not None:
            _reporter(error)
        else:
            raise error


def pending() -> int:
    """How many coroutines spawned on the current loop have not finished (tests wait for 0)."""
    loop = asyncio.get_event_loop()
    return sum(1 for task in _running if task.get_loop() is loop and not task.done())

"""Running a test's coroutines to completion on one event loop (qasync's or plain asyncio's),
as the ``arun`` fixtures do."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import shiboken6


def running_on(loop: asyncio.AbstractEventLoop) -> Iterator[Callable[..., Any]]:
    """Yield ``run(awaitable, timeout=60)`` on ``loop`` (set as the current loop), then close
    it: the body of an ``arun`` fixture (``yield from running_on(loop)``)."""
    asyncio.set_event_loop(loop)

    def run(awaitable: Awaitable[Any], timeout: float = 60.0) -> Any:
        return loop.run_until_complete(asyncio.wait_for(awaitable, timeout))

    yield run
    close_loop(loop)


def close_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Close ``loop`` and, for a qasync loop, delete its Qt objects (its timer and its
    call-soon signaller) now, between tests. Left to the cyclic garbage collector, a closed
    loop's QObjects are deleted whenever a collection happens to run — possibly inside Qt's
    event dispatch, delivering to the very object being deleted: the rare segfault in
    ``processEvents`` that CI hit in the middle of later tests."""
    loop.close()
    asyncio.set_event_loop(None)
    for name in ("_timer", "_QEventLoop__call_soon_signaller"):
        qt_object = getattr(loop, name, None)
        if qt_object is not None and shiboken6.isValid(qt_object):
            shiboken6.delete(qt_object)

"""Running a test's coroutines to completion on one event loop (qasync's or plain asyncio's),
as the ``arun`` fixtures do."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Any


def running_on(loop: asyncio.AbstractEventLoop) -> Iterator[Callable[..., Any]]:
    """Yield ``run(awaitable, timeout=60)`` on ``loop`` (set as the current loop), then close
    it: the body of an ``arun`` fixture (``yield from running_on(loop)``)."""
    asyncio.set_event_loop(loop)

    def run(awaitable: Awaitable[Any], timeout: float = 60.0) -> Any:
        return loop.run_until_complete(asyncio.wait_for(awaitable, timeout))

    yield run
    loop.close()
    asyncio.set_event_loop(None)

"""Test-wide settings (Qt never needs a display) and the qasync loop fixture for tests that
drive the real coordinator."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def arun(qapp: Any) -> Iterator[Callable[..., Any]]:
    """Run a coroutine to completion on a qasync loop driven by the test's QApplication."""
    import qasync

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)

    def run(awaitable: Awaitable[Any], timeout: float = 60.0) -> Any:
        return loop.run_until_complete(asyncio.wait_for(awaitable, timeout))

    yield run
    loop.close()
    asyncio.set_event_loop(None)

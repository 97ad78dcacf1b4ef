"""Integration fixtures: the real coordinator, a real worker process (QProcess), qasync."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest
import qasync
from PySide6.QtWidgets import QApplication

T = TypeVar("T")
Runner = Callable[[Awaitable[T]], T]


@pytest.fixture
def arun(qapp: QApplication) -> Iterator[Callable[[Awaitable[Any]], Any]]:
    """Run a coroutine to completion on a qasync loop driven by the test's QApplication."""
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)

    def run(awaitable: Awaitable[Any], timeout: float = 60.0) -> Any:
        return loop.run_until_complete(asyncio.wait_for(awaitable, timeout))

    yield run
    loop.close()
    asyncio.set_event_loop(None)

"""The event loops the benchmarks drive Cascade on: the window's (qasync over Qt) and the
headless one (plain asyncio)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_with_qt(coro_factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine on a qasync loop over a QCoreApplication (no display needed), as the
    window's coordinator runs."""
    import qasync
    from PySide6.QtCore import QCoreApplication

    app = QCoreApplication.instance() or QCoreApplication([sys.argv[0]])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        result: T = loop.run_until_complete(coro_factory())
        return result
    finally:
        loop.close()
        asyncio.set_event_loop(None)


def run_with_asyncio(coro_factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine on a plain asyncio loop, as ``cascade run`` does."""
    return asyncio.run(coro_factory())

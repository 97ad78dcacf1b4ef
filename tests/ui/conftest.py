"""GUI fixtures: a real MainWindow on a running qasync loop, with a real worker process.

Each test body is a coroutine run on the qasync loop (widgets start coordinator intents as
asyncio tasks, which need a running loop). Waiting is event-driven: ``until`` resolves when a
coordinator event makes the condition true — no sleeping, no wall-clock assertions.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.ui import tasks
from app.ui.outputs import web_output
from app.ui.window.main_window import MainWindow
from tests.loops import close_loop

Body = Callable[[], Coroutine[Any, Any, None]]


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Recent files and Untitled notebooks go to the test's temp folder, not the user's."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for kind in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(kind, QSettings.Scope.UserScope, str(tmp_path / "cfg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()


@pytest.fixture(autouse=True)
def no_web_engine_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """QtWebEngine does not survive a second ``QCoreApplication.exit()`` (a segfault inside Qt)
    and this process runs many event loops: here charts take the path of a machine without
    the [web] extra; the engine itself is tested in its own process (web_engine_probe.py)."""
    monkeypatch.setattr(web_output, "web_engine_available", lambda: False)


@pytest.fixture
def arun(qapp: QApplication) -> Iterator[Callable[[Awaitable[Any]], Any]]:
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    errors: list[BaseException] = []
    tasks.set_error_reporter(errors.append)

    def run(awaitable: Awaitable[Any], timeout: float = 60.0) -> Any:
        result = loop.run_until_complete(asyncio.wait_for(awaitable, timeout))
        assert not errors, f"an intent failed: {errors!r}"
        return result

    yield run
    loop.run_until_complete(_settle())  # intents a test left running finish on the loop
    for window in list(MainWindow.windows):
        window.ask_unsaved = lambda: "discard"  # type: ignore[method-assign]
        window.close()
    MainWindow.open_windows.clear()
    MainWindow.windows.clear()
    loop.run_until_complete(asyncio.sleep(0))
    tasks.set_error_reporter(None)
    close_loop(loop)


async def _settle(limit_s: float = 10.0) -> None:
    """Let intents still in flight finish while the loop runs (not during teardown)."""
    waited = 0.0
    while tasks.pending() and waited < limit_s:
        await asyncio.sleep(0.02)
        waited += 0.02


async def until(window: MainWindow, condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Wait until ``condition()`` holds, re-checking after every coordinator event and every
    finished intent."""
    if condition():
        return
    assert window.bridge is not None
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()

    def check(_: object = None) -> None:
        if not done.done() and condition():
            done.set_result(None)

    window.bridge.notified.connect(check)
    try:
        while not done.done():
            await asyncio.wait([done], timeout=0.05)  # also re-check as tasks finish
            check()
            timeout -= 0.05
            if timeout <= 0:
                raise TimeoutError("condition not reached")
    finally:
        window.bridge.notified.disconnect(check)


async def idle(window: MainWindow) -> None:
    """Every intent the widgets started has finished and the kernel is not busy."""
    assert window.coordinator is not None
    coordinator = window.coordinator
    await until(
        window,
        lambda: tasks.pending() == 0 and coordinator.kernel_status in ("idle", "not_started"),
    )


@pytest.fixture
def host(qtbot: QtBot) -> QWidget:
    """A shown top-level without a layout: children get real geometry, and the window's own
    size constraints never change (the offscreen plugin warns when they do)."""
    widget = QWidget()
    widget.resize(800, 900)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget

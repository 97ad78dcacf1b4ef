"""What the window benchmarks share: driving a real window on a qasync loop, draining the Qt
event queue, waiting, notebooks to open, and small result/format helpers.

Import it after ``QT_QPA_PLATFORM`` is set (the benchmarks set it first thing).
"""

from __future__ import annotations

import asyncio
import cProfile
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import qasync
from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from app.core import fileformat
from app.core.notebook import Cell, Notebook
from app.ui import tasks
from app.ui.cells.cell_widget import CellWidget
from app.ui.window.main_window import MainWindow

T = TypeVar("T")

#: A processEvents() call this short did no real work; this many in a row means "drained".
IDLE_CALL_S = 0.0001
IDLE_CALLS = 3
#: The longest an untimed wait may take before the benchmark gives up.
WAIT_S = 120.0


@dataclass(slots=True)
class Results:
    """Samples per figure key (ms unless the key says otherwise) and single values."""

    samples: dict[str, list[float]] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    def add(self, key: str, value: float) -> None:
        self.samples.setdefault(key, []).append(value)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ms(seconds: float) -> float:
    return seconds * 1000.0


def rss_mb() -> float:
    """The resident set size of this (GUI) process, from /proc/self/status."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


@contextmanager
def profiled(label: str, enabled: bool) -> Iterator[None]:
    """cProfile the block (every callback the loop runs meanwhile, too) to stderr."""
    if not enabled:
        yield
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        log(f"\n== profile: {label} ==")
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("tottime").print_stats(20)
        stats.sort_stats("cumulative").print_stats(30)


async def outside(fn: Callable[[], T]) -> T:
    """Run ``fn`` in a plain loop callback, outside any task, so it may call processEvents
    (qasync refuses processEvents from inside a task)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def call() -> None:
        try:
            future.set_result(fn())
        except BaseException as exc:
            future.set_exception(exc)

    loop.call_soon(call)
    return await future


def drain(limit_s: float = 30.0) -> float:
    """Process Qt events until idle; returns when the last call that did work ended."""
    loop = QEventLoop()
    idle = 0
    last_busy = time.perf_counter()
    deadline = last_busy + limit_s
    while idle < IDLE_CALLS and time.perf_counter() < deadline:
        start = time.perf_counter()
        loop.processEvents()
        end = time.perf_counter()
        if end - start < IDLE_CALL_S:
            idle += 1
        else:
            idle, last_busy = 0, end
    return last_busy


async def loop_free() -> float:
    """When a 0-ms timer posted now fires: the loop is free again ("responsive")."""
    fired: asyncio.Future[float] = asyncio.get_running_loop().create_future()

    def fire() -> None:
        if not fired.done():
            fired.set_result(time.perf_counter())

    QTimer.singleShot(0, fire)
    return await fired


async def drained() -> float:
    return await outside(drain)


async def wait(condition: Callable[[], bool], timeout: float = WAIT_S, step: float = 0.01) -> None:
    """Poll ``condition`` (untimed waits only)."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("condition not reached")
        await asyncio.sleep(step)


async def kernel_idle(window: MainWindow) -> None:
    """The window's kernel is idle and no intent the widgets started is pending."""
    coordinator = window.coordinator
    assert coordinator is not None
    await wait(lambda: coordinator.kernel_status == "idle" and tasks.pending() == 0)


def write_notebook(path: Path, codes: Sequence[str]) -> Path:
    cells = tuple(Cell(id=f"{i:08x}", kind="python", code=code) for i, code in enumerate(codes))
    fileformat.save(Notebook(cells=cells, name=path.stem), path)
    return path


def cell(window: MainWindow, index: int) -> CellWidget:
    assert window.view is not None and window.coordinator is not None
    return window.view.cells[window.coordinator.notebook.cell_ids[index]]


def run_on_qt(coro: Callable[[], Coroutine[Any, Any, T]], errors: list[BaseException]) -> T:
    """Run the benchmark's main coroutine on a qasync loop over one QApplication; intents that
    fail land in ``errors``; every window is closed afterwards."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)  # closing one window between runs must not stop the loop
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    tasks.set_error_reporter(errors.append)
    try:
        result: T = loop.run_until_complete(coro())
        return result
    finally:
        for window in list(MainWindow.open_windows.values()):
            window.close()
        tasks.set_error_reporter(None)
        loop.close()
        asyncio.set_event_loop(None)


def run_in_scratch_folder(prefix: str, main: Callable[[Path], Coroutine[Any, Any, T]]) -> T:
    """Run ``main(folder)`` with :func:`run_on_qt` in a temporary folder that also holds the
    settings (recent files never reach the user's); raise if an intent failed meanwhile."""
    errors: list[BaseException] = []
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        folder = Path(tmp)
        # QSettings("Cascade", "Cascade") uses the native format: redirect both formats.
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        for kind in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
            QSettings.setPath(kind, QSettings.Scope.UserScope, str(folder / "cfg"))
        results = run_on_qt(lambda: main(folder), errors)
    if errors:
        raise RuntimeError(f"an intent failed during the benchmark: {errors!r}")
    return results

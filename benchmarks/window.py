"""Window responsiveness benchmark: the real MainWindow, offscreen, on one qasync loop.

Run ``.venv/bin/python -m benchmarks.window`` (``--quick`` for a smoke run, ``--profile`` to
cProfile one pass of every scenario to stderr). Everything runs on one QApplication with the
offscreen platform, against the real worker process, the way ``app/ui/window/screenshot.py`` drives a
window.

Every window shows the Variables, Outline and Dependencies panels (issue 12: the figures hold
with the panels open; ``--no-panels`` shuts them, to compare).

Scenarios (each the median of several runs; min shown too; run in the order 3, 1, 2, 4 so the
RSS figures of 3 start from a heap no 500-cell window has grown):

1. **open 500 cells**: ``MainWindow()``, ``show()``, ``open_path()`` of a 500-cell chain file
   (the app's own order, see ``app/ui/window/app.py``) until a 0-ms ``QTimer`` posted right after
   fires ("responsive"), and until the Qt event queue is drained. Core caches are cleared
   before every run (the first open of a file in a session); an untimed warm-up open comes
   first (its figure is printed under the table). Phases: ``open_path`` itself, and the first
   paint of the first cell's editor.
2. **keystroke → repaint** in the middle cell's editor of that notebook: ``QTest.keyClick`` of a
   letter until the editor's viewport received its ``Paint`` event, and until the queue is
   drained. The 1.5 s auto-run debounce never fires inside a measurement (keystrokes follow
   each other in milliseconds; the firings are counted to prove it). A second pass counts, per
   keystroke, the cell widgets that received a ``LayoutRequest`` or ``Resize`` (and ``Move``).
3. **1,000,000 printed lines** (``for i in range(1_000_000): print(i)``) run with the cell's
   run button: the longest stall of the GUI loop (a 10 ms precise ``QTimer``; gap minus
   10 ms), the time until the cell's widget shows success versus the same loop in a plain
   ``python -c`` with stdout to ``/dev/null``, the GUI process's RSS growth, and how many
   characters the output view's document holds versus how many were printed. After the window
   is closed, the printed characters still held by live run states are counted (a leak check;
   at the very end, so are the Coordinator objects still alive).
4. **chain of 100, re-run after a root edit, widgets included**: ``coordinator.update_cell``
   (what the window does after the debounce) until every cell's widget shows success and the
   Qt queue is drained. Compared with the engine benchmark's own ``chain_100_rerun``
   (:func:`benchmarks.engine._cascade_workload`, autosave off) and with a window-less
   coordinator with autosave on (as the window's coordinator has).

5. **Variables panel after a cascade with 1,000 names** (10 cells of 100 assignments, run
   all, the Variables dock shown): the GUI time of one refresh — the rows built from the
   worker's summaries (``variable_rows``), the table model reset and the Qt queue drained
   (the table repainted). The worker's own time (``describe_variables``, summaries computed
   in the kernel process while the window stays free) is shown beside it.
6. **dependency graph layout of a 500-cell notebook** (``layout_graph``, grandalf's Sugiyama
   layout, what the Dependencies panel runs in a thread): the 500-cell chain of scenario 1,
   and a densely linked 500-cell notebook (each cell reads three random cells above it: long
   edges, many crossings — a worst case). First layout (shape cache cleared), and again after
   an edit that keeps the links (the layout is cached per component shape).

"Drained" means: ``QEventLoop.processEvents()`` called until :data:`IDLE_CALLS` consecutive
calls each return within :data:`IDLE_CALL_S` (it always reports work, so it cannot be asked).
``processEvents`` is only ever called from a plain loop callback, never inside an asyncio task
(qasync would then refuse to step any other task).

Output: a table, then one final line of JSON with every figure and target.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before Qt is imported anywhere

import argparse
import asyncio
import functools
import gc
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from app.coordinator.coordinator import Coordinator
from app.coordinator.qprocess_kernel import QProcessKernel
from app.core.document import AnalysedNotebook
from app.core.notebook import Cell, Notebook
from app.core.state import StreamText
from app.ui import tasks
from app.ui.cells.cell_widget import CellWidget
from app.ui.outputs.text_output import TextOutput
from app.ui.panels import graph_layout
from app.ui.panels.graph_layout import layout_graph
from app.ui.panels.variables import variable_rows
from app.ui.window.main_window import MainWindow

if __package__ in (None, ""):  # run as `python benchmarks/window.py`: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._peers import chain
from benchmarks._qt_harness import Results as WindowResults
from benchmarks._qt_harness import cell as _cell
from benchmarks._qt_harness import drain as _drain
from benchmarks._qt_harness import drained as _drained
from benchmarks._qt_harness import kernel_idle as _kernel_idle
from benchmarks._qt_harness import log as _log
from benchmarks._qt_harness import loop_free as _loop_free
from benchmarks._qt_harness import ms as _ms
from benchmarks._qt_harness import outside as _outside
from benchmarks._qt_harness import profiled as _profiled
from benchmarks._qt_harness import rss_mb as _rss_mb
from benchmarks._qt_harness import run_in_scratch_folder
from benchmarks._qt_harness import wait as _wait
from benchmarks._qt_harness import write_notebook as _write_notebook
from benchmarks._report import fmt as _fmt
from benchmarks._report import machine, print_document, print_targets, verdict
from benchmarks.engine import Results, _cascade_workload, _clear_core_caches

OPEN_CELLS = 500
CHAIN_CELLS = 100
PRINT_LINES = 1_000_000
PRINT_CODE = f"for i in range({PRINT_LINES:_}):\n    print(i)"
STALL_TICK_MS = 10
TARGETS: dict[str, tuple[float, str]] = {
    "open_500_responsive": (1500.0, "ms"),
    "keystroke_to_paint": (16.0, "ms"),
    "keystroke_cells_relaid": (1.0, "cells"),
    "print_1m_max_stall": (100.0, "ms"),
    "print_1m_ratio_vs_python": (3.0, "x"),
    #: "RSS must stay bounded": re-running the cell must not pile up memory.
    "print_1m_rss_accumulation": (5.0, "MB"),
    "chain_100_rerun_window": (60.0, "ms"),
    "variables_1000_refresh_gui": (50.0, "ms"),
    "graph_layout_500": (500.0, "ms"),
}
VARIABLE_CELLS = 10
NAMES_PER_CELL = 100
LAYOUT_CELLS = 500


@dataclass(frozen=True, slots=True)
class Config:
    open_reps: int
    keystrokes: int
    count_keystrokes: int
    print_reps: int
    chain_reps: int
    engine_reps: int
    profile: bool
    #: The Variables, Outline and Dependencies panels open in every window (issue 12: the
    #: figures hold "with the panels open"); ``--no-panels`` measures without them.
    panels: bool = True


# -- the loop and the Qt queue -------------------------------------------------------------------


class _PaintProbe(QObject):
    """Records when ``target`` receives a Paint event."""

    def __init__(self, target: QWidget) -> None:
        super().__init__()
        self.times: list[float] = []
        self._target = target
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.times.append(time.perf_counter())
        return False

    def remove(self) -> None:
        self._target.removeEventFilter(self)


_LAYOUT_EVENTS = (QEvent.Type.LayoutRequest, QEvent.Type.Resize, QEvent.Type.Move)


class _LayoutCounter(QObject):
    """Which of ``widgets`` got LayoutRequest / Resize / Move events since :meth:`reset`."""

    def __init__(self, widgets: Sequence[QWidget]) -> None:
        super().__init__()
        self._widgets = list(widgets)
        self.hit: dict[QEvent.Type, set[int]] = {t: set() for t in _LAYOUT_EVENTS}
        self.total = 0
        for widget in self._widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in self.hit:
            self.hit[kind].add(id(watched))
            self.total += 1
        return False

    def reset(self) -> None:
        for hits in self.hit.values():
            hits.clear()
        self.total = 0

    def relaid(self) -> int:
        """Cells that got a LayoutRequest or a Resize (a Move alone is not a relayout)."""
        return len(self.hit[QEvent.Type.LayoutRequest] | self.hit[QEvent.Type.Resize])

    def remove(self) -> None:
        for widget in self._widgets:
            widget.removeEventFilter(self)


class _StallMonitor(QObject):
    """A precise 10 ms timer; records the largest gap between ticks, and peak RSS."""

    def __init__(self) -> None:
        super().__init__()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(STALL_TICK_MS)
        self._timer.timeout.connect(self._tick)
        self.ticks: list[float] = []
        self.peak_rss_mb = 0.0

    def start(self) -> None:
        self.ticks = [time.perf_counter()]
        self.peak_rss_mb = _rss_mb()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._tick()

    def _tick(self) -> None:
        self.ticks.append(time.perf_counter())
        if len(self.ticks) % 5 == 0:
            self.peak_rss_mb = max(self.peak_rss_mb, _rss_mb())

    def gaps_ms(self) -> list[float]:
        return [_ms(b - a) for a, b in zip(self.ticks, self.ticks[1:], strict=False)]

    def worst(self) -> tuple[float, float]:
        """(longest stall beyond the tick interval in ms, when it ended in s after start)."""
        gaps = self.gaps_ms()
        if not gaps:
            return 0.0, 0.0
        i = max(range(len(gaps)), key=gaps.__getitem__)
        return max(0.0, gaps[i] - STALL_TICK_MS), self.ticks[i + 1] - self.ticks[0]


# -- notebooks and windows ------------------------------------------------------------------------


def _cells(window: MainWindow) -> list[CellWidget]:
    assert window.view is not None and window.coordinator is not None
    return [window.view.cells[c] for c in window.coordinator.notebook.cell_ids]


async def _open(path: Path) -> MainWindow:
    """Open ``path`` in a new shown window and wait (untimed) for its kernel."""
    window = MainWindow()
    window.show()
    if not window.open_path(str(path)):
        raise RuntimeError(f"cannot open {path}: {getattr(window, 'last_error', '')}")
    await _drained()
    await _kernel_idle(window)
    return window


async def _close(window: MainWindow) -> None:
    if window.coordinator is not None:
        await _wait(lambda: tasks.pending() == 0)
    window.close()
    window.deleteLater()
    await _drained()


# -- 1. open ------------------------------------------------------------------------------------
async def _open_once(path: Path) -> tuple[MainWindow, dict[str, float]]:
    """One timed open; phases in ms from the start."""
    _clear_core_caches()
    gc.collect()
    start = time.perf_counter()
    window = MainWindow()
    constructed = time.perf_counter()
    window.show()
    shown = time.perf_counter()
    if not window.open_path(str(path)):
        raise RuntimeError(f"cannot open {path}: {getattr(window, 'last_error', '')}")
    opened = time.perf_counter()
    assert window.view is not None
    probe = _PaintProbe(_cell(window, 0).editor.viewport())
    responsive = await _loop_free()
    drained = await _drained()
    probe.remove()
    painted = probe.times[0] if probe.times else float("nan")
    if len(window.view.cells) != OPEN_CELLS:
        raise AssertionError(f"open: {len(window.view.cells)} cell widgets")
    return window, {
        "open_500_mainwindow": _ms(constructed - start),
        "open_500_show": _ms(shown - constructed),
        "open_500_open_path": _ms(opened - shown),
        "open_500_first_paint": _ms(painted - start),
        "open_500_responsive": _ms(responsive - start),
        "open_500_drained": _ms(drained - start),
    }


async def _bench_open(config: Config, path: Path, results: WindowResults) -> MainWindow:
    """Returns the last window, still open (the keystroke scenario types into it)."""
    window: MainWindow | None = None
    for rep in range(config.open_reps + 1):
        if window is not None:
            await _kernel_idle(window)
            await _close(window)
        with _profiled("open 500 cells (one open)", config.profile and rep == 1):
            window, phases = await _open_once(path)
        if rep == 0:
            results.values["open_500_first_ms"] = round(phases["open_500_responsive"], 1)
            continue
        for key, value in phases.items():
            results.add(key, value)
    assert window is not None
    await _kernel_idle(window)
    return window


# -- 2. keystrokes --------------------------------------------------------------------------------
_LETTERS = [getattr(Qt.Key, f"Key_{c}") for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]


def _keystroke(editor: QWidget, key: Qt.Key, probe: _PaintProbe) -> tuple[float, float]:
    """(key → viewport Paint, key → queue drained) in ms, for one keystroke from idle."""
    _drain()
    probe.times.clear()
    start = time.perf_counter()
    QTest.keyClick(editor, key)
    drained = _drain()
    painted = probe.times[0] if probe.times else float("nan")
    return _ms(painted - start), _ms(drained - start)


async def _bench_keystrokes(config: Config, window: MainWindow, results: WindowResults) -> None:
    assert window.view is not None and window.coordinator is not None
    middle = OPEN_CELLS // 2
    cell = _cell(window, middle)
    editor = cell.editor
    original = cell.code()
    debounce_fired: list[float] = []
    cell._debounce.timeout.connect(lambda: debounce_fired.append(time.perf_counter()))
    window.activateWindow()
    window.view.focus_cell(cell.cell_id)
    await _drained()
    if not editor.hasFocus():
        raise AssertionError("keystrokes: the middle cell's editor did not get the focus")
    editor.moveCursor(QTextCursor.MoveOperation.End)
    probe = _PaintProbe(editor.viewport())

    def timed_pass() -> list[tuple[float, float]]:
        return [
            _keystroke(editor, _LETTERS[i % len(_LETTERS)], probe) for i in range(config.keystrokes)
        ]

    with _profiled(f"{config.keystrokes} keystrokes", config.profile):
        samples = await _outside(timed_pass)
    first, rest = samples[0], samples[1:]
    results.values["keystroke_first_to_paint_ms"] = round(first[0], 2)
    results.values["keystroke_first_drained_ms"] = round(first[1], 2)
    for painted, drained in rest:
        results.add("keystroke_to_paint", painted)
        results.add("keystroke_drained", drained)
    missing = sum(1 for p, _ in samples if p != p)  # NaN: no Paint seen
    results.values["keystroke_without_paint"] = missing

    # Counting pass: the first keystroke into another (fresh) cell, then more in the middle one.
    counter = _LayoutCounter(_cells(window))
    container = window.view.widget()
    assert container is not None
    container_counter = _LayoutCounter([container])
    other = _cell(window, middle + 3)

    def counting_pass() -> tuple[list[int], list[int], list[int], list[int]]:
        relaid, moved, container_layouts, totals = [], [], [], []
        targets = [other.editor] + [editor] * config.count_keystrokes
        for i, target in enumerate(targets):
            if target is not editor or i == 1:
                target.setFocus()
                target.moveCursor(QTextCursor.MoveOperation.End)
                _drain()
            counter.reset()
            container_counter.reset()
            QTest.keyClick(target, _LETTERS[i % len(_LETTERS)])
            _drain()
            relaid.append(counter.relaid())
            moved.append(len(counter.hit[QEvent.Type.Move]))
            container_layouts.append(len(container_counter.hit[QEvent.Type.LayoutRequest]))
            totals.append(counter.total)
        return relaid, moved, container_layouts, totals

    relaid, moved, container_layouts, totals = await _outside(counting_pass)
    counter.remove()
    container_counter.remove()
    results.values["keystroke_cells_relaid_first_in_cell"] = relaid[0]
    results.values["keystroke_cells_moved_first_in_cell"] = moved[0]
    for key, values in (
        ("keystroke_cells_relaid", relaid[1:]),
        ("keystroke_cells_moved", moved[1:]),
        ("keystroke_container_relayouts", container_layouts[1:]),
        ("keystroke_layout_events", totals[1:]),
    ):
        for value in values:
            results.add(key, float(value))
    results.values["keystroke_cells_relaid_max"] = max(relaid[1:])
    results.values["keystroke_debounce_fired_during_measurement"] = len(debounce_fired)
    probe.remove()
    cell.set_code(original)  # also stops the debounce: nothing typed is committed
    other.set_code(other._committed_code)
    await _drained()


# -- 3. a million printed lines ------------------------------------------------------------------
def _printed_chars() -> int:
    return sum(len(str(i)) + 1 for i in range(PRINT_LINES))


def _held_text(cell: CellWidget, coordinator: Coordinator) -> dict[str, int]:
    """How much of the output the window holds (no reference to it survives this call)."""
    texts = [p for p in cell.outputs.pieces() if isinstance(p, TextOutput)]
    outputs = coordinator.states[cell.cell_id].outputs
    return {
        "print_1m_document_chars": sum(p.view.document().characterCount() - 1 for p in texts),
        "print_1m_view_lines": sum(p.view.document().blockCount() for p in texts),
        "print_1m_widget_buffer_chars": sum(len(p.full_text()) for p in texts),
        "print_1m_state_chars": sum(len(o.text) for o in outputs if isinstance(o, StreamText)),
        "print_1m_state_outputs": len(outputs),
    }


async def _bench_print(config: Config, folder: Path, results: WindowResults) -> None:
    path = _write_notebook(folder / "print_1m.py", [PRINT_CODE])
    window = await _open(path)
    assert window.coordinator is not None and window.bridge is not None
    coordinator = window.coordinator
    cell = _cell(window, 0)
    total_chars = _printed_chars()
    monitor = _StallMonitor()
    loop = asyncio.get_running_loop()
    gc.collect()
    baseline_rss = _rss_mb()
    results.values["print_1m_rss_before_mb"] = round(baseline_rss, 1)
    for rep in range(config.print_reps):
        done: asyncio.Future[float] = loop.create_future()
        started = False

        def check(_event: object, done: asyncio.Future[float] = done) -> None:
            """Done when this run started and the widget then shows success."""
            nonlocal started
            status = coordinator.states[cell.cell_id].status
            started = started or status == "running"
            if done.done() or not started:
                return
            if cell.property("status") == "success" and cell.status_label.text().startswith("done"):
                done.set_result(time.perf_counter())
            elif status in ("error", "interrupted", "blocked", "stale"):
                done.set_exception(AssertionError(f"print cell ended {status}"))

        window.bridge.notified.connect(check)
        with _profiled("1,000,000 printed lines (one run)", config.profile and rep == 0):
            monitor.start()
            start = time.perf_counter()
            cell.run_button.click()
            finished = await asyncio.wait_for(done, 300)
            await asyncio.sleep(0.2)  # the last output flushes (40 ms batches) and repaints
            await _drained()
            monitor.stop()
        window.bridge.notified.disconnect(check)
        stall, stall_at = monitor.worst()
        results.add("print_1m_finish", _ms(finished - start))
        results.add("print_1m_max_stall", stall)
        results.values.setdefault("print_1m_stall_at_s", []).append(round(stall_at, 2))
        gaps = monitor.gaps_ms()
        results.add("print_1m_stalls_over_50ms", float(sum(1 for g in gaps if g > 60)))
        gc.collect()
        # Growth over the window before the first run (empty cell): after run N it holds run
        # N's output only, so it must not grow with N.
        growth = _rss_mb() - baseline_rss
        results.add("print_1m_rss_growth_mb", growth)
        results.values.setdefault("print_1m_rss_growth_by_run_mb", []).append(round(growth, 1))
        results.add("print_1m_rss_peak_growth_mb", monitor.peak_rss_mb - baseline_rss)
        _log(f"window: print 1M run {rep + 1} done")
    gc.collect()
    results.values["print_1m_rss_after_all_runs_mb"] = round(_rss_mb(), 1)
    # Counted after the RSS figures: joining the widget's text allocates a copy of it.
    held = _held_text(cell, coordinator)
    if held["print_1m_state_chars"] != total_chars:
        raise AssertionError(f"print: {held['print_1m_state_chars']:,} of {total_chars:,} arrived")
    results.values.update(held, print_1m_printed_chars=total_chars)
    await _close(window)

    for _ in range(config.print_reps):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", PRINT_CODE], stdout=subprocess.DEVNULL, check=True)
        results.add("print_1m_plain_python", _ms(time.perf_counter() - start))


# -- 4. chain re-run with widgets -----------------------------------------------------------------
def _all_success(cells: Sequence[CellWidget], before: dict[str, object]) -> bool:
    return all(
        c.property("status") == "success"
        and c.status_label.text().startswith("done")
        and c._state is not before[c.cell_id]
        for c in cells
    )


async def _bench_chain(config: Config, folder: Path, results: WindowResults) -> None:
    workload = chain(CHAIN_CELLS)
    path = _write_notebook(folder / "chain_window.py", workload.codes)
    window = await _open(path)
    coordinator = window.coordinator
    assert coordinator is not None
    cells = _cells(window)
    root = coordinator.notebook.cell_ids[0]
    await coordinator.run_all()
    await _drained()
    await coordinator.update_cell(root, "x_0 = -1")  # warm-up
    await _drained()

    async def rerun(k: int) -> None:
        before: dict[str, object] = {c.cell_id: c._state for c in cells}
        start = time.perf_counter()
        await coordinator.update_cell(root, f"x_0 = {k}")
        returned = time.perf_counter()
        if not _all_success(cells, before):
            raise AssertionError("chain re-run: a widget does not show success")
        drained = await _drained()
        results.add("chain_100_rerun_window", _ms(drained - start))
        results.add("chain_100_rerun_window_coordinator", _ms(returned - start))
        results.add("chain_100_rerun_window_qt_drain", _ms(drained - returned))

    for k in range(1, config.chain_reps + 1):
        await rerun(k)
    if config.profile:
        with _profiled("chain 100 re-run in the window, 10 runs", True):
            for k in range(1000, 1010):
                await rerun(k)
    await _kernel_idle(window)
    await _close(window)

    # The same edit through a window-less coordinator that autosaves, as the window's does.
    bare_folder = folder / "bare"
    bare_folder.mkdir()
    bare_path = _write_notebook(bare_folder / "chain.py", workload.codes)
    bare = Coordinator(QProcessKernel(cwd=bare_folder), autosave=True)
    await bare.open(bare_path)
    try:
        await bare.start_kernel()
        await bare.run_all()
        bare_root = bare.notebook.cell_ids[0]
        await bare.update_cell(bare_root, "x_0 = -1")
        for k in range(1, config.chain_reps + 1):
            start = time.perf_counter()
            await bare.update_cell(bare_root, f"x_0 = {k}")
            results.add("chain_100_rerun_coordinator_autosave", _ms(time.perf_counter() - start))
        save_ms = []
        for _ in range(config.chain_reps):
            start = time.perf_counter()
            await bare.save(overwrite=True)
            save_ms.append(_ms(time.perf_counter() - start))
        results.samples["autosave_100_cells"] = save_ms
    finally:
        await bare.shutdown()

    # The engine benchmark's own figure (autosave off), from benchmarks/engine.py.
    engine_folder = folder / "engine"
    engine_folder.mkdir()
    engine = Results()
    await _cascade_workload(workload, config.engine_reps, engine_folder, engine, False)
    results.samples["chain_100_rerun_engine"] = engine.samples["chain_100_rerun"]


# -- 5. variables panel ---------------------------------------------------------------------------
async def _bench_variables(config: Config, folder: Path, results: WindowResults) -> None:
    codes = [
        "\n".join(f"v{i}_{k} = {k}" for k in range(NAMES_PER_CELL)) for i in range(VARIABLE_CELLS)
    ]
    window = await _open(_write_notebook(folder / "variables_1000.py", codes))
    c = window.coordinator
    assert c is not None
    window.panels.docks["variables"].show()
    await c.run_all()
    await _kernel_idle(window)
    await _drained()
    panel = window.panels.variables

    def refresh(summaries: Any) -> tuple[float, float]:
        start = time.perf_counter()
        rows = variable_rows(summaries, c.kernel_names, c.graph, c.cell_name)
        panel.show_variables(rows)
        shown = time.perf_counter()
        drained = _drain()
        return _ms(shown - start), _ms(drained - start)

    for _ in range(config.chain_reps):
        start = time.perf_counter()
        summaries = await c.describe_variables()
        results.add("variables_1000_worker", _ms(time.perf_counter() - start))
        if len(summaries) < VARIABLE_CELLS * NAMES_PER_CELL:
            raise AssertionError(f"the kernel holds {len(summaries)} names, not 1,000")
        model_ms, gui_ms = await _outside(functools.partial(refresh, summaries))
        results.add("variables_1000_refresh_model", model_ms)
        results.add("variables_1000_refresh_gui", gui_ms)
    results.values["variables_1000_rows"] = panel.model_.rowCount()
    await _close(window)


# -- 6. dependency layout -------------------------------------------------------------------------
def _dense(n: int, seed: int = 1) -> list[str]:
    """Each cell reads up to three random cells above it (long edges, many crossings)."""
    pick = random.Random(seed)
    codes = []
    for i in range(n):
        reads = pick.sample(range(i), min(i, 3))
        codes.append(f"v{i} = " + (" + ".join(f"v{j}" for j in reads) or "0"))
    return codes


def _bench_layout(config: Config, results: WindowResults) -> None:
    for key, codes in (
        ("graph_layout_500", list(chain(LAYOUT_CELLS).codes)),
        ("graph_layout_500_dense", _dense(LAYOUT_CELLS)),
    ):
        document = AnalysedNotebook.of(
            Notebook(cells=tuple(Cell(f"c{i}", "python", code) for i, code in enumerate(codes)))
        )
        cell_ids = list(document.notebook.cell_ids)
        for _ in range(max(1, config.open_reps)):
            graph_layout._shape_positions.cache_clear()
            start = time.perf_counter()
            layout = layout_graph(document.graph, cell_ids, str)
            results.add(key, _ms(time.perf_counter() - start))
            start = time.perf_counter()
            layout_graph(document.graph, cell_ids, str)  # an edit that kept the links
            results.add(f"{key}_cached", _ms(time.perf_counter() - start))
        if len(layout.nodes) != LAYOUT_CELLS:
            raise AssertionError("the layout lost cells")
    if config.profile:
        with _profiled("graph layout, dense 500 cells", True):
            graph_layout._shape_positions.cache_clear()
            layout_graph(document.graph, cell_ids, str)


# -- report ---------------------------------------------------------------------------------------
FIGURES: tuple[tuple[str, str, str], ...] = (
    ("open_500_responsive", "open 500 cells → responsive (0-ms timer fired)", "ms"),
    ("open_500_drained", "  → Qt queue drained", "ms"),
    ("open_500_first_paint", "  → first cell's editor painted", "ms"),
    ("open_500_mainwindow", "  · MainWindow()", "ms"),
    ("open_500_show", "  · show() (start screen)", "ms"),
    ("open_500_open_path", "  · open_path() (load, analyse, 500 CellWidgets)", "ms"),
    ("keystroke_to_paint", "keystroke → editor viewport Paint", "ms"),
    ("keystroke_drained", "keystroke → Qt queue drained", "ms"),
    ("keystroke_cells_relaid", "cells with LayoutRequest/Resize per keystroke", "cells"),
    ("keystroke_cells_moved", "cells moved per keystroke", "cells"),
    ("keystroke_container_relayouts", "notebook column relayouts per keystroke", "n"),
    ("keystroke_layout_events", "layout/resize/move events on cells per keystroke", "n"),
    ("print_1m_max_stall", "print 1M lines: longest GUI stall (gap - 10 ms)", "ms"),
    ("print_1m_stalls_over_50ms", "  ticks late by > 50 ms", "n"),
    ("print_1m_finish", "  run button → widget shows success", "ms"),
    ("print_1m_plain_python", "  same loop, plain python > /dev/null", "ms"),
    ("print_1m_ratio_vs_python", "  ratio window / plain python", "x"),
    ("print_1m_rss_growth_mb", "  GUI RSS growth over the empty cell, after a run", "MB"),
    ("print_1m_rss_peak_growth_mb", "  GUI RSS peak growth during the run", "MB"),
    ("print_1m_rss_bytes_per_printed_char", "  GUI RSS growth per printed character, run 1", "B"),
    ("print_1m_rss_accumulation", "  GUI RSS growth, last run minus first run", "MB"),
    ("chain_100_rerun_window", "chain 100 re-run, every widget updated, queue drained", "ms"),
    ("chain_100_rerun_window_coordinator", "  · update_cell() returned (widgets set)", "ms"),
    ("chain_100_rerun_window_qt_drain", "  · Qt queue drained after that", "ms"),
    ("chain_100_rerun_coordinator_autosave", "  window-less coordinator, autosave on", "ms"),
    ("autosave_100_cells", "  · one autosave of the 100-cell file", "ms"),
    ("chain_100_rerun_engine", "  engine benchmark chain_100_rerun (autosave off)", "ms"),
    ("chain_100_ratio_window_vs_engine", "  ratio window / engine", "x"),
    ("variables_1000_refresh_gui", "Variables panel, 1,000 names: GUI time, queue drained", "ms"),
    ("variables_1000_refresh_model", "  · rows built and the model reset", "ms"),
    ("variables_1000_worker", "  worker: summaries of 1,000 names (GUI free)", "ms"),
    ("graph_layout_500", "graph layout, 500-cell chain", "ms"),
    ("graph_layout_500_cached", "  · again after an edit keeping the links", "ms"),
    ("graph_layout_500_dense", "graph layout, 500 densely linked cells", "ms"),
    ("graph_layout_500_dense_cached", "  · again after an edit keeping the links", "ms"),
)


def _summary(results: WindowResults) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, values in results.samples.items():
        values = [v for v in values if v == v]
        if values:
            out[key] = round(statistics.median(values), 3)
            out[f"{key}_min"] = round(min(values), 3)
    plain, window = out.get("print_1m_plain_python"), out.get("print_1m_finish")
    if plain and window:
        out["print_1m_ratio_vs_python"] = round(window / plain, 2)
    growth = results.values.get("print_1m_rss_growth_by_run_mb")
    if growth:
        out["print_1m_rss_accumulation"] = round(growth[-1] - growth[0], 1)
        printed = results.values["print_1m_printed_chars"]
        out["print_1m_rss_bytes_per_printed_char"] = round(growth[0] * 2**20 / printed, 2)
    engine, chained = out.get("chain_100_rerun_engine"), out.get("chain_100_rerun_window")
    if engine and chained:
        out["chain_100_ratio_window_vs_engine"] = round(chained / engine, 2)
    return out


def _targets(summary: dict[str, float], results: WindowResults) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for key, (target, unit) in TARGETS.items():
        value = summary.get(key)
        if key == "keystroke_cells_relaid":  # "about 1, not 500": the worst keystroke counts
            value = results.values.get("keystroke_cells_relaid_max")
        out[key] = verdict(value, target, unit)
    return out


def _report(config: Config, results: WindowResults) -> dict[str, Any]:
    summary = _summary(results)
    targets = _targets(summary, results)
    print()
    print(
        f"Cascade window benchmark — Python {platform.python_version()}, Qt offscreen, "
        f"{os.cpu_count()} CPUs; {config.open_reps} opens, {config.keystrokes - 1} keystrokes, "
        f"{config.print_reps} print runs, {config.chain_reps} chain re-runs; median (min)"
    )
    print()
    print_targets(
        FIGURES,
        summary,
        targets,
        last_header="",
        notes={"keystroke_cells_relaid": " (worst keystroke)"},
    )
    v = results.values
    print()
    print(
        f"first 500-cell open of the process (untimed warm-up): "
        f"{_fmt(v.get('open_500_first_ms'))} ms → responsive"
    )
    print(
        f"first keystroke in a cell (countdown appears): {_fmt(v.get('keystroke_first_to_paint_ms'))} ms"
        f" → paint, {_fmt(v.get('keystroke_first_drained_ms'))} ms → drained; cells relaid "
        f"{v.get('keystroke_cells_relaid_first_in_cell')}, moved {v.get('keystroke_cells_moved_first_in_cell')};"
        f" worst later keystroke relaid {v.get('keystroke_cells_relaid_max')} cells;"
        f" debounce fired during measurement: {v.get('keystroke_debounce_fired_during_measurement')}"
    )
    if "print_1m_printed_chars" in v:
        print(
            f"print 1M: {v['print_1m_printed_chars']:,} characters printed; the output view's "
            f"document holds {v['print_1m_document_chars']:,} ({v['print_1m_view_lines']:,} lines); "
            f"the widget keeps {v['print_1m_widget_buffer_chars']:,} and the coordinator's state "
            f"{v['print_1m_state_chars']:,} in {v['print_1m_state_outputs']} outputs; "
            f"longest stall at {v.get('print_1m_stall_at_s')} s after the click; GUI RSS "
            f"{v['print_1m_rss_before_mb']} MB before the first run, "
            f"{v['print_1m_rss_after_all_runs_mb']} MB after all runs; growth after run 1, 2, …: "
            f"{v['print_1m_rss_growth_by_run_mb']} MB"
        )
    if "coordinators_alive_after_all_closed" in v:
        print(
            f"after every window was closed and every kernel shut down: "
            f"{v['coordinators_alive_after_all_closed']} Coordinator objects still alive; "
            f"the closed print window still holds {v['print_1m_chars_alive_after_close']:,} "
            "printed characters"
        )
    document: dict[str, Any] = dict(summary)
    document.update(results.values)
    document["targets"] = targets
    document["config"] = {
        "open_reps": config.open_reps,
        "keystrokes": config.keystrokes,
        "count_keystrokes": config.count_keystrokes,
        "print_reps": config.print_reps,
        "chain_reps": config.chain_reps,
        "engine_reps": config.engine_reps,
        "panels_open": config.panels,
        **machine(),
    }
    return document


# -- entry point ----------------------------------------------------------------------------------
PANELS = ("variables", "outline", "dependencies")


async def _main(config: Config, folder: Path) -> WindowResults:
    results = WindowResults()
    # The scratch folder holds the settings: every window opened from here shows the panels.
    for key in PANELS:
        QSettings("Cascade", "Cascade").setValue(f"panels/{key}", config.panels)
    # The print scenario goes first: its RSS figures need a heap that earlier windows have not
    # grown (freed memory is reused, which would hide the growth).
    await _bench_print(config, folder, results)
    await _drained()
    # The print window is closed and nothing here refers to it: its output should be gone.
    results.values["print_1m_chars_alive_after_close"] = _census()[1]
    _log("window: print 1M done")
    open_path = _write_notebook(folder / "open_500.py", chain(OPEN_CELLS).codes)
    window = await _bench_open(config, open_path, results)
    _log("window: open done")
    await _bench_keystrokes(config, window, results)
    _log("window: keystrokes done")
    await _close(window)
    del window
    await _bench_chain(config, folder, results)
    _log("window: chain 100 done")
    await _bench_variables(config, folder, results)
    _log("window: variables 1,000 done")
    _bench_layout(config, results)
    _log("window: graph layout done")
    await _drained()
    results.values["coordinators_alive_after_all_closed"] = _census()[0]
    return results


def _census() -> tuple[int, int]:
    """(Coordinator objects alive, printed characters held by live run states)."""
    gc.collect()
    coordinators = chars = 0
    for obj in gc.get_objects():
        if isinstance(obj, Coordinator):
            coordinators += 1
            for state in obj.states.values():
                chars += sum(len(o.text) for o in state.outputs if isinstance(o, StreamText))
    return coordinators, chars


def _config(argv: Sequence[str] | None) -> Config:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.window", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run)")
    parser.add_argument("--profile", action="store_true", help="cProfile each scenario (stderr)")
    parser.add_argument(
        "--no-panels", action="store_true", help="the Variables, Outline, Dependencies panels shut"
    )
    args = parser.parse_args(argv)
    panels = not args.no_panels
    if args.quick:
        return Config(2, 16, 8, 1, 5, 2, args.profile, panels)
    return Config(5, 51, 20, 3, 15, 5, args.profile, panels)


def main(argv: Sequence[str] | None = None) -> int:
    config = _config(argv)
    started = time.perf_counter()
    results = run_in_scratch_folder("cascade-window-bench-", lambda folder: _main(config, folder))
    print_document(_report(config, results), started)
    return 0


if __name__ == "__main__":
    sys.exit(main())

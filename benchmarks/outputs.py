"""Rich outputs benchmark: kernel tables and matplotlib figures in the real window, offscreen.

Run ``.venv/bin/python -m benchmarks.outputs`` (``--quick`` skips the 10,000,000-row table and
runs fewer repetitions; ``--profile`` cProfiles one run of each scenario to stderr). Everything
runs on one QApplication with the offscreen platform, against the real worker process, the way
``app/ui/window/screenshot.py`` drives a window.

Scenarios (medians of several runs; min shown too):

1. **cell finish → first page painted**, for a DataFrame of 10³, 10⁶ and 10⁷ rows × 10 int64
   columns. Each notebook has a build cell (``df = pd.DataFrame(np.arange(n*10).reshape(n,
   10))``, run once, untimed) and a cell whose value is ``df``; that cell is re-run. From the
   ``CellStateChanged`` that makes it ``success`` (seen through ``coordinator.subscribe``) until
   the new :class:`~app.ui.outputs.table_view.TableOutput`'s viewport has painted with rows (the end of
   the paint: a loop callback posted from the ``Paint`` event). The first run of each window
   is reported apart (cold) and left out of the medians.
2. **scroll to the end**: ``view.scrollToBottom()`` until the last row's text is in the model
   (``model.dataChanged``) and until the viewport has painted it. Each run has a fresh model
   (the cell ran again), so the last page is never cached. The kernel round trip of that page
   (``coordinator.fetch_rows``, instrumented from outside) is shown as a phase.
3. **ten matplotlib figures in one cell** (100 points each, left open): the cell's own
   ``duration_ms`` per figure and the time from the run until ten
   :class:`~app.ui.outputs.output_view.ImageOutput` widgets are there, compared with the same figures
   drawn and saved by ``savefig`` (PNG in memory, 2× the DPI, tight box, as the worker does) in
   a plain ``python`` subprocess.
4. **window memory with the biggest table open**: this process's VmRSS before the display
   cell first runs and after its table is shown, scrolled to the end and back (the issue's test
   wants < 50 MB), and again after every re-run (does it pile up?).

Output: a table, then one final line of JSON with every figure and target.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before Qt is imported anywhere

import argparse
import asyncio
import gc
import json
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QWidget

from app.coordinator.coordinator import Coordinator
from app.coordinator.events import CellStateChanged, CoordinatorEvent
from app.coordinator.kernel_client import PageRequest, TablePage
from app.core.state import RichOutput
from app.ui import tasks
from app.ui.cells.cell_widget import CellWidget
from app.ui.outputs.pictures import ImageOutput
from app.ui.outputs.table_view import TableOutput
from app.ui.window.main_window import MainWindow

if __package__ in (None, ""):  # run as `python benchmarks/outputs.py`: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._qt_harness import Results, kernel_idle, run_in_scratch_folder
from benchmarks._qt_harness import cell as _cell
from benchmarks._qt_harness import drained as _drained
from benchmarks._qt_harness import log as _log
from benchmarks._qt_harness import ms as _ms
from benchmarks._qt_harness import profiled as _profiled
from benchmarks._qt_harness import rss_mb as _rss_mb
from benchmarks._qt_harness import wait as _wait
from benchmarks._qt_harness import write_notebook as _write_notebook
from benchmarks._report import fmt as _fmt
from benchmarks._report import machine, print_document, print_targets, verdict

COLUMNS = 10
FULL_SIZES = (1_000, 1_000_000, 10_000_000)
QUICK_SIZES = (1_000, 1_000_000)
FIGURES = 10
FIGURE_POINTS = 100
WINDOW_SIZE = (1100, 900)
WAIT_S = 120.0
TERMINAL = ("success", "error", "interrupted", "blocked", "stale")

IMPORT_CODE = "import matplotlib.pyplot as plt\nimport numpy as np"
FIGURE_CODE = (
    f"for _i in range({FIGURES}):\n"
    "    _fig, _ax = plt.subplots(figsize=(4, 3))\n"
    f"    _ax.plot(np.arange({FIGURE_POINTS}), np.sin(np.arange({FIGURE_POINTS}) / 10 + _i))"
)
#: The same figures in a plain interpreter: per pass, (draw ms, savefig ms) for all of them.
SAVEFIG_SCRIPT = f"""
import io, json, sys, time
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

def one_pass():
    start = time.perf_counter()
    figures = []
    for i in range({FIGURES}):
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.plot(np.arange({FIGURE_POINTS}), np.sin(np.arange({FIGURE_POINTS}) / 10 + i))
        figures.append(fig)
    drawn = time.perf_counter()
    for fig in figures:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=fig.dpi * 2, bbox_inches="tight")
    saved = time.perf_counter()
    plt.close("all")
    return (drawn - start) * 1000, (saved - drawn) * 1000

one_pass()  # warm-up: font cache, first Agg canvas
print(json.dumps([one_pass() for _ in range(int(sys.argv[1]))]))
"""

#: key -> (target, unit); every target is an upper bound.
TARGETS: dict[str, tuple[float, str]] = {
    **{f"table_{n}_finish_to_paint": (100.0, "ms") for n in FULL_SIZES},
    **{f"table_{n}_scroll_end_painted": (100.0, "ms") for n in FULL_SIZES},
    "table_rss_growth_mb": (50.0, "MB"),
}


@dataclass(frozen=True, slots=True)
class Config:
    sizes: tuple[int, ...]
    table_reps: int
    figure_reps: int
    savefig_reps: int
    profile: bool


# -- the loop and the Qt queue -------------------------------------------------------------------


async def _settled(window: MainWindow) -> None:
    """The kernel is idle, no intent is pending and the Qt queue is drained."""
    await kernel_idle(window)
    await _drained()


# -- probes ---------------------------------------------------------------------------------------
class _PaintProbe(QObject):
    """Resolves :attr:`painted` with the time ``target`` finished a paint during which
    ``ready()`` held.

    The filter sees the ``Paint`` event before the widget does: it delivers that event itself
    (``sendEvent`` with the probe out of the way, inside the same backing-store paint) and notes
    when the widget's own painting returned, then swallows the original.
    """

    def __init__(self, target: QWidget, ready: Callable[[], bool]) -> None:
        super().__init__()
        self._target = target
        self._installed = False
        self.paint_started = float("nan")
        self.painted: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._ready = ready
        self._install()

    def _install(self) -> None:
        if not self._installed and shiboken6.isValid(self._target):
            self._target.installEventFilter(self)
            self._installed = True

    def rearm(self, ready: Callable[[], bool]) -> None:
        """Wait for the next paint during which ``ready()`` holds."""
        self._ready = ready
        self.painted = asyncio.get_running_loop().create_future()
        self.paint_started = float("nan")
        self._install()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Paint or self.painted.done() or not self._ready():
            return False
        self.paint_started = time.perf_counter()
        self.remove()  # out of the way of the delivery below (and of later paints)
        QCoreApplication.sendEvent(watched, event)
        self.painted.set_result(time.perf_counter())
        return True  # delivered above

    def remove(self) -> None:
        if self._installed and shiboken6.isValid(self._target):
            self._target.removeEventFilter(self)
        self._installed = False


class _RunWatch:
    """Times one run of one cell from coordinator events (subscribed after the window's bridge,
    so the widgets already show each event when it arrives here)."""

    def __init__(
        self,
        coordinator: Coordinator,
        widget: CellWidget,
        on_output: Callable[[CellWidget], None] | None = None,
    ) -> None:
        self.widget = widget
        self.cell_id = widget.cell_id
        self.on_output = on_output
        self.started = float("nan")
        self.outputs: list[float] = []
        self.finished = float("nan")
        self.duration_ms = float("nan")
        self.status = ""
        self.done: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._begun = False
        self._unsubscribe = coordinator.subscribe(self._on_event)

    def _on_event(self, event: CoordinatorEvent) -> None:
        if not isinstance(event, CellStateChanged) or event.cell_id != self.cell_id:
            return
        now = time.perf_counter()
        state = event.state
        if state.status == "running" and not self._begun:
            self._begun, self.started = True, now
        if not self._begun:
            return
        if event.appended is not None:
            self.outputs.append(now)
            if self.on_output is not None:
                self.on_output(self.widget)
        if state.status in TERMINAL and not self.done.done():
            self.finished, self.status = now, state.status
            self.duration_ms = state.duration_ms if state.duration_ms is not None else float("nan")
            self.done.set_result(now)

    def close(self) -> None:
        self._unsubscribe()


class _FetchTimer:
    """Wraps ``coordinator.fetch_rows`` (an instance attribute shadowing the method, set before
    any table widget binds it) to time each page's kernel round trip."""

    def __init__(self, coordinator: Coordinator) -> None:
        self.calls: list[tuple[float, float, int, int]] = []  # (sent, answered, start, count)
        original = coordinator.fetch_rows

        async def fetch_rows(request: PageRequest) -> TablePage:
            sent = time.perf_counter()
            rows = await original(request)
            self.calls.append((sent, time.perf_counter(), request.start, request.count))
            return rows

        coordinator.fetch_rows = fetch_rows  # type: ignore[method-assign]


# -- notebooks and windows ------------------------------------------------------------------------


async def _open(path: Path) -> MainWindow:
    """Open ``path`` in a new shown window and wait (untimed) for its kernel."""
    window = MainWindow()
    window.resize(*WINDOW_SIZE)
    window.show()
    if not window.open_path(str(path)):
        raise RuntimeError(f"cannot open {path}: {getattr(window, 'last_error', '')}")
    assert window.coordinator is not None
    await window.coordinator.start_kernel()
    await _settled(window)
    return window


async def _close(window: MainWindow) -> None:
    await _wait(lambda: tasks.pending() == 0)
    window.close()
    window.deleteLater()
    await _drained()


async def _run(window: MainWindow, watch: _RunWatch) -> None:
    """Run the watched cell; raise unless it ends in success."""
    assert window.coordinator is not None
    await window.coordinator.run_cell(watch.cell_id)
    await asyncio.wait_for(watch.done, WAIT_S)
    if watch.status != "success":
        state = window.coordinator.states[watch.cell_id]
        raise AssertionError(f"cell ended {watch.status}: {state.error or state.reason}")


# -- 1, 2, 4. tables ------------------------------------------------------------------------------
def _table_codes(rows: int) -> list[str]:
    name = f"df_{rows}"
    build = (
        "import numpy as np\nimport pandas as pd\n"
        f"{name} = pd.DataFrame(np.arange({rows} * {COLUMNS}).reshape({rows}, {COLUMNS}))"
    )
    return [build, name]


def _table_of(widget: CellWidget) -> TableOutput | None:
    tables = [p for p in widget.outputs.pieces() if isinstance(p, TableOutput)]
    return tables[-1] if tables else None


@dataclass(slots=True)
class _TableRun:
    """One run of the display cell, its first paint and (optionally) its scroll to the end."""

    phases: dict[str, float]
    table: TableOutput
    probe: _PaintProbe


async def _table_once(
    window: MainWindow, widget: CellWidget, rows: int, fetches: _FetchTimer, scroll: bool
) -> _TableRun:
    coordinator = window.coordinator
    assert coordinator is not None
    probes: list[_PaintProbe] = []

    def on_output(cell: CellWidget) -> None:
        # Synchronous with the widget's own update: no paint can have happened yet.
        table = _table_of(cell)
        if table is not None and not probes:
            model = table.model
            probes.append(
                _PaintProbe(table.view.viewport(), lambda: model.loaded_row(0) is not None)
            )

    watch = _RunWatch(coordinator, widget, on_output)
    start = time.perf_counter()
    try:
        await _run(window, watch)
    finally:
        watch.close()
    if not probes:
        raise AssertionError("the cell finished without a TableOutput")
    probe = probes[0]
    painted = await asyncio.wait_for(probe.painted, WAIT_S)
    table = _table_of(widget)
    assert table is not None and table.model.rowCount() == rows
    display = next(iter(watch.outputs), float("nan"))
    phases = {
        # 0 when the page was on screen before the finish event (display and finish can come
        # in separate reads from the worker, and the view paints in between).
        "finish_to_paint": _ms(max(painted, watch.finished) - watch.finished),
        "paint_end_vs_finish": _ms(painted - watch.finished),
        "paint_duration": _ms(painted - probe.paint_started),
        "display_to_paint": _ms(painted - display),
        "display_to_finish": _ms(watch.finished - display),
        "run_to_paint": _ms(painted - start),
        "cell_duration": watch.duration_ms,
    }
    if scroll:
        phases.update(await _scroll_once(table, probe, rows, fetches))
    return _TableRun(phases, table, probe)


async def _scroll_once(
    table: TableOutput, probe: _PaintProbe, rows: int, fetches: _FetchTimer
) -> dict[str, float]:
    """``scrollToBottom()`` → the last row loaded → painted; then back to the top."""
    await _drained()
    model, view = table.model, table.view
    last = rows - 1
    loaded: asyncio.Future[float] = asyncio.get_running_loop().create_future()

    def on_changed(*_args: object) -> None:
        if not loaded.done() and model.loaded_row(last) is not None:
            loaded.set_result(time.perf_counter())

    model.dataChanged.connect(on_changed)
    probe.rearm(lambda: model.loaded_row(last) is not None)
    calls_before = len(fetches.calls)
    try:
        start = time.perf_counter()
        view.scrollToBottom()
        arrived = await asyncio.wait_for(loaded, WAIT_S)
        painted = await asyncio.wait_for(probe.painted, WAIT_S)
    finally:
        model.dataChanged.disconnect(on_changed)
    expected = str(last * COLUMNS)  # column 1 is the frame's column 0: 10 * row
    shown = model.data(model.index(last, 1))
    if shown != expected:
        raise AssertionError(f"last row shows {shown!r}, expected {expected!r}")
    if view.rowAt(view.viewport().height() - 1) not in (last, -1):
        raise AssertionError("scrollToBottom did not bring the last row into view")
    calls = [c for c in fetches.calls[calls_before:] if c[2] <= last < c[2] + c[3]]
    sent, answered = (calls[0][0], calls[0][1]) if calls else (float("nan"), float("nan"))
    view.scrollToTop()
    await _drained()
    return {
        "scroll_end_loaded": _ms(arrived - start),
        "scroll_end_painted": _ms(painted - start),
        "scroll_to_request": _ms(sent - start),
        "scroll_fetch_round_trip": _ms(answered - sent),
        "scroll_answer_to_paint": _ms(painted - answered),
        "scroll_fetches": float(len(fetches.calls) - calls_before),
    }


async def _bench_table(config: Config, folder: Path, rows: int, results: Results) -> None:
    """First paint and scroll for one size; RSS figures for the biggest size."""
    biggest = rows == max(config.sizes)
    path = _write_notebook(folder / f"table_{rows}.py", _table_codes(rows))
    window = await _open(path)
    coordinator = window.coordinator
    assert coordinator is not None
    fetches = _FetchTimer(coordinator)
    build, show = _cell(window, 0), _cell(window, 1)
    built = time.perf_counter()
    await _run(window, _RunWatch(coordinator, build))
    results.values[f"table_{rows}_build_s"] = round(time.perf_counter() - built, 2)
    await _settled(window)
    gc.collect()
    before = _rss_mb()

    first = await _table_once(window, show, rows, fetches, scroll=True)
    await _settled(window)
    gc.collect()
    after_first = _rss_mb()
    for key, value in first.phases.items():
        results.values[f"table_{rows}_cold_{key}"] = round(value, 2)
    if biggest:
        results.values["table_rss_rows"] = rows
        results.values["table_rss_before_mb"] = round(before, 1)
        results.add("table_rss_growth_mb", after_first - before)
    _log(f"outputs: table {rows:,} rows, cold run done")

    growth: list[float] = []
    for rep in range(config.table_reps):
        first.probe.remove()
        with _profiled(
            f"table {rows:,} rows: re-run, first paint, scroll", config.profile and rep == 0
        ):
            run = await _table_once(window, show, rows, fetches, scroll=True)
        first = run
        for key, value in run.phases.items():
            results.add(f"table_{rows}_{key}", value)
        await _settled(window)
        if biggest:
            gc.collect()
            growth.append(round(_rss_mb() - before, 1))
    first.probe.remove()
    if biggest:
        results.values["table_rss_growth_by_rerun_mb"] = growth
        results.values["table_rss_after_reruns_mb"] = round(_rss_mb(), 1)
    await _close(window)
    _log(f"outputs: table {rows:,} rows done")


# -- 3. figures -----------------------------------------------------------------------------------
def _images(widget: CellWidget) -> int:
    return sum(1 for p in widget.outputs.pieces() if isinstance(p, ImageOutput))


async def _figures_once(window: MainWindow, widget: CellWidget) -> dict[str, float]:
    coordinator = window.coordinator
    assert coordinator is not None
    all_there: list[float] = []

    def on_output(cell: CellWidget) -> None:
        if not all_there and _images(cell) >= FIGURES:
            all_there.append(time.perf_counter())

    watch = _RunWatch(coordinator, widget, on_output)
    start = time.perf_counter()
    try:
        await _run(window, watch)
    finally:
        watch.close()
    if not all_there or _images(widget) != FIGURES:
        raise AssertionError(f"figures: {_images(widget)} ImageOutputs, expected {FIGURES}")
    outputs = coordinator.states[widget.cell_id].outputs
    png_bytes = sum(len(o.data.get("image/png", "")) for o in outputs if isinstance(o, RichOutput))
    return {
        "figures_cell_per_figure": watch.duration_ms / FIGURES,
        "figures_widgets_per_figure": _ms(all_there[0] - start) / FIGURES,
        "figures_run_to_widgets": _ms(all_there[0] - start),
        "figures_finish_after_last_widget": _ms(watch.finished - all_there[0]),
        "figures_base64_kb_per_figure": png_bytes / FIGURES / 1024,
    }


def _plain_savefig(reps: int) -> list[tuple[float, float]]:
    """(draw ms, savefig ms) for all figures, per pass, in a plain interpreter."""
    env = dict(os.environ, MPLBACKEND="Agg")
    done = subprocess.run(
        [sys.executable, "-c", SAVEFIG_SCRIPT, str(reps)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return [(float(a), float(b)) for a, b in json.loads(done.stdout.strip().splitlines()[-1])]


async def _bench_figures(config: Config, folder: Path, results: Results) -> None:
    path = _write_notebook(folder / "figures.py", [IMPORT_CODE, FIGURE_CODE])
    window = await _open(path)
    coordinator = window.coordinator
    assert coordinator is not None
    await _run(window, _RunWatch(coordinator, _cell(window, 0)))
    widget = _cell(window, 1)
    warm = await _figures_once(window, widget)  # first figures of the kernel: font cache etc.
    results.values["figures_cold_cell_per_figure"] = round(warm["figures_cell_per_figure"], 2)
    await _settled(window)
    for rep in range(config.figure_reps):
        with _profiled("ten figures: one run", config.profile and rep == 0):
            phases = await _figures_once(window, widget)
        for key, value in phases.items():
            results.add(key, value)
        await _settled(window)
    await _close(window)
    for drawn, saved in _plain_savefig(config.savefig_reps):
        results.add("figures_plain_savefig_per_figure", saved / FIGURES)
        results.add("figures_plain_draw_and_savefig_per_figure", (drawn + saved) / FIGURES)
    _log("outputs: figures done")


# -- report ---------------------------------------------------------------------------------------
def _figure_rows(sizes: Sequence[int]) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    for n in sizes:
        k = f"table_{n}"
        rows += [
            (f"{k}_finish_to_paint", f"{n:,} rows: cell finish → first page painted", "ms"),
            (f"{k}_paint_end_vs_finish", "  · first page painted minus finish (signed)", "ms"),
            (f"{k}_display_to_paint", "  · display message → first page painted", "ms"),
            (f"{k}_display_to_finish", "  · display message → finish event", "ms"),
            (f"{k}_paint_duration", "  · the viewport's paint itself", "ms"),
            (f"{k}_run_to_paint", "  · run_cell() → first page painted", "ms"),
            (f"{k}_cell_duration", "  · the cell's duration_ms (kernel side)", "ms"),
            (f"{k}_scroll_end_painted", f"{n:,} rows: scrollToBottom → last row painted", "ms"),
            (f"{k}_scroll_end_loaded", "  · → last row in the model", "ms"),
            (f"{k}_scroll_to_request", "  · → page request sent", "ms"),
            (f"{k}_scroll_fetch_round_trip", "  · fetch_rows round trip", "ms"),
            (f"{k}_scroll_answer_to_paint", "  · answer → painted", "ms"),
        ]
    rows += [
        ("figures_cell_per_figure", "10 figures: cell duration_ms per figure", "ms"),
        ("figures_widgets_per_figure", "  run → 10 ImageOutputs present, per figure", "ms"),
        ("figures_plain_savefig_per_figure", "  plain python: savefig alone, per figure", "ms"),
        (
            "figures_plain_draw_and_savefig_per_figure",
            "  plain python: subplots + plot + savefig, per figure",
            "ms",
        ),
        ("figures_ratio_cell_vs_savefig", "  ratio cell / savefig alone", "x"),
        ("figures_ratio_cell_vs_plain", "  ratio cell / plain draw + savefig", "x"),
        ("figures_finish_after_last_widget", "  last ImageOutput → cell finish event", "ms"),
        ("figures_base64_kb_per_figure", "  base64 PNG per figure", "KB"),
        ("table_rss_growth_mb", "GUI RSS growth: biggest table shown, end and back", "MB"),
    ]
    return rows


def _summary(results: Results) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, values in results.samples.items():
        values = [v for v in values if v == v]
        if values:
            out[key] = round(statistics.median(values), 3)
            out[f"{key}_min"] = round(min(values), 3)
    cell = out.get("figures_cell_per_figure")
    for key, plain in (
        ("figures_ratio_cell_vs_savefig", out.get("figures_plain_savefig_per_figure")),
        ("figures_ratio_cell_vs_plain", out.get("figures_plain_draw_and_savefig_per_figure")),
    ):
        if cell and plain:
            out[key] = round(cell / plain, 2)
    return out


def _targets(summary: dict[str, float], sizes: Sequence[int]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for key, (target, unit) in TARGETS.items():
        size = key.split("_")[1]
        if key.startswith("table_") and size.isdigit() and int(size) not in sizes:
            continue
        value = summary.get(key)
        out[key] = verdict(value, target, unit)
    return out


def _report(config: Config, results: Results) -> dict[str, Any]:
    summary = _summary(results)
    targets = _targets(summary, config.sizes)
    print()
    print(
        f"Cascade rich-outputs benchmark — Python {platform.python_version()}, Qt offscreen, "
        f"{os.cpu_count()} CPUs; tables {', '.join(f'{n:,}' for n in config.sizes)} rows × "
        f"{COLUMNS} columns, {config.table_reps} re-runs each; {config.figure_reps} figure runs; "
        "median (min)"
    )
    print()
    print_targets(_figure_rows(config.sizes), summary, targets)
    v = results.values
    print()
    for n in config.sizes:
        print(
            f"{n:,} rows, first run in its window (cold): finish → painted "
            f"{_fmt(v.get(f'table_{n}_cold_finish_to_paint'))} ms, scroll → painted "
            f"{_fmt(v.get(f'table_{n}_cold_scroll_end_painted'))} ms; build cell "
            f"{v.get(f'table_{n}_build_s')} s"
        )
    if "table_rss_rows" in v:
        print(
            f"GUI RSS with {v['table_rss_rows']:,} rows: {v['table_rss_before_mb']} MB before the "
            f"first run; growth after each re-run (shown, end and back): "
            f"{v['table_rss_growth_by_rerun_mb']} MB"
        )
    print(f"figures, first run of the kernel: {v.get('figures_cold_cell_per_figure')} ms/figure")
    document: dict[str, Any] = dict(summary)
    document.update(results.values)
    document["targets"] = targets
    document["config"] = {
        "sizes": list(config.sizes),
        "columns": COLUMNS,
        "table_reps": config.table_reps,
        "figure_reps": config.figure_reps,
        "savefig_reps": config.savefig_reps,
        **machine(),
    }
    return document


# -- entry point ----------------------------------------------------------------------------------
async def _main(config: Config, folder: Path) -> Results:
    results = Results()
    # The biggest table goes first: its RSS figure needs a heap no earlier table has grown
    # (freed memory is reused, which would hide the growth).
    for rows in sorted(config.sizes, reverse=True):
        await _bench_table(config, folder, rows, results)
    await _bench_figures(config, folder, results)
    return results


def _config(argv: Sequence[str] | None) -> Config:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.outputs", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip 10,000,000 rows; fewer runs")
    parser.add_argument("--profile", action="store_true", help="cProfile each scenario (stderr)")
    args = parser.parse_args(argv)
    if args.quick:
        return Config(QUICK_SIZES, 3, 2, 3, args.profile)
    return Config(FULL_SIZES, 5, 5, 5, args.profile)


def main(argv: Sequence[str] | None = None) -> int:
    config = _config(argv)
    started = time.perf_counter()
    results = run_in_scratch_folder("cascade-outputs-bench-", lambda folder: _main(config, folder))
    print_document(_report(config, results), started)
    return 0


if __name__ == "__main__":
    sys.exit(main())

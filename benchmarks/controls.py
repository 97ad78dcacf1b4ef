"""Reactive controls benchmark: a slider moved 100 times over a chain of 10 light cells, in the
real MainWindow (offscreen) against the real worker.

Run ``.venv/bin/python -m benchmarks.controls`` (``--reps N``, default 5).

The notebook: ``n = cs.slider(0, 1000)`` and ten cells ``x_1 = n.value``, ``x_i = x_{i-1} + 1``
(the last one shows ``x_10``). Two ways to move the slider, each repeated:

* **burst**: 100 ``setValue`` calls back to back, as fast as Qt delivers them (every call emits
  ``valueChanged`` and reaches the coordinator's intent);
* **drag**: one move per 8 ms timer tick (a 120 Hz mouse), 100 moves.

Figures: runs started for the 100 moves (coalesced: one in flight per control, the latest
value wins), time from the last move until the last cell's widget shows the final value and
the Qt queue is drained, minus the cells' own work in that last run (the sum of their
``duration_ms``; goal ≤ 50 ms), and the longest stall of the GUI loop during the moves (a 4 ms
precise timer; gap minus 4 ms; goal ≤ 16 ms).

marimo, side by side (documented behaviour, not measured here: its slider lives in a browser
page and a headless ``marimo run`` has no slider to drag): ``mo.ui.slider`` sends its value as
it moves, or only on release with ``debounce=True``; every value sent re-runs the cells that
reference the element.

Output: a table, then one final line of JSON with every figure and target.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before Qt is imported anywhere

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Qt, QTimer
from superqt import QLabeledSlider

if __package__ in (None, ""):  # run as `python benchmarks/controls.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.state import RichOutput
from app.ui.outputs.controls import ControlOutput
from app.ui.window.main_window import MainWindow
from benchmarks._qt_harness import (
    Results,
    cell,
    drained,
    kernel_idle,
    log,
    ms,
    run_on_qt,
    wait,
    write_notebook,
)
from benchmarks._report import fmt, print_table

MOVES = 100
CHAIN = 10
DRAG_TICK_MS = 8
STALL_TICK_MS = 4
TARGETS: dict[str, tuple[float, str]] = {
    "last_move_to_last_result_over_work": (50.0, "ms"),
    "max_gui_stall": (16.0, "ms"),
}


def _codes() -> list[str]:
    chain = ["x_1 = n.value", *(f"x_{i} = x_{i - 1} + 1" for i in range(2, CHAIN + 1))]
    return [
        "import cascade as cs\nn = cs.slider(0, 1000)\nn",
        *chain[:-1],
        f"{chain[-1]}\nx_{CHAIN}",
    ]


class _Stalls(QObject):
    """A precise timer; the largest gap between its ticks beyond the interval."""

    def __init__(self) -> None:
        super().__init__()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(STALL_TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0
        self.worst = 0.0

    def start(self) -> None:
        self._last, self.worst = time.perf_counter(), 0.0
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, ms(now - self._last) - STALL_TICK_MS)
        self._last = now

    def stop(self) -> None:
        self._tick()
        self._timer.stop()


def _shows(window: MainWindow, value: int) -> bool:
    coordinator = window.coordinator
    assert coordinator is not None
    last = coordinator.notebook.cell_ids[-1]
    state = coordinator.states.get(last)
    if state is None or state.status != "success":
        return False
    rich = [o for o in state.outputs if isinstance(o, RichOutput)]
    return bool(rich) and rich[-1].data.get("text/plain") == str(value)


def _work_ms(window: MainWindow) -> float:
    coordinator = window.coordinator
    assert coordinator is not None
    return sum(coordinator.states[c].duration_ms or 0.0 for c in coordinator.notebook.cell_ids[1:])


async def _moves(window: MainWindow, slider: QLabeledSlider, start: int, paced: bool) -> None:
    values = [start + i + 1 for i in range(MOVES)]
    if not paced:
        for value in values:
            slider.setValue(value)
        return
    done = asyncio.get_running_loop().create_future()
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(DRAG_TICK_MS)
    pending = iter(values)

    def tick() -> None:
        value = next(pending, None)
        if value is None:
            timer.stop()
            if not done.done():
                done.set_result(None)
        else:
            slider.setValue(value)

    timer.timeout.connect(tick)
    timer.start()
    await done


async def _scenario(window: MainWindow, results: Results, mode: str, start: int) -> int:
    coordinator = window.coordinator
    assert coordinator is not None
    slider = cell(window, 0).outputs.findChildren(ControlOutput)[0].editor
    assert isinstance(slider, QLabeledSlider)
    runs_before = coordinator._controls.applied
    stalls = _Stalls()
    stalls.start()
    await _moves(window, slider, start, paced=mode == "drag")
    last_move = time.perf_counter()
    final = start + MOVES
    await wait(lambda: _shows(window, final + CHAIN - 1), step=0.0005)
    shown = await drained()
    stalls.stop()
    results.add(f"{mode}_runs_started", coordinator._controls.applied - runs_before)
    results.add(f"{mode}_last_move_to_last_result", ms(shown - last_move))
    results.add(f"{mode}_cells_own_work", _work_ms(window))
    results.add(f"{mode}_over_work", ms(shown - last_move) - _work_ms(window))
    results.add(f"{mode}_max_gui_stall", stalls.worst)
    await kernel_idle(window)
    return final


async def _main(reps: int, folder: Path) -> Results:
    results = Results()
    path = write_notebook(folder / "controls.py", _codes())
    window = MainWindow()
    window.show()
    assert window.open_path(str(path))
    window.commands.run_all.trigger()
    await wait(lambda: _shows(window, CHAIN - 1))
    await wait(lambda: bool(cell(window, 0).outputs.findChildren(ControlOutput)))
    await kernel_idle(window)
    value = 0
    for rep in range(reps):
        for mode in ("burst", "drag"):
            log(f"rep {rep + 1}/{reps}: {mode}")
            value = await _scenario(window, results, mode, value % 800)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args(argv)
    errors: list[BaseException] = []
    with tempfile.TemporaryDirectory(prefix="cascade-controls-bench-") as tmp:
        folder = Path(tmp)
        for kind in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
            QSettings.setPath(kind, QSettings.Scope.UserScope, str(folder / "cfg"))
        results = run_on_qt(lambda: _main(args.reps, folder), errors)
    if errors:
        raise RuntimeError(f"an intent failed during the benchmark: {errors!r}")
    header = ["figure", "median", "max", "target", "ok"]
    rows: list[list[str]] = []
    summary: dict[str, Any] = {}
    for key, samples in results.samples.items():
        median, worst = statistics.median(samples), max(samples)
        target = next((t for name, t in TARGETS.items() if key.endswith(name)), None)
        ok = "" if target is None else ("yes" if worst <= target[0] else "NO")
        rows.append(
            [key, fmt(median), fmt(worst), f"≤ {target[0]:g} {target[1]}" if target else "", ok]
        )
        summary[key] = {"median": median, "max": worst, "samples": samples}
    print_table(header, rows, right={1, 2})
    print(json.dumps({"moves": MOVES, "chain": CHAIN, "figures": summary, "targets": TARGETS}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

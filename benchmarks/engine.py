"""Engine benchmark: Cascade's coordinator + real worker, side by side with ipykernel and marimo.

Run ``.venv/bin/python -m benchmarks.engine`` (``--quick`` for a smoke run, ``--no-peers`` for
Cascade alone, ``--profile`` to cProfile the chain-of-100 re-run, ``--connection asyncio`` to
drive the worker as ``cascade run`` does instead of as the window does). Cascade runs through
:class:`~app.coordinator.coordinator.Coordinator` and, by default, the window's
:class:`~app.coordinator.qprocess_kernel.QProcessKernel` on a qasync loop; the peers run
afterwards in the same process. The sources are byte-compiled first, as an install does.

Figures (each the median of several timed repetitions after a warm-up; min shown too):

* ``chain_N_run_all`` / ``chain_N_rerun`` for N in 10, 100, 1000 and (Cascade only) 10,000:
  ``x_0 = 0``, ``x_i = x_{i-1} + 1``. Run-all starts from a fresh namespace (kernel restarted,
  untimed); re-run is ``update_cell(root, "x_0 = k")``, which re-runs the whole chain as an
  edit does. marimo's ``App.run()`` has no re-run: both of its figures are a full run.
* ``fan_1000_run_all`` / ``fan_1000_rerun``: ``x = 0`` and 1000 cells ``y_i = x + i``.
* ``open_analyse_plan_N`` (N = 1000, 10,000): load a chain file, analyse every cell, build the
  graph, plan run-all (pure core, no kernel); µs per extra cell from 1,000 to 10,000.
* ``mem_*``: resident memory of the app (this process) and of the worker after the
  10,000-cell chain ran.
* ``load_5mb_*``: ``fileformat.load`` of hostile 5 MB files (issue 9: a million ``# %%`` lines
  took 15 s; target ≤ 1 s each), the shapes of :mod:`benchmarks.hostile_files`: a million
  markers (refused at cell 10,001), 10,000 cells of code, markdown, markers of 125 pairs, no
  markers, a 16 KiB header of the slowest TOML; markers of bracketed, quoted, nested, distinct,
  Python-literal values, titles and words, 100,000-character markers, the seed format, marker
  lines and PEP 8 spacing with strings in triple quotes, long preambles and headers.
* ``cold_start``: a worker spawned as the app spawns one, until its Ready frame; the breakdown
  beside it (:mod:`benchmarks._startup`): ``python -c pass``, the worker's imports, and the
  worker until its first plan finished. ``connection_start`` is the connection's ``start()``.
* ``whole_process_chain_100``: ``cascade run`` of a 100-cell chain as a whole process, beside
  ``python nb.py`` of the same notebook saved by marimo and ``jupyter execute nb.ipynb``.

Output: a table (each figure with its ratio to each peer, and the issue's target), then one
final line of JSON with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import functools
import os
import platform
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from app.coordinator.coordinator import Coordinator
from app.coordinator.kernel import KernelConnection
from app.core import fileformat
from app.core.analysis import analyze_cells
from app.core.graph import build_graph
from app.core.notebook import Cell, Notebook
from app.core.planner import plan_run_all
from app.core.state import CellRunState, RichOutput

if __package__ in (None, ""):  # run as `python benchmarks/engine.py`: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import _startup
from benchmarks._loops import run_with_asyncio, run_with_qt
from benchmarks._peers import (
    INSTALL_HINT,
    PeerResult,
    Workload,
    chain,
    fan,
    run_ipykernel,
    run_marimo,
)
from benchmarks._report import fmt as _fmt
from benchmarks._report import machine, print_document, print_table
from benchmarks.hostile_files import SHAPES as HOSTILE_SHAPES
from benchmarks.hostile_files import five_megabytes

CHAIN_SIZES = (10, 100, 1000)
#: The scale figures: Cascade alone (a peer takes minutes per 10,000-cell run).
SCALE_SIZE = 10_000
FAN_SIZE = 1000
OPEN_SIZES = (1000, SCALE_SIZE)
WHOLE_PROCESS = chain(100)
#: Ratio Cascade / peer the issue asks for, per (figure, peer) (lower is better).
RATIO_TARGETS: dict[tuple[str, str], float] = {
    (f"fan_{FAN_SIZE}_run_all", "marimo"): 1.0,
    (f"fan_{FAN_SIZE}_rerun", "marimo"): 1.0,
    **{(f"chain_{n}_rerun", "marimo"): 0.3 for n in CHAIN_SIZES},
    (f"whole_process_{WHOLE_PROCESS.key}", "marimo"): 0.4,
    (f"whole_process_{WHOLE_PROCESS.key}", "ipykernel"): 0.1,
}
#: Worker cold start / ``python -c pass``.
COLD_START_RATIO_TARGET = 2.0
PER_CELL_TARGET_US = 100.0
#: Hostile notebook files of about 5 MB (key suffix -> text); the loader's target is 1 s each.
HOSTILE_LOADS: dict[str, Callable[[], str]] = {
    shape: functools.partial(five_megabytes, shape) for shape in HOSTILE_SHAPES
}
LOAD_TARGET_MS = 1000.0
#: figure key -> (target, unit); "µs/cell" targets apply to ``<key>_us_per_cell``.
TARGETS: dict[str, tuple[float, str]] = {
    "chain_100_rerun": (20.0, "ms"),
    "open_analyse_plan_1000": (150.0, "ms"),
    f"open_analyse_plan_{SCALE_SIZE}": (250.0, "ms"),
    f"chain_{SCALE_SIZE}_rerun": (400.0, "ms"),
    "cold_start": (150.0, "ms"),
    **{f"load_5mb_{shape}": (LOAD_TARGET_MS, "ms") for shape in HOSTILE_LOADS},
}
#: Per-cell targets apply where fixed costs are amortised (at least this many cells).
PER_CELL_MIN_CELLS = 100


@dataclass(frozen=True, slots=True)
class Config:
    reps: int
    big_reps: int  # repetitions for the 1000-cell workloads
    peer_big_reps: int  # the same for peers (ipykernel needs ~4 s per 1000-cell run)
    core_reps: int
    cold_reps: int
    peer_cold_reps: int
    peers: bool
    profile: bool
    scale_reps: int = 3  # the 10,000-cell chain
    whole_reps: int = 5  # whole-process runs of each engine
    connection: str = "qprocess"
    bundle: Path | None = None  # a built bundle's binary: its worker's cold start too


@dataclass(slots=True)
class Results:
    """Samples in milliseconds per figure key, and the cell count of each figure."""

    samples: dict[str, list[float]] = field(default_factory=dict)
    cells: dict[str, int] = field(default_factory=dict)
    #: Single values (memory, in MB).
    values: dict[str, float] = field(default_factory=dict)


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


# -- Cascade through the coordinator and the real worker --------------------------------------
def _notebook(workload: Workload) -> Notebook:
    cells = tuple(Cell(id=f"{i:08x}", code=code) for i, code in enumerate(workload.codes))
    return Notebook(cells=cells, name=workload.key)


def _write(workload: Workload, folder: Path) -> Path:
    path = folder / f"{workload.key}.py"
    path.write_text(fileformat.dumps(_notebook(workload)), encoding="utf-8")
    return path


def _verify(coordinator: Coordinator, before: dict[str, CellRunState], what: str) -> None:
    """Every cell succeeded, and every one has a new state (so it really ran again)."""
    for cell_id in coordinator.notebook.cell_ids:
        state = coordinator.states[cell_id]
        if state.status != "success":
            raise AssertionError(f"{what}: {cell_id} is {state.status}: {state}")
        if state is before.get(cell_id):
            raise AssertionError(f"{what}: {cell_id} did not run again")


async def _probe(coordinator: Coordinator, workload: Workload, k: int) -> None:
    """Add a cell showing the last value, check what the worker displayed, remove it again."""
    probe = await coordinator.add_cell("python", code=workload.probe)
    rich = [o for o in coordinator.states[probe].outputs if isinstance(o, RichOutput)]
    got = rich[-1].data.get("text/plain") if rich else None
    await coordinator.delete_cell(probe)
    if got != str(workload.expected(k)):
        raise AssertionError(f"{workload.key}: {workload.probe} displayed {got!r}")


def _kernel(connection: str, folder: Path) -> KernelConnection:
    """The connection the figures are taken with: the window's, or the headless one."""
    if connection == "asyncio":
        from app.coordinator.asyncio_kernel import AsyncioKernel

        return AsyncioKernel(cwd=folder)
    from app.coordinator.qprocess_kernel import QProcessKernel

    return QProcessKernel(cwd=folder)


def _rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process (``/proc``), in MB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


async def _cascade_workload(
    workload: Workload,
    reps: int,
    folder: Path,
    results: Results,
    profile: bool,
    connection: str = "qprocess",
) -> None:
    coordinator = Coordinator(_kernel(connection, folder), autosave=False)
    await coordinator.open(_write(workload, folder))
    root = coordinator.notebook.cell_ids[0]
    count = len(workload.cells)
    results.cells[f"{workload.key}_run_all"] = count
    results.cells[f"{workload.key}_rerun"] = count
    try:
        await coordinator.start_kernel()
        await coordinator.run_all()  # warm-up
        _verify(coordinator, {}, f"{workload.key} warm-up")

        run_all = results.samples.setdefault(f"{workload.key}_run_all", [])
        for _ in range(reps):
            await coordinator.restart_kernel()  # a fresh namespace; not timed
            before = dict(coordinator.states)
            start = time.perf_counter()
            await coordinator.run_all()
            run_all.append((time.perf_counter() - start) * 1000.0)
            _verify(coordinator, before, f"{workload.key} run-all")
        await _probe(coordinator, workload, 0)

        await coordinator.update_cell(root, workload.root_edit.format(k=-1))  # warm-up
        rerun = results.samples.setdefault(f"{workload.key}_rerun", [])
        for k in range(1, reps + 1):
            before = dict(coordinator.states)
            start = time.perf_counter()
            await coordinator.update_cell(root, workload.root_edit.format(k=k))
            rerun.append((time.perf_counter() - start) * 1000.0)
            _verify(coordinator, before, f"{workload.key} re-run")
        await _probe(coordinator, workload, reps)
        if count >= SCALE_SIZE:
            worker = coordinator.kernel_pid
            assert worker is not None, "the kernel is running"
            results.values[f"mem_{workload.key}_app_mb"] = round(_rss_mb(), 1)
            results.values[f"mem_{workload.key}_worker_mb"] = round(_rss_mb(worker), 1)

        if profile:
            await _profile_rerun(coordinator, workload, root)
    finally:
        await coordinator.shutdown()


async def _profile_rerun(coordinator: Coordinator, workload: Workload, root: str) -> None:
    """cProfile the coordinator process during 20 re-runs; the worker is another process."""
    profiler = cProfile.Profile()
    worker_ms = 0.0
    start = time.perf_counter()
    for k in range(1000, 1020):
        profiler.enable()
        await coordinator.update_cell(root, workload.root_edit.format(k=k))
        profiler.disable()
        worker_ms += sum(s.duration_ms or 0.0 for s in coordinator.states.values())
    wall_ms = (time.perf_counter() - start) * 1000.0 / 20
    _log(
        f"\n== profile: {workload.key} re-run, 20 runs: {wall_ms:.2f} ms wall each; "
        f"cells' own run time (worker exec, summed) {worker_ms / 20:.3f} ms =="
    )
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(30)


async def _connection_start(config: Config, folder: Path, results: Results) -> None:
    """The connection's own ``start()`` until Ready (the figure the window waits for)."""
    samples = results.samples.setdefault("connection_start", [])
    for rep in range(config.cold_reps + 1):  # the first one warms the disk cache
        kernel = _kernel(config.connection, folder)
        start = time.perf_counter()
        await kernel.start()
        elapsed = (time.perf_counter() - start) * 1000.0
        await kernel.shutdown()
        if rep:
            samples.append(elapsed)


async def _interrupt_latency(config: Config, folder: Path, results: Results) -> None:
    """From ``coordinator.interrupt()`` while ``while True: pass`` runs until the cell is
    interrupted and the kernel idle again, its namespace kept (what a user waits for)."""
    path = folder / "interrupt.py"
    cells = (Cell("kept", "python", "kept = 41"), Cell("loop", "python", "while True: pass"))
    path.write_text(fileformat.dumps(Notebook(cells, name="interrupt")), encoding="utf-8")
    coordinator = Coordinator(_kernel(config.connection, folder), autosave=False)
    await coordinator.open(path)
    samples = results.samples.setdefault("interrupt", [])
    try:
        await coordinator.start_kernel()
        await coordinator.run_cell("kept")
        for _ in range(config.cold_reps):
            task = asyncio.ensure_future(coordinator.run_cell("loop"))
            while coordinator.states["loop"].status != "running":
                await asyncio.sleep(0.005)
            await asyncio.sleep(0.05)  # inside the loop, not at its start
            start = time.perf_counter()
            await coordinator.interrupt()
            await task
            samples.append((time.perf_counter() - start) * 1000.0)
            status: str = coordinator.states["loop"].status  # after the await: re-read
            if status != "interrupted":
                raise AssertionError(f"interrupt: {status}")
    finally:
        await coordinator.shutdown()


def _clear_core_caches() -> None:
    """Forget every memoised core result (analysis by code string, header parsing)."""
    from app.core import analysis, graph, planner
    from app.core.fileformat import header

    for module in (analysis, header, graph, planner):
        for value in vars(module).values():
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()


def _open_analyse_plan(size: int, reps: int, folder: Path, results: Results) -> None:
    """Pure core: load + analyse + graph + plan for a chain file of ``size`` cells (phases
    too).

    The main figure clears the core's caches first (the first open of a file in a session);
    ``..._warm`` re-opens with the analysis cache filled (the same file opened again).
    """
    workload = chain(size)
    path = _write(workload, folder)
    key = f"open_analyse_plan_{size}"
    results.cells[key] = size
    phases = ("open_load", "open_analyse", "open_build_graph", "open_plan")
    for rep in range(2 * reps + 1):
        cold = rep % 2 == 1  # rep 0 is the warm-up
        if cold:
            _clear_core_caches()
        marks = [time.perf_counter()]
        notebook = fileformat.load(path).notebook
        marks.append(time.perf_counter())
        analyses = analyze_cells(notebook.cells)  # as the document does when it opens
        marks.append(time.perf_counter())
        graph = build_graph(notebook, analyses)
        marks.append(time.perf_counter())
        plan = plan_run_all(notebook, graph, {})
        marks.append(time.perf_counter())
        if len(plan.steps) != size or graph.problems:
            raise AssertionError(f"open_analyse_plan: {len(plan.steps)} steps, {graph.problems}")
        if not rep:
            continue
        total = (marks[-1] - marks[0]) * 1000.0
        results.samples.setdefault(key if cold else f"{key}_warm", []).append(total)
        if cold:
            for i, phase in enumerate(phases):
                sample = (marks[i + 1] - marks[i]) * 1000.0
                results.samples.setdefault(f"{phase}_{size}", []).append(sample)


def _hostile_loads(reps: int, folder: Path, results: Results) -> None:
    """``fileformat.load`` (read, decode, parse) of each hostile file; refusing counts too."""
    for shape, make in HOSTILE_LOADS.items():
        path = folder / f"hostile_{shape}.py"
        path.write_text(make(), encoding="utf-8")
        for rep in range(reps + 1):  # rep 0 is the warm-up
            _clear_core_caches()
            start = time.perf_counter()
            with contextlib.suppress(fileformat.NotebookFormatError):
                fileformat.load(path)
            if rep:
                results.samples.setdefault(f"load_5mb_{shape}", []).append(
                    (time.perf_counter() - start) * 1000.0
                )


async def _cascade_main(config: Config, folder: Path) -> Results:
    results = Results()
    for size in OPEN_SIZES:
        _open_analyse_plan(size, config.core_reps, folder, results)
    _log("cascade: open+analyse+plan done")
    for key, samples in _startup.cold_start_breakdown(config.cold_reps, config.bundle).items():
        results.samples[key] = samples
    await _connection_start(config, folder, results)
    await _interrupt_latency(config, folder, results)
    _log("cascade: cold start done")
    for workload in _workloads():
        reps = config.big_reps if _is_big(workload) else config.reps
        profile = config.profile and workload.key == "chain_100"
        await _cascade_workload(workload, reps, folder, results, profile, config.connection)
        _log(f"cascade: {workload.key} done")
    scale = chain(SCALE_SIZE)
    await _cascade_workload(scale, config.scale_reps, folder, results, False, config.connection)
    _log(f"cascade: {scale.key} done")
    # Last: a hostile 5 MB load peaks above 100 MB, which this process keeps (the memory
    # figures above are taken before).
    _hostile_loads(config.core_reps, folder, results)
    _log("cascade: hostile loads done")
    return results


def _workloads() -> list[Workload]:
    return [*(chain(n) for n in CHAIN_SIZES), fan(FAN_SIZE)]


def _is_big(workload: Workload) -> bool:
    return len(workload.cells) >= 1000


def _precompile() -> None:
    """Byte-compile Cascade's sources, as installing it does (``scripts/bootstrap.sh`` too):
    with ``PYTHONDONTWRITEBYTECODE`` set, a process would otherwise compile them every time."""
    import compileall

    root = Path(__file__).resolve().parents[1]
    for package in ("app", "kernel_worker"):
        compileall.compile_dir(root / package, quiet=1)


def _whole_process(config: Config, folder: Path, peers: bool) -> dict[str, list[float]]:
    """``cascade run`` and, with ``peers``, marimo's ``python nb.py`` and ``jupyter
    execute`` of the same 100-cell chain, each a whole process (samples per engine)."""
    from benchmarks._peers import installed_version

    marimo = installed_version("marimo") if peers else None
    commands = _startup.whole_process_commands(
        WHOLE_PROCESS, _write(WHOLE_PROCESS, folder), folder, marimo
    )
    if not peers:
        commands = {"cascade": commands["cascade"]}
    return _startup.whole_process_runs(commands, config.whole_reps, folder)


# -- report ------------------------------------------------------------------------------------
FIGURES: tuple[tuple[str, str], ...] = (
    *(
        (f"chain_{n}_{what}", f"chain {n} {label}")
        for n in CHAIN_SIZES
        for what, label in (("run_all", "run-all"), ("rerun", "re-run after root edit"))
    ),
    (f"fan_{FAN_SIZE}_run_all", f"fan 1 → {FAN_SIZE} run-all"),
    (f"fan_{FAN_SIZE}_rerun", f"fan 1 → {FAN_SIZE} re-run after root edit"),
    (f"whole_process_{WHOLE_PROCESS.key}", "cascade run chain 100, whole process"),
    ("cold_start", "worker cold start: spawn → Ready"),
    ("start_python_bare", "  python -c pass"),
    ("start_worker_imports", "  worker's imports only (python -c import)"),
    ("start_first_plan", "  spawn → first one-cell plan finished"),
    ("connection_start", "  connection.start() → Ready"),
    ("interrupt", "interrupt a running `while True: pass` → cell interrupted"),
    ("cold_start_bundle", "  frozen bundle's worker: spawn → Ready"),
    (f"chain_{SCALE_SIZE}_run_all", f"chain {SCALE_SIZE:,} run-all"),
    (f"chain_{SCALE_SIZE}_rerun", f"chain {SCALE_SIZE:,} re-run after root edit"),
    *(
        row
        for size in OPEN_SIZES
        for row in (
            (f"open_analyse_plan_{size}", f"open+analyse+plan {size:,} cells, cold caches"),
            (f"open_analyse_plan_{size}_warm", "  same, analysis cache warm (re-open)"),
            (f"open_load_{size}", "  · fileformat.load"),
            (f"open_analyse_{size}", "  · analyze_cells, every cell"),
            (f"open_build_graph_{size}", "  · build_graph"),
            (f"open_plan_{size}", "  · plan_run_all"),
        )
    ),
    *((f"load_5mb_{shape}", f"load 5 MB: {shape.replace('_', ' ')}") for shape in HOSTILE_LOADS),
)
#: µs per extra cell between two sizes of the same workload (fixed costs cancel out).
MARGINALS: tuple[tuple[str, str, int, int], ...] = (
    ("chain_run_all", "chain run-all", 100, 1000),
    ("chain_rerun", "chain re-run", 100, 1000),
    ("chain_run_all", "chain run-all", 1000, SCALE_SIZE),
    ("chain_rerun", "chain re-run", 1000, SCALE_SIZE),
    ("open_analyse_plan", "open+analyse+plan", 1000, SCALE_SIZE),
)


def _summary(samples: dict[str, list[float]], cells: dict[str, int]) -> dict[str, float]:
    """Flat JSON figures: ``<key>_ms``, ``<key>_min_ms`` and ``<key>_us_per_cell``."""
    out: dict[str, float] = {}
    for key, values in samples.items():
        if not values:
            continue
        out[f"{key}_ms"] = round(_median(values), 3)
        out[f"{key}_min_ms"] = round(min(values), 3)
        if key in cells:
            out[f"{key}_us_per_cell"] = round(_median(values) * 1000.0 / cells[key], 2)
    return out


def _marginal_key(stem: str, small: int, big: int) -> str:
    return f"{stem}_marginal_{small}_{big}_us_per_cell"


def _add_marginals(summary: dict[str, float]) -> None:
    """µs per extra cell between two sizes (see :data:`MARGINALS`)."""
    for stem, _label, small, big in MARGINALS:
        prefix, _, what = stem.partition("_")
        if prefix == "chain":
            keys = (f"chain_{big}_{what}_ms", f"chain_{small}_{what}_ms")
        else:
            keys = (f"{stem}_{big}_ms", f"{stem}_{small}_ms")
        high, low = summary.get(keys[0]), summary.get(keys[1])
        if high is not None and low is not None:
            value = round((high - low) * 1000.0 / (big - small), 2)
            summary[_marginal_key(stem, small, big)] = value


def _ratio(cascade: float | None, peer: float | None) -> float | None:
    if cascade is None or peer is None or peer <= 0:
        return None
    return round(cascade / peer, 4)


def _target_text(key: str, unit: str) -> tuple[str, float | None]:
    """The target column for a row, and the number it is checked against."""
    if unit == "ms" and key in TARGETS:
        target, _ = TARGETS[key]
        return f"≤ {target:g} ms", target
    return "", None


def _check(value: float | None, target: float | None) -> str:
    if value is None or target is None:
        return ""
    return " ✓" if value <= target else " ✗"


def _ratio_cell(key: str, peer: str, ratio: float | None) -> tuple[str, str]:
    """The ratio shown for a peer, and its target text (empty when the issue sets none)."""
    target = RATIO_TARGETS.get((key, peer))
    shown = _fmt(ratio, 3) + _check(ratio, target) if ratio is not None else ""
    return shown, (f"≤ {target:g}× {peer}" if target is not None else "")


def _rows(
    cascade: dict[str, float],
    peers: Sequence[PeerResult],
    peer_summaries: dict[str, dict[str, float]],
    cells: dict[str, int],
) -> list[list[str]]:
    rows: list[list[str]] = []
    for key, label in FIGURES:
        if f"{key}_ms" not in cascade:
            continue
        lines = [("ms", f"{label} (ms)", f"{key}_ms")]
        if key in cells and not key.startswith("open_"):
            lines.append(("us", "  per cell (µs)", f"{key}_us_per_cell"))
        for unit, text, field_key in lines:
            value = cascade.get(field_key)
            minimum = cascade.get(f"{key}_min_ms") if unit == "ms" else None
            shown = _fmt(value) + (f" (min {_fmt(minimum)})" if minimum is not None else "")
            target_text, target = _target_text(key, unit)
            if unit == "us" and cells.get(key, 0) >= PER_CELL_MIN_CELLS:
                target_text, target = f"≤ {PER_CELL_TARGET_US:g} µs", PER_CELL_TARGET_US
            if key == "cold_start":
                bare = cascade.get("start_python_bare_ms")
                ratio = _ratio(value, bare)
                target_text = f"≤ {COLD_START_RATIO_TARGET:g}× python -c pass"
                shown += f" = {_fmt(ratio, 2)}× pass" + _check(ratio, COLD_START_RATIO_TARGET)
            row = [text, shown + _check(value, target)]
            targets = [target_text] if target_text else []
            for peer in peers:
                summary = peer_summaries.get(peer.name, {})
                peer_value = summary.get(field_key)
                ratio = _ratio(value, peer_value) if unit == "ms" else None
                ratio_text, ratio_target = _ratio_cell(key, peer.name, ratio)
                row += [_fmt(peer_value) if peer.available else "n/a", ratio_text]
                if ratio_target and unit == "ms":
                    targets.append(ratio_target)
            row.append("; ".join(targets))
            rows.append(row)
    for stem, label, small, big in MARGINALS:
        field_key = _marginal_key(stem, small, big)
        if field_key not in cascade:
            continue
        value = cascade.get(field_key)
        row = [f"{label}: µs per extra cell ({small:,}→{big:,})", _fmt(value)]
        for peer in peers:
            row += [_fmt(peer_summaries.get(peer.name, {}).get(field_key)), ""]
        row.append("must not grow with N" if big == SCALE_SIZE else "")
        rows.append(row)
    return rows


def _targets(
    cascade: dict[str, float], ratios: dict[str, dict[str, float]]
) -> dict[str, dict[str, Any]]:
    """Every target of the issues with its value and whether it is met."""
    out: dict[str, dict[str, Any]] = {}
    for key, (target, unit) in TARGETS.items():
        value = cascade.get(f"{key}_ms")
        out[f"{key}_{unit}"] = {"target": target, "value": value, "met": _met(value, target)}
    for (key, peer), target in RATIO_TARGETS.items():
        value = ratios.get(peer, {}).get(key)
        out[f"{key}_vs_{peer}"] = {"target": target, "value": value, "met": _met(value, target)}
    cold = _ratio(cascade.get("cold_start_ms"), cascade.get("start_python_bare_ms"))
    out["cold_start_vs_python_bare"] = {
        "target": COLD_START_RATIO_TARGET,
        "value": cold,
        "met": _met(cold, COLD_START_RATIO_TARGET),
    }
    return out


def _met(value: float | None, target: float) -> bool | None:
    return None if value is None else value <= target


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def report(
    config: Config, results: Results, peers: Sequence[PeerResult], load: dict[str, str]
) -> dict[str, Any]:
    """Print the table and return the JSON document."""
    cascade = _summary(results.samples, results.cells)
    cascade.update(results.values)
    _add_marginals(cascade)
    peer_summaries: dict[str, dict[str, float]] = {}
    ratios: dict[str, dict[str, float]] = {}
    for peer in peers:
        summary = _summary(peer.samples, results.cells)
        peer_summaries[peer.name] = summary
        ratios[peer.name] = {}
        for key in results.samples:
            ratio = _ratio(cascade.get(f"{key}_ms"), summary.get(f"{key}_ms"))
            if ratio is not None:
                ratios[peer.name][key] = ratio

    header = ["figure (median of runs)", "Cascade"]
    for peer in peers:
        header += [f"{peer.name} {peer.version}".strip(), "ratio"]
    header.append("target")
    print()
    print(
        f"Cascade engine benchmark — {date.today().isoformat()}, Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), "
        f"worker driven through the {config.connection} connection; {config.reps} runs per "
        f"figure ({config.big_reps} for 1000-cell workloads, {config.scale_reps} for "
        f"{SCALE_SIZE:,}) after a warm-up; median (min)"
    )
    print("load average (1, 5, 15 min): " + ", ".join(f"{k} {v}" for k, v in load.items()))
    print()
    print_table(
        header,
        _rows(cascade, peers, peer_summaries, results.cells),
        right=range(1, len(header) - 1),
    )
    print()
    mem = {k: v for k, v in cascade.items() if k.startswith("mem_")}
    if mem:
        print(
            f"memory after the {SCALE_SIZE:,}-cell chain ran: app "
            f"{_fmt(mem.get(f'mem_chain_{SCALE_SIZE}_app_mb'))} MB (this process, Qt loaded), "
            f"worker {_fmt(mem.get(f'mem_chain_{SCALE_SIZE}_worker_mb'))} MB (resident)"
        )
    print(
        "ratio = Cascade / peer (lower is better); targets from issue 15. Whole process: "
        "marimo = `python nb.py` of the notebook saved by marimo, ipykernel = `jupyter execute "
        f"nb.ipynb`; peers: {config.reps} runs, {config.peer_big_reps} for 1000-cell workloads."
    )
    for peer in peers:
        if peer.method and peer.available:
            print(f"{peer.name}: {peer.method}.")
        if not peer.available:
            print(f"{peer.name}: {peer.status}")
        for note in peer.notes:
            print(f"{peer.name}: {note}")
        pipelined = [
            (key.removesuffix("_run_all_pipelined"), values)
            for key, values in peer.samples.items()
            if key.endswith("_pipelined") and values
        ]
        if pipelined:
            shown = ", ".join(
                f"{name} {_fmt(_median(values))} ms "
                f"(ratio {_fmt(_ratio(cascade.get(f'{name}_run_all_ms'), _median(values)), 3)})"
                for name, values in pipelined
            )
            print(
                f"{peer.name} run-all with every execute sent at once (Jupyter's Run All): {shown}"
            )

    document: dict[str, Any] = dict(cascade)
    document["peers"] = {
        peer.name: {
            "status": peer.status,
            "version": peer.version,
            "method": peer.method,
            **peer_summaries[peer.name],
            "notes": peer.notes,
        }
        for peer in peers
    }
    document["ratios"] = ratios
    document["targets"] = _targets(cascade, ratios)
    document["load"] = load
    document["config"] = {
        "reps": config.reps,
        "big_reps": config.big_reps,
        "peer_big_reps": config.peer_big_reps,
        "core_reps": config.core_reps,
        "cold_reps": config.cold_reps,
        "scale_reps": config.scale_reps,
        "whole_reps": config.whole_reps,
        "connection": config.connection,
        **machine(),
        "date": date.today().isoformat(),
    }
    return document


# -- entry point -------------------------------------------------------------------------------
def _config(argv: Sequence[str] | None) -> Config:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.engine", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run)")
    parser.add_argument("--no-peers", action="store_true", help="measure Cascade only")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile 20 chain-of-100 re-runs (stderr)"
    )
    parser.add_argument(
        "--connection",
        choices=("qprocess", "asyncio"),
        default="qprocess",
        help="drive the worker as the window does (qprocess) or as `cascade run` does",
    )
    parser.add_argument(
        "--bundle",
        type=Path,
        metavar="DIST/cascade/cascade",
        help="also time a PyInstaller build's worker (pyinstaller build.spec) to Ready",
    )
    args = parser.parse_args(argv)
    quick = args.quick
    return Config(
        reps=2 if quick else 5,
        big_reps=1 if quick else 5,
        peer_big_reps=1 if quick else 3,
        core_reps=3 if quick else 9,
        cold_reps=2 if quick else 9,
        peer_cold_reps=1 if quick else 3,
        peers=not args.no_peers,
        profile=args.profile,
        scale_reps=1 if quick else 3,
        whole_reps=2 if quick else 7,
        connection=args.connection,
        bundle=args.bundle,
    )


def _peers(config: Config, folder: Path) -> list[PeerResult]:
    workloads = _workloads()
    reps = {w.key: config.peer_big_reps if _is_big(w) else config.reps for w in workloads}

    def guarded(name: str, run: Callable[[], PeerResult]) -> PeerResult:
        _log(f"{name} …")
        try:
            return run()
        except Exception as exc:  # never let a peer crash the benchmark
            return PeerResult(name, status=f"failed: {type(exc).__name__}: {exc}")

    return [
        guarded(
            "ipykernel",
            lambda: run_ipykernel(
                workloads,
                reps,
                config.peer_cold_reps,
                pipelined=[w.key for w in workloads if w.key.startswith("chain_")],
            ),
        ),
        guarded("marimo", lambda: run_marimo(workloads, reps, folder)),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    config = _config(argv)
    started = time.perf_counter()
    load = {"start": _load()}
    _precompile()
    run = run_with_asyncio if config.connection == "asyncio" else run_with_qt
    with tempfile.TemporaryDirectory(prefix="cascade-bench-") as tmp:
        folder = Path(tmp)
        results: Results = run(lambda: _cascade_main(config, folder))
        whole = _whole_process(config, folder, config.peers)
        key = f"whole_process_{WHOLE_PROCESS.key}"
        results.samples[key] = whole.pop("cascade")
        _log("whole processes done")
        peers = _peers(config, folder) if config.peers else []
        for peer in peers:
            if peer.name in whole:
                peer.samples[key] = whole[peer.name]
        load["end"] = _load()
        document = report(config, results, peers, load)
    if not config.peers:
        print(f"peers skipped (--no-peers); to install them: {INSTALL_HINT}")
    print_document(document, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())

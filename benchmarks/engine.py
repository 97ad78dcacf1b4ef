"""Engine benchmark: Cascade's coordinator + real worker, side by side with ipykernel and marimo.

Run ``.venv/bin/python -m benchmarks.engine`` (``--quick`` for a smoke run, ``--no-peers`` for
Cascade alone, ``--profile`` to cProfile the chain-of-100 re-run). Everything is headless:
Cascade runs through :class:`~app.coordinator.coordinator.Coordinator` and
:class:`~app.coordinator.qprocess_kernel.QProcessKernel` on one qasync loop
(:func:`app.cli.run_with_qt`); the peers run afterwards in the same process.

Figures (each the median of several timed repetitions after a warm-up; min shown too):

* ``chain_N_run_all`` / ``chain_N_rerun`` for N in 10, 100, 1000: ``x_0 = 0``,
  ``x_i = x_{i-1} + 1``. Run-all starts from a fresh namespace (kernel restarted, untimed);
  re-run is ``update_cell(root, "x_0 = k")``, which re-runs the whole chain as an edit does.
* ``fan_1000_run_all`` / ``fan_1000_rerun``: ``x = 0`` and 1000 cells ``y_i = x + i``.
* ``open_analyse_plan_1000``: load a 1000-cell chain file, analyse every cell, build the graph,
  plan run-all (pure core, no kernel).
* ``load_5mb_*``: ``fileformat.load`` of hostile 5 MB files (issue 9: a million ``# %%`` lines
  took 15 s; target ≤ 1 s each): a million markers (refused at cell 10,001), 10,000 cells of
  code, markdown, markers carrying 125 metadata pairs each, a file with no markers, and a
  16 KiB header of the slowest TOML (an array) before 5 MB of code.
* ``cold_start``: ``QProcessKernel().start()`` until Ready; ``python_bare_start`` is
  ``python -c pass`` for reference.

Output: a table, then one final line of JSON with every figure.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.coordinator.coordinator import Coordinator
from app.coordinator.qprocess_kernel import QProcessKernel
from app.core import fileformat
from app.core.analysis import analyze_cell
from app.core.graph import build_graph
from app.core.notebook import Cell, Notebook
from app.core.planner import plan_run_all
from app.core.state import CellRunState, RichOutput

if __package__ in (None, ""):  # run as `python benchmarks/engine.py`: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._loops import run_with_qt
from benchmarks._peers import (
    INSTALL_HINT,
    PeerResult,
    Workload,
    chain,
    fan,
    run_ipykernel,
    run_marimo,
)

CHAIN_SIZES = (10, 100, 1000)
FAN_SIZE = 1000
OPEN_SIZE = 1000
#: Ratio Cascade / peer the issue asks for (lower is better).
RATIO_TARGET = 0.2
PER_CELL_TARGET_US = 100.0
#: Hostile notebook files of about 5 MB (key suffix -> text); the loader's target is 1 s each.
HOSTILE_LOADS: dict[str, Callable[[], str]] = {
    "million_markers": lambda: "# %%\n" * 1_000_000,
    "10k_cells": lambda: "".join(
        f'# %% id="{i:08x}"\n' + "x = 1\n" * 82 + "\n" for i in range(10_000)
    ),
    "markdown": lambda: "".join(
        f'# %% [markdown] id="{i:08x}"\n' + "# x\n" * 124 + "\n" for i in range(10_000)
    ),
    "marker_tokens": lambda: "".join(f"# %% id={i}" + " a=b" * 125 + "\n" for i in range(10_000)),
    "no_markers": lambda: "x = 1\n" * 830_000,
    "16k_header": lambda: (
        "# /// script\n# x = [" + "1," * 8_000 + "]\n# ///\n\n# %%\n" + "x = 1\n" * 830_000
    ),
}
LOAD_TARGET_MS = 1000.0
#: figure key -> (target, unit); "µs/cell" targets apply to ``<key>_us_per_cell``.
TARGETS: dict[str, tuple[float, str]] = {
    "chain_100_rerun": (20.0, "ms"),
    "open_analyse_plan_1000": (150.0, "ms"),
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


@dataclass(slots=True)
class Results:
    """Samples in milliseconds per figure key, and the cell count of each figure."""

    samples: dict[str, list[float]] = field(default_factory=dict)
    cells: dict[str, int] = field(default_factory=dict)


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


async def _cascade_workload(
    workload: Workload, reps: int, folder: Path, results: Results, profile: bool
) -> None:
    coordinator = Coordinator(QProcessKernel(cwd=folder), autosave=False)
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


async def _cascade_cold_start(reps: int, folder: Path, results: Results) -> None:
    cold = results.samples.setdefault("cold_start", [])
    for rep in range(reps + 1):  # the first one warms the disk cache
        kernel = QProcessKernel(cwd=folder)
        start = time.perf_counter()
        await kernel.start()
        elapsed = (time.perf_counter() - start) * 1000.0
        await kernel.shutdown()
        if rep:
            cold.append(elapsed)


def _bare_python_start(reps: int, results: Results) -> None:
    bare = results.samples.setdefault("python_bare_start", [])
    for rep in range(reps + 1):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        if rep:
            bare.append((time.perf_counter() - start) * 1000.0)


def _clear_core_caches() -> None:
    """Forget every memoised core result (analysis by code string, header parsing)."""
    from app.core import analysis, graph, planner
    from app.core.fileformat import header

    for module in (analysis, header, graph, planner):
        for value in vars(module).values():
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()


def _open_analyse_plan(reps: int, folder: Path, results: Results) -> None:
    """Pure core: load + analyse + graph + plan for a 1000-cell chain file (phases too).

    The main figure clears the core's caches first (the first open of a file in a session);
    ``..._warm`` re-opens with the analysis cache filled (the same file opened again).
    """
    workload = chain(OPEN_SIZE)
    path = _write(workload, folder)
    key = f"open_analyse_plan_{OPEN_SIZE}"
    phases = ("open_load", "open_analyse", "open_build_graph", "open_plan")
    for rep in range(2 * reps + 1):
        cold = rep % 2 == 1  # rep 0 is the warm-up
        if cold:
            _clear_core_caches()
        marks = [time.perf_counter()]
        notebook = fileformat.load(path).notebook
        marks.append(time.perf_counter())
        analyses = {cell.id: analyze_cell(cell) for cell in notebook.cells}
        marks.append(time.perf_counter())
        graph = build_graph(notebook, analyses)
        marks.append(time.perf_counter())
        plan = plan_run_all(notebook, graph, {})
        marks.append(time.perf_counter())
        if len(plan.steps) != OPEN_SIZE or graph.errors:
            raise AssertionError(f"open_analyse_plan: {len(plan.steps)} steps, {graph.errors}")
        if not rep:
            continue
        total = (marks[-1] - marks[0]) * 1000.0
        results.samples.setdefault(key if cold else f"{key}_warm", []).append(total)
        if cold:
            for i, phase in enumerate(phases):
                sample = (marks[i + 1] - marks[i]) * 1000.0
                results.samples.setdefault(f"{phase}_{OPEN_SIZE}", []).append(sample)


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
    _open_analyse_plan(config.core_reps, folder, results)
    _hostile_loads(config.core_reps, folder, results)
    _log("cascade: open+analyse+plan and hostile loads done")
    await _cascade_cold_start(config.cold_reps, folder, results)
    _bare_python_start(config.cold_reps, results)
    _log("cascade: cold start done")
    for workload in _workloads():
        reps = config.big_reps if _is_big(workload) else config.reps
        profile = config.profile and workload.key == "chain_100"
        await _cascade_workload(workload, reps, folder, results, profile)
        _log(f"cascade: {workload.key} done")
    return results


def _workloads() -> list[Workload]:
    return [*(chain(n) for n in CHAIN_SIZES), fan(FAN_SIZE)]


def _is_big(workload: Workload) -> bool:
    return len(workload.cells) >= 1000


# -- report ------------------------------------------------------------------------------------
FIGURES: tuple[tuple[str, str], ...] = (
    *(
        (f"chain_{n}_{what}", f"chain {n} {label}")
        for n in CHAIN_SIZES
        for what, label in (("run_all", "run-all"), ("rerun", "re-run after root edit"))
    ),
    (f"fan_{FAN_SIZE}_run_all", f"fan {FAN_SIZE} run-all"),
    (f"fan_{FAN_SIZE}_rerun", f"fan {FAN_SIZE} re-run after root edit"),
    (f"open_analyse_plan_{OPEN_SIZE}", f"open+analyse+plan {OPEN_SIZE} cells, cold caches"),
    (f"open_analyse_plan_{OPEN_SIZE}_warm", "  same, analysis cache warm (re-open)"),
    (f"open_load_{OPEN_SIZE}", "  · fileformat.load"),
    (f"open_analyse_{OPEN_SIZE}", "  · analyze_cell, every cell"),
    (f"open_build_graph_{OPEN_SIZE}", "  · build_graph"),
    (f"open_plan_{OPEN_SIZE}", "  · plan_run_all"),
    *((f"load_5mb_{shape}", f"load 5 MB: {shape.replace('_', ' ')}") for shape in HOSTILE_LOADS),
    ("cold_start", "worker cold start to ready"),
    ("python_bare_start", "  reference: python -c pass"),
)


def _fmt(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.1f}"
    return f"{value:.{digits}f}"


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


def _marginal(summary: dict[str, float], what: str) -> float | None:
    """µs per extra cell between the 100- and 1000-cell chains (fixed costs cancel out)."""
    big, small = summary.get(f"chain_1000_{what}_ms"), summary.get(f"chain_100_{what}_ms")
    if big is None or small is None:
        return None
    return round((big - small) * 1000.0 / 900, 2)


def _add_marginals(summary: dict[str, float]) -> None:
    for what in ("run_all", "rerun"):
        value = _marginal(summary, what)
        if value is not None:
            summary[f"chain_{what}_marginal_us_per_cell"] = value


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


def _rows(
    cascade: dict[str, float],
    peers: Sequence[PeerResult],
    peer_summaries: dict[str, dict[str, float]],
    cells: dict[str, int],
) -> list[list[str]]:
    rows: list[list[str]] = []
    for key, label in FIGURES:
        lines = [("ms", f"{label} (ms)", f"{key}_ms")]
        if key in cells:
            lines.append(("us", "  per cell (µs)", f"{key}_us_per_cell"))
        for unit, text, field_key in lines:
            value = cascade.get(field_key)
            minimum = cascade.get(f"{key}_min_ms") if unit == "ms" else None
            shown = _fmt(value) + (f" (min {_fmt(minimum)})" if minimum is not None else "")
            target_text, target = _target_text(key, unit)
            if unit == "us" and cells.get(key, 0) >= PER_CELL_MIN_CELLS:
                target_text, target = f"≤ {PER_CELL_TARGET_US:g} µs", PER_CELL_TARGET_US
            row = [text, shown + _check(value, target)]
            for peer in peers:
                summary = peer_summaries.get(peer.name, {})
                peer_value = summary.get(field_key)
                ratio = _ratio(value, peer_value) if unit == "ms" else None
                row.append(_fmt(peer_value) if peer.available else "n/a")
                row.append(_fmt(ratio, 3) + _check(ratio, RATIO_TARGET) if ratio else "")
            row.append(target_text)
            rows.append(row)
    for what, label in (("run_all", "run-all"), ("rerun", "re-run")):
        field_key = f"chain_{what}_marginal_us_per_cell"
        row = [f"chain {label}: µs per extra cell (100→1000)"]
        value = cascade.get(field_key)
        row.append(_fmt(value) + _check(value, PER_CELL_TARGET_US))
        for peer in peers:
            row += [_fmt(peer_summaries.get(peer.name, {}).get(field_key)), ""]
        row.append(f"≤ {PER_CELL_TARGET_US:g} µs")
        rows.append(row)
    return rows


def _print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print(line)
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [c.rjust(w) for c, w in zip(row[1:-1], widths[1:-1], strict=True)]
        cells.append(row[-1].ljust(widths[-1]))
        print("  ".join(cells).rstrip())


def _targets(cascade: dict[str, float], ratios: dict[str, dict[str, float]]) -> dict[str, Any]:
    """Every target of the issue with its value and whether it is met."""
    out: dict[str, Any] = {}
    for key, (target, unit) in TARGETS.items():
        value = cascade.get(f"{key}_ms")
        out[f"{key}_{unit}"] = {"target": target, "value": value, "met": _met(value, target)}
    per_cell = {
        k: v
        for k, v in cascade.items()
        if k.endswith("_us_per_cell")
        and (k.startswith(("chain_100_", "chain_1000_", "fan_")) or "marginal" in k)
    }
    for key, value in per_cell.items():
        out[key] = {
            "target": PER_CELL_TARGET_US,
            "value": value,
            "met": value <= PER_CELL_TARGET_US,
        }
    worst = {
        peer: max(values.values()) for peer, values in ratios.items() if values
    }  # the worst ratio per peer
    for peer, value in worst.items():
        out[f"worst_ratio_vs_{peer}"] = {
            "target": RATIO_TARGET,
            "value": value,
            "met": value <= RATIO_TARGET,
        }
    return out


def _met(value: float | None, target: float) -> bool | None:
    return None if value is None else value <= target


def report(config: Config, results: Results, peers: Sequence[PeerResult]) -> dict[str, Any]:
    """Print the table and return the JSON document."""
    cascade = _summary(results.samples, results.cells)
    _add_marginals(cascade)
    peer_summaries: dict[str, dict[str, float]] = {}
    ratios: dict[str, dict[str, float]] = {}
    for peer in peers:
        summary = _summary(peer.samples, results.cells)
        _add_marginals(summary)
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
        f"Cascade engine benchmark — Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {config.reps} runs per figure "
        f"({config.big_reps} for 1000-cell workloads) after a warm-up; median (min)"
    )
    print()
    _print_table(header, _rows(cascade, peers, peer_summaries, results.cells))
    print()
    print(
        f"ratio = Cascade / peer (lower is better; target ≤ {RATIO_TARGET:g}); "
        f"peers: {config.reps} runs, {config.peer_big_reps} for 1000-cell workloads."
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
    document["config"] = {
        "reps": config.reps,
        "big_reps": config.big_reps,
        "peer_big_reps": config.peer_big_reps,
        "core_reps": config.core_reps,
        "cold_reps": config.cold_reps,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
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
    args = parser.parse_args(argv)
    if args.quick:
        counts = {"reps": 2, "big_reps": 1, "peer_big_reps": 1, "core_reps": 3, "cold_reps": 2}
        return Config(**counts, peer_cold_reps=1, peers=not args.no_peers, profile=args.profile)
    counts = {"reps": 5, "big_reps": 5, "peer_big_reps": 3, "core_reps": 9, "cold_reps": 5}
    return Config(**counts, peer_cold_reps=3, peers=not args.no_peers, profile=args.profile)


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
    with tempfile.TemporaryDirectory(prefix="cascade-bench-") as tmp:
        folder = Path(tmp)
        results: Results = run_with_qt(lambda: _cascade_main(config, folder))
        peers = _peers(config, folder) if config.peers else []
        document = report(config, results, peers)
    if not config.peers:
        print(f"peers skipped (--no-peers); to install them: {INSTALL_HINT}")
    document["elapsed_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(document, ensure_ascii=False, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())

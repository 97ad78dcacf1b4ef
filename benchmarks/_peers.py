"""Workloads shared by every engine, and the peers Cascade is compared with.

Peers run synchronously, outside Cascade's qasync loop (jupyter_client and marimo bring their
own event-loop handling). Every peer reports samples in milliseconds keyed like Cascade's
figures (``chain_100_rerun`` …); a missing or broken peer is reported, never raised.
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

INSTALL_HINT = "pip install -e .[bench]"
NOT_INSTALLED = f"not installed ({INSTALL_HINT})"
#: Seconds a single peer execute may take before the peer is declared broken.
EXECUTE_TIMEOUT_S = 60.0


# -- workloads ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CellSpec:
    """One cell: its code, the names it reads and the names it binds."""

    code: str
    refs: tuple[str, ...]
    defs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Workload:
    """A notebook to run. Cell 0 is the root; ``root_edit`` (with ``{k}``) is its edited code.

    After a run whose root was edited to ``k``, evaluating ``probe`` gives ``k + probe_offset``
    (an unedited root is ``k = 0``).
    """

    key: str
    cells: tuple[CellSpec, ...]
    root_edit: str
    probe: str
    probe_offset: int

    @property
    def codes(self) -> list[str]:
        return [cell.code for cell in self.cells]

    def edited_codes(self, k: int) -> list[str]:
        """All cells' code after the root was edited to ``k``."""
        return [self.root_edit.format(k=k), *self.codes[1:]]

    def expected(self, k: int) -> int:
        return k + self.probe_offset


def chain(n: int) -> Workload:
    """``x_0 = 0``; ``x_i = x_{i-1} + 1``: every cell depends on the one before."""
    cells = [CellSpec("x_0 = 0", (), ("x_0",))]
    cells += [CellSpec(f"x_{i} = x_{i - 1} + 1", (f"x_{i - 1}",), (f"x_{i}",)) for i in range(1, n)]
    return Workload(f"chain_{n}", tuple(cells), "x_0 = {k}", f"x_{n - 1}", n - 1)


def fan(n: int) -> Workload:
    """``x = 0`` and ``n`` dependents ``y_i = x + i``."""
    cells = [CellSpec("x = 0", (), ("x",))]
    cells += [CellSpec(f"y_{i} = x + {i}", ("x",), (f"y_{i}",)) for i in range(n)]
    return Workload(f"fan_{n}", tuple(cells), "x = {k}", f"y_{n - 1}", n - 1)


# -- results -----------------------------------------------------------------------------------
@dataclass(slots=True)
class PeerResult:
    """What one peer measured: samples (ms) per figure key, plus what went wrong."""

    name: str
    status: str = "ok"
    version: str = ""
    method: str = ""  # what exactly is timed, printed under the table
    samples: dict[str, list[float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return self.status == "ok"


def _installed(*modules: str) -> bool:
    return all(importlib.util.find_spec(name) is not None for name in modules)


def installed_version(distribution: str) -> str | None:
    """The installed version of ``distribution``, or None when it is not installed."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def _timed(action: Callable[[], object]) -> float:
    """Milliseconds ``action`` took."""
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000.0


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- ipykernel through jupyter_client ---------------------------------------------------------
class _Jupyter:
    """A blocking client of one ipykernel, executing cells the way a frontend does."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def _wait_idle(self, msg_id: str) -> str | None:
        """Drain iopub until the kernel is idle after ``msg_id``; returns its text/plain result."""
        result: str | None = None
        while True:
            msg = self.client.get_iopub_msg(timeout=EXECUTE_TIMEOUT_S)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "execute_result":
                result = msg["content"]["data"].get("text/plain")
            elif kind == "error":
                raise RuntimeError(f"{msg['content']['ename']}: {msg['content']['evalue']}")
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                return result

    def _wait_replies(self, msg_ids: Sequence[str]) -> None:
        """Collect the shell replies of ``msg_ids``; every one must be ``ok``."""
        pending = set(msg_ids)
        while pending:
            reply = self.client.get_shell_msg(timeout=EXECUTE_TIMEOUT_S)
            parent = reply["parent_header"].get("msg_id")
            if parent in pending:
                pending.discard(parent)
                if reply["content"]["status"] != "ok":
                    raise RuntimeError(f"execute failed: {reply['content']}")

    def execute(self, code: str) -> str | None:
        """One cell: send it, wait for idle on iopub and the shell reply (one round trip)."""
        msg_id = self.client.execute(code)
        result = self._wait_idle(msg_id)
        self._wait_replies((msg_id,))
        return result

    def run_cells(self, codes: Sequence[str]) -> None:
        """Re-run cells one after another, as a user re-runs the affected cells."""
        for code in codes:
            self.execute(code)

    def run_pipelined(self, codes: Sequence[str]) -> None:
        """Send every cell at once and wait for the last (what Jupyter's Run All does)."""
        msg_ids = [self.client.execute(code) for code in codes]
        self._wait_idle(msg_ids[-1])
        self._wait_replies(msg_ids)

    def check(self, workload: Workload, k: int) -> None:
        got = self.execute(workload.probe)
        if got != str(workload.expected(k)):
            raise AssertionError(f"ipykernel {workload.key}: {workload.probe} = {got!r}")


def _start_jupyter() -> tuple[Any, Any]:
    from jupyter_client.manager import start_new_kernel

    return start_new_kernel(kernel_name="python3", startup_timeout=60)


def _stop_jupyter(manager: Any, client: Any) -> None:
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def run_ipykernel(
    workloads: Sequence[Workload],
    reps: Mapping[str, int],
    cold_reps: int,
    pipelined: Sequence[str] = (),
) -> PeerResult:
    """Cold start, then per workload: run-all and re-run-after-edit as N sequential executes.

    ``reps``: timed repetitions per workload key. ``pipelined``: workload keys for which run-all is also measured with every execute sent
    at once (``<key>_run_all_pipelined``).
    """
    result = PeerResult(
        "ipykernel",
        version=_version("ipykernel"),
        method="one execute per cell, each waiting for idle on iopub and for the shell reply "
        "(a user re-running the affected cells); cold start = start_new_kernel until ready",
    )
    if not _installed("ipykernel", "jupyter_client"):
        result.status = NOT_INSTALLED
        return result
    try:
        cold = result.samples.setdefault("cold_start", [])
        for rep in range(cold_reps + 1):  # the first one warms the disk cache
            start = time.perf_counter()
            manager, client = _start_jupyter()
            elapsed = (time.perf_counter() - start) * 1000.0
            _stop_jupyter(manager, client)
            if rep:
                cold.append(elapsed)
        _log(f"  ipykernel cold start done ({len(cold)} runs)")
        manager, client = _start_jupyter()
    except Exception as exc:  # a broken peer is reported, not fatal
        result.status = f"failed to start: {type(exc).__name__}: {exc}"
        return result
    jupyter = _Jupyter(client)
    try:
        for workload in workloads:
            try:
                pipeline = workload.key in pipelined
                _ipykernel_workload(jupyter, workload, reps[workload.key], pipeline, result)
            except Exception as exc:
                result.notes.append(f"{workload.key}: {type(exc).__name__}: {exc}")
            _log(f"  ipykernel {workload.key} done")
    finally:
        _stop_jupyter(manager, client)
    return result


def _ipykernel_workload(
    jupyter: _Jupyter, workload: Workload, reps: int, pipelined: bool, result: PeerResult
) -> None:
    codes = workload.codes
    jupyter.run_cells(codes)  # warm-up
    jupyter.check(workload, 0)
    result.samples[f"{workload.key}_run_all"] = [
        _timed(lambda: jupyter.run_cells(codes)) for _ in range(reps)
    ]
    jupyter.check(workload, 0)
    rerun = result.samples.setdefault(f"{workload.key}_rerun", [])
    for k in range(1, reps + 1):
        edited = workload.edited_codes(k)
        rerun.append(_timed(functools.partial(jupyter.run_cells, edited)))
        jupyter.check(workload, k)
    if pipelined:
        jupyter.run_pipelined(codes)  # warm-up
        result.samples[f"{workload.key}_run_all_pipelined"] = [
            _timed(lambda: jupyter.run_pipelined(codes)) for _ in range(reps)
        ]
        jupyter.check(workload, 0)


# -- marimo ------------------------------------------------------------------------------------
def marimo_source(workload: Workload, version: str) -> str:
    """The workload as a marimo notebook file (what ``marimo edit`` writes)."""
    parts = [
        "import marimo\n",
        f'__generated_with = "{version}"',
        "app = marimo.App()\n\n",
    ]
    for cell in workload.cells:
        body = "\n".join(f"    {line}" for line in cell.code.splitlines())
        returns = ", ".join(cell.defs) + ","
        parts.append(
            f"@app.cell\ndef _({', '.join(cell.refs)}):\n{body}\n    return ({returns})\n\n"
        )
    parts.append('if __name__ == "__main__":\n    app.run()\n')
    return "\n".join(parts)


def _import_file(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_marimo(workloads: Sequence[Workload], reps: Mapping[str, int], folder: Path) -> PeerResult:
    """Per workload: import the notebook, run it once (warm-up), then time ``app.run()``.

    marimo's programmatic API has no incremental re-run: ``App.run()`` always runs every cell
    in a fresh namespace. "run-all" and "re-run after editing the root" are therefore both
    timed ``app.run()`` calls (separate samples); the root edit itself cannot be expressed.
    """
    result = PeerResult(
        "marimo",
        version=_version("marimo"),
        method="App.run() in this process (no worker process, no per-cell events); "
        "re-run = a second full App.run(): the script API cannot re-run from an edited root",
    )
    if not _installed("marimo"):
        result.status = NOT_INSTALLED
        return result
    import marimo

    if not callable(getattr(marimo.App, "run", None)):
        result.status = "marimo.App.run is missing in this marimo version"
        return result
    for workload in workloads:
        try:
            _marimo_workload(workload, reps[workload.key], folder, result)
        except Exception as exc:  # a broken peer is reported, not fatal
            result.notes.append(f"{workload.key}: {type(exc).__name__}: {exc}")
        _log(f"  marimo {workload.key} done")
    return result


def _marimo_workload(workload: Workload, reps: int, folder: Path, result: PeerResult) -> None:
    path = folder / f"marimo_{workload.key}.py"
    path.write_text(marimo_source(workload, result.version), encoding="utf-8")
    app = _import_file(f"_bench_marimo_{workload.key}", path).app

    def run_and_check() -> None:
        ran = app.run()
        defs = ran[1] if isinstance(ran, tuple) else None
        if defs is None or defs.get(workload.probe) != workload.expected(0):
            got = None if defs is None else defs.get(workload.probe)
            raise AssertionError(f"marimo {workload.key}: {workload.probe} = {got!r}")

    run_and_check()  # warm-up: marimo builds its graph on the first run
    for figure in ("run_all", "rerun"):
        samples = result.samples.setdefault(f"{workload.key}_{figure}", [])
        for _ in range(reps):
            samples.append(_timed(app.run))
        run_and_check()

"""Start-up figures: the worker's cold start taken apart, and whole processes side by side.

* :func:`cold_start_breakdown` times, as separate processes of Cascade's Python: ``python -c
  pass``; importing what the worker imports before it says Ready; the worker until Ready;
  the worker until its first plan (one trivial cell) finished. The differences are the
  phases: interpreter and site, the worker's own imports, the rest of its start-up, and what
  it sets up after Ready (output capture, executor) plus one step.
* :func:`whole_process_runs` times a 100-cell chain run as a whole process three ways:
  ``cascade run nb.py``; ``python nb.py`` of the same notebook saved by marimo; and
  ``jupyter execute nb.ipynb``. Each is a fresh process with stdout discarded; the first run
  of each warms the disk cache and is not counted.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from app.coordinator.launch import worker_launch
from benchmarks._peers import Workload, marimo_source
from kernel_worker import protocol as p

#: The worker's start-up imports (everything main imports before it sends Ready).
WORKER_IMPORTS = "import kernel_worker.main"
PHASES = (
    ("start_python_bare", "python -c pass"),
    ("start_worker_imports", "python -c 'import kernel_worker.main' (worker env)"),
    ("cold_start", "worker: spawn → Ready"),
    ("start_first_plan", "worker: spawn → first plan finished (one cell)"),
)


def _timed_process(
    argv: Sequence[str], env: dict[str, str] | None = None, cwd: str | None = None
) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, env=env, cwd=cwd, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000.0


def _worker_until(first_plan: bool, bundle: Path | None = None) -> float:
    """Milliseconds from spawning a worker (as the app launches one) to its Ready, or to the
    end of a first one-cell plan sent as soon as Ready arrived. ``bundle``: a PyInstaller
    build's ``cascade`` binary, which is its own worker (``--kernel-worker``)."""
    launch = worker_launch()
    argv = [str(bundle), "--kernel-worker"] if bundle else [launch.program, *launch.args]
    start = time.perf_counter()
    process = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=launch.env,
        cwd=launch.cwd,
    )
    assert process.stdin is not None and process.stdout is not None
    decoder = p.FrameDecoder(launch.nonce)
    wanted: type = p.Ready
    elapsed = 0.0
    try:
        while True:
            data = os.read(process.stdout.fileno(), 1 << 16)
            if not data:
                raise RuntimeError(f"the worker ended ({process.wait()}) before {wanted.__name__}")
            if not any(isinstance(m, wanted) for m in decoder.feed(data)):
                continue
            elapsed = (time.perf_counter() - start) * 1000.0
            if wanted is p.PlanFinished or not first_plan:
                break
            step = p.Step("c1", "python", "x = 1")
            process.stdin.write(p.encode(p.RunPlan(1, (step,)), launch.nonce))
            process.stdin.flush()
            wanted = p.PlanFinished
    finally:
        process.stdin.write(p.encode(p.Shutdown(), launch.nonce))
        process.stdin.close()
        process.wait()
    return elapsed


def cold_start_breakdown(reps: int, bundle: Path | None = None) -> dict[str, list[float]]:
    """Samples (ms) per phase key of :data:`PHASES` (and ``cold_start_bundle`` for a built
    bundle's worker), interleaved so load changes hit all."""
    launch = worker_launch()
    measure: dict[str, Callable[[], float]] = {
        "start_python_bare": lambda: _timed_process([sys.executable, "-c", "pass"]),
        "start_worker_imports": lambda: _timed_process(
            [launch.program, "-c", WORKER_IMPORTS], env=launch.env, cwd=launch.cwd
        ),
        "cold_start": lambda: _worker_until(first_plan=False),
        "start_first_plan": lambda: _worker_until(first_plan=True),
    }
    if bundle is not None:
        measure["cold_start_bundle"] = lambda: _worker_until(first_plan=False, bundle=bundle)
    samples: dict[str, list[float]] = {key: [] for key in measure}
    for rep in range(reps + 1):  # the first round warms the disk cache
        for key, run in measure.items():
            value = run()
            if rep:
                samples[key].append(value)
    return samples


# -- whole processes ---------------------------------------------------------------------------
#: The source tree these benchmarks belong to: the one whole processes run.
REPO_ROOT = Path(__file__).resolve().parents[1]


def cascade_command() -> list[str]:
    """What the ``cascade`` console script runs, as a user runs it, from this source tree: the
    script beside this Python may belong to another tree (an editable install of another
    worktree), which would be measured instead (see :func:`whole_process_env`)."""
    return [sys.executable, "-c", "import sys; from app.__main__ import main; sys.exit(main())"]


def whole_process_env() -> dict[str, str]:
    """The environment whole processes run in: this source tree first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(x for x in (str(REPO_ROOT), env.get("PYTHONPATH")) if x)
    return env


def _ipynb(workload: Workload, path: Path) -> Path:
    import nbformat

    cells = [nbformat.v4.new_code_cell(code) for code in workload.codes]  # type: ignore[no-untyped-call]
    notebook = nbformat.v4.new_notebook(cells=cells)  # type: ignore[no-untyped-call]
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(notebook, path)  # type: ignore[no-untyped-call]
    return path


def whole_process_commands(
    workload: Workload, cascade_file: Path, folder: Path, marimo_version: str | None
) -> dict[str, list[str]]:
    """The command per engine (``cascade``, ``marimo``, ``ipykernel``) that runs ``workload``
    as one process; a peer that is not installed is left out."""
    commands = {"cascade": [*cascade_command(), "run", str(cascade_file)]}
    if marimo_version is not None:
        script = folder / f"marimo_script_{workload.key}.py"
        script.write_text(marimo_source(workload, marimo_version), encoding="utf-8")
        commands["marimo"] = [sys.executable, str(script)]
    jupyter = Path(sys.executable).with_name("jupyter")
    if jupyter.exists():
        notebook = _ipynb(workload, folder / f"{workload.key}.ipynb")
        commands["ipykernel"] = [str(jupyter), "execute", str(notebook)]
    return commands


def whole_process_runs(
    commands: dict[str, list[str]], reps: int, cwd: Path
) -> dict[str, list[float]]:
    """Samples (ms) per engine, interleaved (one run of each per round)."""
    samples: dict[str, list[float]] = {name: [] for name in commands}
    env = whole_process_env()
    for rep in range(reps + 1):
        for name, argv in commands.items():
            start = time.perf_counter()
            subprocess.run(
                argv,
                check=True,
                cwd=cwd,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if rep:
                samples[name].append((time.perf_counter() - start) * 1000.0)
    return samples


def median(values: Sequence[float]) -> float:
    return statistics.median(values)

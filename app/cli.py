"""Headless commands: run a notebook through the real worker and print what every cell did.

``cascade run NOTEBOOK.py [--json] [--set NAME=VALUE …]`` exits 0 when every cell succeeded,
1 when any cell failed or was blocked, 2 with one line on stderr when the path is not a readable
notebook file (see ``app.core.fileformat.files``: a regular ``.py`` file of at most 10 MB), the
text cannot be parsed, the kernel's Python cannot start (the line says which setting chooses
it), or a ``--set`` names no control or gives it an invalid value. A Jupyter ``.ipynb`` or a
marimo notebook is converted in memory first (``app.cli_convert``).

This module reads the command line and starts the worker (:func:`_start_worker`, before even
``asyncio`` is imported); only then is what reads, runs and reports the notebook imported
(:mod:`app.coordinator.headless`, :mod:`app.cli_run`), while the worker starts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from app.coordinator.worker_process import StartedWorker

_TRUST_HELP = (
    "honour the notebook's own interpreter, database and ${ENV} references for this run "
    "(without it, a notebook that asks for them must have been trusted in the window)"
)
_SET_HELP = (
    "set the control held by variable NAME to VALUE (repeatable): the notebook runs with the "
    "controls' defaults, then their cells and readers run with these values"
)


def _setting(text: str) -> tuple[str, str]:
    """``NAME=VALUE`` of ``--set``."""
    name, equals, value = text.partition("=")
    if not equals or not name.strip().isidentifier():
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE")
    return name.strip(), value


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    """``--trust`` and ``--set``, which ``run`` and ``export`` share."""
    parser.add_argument("--trust", action="store_true", help=_TRUST_HELP)
    parser.add_argument(
        "--set", dest="settings", action="append", type=_setting, default=[],
        metavar="NAME=VALUE", help=_SET_HELP,
    )  # fmt: skip


def run_command(argv: list[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    parser = argparse.ArgumentParser(prog="cascade run", description="Run a notebook headless.")
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    _add_run_options(parser)
    args = parser.parse_args(argv)
    path: Path = args.notebook
    started = _start_worker(path)
    _import_asyncio_without_tls()
    from app.coordinator.headless import HeadlessRun

    with HeadlessRun(path, started=started) as run:
        from app import cli_run  # imported while the worker starts

        coordinator = cli_run.open_and_run(run, args, err)
    if coordinator is None:
        return 2
    return cli_run.print_reports(coordinator, path, "data" if args.json else "text", out)


def export_command(argv: list[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """``cascade export NOTEBOOK.py --html OUT.html``: run the notebook headless, then write it
    with its outputs as one self-contained HTML file (atomically).

    Exits 0 when the file is written, even if cells failed (how many is said on stderr); 2 when
    the notebook cannot be read or parsed, the kernel cannot start, or the file cannot be
    written.
    """
    parser = argparse.ArgumentParser(
        prog="cascade export",
        description="Run a notebook headless and export it as HTML or as a Jupyter notebook.",
    )
    parser.add_argument("notebook", type=Path)
    formats = parser.add_mutually_exclusive_group(required=True)
    formats.add_argument("--html", type=Path, metavar="OUT.html")
    formats.add_argument("--ipynb", type=Path, metavar="OUT.ipynb", help="nbformat 4.5")
    _add_run_options(parser)
    args = parser.parse_args(argv)
    target: Path = args.html or args.ipynb
    what = "a Jupyter notebook" if args.ipynb else "HTML"
    started = _start_worker(args.notebook)
    _import_asyncio_without_tls()
    from app.coordinator.headless import HeadlessRun

    with HeadlessRun(args.notebook, started=started) as run:
        from app import cli_run  # imported while the worker starts

        coordinator = cli_run.open_and_run(run, args, err, export=(target, what))
    if coordinator is None:
        return 2
    return cli_run.write_export(coordinator, target, bool(args.ipynb), out, err)


def _start_worker(notebook: Path) -> StartedWorker | None:
    """Start the worker the run will want (Cascade's Python, in the notebook's folder) now,
    before the event loop and the coordinator are imported: it starts while they are. None
    if it cannot be started now; the run then starts one itself and says why not."""
    from app.coordinator.launch import WorkerLauncher
    from app.coordinator.worker_process import StartedWorker, start_worker

    launcher = WorkerLauncher(cwd=notebook.resolve().parent)
    launch = launcher.next_launch()
    try:
        return StartedWorker(launch, start_worker(launch), launcher.wanted())
    except OSError:
        return None


def _import_asyncio_without_tls() -> None:
    """Import ``asyncio`` without :mod:`ssl` (a sixth of its import time here, ~15 ms): the
    app process of a headless run opens no connection of its own (SQL runs in the worker),
    and ``asyncio`` supports a Python without ``ssl`` (its TLS transports are then refused).
    ``import ssl`` works as usual afterwards; only ``asyncio`` in this process goes without."""
    if "asyncio" in sys.modules or "ssl" in sys.modules:
        return
    sys.modules["ssl"] = None  # type: ignore[assignment]  # (``import ssl`` raises ImportError)
    try:
        import asyncio  # noqa: F401
    finally:
        del sys.modules["ssl"]

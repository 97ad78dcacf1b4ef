"""What ``cascade run`` and ``cascade export`` do once their worker is starting (:mod:`app.cli`):
open the notebook (a Jupyter or marimo one converted in memory, ``app.cli_convert``), check
that it is trusted for what it asks, run every cell, then print a report per cell or write the
export.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

from app.cli_convert import prepare, untrusted
from app.coordinator.headless import HeadlessRun
from app.coordinator.kernel import KernelStartError
from app.core.controls import ControlValueError
from app.core.fileformat import NotebookSaveError
from app.core.problems import Unrunnable, describe
from app.core.settings import get_setting
from app.core.state import CellRunState, RichOutput
from app.outputs.registry import render_text, richest

if TYPE_CHECKING:
    # Imported when the run needs it: the worker starts before (app.coordinator.headless).
    from app.coordinator.coordinator import Coordinator
    from app.core.notebook import Notebook

OutputForm = Literal["data", "text"]


def _rich_outputs(state: CellRunState, form: OutputForm) -> list[dict[str, str]]:
    """A cell's displayed values: the richest portable data (``--json``), or terminal text;
    both chosen by the output registry (:mod:`app.outputs.registry`)."""
    result = []
    for output in state.outputs:
        if isinstance(output, RichOutput):
            if form == "data":
                mime, data = richest(output.data)
                result.append({"mime": mime, "data": data})
            else:
                result.append({"mime": "text/plain", "data": render_text(output.data)})
    return result


def cell_reports(coordinator: Coordinator, form: OutputForm = "data") -> list[dict[str, Any]]:
    """One JSON-ready record per cell, in display order (outputs in their richest form)."""
    reports = []
    for cell in coordinator.notebook.cells:
        state = coordinator.states.get(cell.id, CellRunState())
        analysis = coordinator.analyses[cell.id]
        problems = coordinator.graph.problems.get(cell.id)
        error: str | None = None
        if state.error is not None:
            error = state.error.traceback or f"{state.error.ename}: {state.error.evalue}"
        elif state.status == "blocked" and state.reason is not None:
            error = describe(state.reason, coordinator.cell_name)
        elif problems:
            error = describe(Unrunnable(problems), coordinator.cell_name)
        status = "success" if cell.kind == "markdown" else state.status
        reports.append(
            {
                "id": cell.id,
                "kind": cell.kind,
                "name": cell.name,
                "label": coordinator.cell_name(cell.id),
                "status": status,
                "stdout": state.text("stdout"),
                "stderr": state.text("stderr"),
                "outputs": _rich_outputs(state, form),
                "error": error,
                "defs": sorted(analysis.defs),
                "refs": sorted(analysis.refs),
                "duration_ms": state.duration_ms,
            }
        )
    return reports


def _print_readable(name: str, reports: list[dict[str, Any]], out: TextIO) -> None:
    out.write(f"{name}\n")
    for report in reports:
        timing = f" · {report['duration_ms']:.1f} ms" if report["duration_ms"] is not None else ""
        out.write(f"\n── {report['label']} · {report['kind']} · {report['status']}{timing}\n")
        if report["stdout"]:
            out.write(
                report["stdout"] if report["stdout"].endswith("\n") else report["stdout"] + "\n"
            )
        if report["stderr"]:
            for line in report["stderr"].splitlines():
                out.write(f"[stderr] {line}\n")
        for output in report["outputs"]:
            out.write(f"{output['data']}\n")
        if report["error"]:
            out.write(report["error"] if report["error"].endswith("\n") else report["error"] + "\n")


def print_reports(coordinator: Coordinator, path: Path, form: OutputForm, out: TextIO) -> int:
    """``cascade run``'s output: one JSON document (``form`` "data") or readable text; 0 when
    every cell succeeded, else 1."""
    name = coordinator.notebook.name or path.stem
    reports = cell_reports(coordinator, form)
    try:
        if form == "data":
            json.dump({"notebook": name, "cells": reports}, out, ensure_ascii=False, indent=2)
            out.write("\n")
        else:
            _print_readable(name, reports, out)
        out.flush()
    except BrokenPipeError:  # `cascade run … | head` is fine
        sys.stdout = None  # no second error at interpreter exit
    ok = all(r["status"] == "success" for r in reports)
    return 0 if ok else 1


def kernel_start_hint(notebook: Notebook) -> str:
    """Which setting picks the kernel's Python, for a kernel that did not start."""
    python = get_setting(notebook, "python")
    if python:
        return (
            f'the notebook chooses it with python = "{python}" under [tool.cascade] in its'
            " header: change or remove that line (in the window: Run → Kernel Python…)"
        )
    return (
        'choose a Python ≥ 3.11 with python = "/path/to/python3" under [tool.cascade] in the'
        " notebook's header (in the window: Run → Kernel Python…)"
    )


def untrusted_reason(path: Path, notebook: Notebook) -> str | None:
    """Why ``cascade run`` refuses ``path`` without ``--trust`` (docs/SECURITY.md), or None:
    its header asks for an interpreter, a database or environment variables, and the user has
    not trusted it in the window."""
    from app.coordinator.trust_store import TrustStore
    from app.core.trust import describe_requests, settings_fingerprint, trust_requests

    requests = trust_requests(notebook)
    if not requests or TrustStore().is_trusted(path.resolve(), settings_fingerprint(notebook)):
        return None
    return (
        f"{path} is not trusted: it {describe_requests(requests)}. If you trust it, run it "
        "again with --trust (or open it in Cascade and choose Trust)"
    )


def run_headless(
    path: Path,
    notebook: Notebook,
    err: TextIO,
    *,
    trust: bool = False,
    run: HeadlessRun | None = None,
    cwd: Path | None = None,
    settings: Mapping[str, str] | None = None,
) -> Coordinator | None:
    """Run every cell of ``path`` (on ``run``, whose worker is already starting, or on a run
    of its own), with control ``settings`` by variable name (``--set``); None (with the
    reason on ``err``) if the notebook is not trusted for what it asks, the kernel won't
    start, or a setting names no control or gives it an invalid value."""
    if not trust:
        refused = untrusted_reason(path, notebook)
        if refused is not None:
            err.write(f"cascade: {refused}\n")
            return None
    try:
        if run is None:
            with HeadlessRun(path, cwd=cwd) as own:
                return own.run_all(trust=trust, settings=settings)
        return run.run_all(trust=trust, path=path, settings=settings)
    except ControlValueError as exc:
        err.write(f"cascade: {exc}\n")
        return None
    except KernelStartError as exc:
        hint = kernel_start_hint(notebook)
        err.write(f"cascade: the kernel could not start ({_one_line(str(exc))}); {hint}\n")
        return None


def _one_line(text: str) -> str:
    return " ".join(text.split("\n"))


def _export_refused(notebook: Path, target: Path, what: str, err: TextIO) -> bool:
    """True, said on ``err``, when the export cannot go to ``target``."""
    if target.resolve() == notebook.resolve():
        err.write(f"cascade: will not overwrite the notebook {notebook} with {what}\n")
        return True
    if not target.resolve().parent.is_dir():
        err.write(f"cascade: cannot write {target}: no folder {target.parent}\n")
        return True
    return False


def open_and_run(
    run: HeadlessRun,
    args: argparse.Namespace,
    err: TextIO,
    *,
    export: tuple[Path, str] | None = None,
) -> Coordinator | None:
    """``run`` and ``export``: open ``args.notebook`` once up front (a path that is not a
    notebook is reported before any cell runs), check the ``export`` target (the file, and
    what it would hold), then run every cell with the command's ``--trust`` and ``--set``
    options on ``run``'s worker. None, with the reason on ``err``, when anything stops it."""
    path: Path = args.notebook
    with prepare(path, err) as prepared:
        if prepared is None:
            return None
        if export is not None and _export_refused(path, *export, err):
            return None
        if untrusted(prepared, err, trust=args.trust):
            return None
        return run_headless(
            prepared.path,
            prepared.notebook,
            err,
            trust=args.trust,
            run=run,
            settings=dict(args.settings),
        )


def _write_export(coordinator: Coordinator, target: Path, ipynb: bool, err: TextIO) -> bool:
    """Write the run's export (a Jupyter notebook or one HTML page); False, said on ``err``,
    when the file cannot be written."""
    try:
        if ipynb:
            from app.export_ipynb import write_ipynb

            write_ipynb(coordinator, target)
        else:
            from app.export_html import export_notebook_html

            export_notebook_html(coordinator, target)
    except (OSError, ValueError) as exc:
        reason = exc.reason if isinstance(exc, NotebookSaveError) else str(exc)
        err.write(f"cascade: cannot write {target}: {_one_line(reason)}\n")
        return False
    return True


def write_export(
    coordinator: Coordinator, target: Path, ipynb: bool, out: TextIO, err: TextIO
) -> int:
    """``cascade export``'s end: the file written (0; how many cells failed said on ``err``),
    or 2 when it cannot be."""
    if not _write_export(coordinator, target, ipynb, err):
        return 2
    from app.export_html import failed_cells

    failed = failed_cells(coordinator.notebook, coordinator.states)
    if failed:
        code_cells = sum(1 for cell in coordinator.notebook.cells if cell.kind != "markdown")
        err.write(f"cascade: {len(failed)} of {code_cells} code cells failed (see the export)\n")
    out.write(f"wrote {target}\n")
    return 0

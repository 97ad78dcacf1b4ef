"""The headless commands run on plain asyncio: no Qt, qasync or pandas in the app process, and
the worker is started before the notebook is read and analysed (issue 15)."""

from __future__ import annotations

import json
import select
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app import cli
from app.coordinator import asyncio_kernel
from app.coordinator.asyncio_kernel import AsyncioKernel
from app.coordinator.headless import HeadlessRun
from app.coordinator.kernel import KernelEvent, KernelExited
from app.coordinator.worker_process import StartedWorker
from app.core import fileformat
from app.core.notebook import Cell, Notebook
from tests.integration.cli_helpers import ROOT
from tests.kernel_worker.worker_client import process_gone

pytestmark = pytest.mark.slow
Run = Callable[..., Any]
#: Never imported by the app process of `cascade run` / `cascade export`.
HEAVY = ("PySide6", "shiboken6", "qasync", "pandas", "numpy")

#: Runs a command in a fresh interpreter and reports what it imported, and what was imported
#: when the worker was launched.
_PROBE = textwrap.dedent(
    """
    import io, json, sys
    from app.coordinator import asyncio_kernel

    seen = {{}}
    launch = asyncio_kernel.AsyncioKernel.launch

    async def recording_launch(self):
        seen["at_launch"] = sorted(m for m in sys.modules if m.startswith("app."))
        await launch(self)

    asyncio_kernel.AsyncioKernel.launch = recording_launch
    from app.cli import {command}

    code = {command}({argv!r}, out=io.StringIO(), err=sys.stderr)
    heavy = sorted({{m.split(".")[0] for m in sys.modules}} & set({heavy!r}))
    imported = sorted(m for m in sys.modules if m.startswith("app."))
    top = sorted({{m.split(".")[0] for m in sys.modules}})
    print(json.dumps({{"code": code, "heavy": heavy, "imported": imported, "top": top, **seen}}))
    """
)


def _last_line(script: str) -> str:
    """The last line ``script`` prints, run in a fresh interpreter (which must succeed)."""
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-1]


def probe(command: str, argv: list[str]) -> dict[str, Any]:
    script = _PROBE.format(command=command, argv=argv, heavy=HEAVY)
    report: dict[str, Any] = json.loads(_last_line(script))
    return report


def notebook(tmp_path: Path) -> Path:
    path = tmp_path / "nb.py"
    cells = (Cell("a", "python", "x = 41"), Cell("b", "python", "print(x + 1)"))
    fileformat.save(Notebook(cells=cells, name="headless"), path)
    return path


@pytest.mark.parametrize("command", ["run_command", "export_command"])
def test_headless_commands_import_no_qt_qasync_or_pandas(tmp_path: Path, command: str) -> None:
    path = notebook(tmp_path)
    argv = (
        [str(path)] if command == "run_command" else [str(path), "--html", str(tmp_path / "o.html")]
    )
    report = probe(command, argv)
    assert report["code"] == 0
    assert report["heavy"] == []


@pytest.mark.parametrize("command", ["run_command", "export_command"])
def test_the_worker_is_launched_before_the_notebook_is_read_or_analysed(
    tmp_path: Path, command: str
) -> None:
    """Nothing that reads, analyses, runs or reports the notebook is even imported before the
    worker is launched: those imports happen while it starts (app.cli -> app.cli_run)."""
    path = notebook(tmp_path)
    argv = (
        [str(path)] if command == "run_command" else [str(path), "--html", str(tmp_path / "o.html")]
    )
    report = probe(command, argv)
    assert report["code"] == 0
    at_launch = set(report["at_launch"])
    assert "app.coordinator.asyncio_kernel" in at_launch
    assert not at_launch & {
        "app.cli_run",
        "app.cli_convert",
        "app.core.fileformat",
        "app.core.state",
        "app.core.controls",
        "app.outputs.registry",
        "app.coordinator.coordinator",
        "app.core.analysis",
        "app.core.graph",
    }


#: What a run never uses: completion (made when the window first asks), the conversion
#: report (only a Jupyter or marimo input is converted), the HTML renderers (a terminal
#: shows text) and, for a notebook Cascade wrote, the general marker reader (its patterns
#: take ~10 ms to compile). Each costs start-up time.
NOT_FOR_A_RUN = (
    "app.core.fileformat.marker_reading",
    "app.core.fileformat.value_batch",
    "app.coordinator.completion",
    "app.coordinator.sql_completion",
    "app.core.sql_completion",
    "app.core.convert.report",
    "app.outputs.html",
    "app.outputs.markdown",
    "app.outputs.sanitize",
)


#: Libraries a run of a Cascade notebook does without: tomlkit (a header of Cascade's settings
#: only is read without a TOML parser, app.core.fileformat.header), tomllib (likewise)
#: and dataclasses (the headless path's values are app.core.record.Records: a frozen dataclass
#: costs about a millisecond to define).
LIBRARIES_NOT_FOR_A_RUN = ("tomlkit", "tomllib", "dataclasses")


def test_a_run_of_a_cascade_notebook_needs_no_toml_parser_and_no_dataclass(
    tmp_path: Path,
) -> None:
    report = probe("run_command", [str(notebook(tmp_path))])
    assert report["code"] == 0
    assert not set(report["top"]) & set(LIBRARIES_NOT_FOR_A_RUN)


def test_ssl_imports_as_usual_after_a_headless_run(tmp_path: Path) -> None:
    """asyncio went without ssl; the process did not: a later ``import ssl`` is the module."""
    script = textwrap.dedent(
        f"""
        import io, sys
        from app import cli

        code = cli.run_command([{str(notebook(tmp_path))!r}], out=io.StringIO())
        import ssl

        print(code, callable(ssl.create_default_context), sys.modules["ssl"] is ssl)
        """
    )
    assert _last_line(script) == "0 True True"


def test_a_headless_run_loads_no_completion_conversion_report_or_html(
    tmp_path: Path,
) -> None:
    path = tmp_path / "shown.py"
    cells = (
        Cell("m", "markdown", "# Title\n\nSome *text*."),
        Cell("a", "python", "x = 41"),
        Cell("b", "python", "x + 1"),  # a value shown in the terminal
    )
    fileformat.save(Notebook(cells=cells, name="shown"), path)
    report = probe("run_command", [str(path)])
    assert report["code"] == 0
    assert not set(report["imported"]) & set(NOT_FOR_A_RUN)


# -- the launched worker, adopted or replaced ------------------------------------------------------


def asyncio_run(body: Callable[[], Any]) -> Any:
    import asyncio

    return asyncio.run(body())


def test_start_adopts_the_worker_launched_ahead(tmp_path: Path) -> None:
    events: list[KernelEvent] = []

    async def body() -> tuple[int, int]:
        kernel = AsyncioKernel(cwd=tmp_path)
        kernel.set_handler(events.append)
        await kernel.launch()
        assert kernel.is_running
        launched = kernel._current.transport.get_pid()  # type: ignore[union-attr]
        ready = await kernel.start()
        await kernel.shutdown()
        return launched, ready.pid

    launched, adopted = asyncio_run(body)
    assert launched == adopted  # one worker, not two
    assert [type(e).__name__ for e in events] == ["Ready", "KernelExited"]


def test_a_worker_launched_for_another_interpreter_is_replaced_unreported(tmp_path: Path) -> None:
    events: list[KernelEvent] = []

    async def body() -> tuple[int, int]:
        kernel = AsyncioKernel(cwd=tmp_path)
        kernel.set_handler(events.append)
        await kernel.launch()
        launched = kernel._current.transport.get_pid()  # type: ignore[union-attr]
        kernel.set_interpreter(sys.executable)  # the notebook chose a Python (the same one)
        ready = await kernel.start()
        await kernel.shutdown()
        return launched, ready.pid

    launched, started = asyncio_run(body)
    assert launched != started
    assert process_gone(launched)
    exits = [e for e in events if isinstance(e, KernelExited)]
    assert len(exits) == 1 and exits[0].expected  # the started one's shutdown only


def test_a_launched_worker_never_used_ends_with_the_run(tmp_path: Path) -> None:
    events: list[KernelEvent] = []

    async def body() -> int:
        kernel = AsyncioKernel(cwd=tmp_path)
        kernel.set_handler(events.append)
        await kernel.launch()
        launched = kernel._current.transport.get_pid()  # type: ignore[union-attr]
        await kernel.shutdown()
        assert not kernel.is_running
        return int(launched)

    launched = asyncio_run(body)
    assert process_gone(launched)
    assert events == []


# -- the worker started before asyncio is imported (app.cli._start_worker) --------------------


def _started_ahead(tmp_path: Path, *, wait_for_ready: bool) -> StartedWorker:
    """A worker started as ``cascade run`` starts it; with ``wait_for_ready``, returned once
    it has written its Ready (unread, in the pipe), as when the command's imports are slow."""
    started = cli._start_worker(tmp_path / "nb.py")
    assert started is not None
    if wait_for_ready:
        assert started.popen.stdout is not None
        readable, _, _ = select.select([started.popen.stdout], [], [], 60)
        assert readable, "the worker wrote nothing in 60 s"
    return started


@pytest.mark.parametrize("wait_for_ready", [True, False])
def test_a_worker_started_ahead_is_the_one_the_run_uses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wait_for_ready: bool
) -> None:
    """Its Ready, already in the pipe before the loop reads it, is not lost (it was once: the
    worker was made the kernel's only after its pipes were read), and no second worker is
    started."""
    started = _started_ahead(tmp_path, wait_for_ready=wait_for_ready)
    path = notebook(tmp_path)
    spawned: list[object] = []
    monkeypatch.setattr(asyncio_kernel, "start_worker", spawned.append)
    with HeadlessRun(path, started=started) as run:
        coordinator = run.run_all()
    assert coordinator.states["b"].text("stdout") == "42\n"
    assert spawned == []
    assert started.popen.returncode == 0  # shut down with the run, and reaped


def test_a_worker_started_ahead_for_other_settings_is_ended_unreported(tmp_path: Path) -> None:
    started = _started_ahead(tmp_path, wait_for_ready=False)
    events: list[KernelEvent] = []

    async def body() -> int:
        kernel = AsyncioKernel(cwd=tmp_path)
        kernel.set_handler(events.append)
        kernel.adopt_started(started)
        kernel.set_interpreter(sys.executable)  # the notebook chose a Python (the same one)
        ready = await kernel.start()
        await kernel.shutdown()
        return ready.pid

    used = asyncio_run(body)
    assert used != started.popen.pid
    assert started.popen.returncode is not None  # killed and reaped
    assert [type(e).__name__ for e in events] == ["Ready", "KernelExited"]


def test_a_worker_started_ahead_and_never_launched_ends_with_the_kernel(tmp_path: Path) -> None:
    started = _started_ahead(tmp_path, wait_for_ready=False)

    async def body() -> None:
        kernel = AsyncioKernel(cwd=tmp_path)
        kernel.adopt_started(started)
        await kernel.shutdown()

    asyncio_run(body)
    assert started.popen.returncode is not None


def test_cascade_run_starts_its_worker_before_it_imports_asyncio_and_never_imports_ssl(
    tmp_path: Path,
) -> None:
    script = textwrap.dedent(
        f"""
        import io, json, sys
        from app import cli
        from app.coordinator import worker_process

        seen = []
        start = worker_process.start_worker

        def recording_start(launch):
            seen.append(sorted(m for m in ("asyncio", "app.coordinator.headless") if m in sys.modules))
            return start(launch)

        worker_process.start_worker = recording_start
        code = cli.run_command([{str(notebook(tmp_path))!r}], out=io.StringIO())
        print(json.dumps({{"code": code, "seen": seen, "ssl": "ssl" in sys.modules}}))
        """
    )
    report = json.loads(_last_line(script))
    # One worker, started before both; asyncio imported without ssl (app.cli).
    assert report == {"code": 0, "seen": [[]], "ssl": False}


def test_a_headless_process_leaves_its_objects_to_exit_an_in_process_call_does_not(
    tmp_path: Path,
) -> None:
    """The console script's run freezes what is alive for the interpreter's exit (its
    collections would walk it all again); a caller's own process (a test) is left alone."""
    path = notebook(tmp_path)
    script = textwrap.dedent(
        f"""
        import gc, io, sys
        from contextlib import redirect_stdout
        from app.__main__ import main

        with redirect_stdout(io.StringIO()):
            sys.argv = ["cascade", "run", {str(path)!r}]
            assert main() == 0
            as_process = gc.get_freeze_count()
            gc.unfreeze()
            assert main(["run", {str(path)!r}]) == 0
        print(as_process > 0, gc.get_freeze_count())
        """
    )
    assert _last_line(script).split() == ["True", "0"]

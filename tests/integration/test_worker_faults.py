"""User code cannot wedge Cascade: coordinator + each kernel connection + the real worker (issue 9
§3).

Every test is a cell that once left the window "running" for good, lost output, leaked a
process or imported a notebook's file unasked; each checks the kernel is usable afterwards.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.coordinator.coordinator import Coordinator
from app.coordinator.events import CoordinatorEvent, Notice
from app.coordinator.kernel import CORRUPTED_MESSAGE, KernelConnection
from app.core import fileformat
from app.core.notebook import Cell, Notebook
from kernel_worker.output_cap import TAIL_CHARS
from tests.integration.cli_helpers import cascade
from tests.integration.coordinator_helpers import cells, value
from tests.kernel_worker.worker_client import process_gone

pytestmark = pytest.mark.slow
#: Every test runs with the window's connection and with the headless one (conftest.py).
BOTH_CONNECTIONS = True
Run = Callable[..., Any]


async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


# -- 2. the protocol channel --------------------------------------------------------------------

_EVERY_FD = (
    "import os\n"
    "for fd in {fds}:\n"
    "    try:\n"
    "        os.write(fd, {data!r})\n"
    "    except OSError:\n"
    "        pass\n"
)


def test_bytes_written_to_low_fds_never_reach_the_coordinator(
    coordinator: Coordinator, arun: Run
) -> None:
    async def body() -> None:
        evil, probe = await cells(
            coordinator,
            _EVERY_FD.format(fds="range(3, 20)", data=b"\x00\x00\x10") + "print('done')",
            "1 + 1",
        )
        await coordinator.start_kernel()
        pid = coordinator.kernel_pid
        await coordinator.run_all()
        assert coordinator.states[evil].status == "success"
        assert coordinator.states[evil].text("stdout") == "done\n"
        assert value(coordinator, probe) == "2"
        assert coordinator.kernel_pid == pid  # type: ignore[attr-defined]  # same kernel

    arun(body())


def test_a_corrupted_stream_stops_the_kernel_reports_it_and_restarts(
    coordinator: Coordinator, arun: Run
) -> None:
    """Garbage written to every open fd, the channel included, is caught at the first bytes."""

    async def body() -> None:
        fds = "sorted(int(fd) for fd in os.listdir('/proc/self/fd'))"
        (evil,) = await cells(coordinator, _EVERY_FD.format(fds=fds, data=b"\x00\x00\x10"))
        events: list[CoordinatorEvent] = []
        coordinator.subscribe(events.append)
        await coordinator.run_all()
        state = coordinator.states[evil]
        assert state.status == "error"
        assert state.error is not None and CORRUPTED_MESSAGE in state.error.evalue
        assert any(isinstance(e, Notice) and CORRUPTED_MESSAGE in e.message for e in events)
        await until(lambda: coordinator.kernel_status == "idle")
        probe = await coordinator.add_cell("python", code="40 + 2")
        assert value(coordinator, probe) == "42"

    arun(body())


def test_cascade_run_ends_when_a_cell_corrupts_the_stream(tmp_path: Path) -> None:
    fds = "sorted(int(fd) for fd in os.listdir('/proc/self/fd'))"
    cells_ = (
        Cell("c0", "python", _EVERY_FD.format(fds=fds, data=b"\x00\x00\x10")),
        Cell("c1", "python", "print('fine')"),
    )
    path = tmp_path / "nb.py"
    fileformat.save(Notebook(cells=cells_, name="evil"), path)
    result = cascade("run", path, "--json")  # times out (120 s) if it hangs
    assert result.returncode == 1
    reports = {c["id"]: c for c in json.loads(result.stdout)["cells"]}
    assert CORRUPTED_MESSAGE in reports["c0"]["error"]


# -- 6. processes a cell started ------------------------------------------------------------------

_SPAWN = "import subprocess\nchild = subprocess.Popen(['sleep', '300'])\nchild.pid"


@pytest.mark.parametrize("how", ["restart", "close", "shutdown", "kernel_dies"])
def test_processes_a_cell_started_end_with_the_kernel(
    coordinator: Coordinator, arun: Run, how: str
) -> None:
    async def body() -> None:
        (spawn,) = await cells(coordinator, _SPAWN)
        await coordinator.run_all()
        child = int(value(coordinator, spawn))
        assert not process_gone(child)
        if how == "restart":
            await coordinator.restart_kernel()
        elif how == "close":
            coordinator.close()  # the window closes
        elif how == "shutdown":
            await coordinator.shutdown()  # cascade run ends
        else:
            crash = await coordinator.add_cell("python", code="import os\nos._exit(3)")
            await coordinator.run_cell(crash)
        await until(lambda: process_gone(child))

    arun(body())


# -- 3. fork, 7. non-blocking stdout ----------------------------------------------------------------


def test_a_fork_in_a_cell_lets_the_run_finish(coordinator: Coordinator, arun: Run) -> None:
    async def body() -> None:
        fork, after = await cells(
            coordinator,
            "import os\n"
            "pid = os.fork()\n"
            "if pid:\n"
            "    _, status = os.waitpid(pid, 0)\n"
            "    print('child exited', os.waitstatus_to_exitcode(status))\n"
            "else:\n"
            "    print('child')",
            "print('after')",
        )
        await coordinator.run_all()
        assert coordinator.states[fork].status == "success"
        # The child writes through the capture pipe: its line may come before or after, and
        # its print is two writes ("child", "\n"), which the parent's line may come between.
        text = coordinator.states[fork].text("stdout")
        assert text.count("\n") == 2
        assert text.replace("child exited 0", "", 1).split() == ["child"]
        assert coordinator.states[after].text("stdout") == "after\n"
        assert coordinator.kernel_status == "idle"

    arun(body())


def test_non_blocking_stdout_neither_hangs_nor_loses_output(
    coordinator: Coordinator, arun: Run
) -> None:
    async def body() -> None:
        size = 2_000_000
        nonblock, child = await cells(
            coordinator,
            "import os\nos.set_blocking(1, False)\nprint('set')",
            f"__import__('os').system('head -c {size} /dev/zero | tr \"\\\\\\\\0\" x')",
        )
        await coordinator.run_all()
        assert coordinator.states[nonblock].status == "success"
        assert coordinator.states[child].text("stdout") == "x" * size

    arun(body())


# -- 4. threads -------------------------------------------------------------------------------------

# Each run starts two threads that print when released; the handles live outside the
# notebook's namespace, so releasing them creates no dependency between cells.
_THREADS = (
    "import builtins, threading\n"
    "def talk(go, done, word):\n"
    "    go.wait()\n"
    "    print(word)\n"
    "    done.set()\n"
    "pairs = []\n"
    "for word in ('first', 'second'):\n"
    "    pair = (threading.Event(), threading.Event())\n"
    "    threading.Thread(target=talk, args=(*pair, word), daemon=True).start()\n"
    "    pairs.append(pair)\n"
    "builtins.__dict__.setdefault('talkers', []).append(pairs)\n"
)
_RELEASE = "_go, _done = __import__('builtins').talkers[{run}][{thread}]\n_go.set()\n_done.wait()"


def test_a_threads_output_stays_with_its_cell_and_is_dropped_once_it_reruns(
    coordinator: Coordinator, arun: Run
) -> None:
    async def body() -> None:
        starter, release_first, release_second = await cells(
            coordinator,
            _THREADS,
            _RELEASE.format(run=0, thread=0) + "\nprint('mine')",
            _RELEASE.format(run=0, thread=1),
        )
        events: list[CoordinatorEvent] = []
        coordinator.subscribe(events.append)
        await coordinator.set_mode("lazy")
        await coordinator.run_cell(starter)
        await coordinator.run_cell(release_first)
        await until(lambda: coordinator.states[starter].text("stdout") == "first\n")
        assert coordinator.states[release_first].text("stdout") == "mine\n"
        await coordinator.run_cell(starter)  # a new run: the first run's threads are old now
        await coordinator.run_cell(release_second)
        await until(
            lambda: any(
                isinstance(e, Notice) and "earlier run was dropped" in e.message for e in events
            )
        )
        assert coordinator.states[starter].text("stdout") == ""
        assert coordinator.states[release_second].text("stdout") == ""

    arun(body())


# -- 5. huge outputs --------------------------------------------------------------------------------


def test_a_cell_that_prints_too_much_keeps_a_tail_and_the_whole_in_a_file(
    coordinator: Coordinator, arun: Run
) -> None:
    async def body() -> None:
        lines = 200_000
        (chatty,) = await cells(coordinator, f"for i in range({lines}):\n    print('z' * 99)")
        await coordinator.run_all()
        state = coordinator.states[chatty]
        held = len(state.text("stdout"))
        assert 0 < held <= 2 * TAIL_CHARS  # the final tail, perhaps after a periodic one
        assert held + state.omitted_chars == lines * 100
        assert state.full_output is not None
        full = Path(state.full_output)
        assert full.stat().st_size == lines * 100
        await coordinator.run_cell(chatty)  # the new run's file replaces the old one
        assert not full.exists()
        new_file = coordinator.states[chatty].full_output
        assert new_file is not None and Path(new_file).exists()
        await coordinator.shutdown()
        assert not Path(new_file).exists()  # the session's files go with it

    arun(body(), timeout=300)  # 40 MB of output through the pipe: minutes on a loaded machine


# -- 10. the notebook's folder ----------------------------------------------------------------------


def test_the_notebook_folder_is_importable_but_shadows_nothing(
    arun: Run, tmp_path: Path, make_kernel: Callable[..., KernelConnection]
) -> None:
    marker = tmp_path / "imported.txt"
    plant = f"open({str(marker)!r}, 'a').write(__name__ + '\\n')\n"
    (tmp_path / "json.py").write_text(plant)
    (tmp_path / "kernel_worker").mkdir()
    (tmp_path / "kernel_worker" / "__init__.py").write_text(plant)
    (tmp_path / "kernel_worker" / "__main__.py").write_text(plant)
    (tmp_path / "helpers.py").write_text("def answer():\n    return 42\n")

    async def body() -> None:
        c = Coordinator(make_kernel(cwd=tmp_path))
        c.new(tmp_path / "notebook.py")
        try:
            (probe,) = await cells(c, "import json\nfrom helpers import answer\nanswer()")
            await c.run_all()
            assert value(c, probe) == "42"
            assert not marker.exists(), marker.read_text()
        finally:
            await c.shutdown()

    arun(body())


# -- 11. the default SQLite file ------------------------------------------------------------------


def test_the_sqlite_file_appears_only_when_a_sql_cell_runs(
    coordinator: Coordinator, arun: Run, tmp_path: Path
) -> None:
    async def body() -> None:
        await cells(coordinator, "1 + 1")
        await coordinator.run_all()
        assert coordinator.kernel_status == "idle"
        assert coordinator.database_status is not None and coordinator.database_status.ok
        assert not (tmp_path / "notebook.sqlite").exists()
        sql = await coordinator.add_cell("sql", code="SELECT 1 AS one")
        await coordinator.run_cell(sql)
        assert coordinator.states[sql].status == "success", coordinator.states[sql].error
        assert (tmp_path / "notebook.sqlite").exists()

    arun(body())


def test_an_sqlite_url_in_a_missing_folder_creates_nothing(
    coordinator: Coordinator, arun: Run, tmp_path: Path
) -> None:
    async def body() -> None:
        await coordinator.start_kernel()
        target = tmp_path / "absent" / "data.db"
        status = await coordinator.set_database(f"sqlite:///{target}")
        assert not status.ok
        assert not target.parent.exists()
        status = await coordinator.set_database(f"sqlite:///{tmp_path / 'later.db'}")
        assert status.ok, status.message
        assert not (tmp_path / "later.db").exists()

    arun(body())

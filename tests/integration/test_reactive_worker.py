"""The reactive rules of SEMANTICS.md, end to end: coordinator + QProcess + real worker."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from app.coordinator.coordinator import Coordinator
from app.core.problems import describe
from kernel_worker import protocol as p
from tests.integration.coordinator_helpers import cells, value

pytestmark = pytest.mark.slow
#: Every test runs with the window's connection and with the headless one (conftest.py).
BOTH_CONNECTIONS = True
Run = Callable[..., Any]


def words(c: Coordinator, cell_id: str) -> str:
    """A cell's reason as the window words it (cells named by what they define)."""
    reason = c.states[cell_id].reason
    assert reason is not None
    return describe(reason, c.cell_name)


def test_seed_scenario(coordinator: Coordinator, arun: Run) -> None:
    """x = 5 / y = x + 1 -> 6; edit the first to x = 10 -> 11 without touching the second."""

    async def body() -> None:
        a, b = await cells(coordinator, "x = 5", "y = x + 1\ny")
        await coordinator.run_all()
        assert value(coordinator, b) == "6"
        await coordinator.update_cell(a, "x = 10")
        assert value(coordinator, b) == "11"
        assert coordinator.notebook.cell(b).code == "y = x + 1\ny"

    arun(body())


def test_rename_leaves_no_hidden_state(coordinator: Coordinator, arun: Run) -> None:
    async def body() -> None:
        a, b = await cells(coordinator, "a = 1", "b = a + 1\nb")
        await coordinator.run_all()
        assert value(coordinator, b) == "2"
        await coordinator.update_cell(a, "c = 1")
        state = coordinator.states[b]
        assert state.status == "error"
        assert state.error is not None and state.error.ename == "NameError"
        assert "'a'" in state.error.evalue
        await coordinator.update_cell(b, "b = c + 1\nb")
        assert coordinator.states[b].status == "success"
        assert value(coordinator, b) == "2"

    arun(body())


def test_cycle_errors_name_the_variables_and_clear_when_fixed(
    coordinator: Coordinator, arun: Run
) -> None:
    async def body() -> None:
        a, b = await cells(coordinator, "x = y + 1", "y = x + 1")
        await coordinator.run_all()
        for cell in (a, b):
            assert coordinator.states[cell].status == "blocked"
            assert words(coordinator, cell) == "cycle: x (x) → y (y) → x"
        await coordinator.update_cell(a, "x = 1")
        assert [coordinator.states[c].status for c in (a, b)] == ["success", "success"]

    arun(body())


def test_multiple_definitions_block_until_fixed(coordinator: Coordinator, arun: Run) -> None:
    async def body() -> None:
        a, b, r = await cells(coordinator, "x = 1", "x = 2", "x")
        await coordinator.run_all()
        assert [coordinator.states[c].status for c in (a, b, r)] == ["blocked"] * 3
        assert words(coordinator, a) == "'x' is defined by more than one cell: x, x #2"
        await coordinator.update_cell(b, "w = 2")
        assert value(coordinator, r) == "1"

    arun(body())


def test_diamond_first_run_of_a_leaf_runs_the_other_branch(
    coordinator: Coordinator, arun: Run
) -> None:
    async def body() -> None:
        a, b, c, d = await cells(coordinator, "a = 1", "b = a + 1", "c = a + 10", "d = b + c\nd")
        await coordinator.run_cell(d)
        assert value(coordinator, d) == "13"
        assert all(coordinator.states[x].status == "success" for x in (a, b, c, d))

    arun(body())


def test_upstream_error_blocks_descendants_and_clears_old_outputs(
    coordinator: Coordinator, arun: Run
) -> None:
    async def body() -> None:
        a, b, c = await cells(coordinator, "x = 1", "y = x * 2\ny", "print(y)")
        await coordinator.run_all()
        assert coordinator.states[c].text("stdout") == "2\n"
        await coordinator.update_cell(a, "x = 1\nraise ValueError('nope')")
        assert coordinator.states[a].status == "error"
        for cell in (b, c):
            assert coordinator.states[cell].status == "blocked"
            assert coordinator.states[cell].outputs == ()
        assert words(coordinator, b) == "blocked by x, which failed"

    arun(body())


def test_deleting_a_cell_removes_its_variables(coordinator: Coordinator, arun: Run) -> None:
    async def body() -> None:
        a, b = await cells(coordinator, "gone = 1", "gone")
        await coordinator.run_all()
        assert value(coordinator, b) == "1"
        await coordinator.delete_cell(a)
        state = coordinator.states[b]
        assert state.status == "error"
        assert state.error is not None and state.error.ename == "NameError"

    arun(body())


def test_interrupt_stops_the_cell_and_keeps_the_namespace(
    coordinator: Coordinator, arun: Run
) -> None:
    async def body() -> None:
        a, b = await cells(coordinator, "kept = 41", "seen = kept\nwhile True: pass")
        await coordinator.set_mode("lazy")  # run `a` alone, without its looping reader
        await coordinator.run_cell(a)
        task = asyncio.ensure_future(coordinator.run_cell(b))
        while coordinator.states[b].status != "running":
            await asyncio.sleep(0.01)
        await coordinator.interrupt()
        await task  # returns: the loop was stopped (how fast is a benchmark figure)
        assert coordinator.states[b].status == "interrupted"
        probe = await coordinator.add_cell("python", code="kept")
        await coordinator.run_cell(probe)
        assert value(coordinator, probe) == "41"  # the namespace survived the interrupt

    arun(body())


@pytest.mark.parametrize(
    "code, expected",
    [
        ("import os\nos._exit(3)", "exit code 3"),
        ("import ctypes\nctypes.string_at(0)", "SIGSEGV"),
    ],
    ids=["os_exit", "segfault"],
)
def test_kernel_death_is_detected_and_restarted_file_unchanged(
    coordinator: Coordinator, arun: Run, code: str, expected: str
) -> None:
    async def body() -> None:
        a, b = await cells(coordinator, "x = 1", code)
        await coordinator.run_all()
        path = coordinator.path
        assert path is not None
        before = path.read_bytes()
        await coordinator.run_cell(b)
        state = coordinator.states[b]
        assert state.status == "error"
        assert state.error is not None and expected in state.error.evalue
        assert coordinator.states[a].status == "stale"
        for _ in range(500):
            if coordinator.kernel_status == "idle":
                break
            await asyncio.sleep(0.01)
        assert coordinator.kernel_status == "idle"
        assert path.read_bytes() == before
        await coordinator.run_cell(a)
        assert coordinator.states[a].status == "success"

    arun(body())


def test_system_exit_is_contained(coordinator: Coordinator, arun: Run) -> None:
    async def body() -> None:
        a, b = await cells(coordinator, "raise SystemExit(2)", "1 + 1")
        await coordinator.run_all()
        assert coordinator.states[a].status == "error"
        assert value(coordinator, b) == "2"
        assert coordinator.kernel_status == "idle"

    arun(body())


def test_hundred_thousand_lines_arrive_in_order(coordinator: Coordinator, arun: Run) -> None:
    async def body() -> None:
        (a,) = await cells(coordinator, "for i in range(100_000):\n    print(i)")
        await coordinator.run_all()
        assert coordinator.states[a].text("stdout") == "".join(f"{i}\n" for i in range(100_000))

    arun(body())


def test_os_system_output_is_captured(coordinator: Coordinator, arun: Run) -> None:
    async def body() -> None:
        (a,) = await cells(coordinator, "import os\nos.system('echo hi')")
        await coordinator.run_all()
        assert coordinator.states[a].text("stdout") == "hi\n"

    arun(body())


def test_worker_runs_in_the_notebook_folder_with_the_same_python(
    coordinator: Coordinator, arun: Run, tmp_path: Path
) -> None:
    async def body() -> None:
        (a,) = await cells(coordinator, "import os, sys\nprint(os.getcwd())\nprint(sys.executable)")
        await coordinator.run_all()
        assert coordinator.states[a].text("stdout") == f"{tmp_path}\n{sys.executable}\n"

    arun(body())


def test_restart_kernel_clears_the_namespace(coordinator: Coordinator, arun: Run) -> None:
    async def body() -> None:
        (a,) = await cells(coordinator, "x = 1")
        await coordinator.run_all()
        await coordinator.restart_kernel()
        assert coordinator.states[a].status == "stale"
        assert coordinator.kernel_status == "idle"
        probe = await coordinator.add_cell("python", code="'x' in globals()")
        assert value(coordinator, probe) == "False"

    arun(body())


def test_a_restart_hands_the_compiled_cells_to_the_new_kernel(
    coordinator: Coordinator, arun: Run
) -> None:
    """The kernel hands back what it compiled (protocol v12); after a restart the new kernel
    is given it with its Precompile, and Run All shows what it showed before."""

    async def body() -> None:
        _, b, c = await cells(coordinator, "x = 5", "y = x + 1\ny", "z = (")
        await coordinator.run_all()
        client = coordinator._runner.client
        assert len(client.compiled_code) == 2  # the cell that does not compile is not kept
        sent: list[p.Request] = []
        connection = client._connection
        send = connection.send
        connection.send = lambda request: sent.append(request) or send(request)  # type: ignore[method-assign]
        await coordinator.restart_kernel()
        precompile = next(r for r in sent if isinstance(r, p.Precompile))
        assert precompile.cells == ()
        assert sorted(code for _, code, _ in precompile.compiled) == ["x = 5", "y = x + 1\ny"]
        await coordinator.run_all()
        assert value(coordinator, b) == "6"
        assert coordinator.states[c].status == "error"

    arun(body())


def _unused(_: Awaitable[None]) -> None:  # keeps the Awaitable import honest for type checkers
    return None

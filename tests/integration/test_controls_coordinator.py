"""Reactive controls end to end without a window: coordinator + headless connection + the
real worker (SEMANTICS.md §8)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from app.coordinator.asyncio_kernel import AsyncioKernel
from app.coordinator.coordinator import Coordinator
from app.core import fileformat
from app.core.controls import controls_by_name
from app.core.notebook import Cell, Notebook

pytestmark = pytest.mark.slow

DEFINE = "import cascade as cs\nn = cs.slider(0, 100, value=3)\nn"
READ = "m = n.value * 2\nprint(m)"
BELOW = "print('below', m)"


def scenario(tmp_path: Path, body: Callable[[Coordinator, list[str]], Awaitable[None]]) -> None:
    async def main() -> None:
        c = Coordinator(AsyncioKernel(cwd=tmp_path), autosave=False)
        c.new(tmp_path / "nb.py")
        await c.set_mode("lazy")
        ids = [await c.add_cell("python", code=code) for code in (DEFINE, READ, BELOW)]
        await c.set_mode("autorun")
        try:
            await c.run_all()
            await body(c, ids)
        finally:
            await c.shutdown()

    asyncio.run(main())


def printed(c: Coordinator, cell_id: str) -> str:
    return c.states[cell_id].text("stdout")


def test_a_change_runs_the_readers_and_their_descendants_not_the_defining_cell(
    tmp_path: Path,
) -> None:
    async def body(c: Coordinator, ids: list[str]) -> None:
        define, read, below = ids
        before = c.states[define]
        await c.set_control_value(f"{define}:0", 20)
        assert printed(c, read) == "40\n"
        assert printed(c, below) == "below 40\n"
        assert c.states[define] is before  # the defining cell did not run again
        spec = controls_by_name(c.states)["n"]
        assert c.control_value(spec) == 20  # a redrawn widget shows the user's value
        exported = controls_by_name(c.exported_states())["n"]
        assert spec.value == 3 and exported.value == 20  # exports show what is on screen
        # The defining cell runs again with the same arguments: it keeps the value.
        await c.run_cell(define)
        spec = controls_by_name(c.states)["n"]
        assert spec.value == 20 and printed(c, read) == "40\n"
        # The notebook file never holds the value.
        assert "20" not in c.notebook.cell(define).code

    scenario(tmp_path, body)


def test_quick_changes_coalesce_and_the_latest_value_wins(tmp_path: Path) -> None:
    async def body(c: Coordinator, ids: list[str]) -> None:
        _define, read, _below = ids
        control = f"{ids[0]}:0"
        await asyncio.gather(*(c.set_control_value(control, v) for v in range(1, 51)))
        assert printed(c, read) == "100\n"
        assert c._controls.applied < 50

    scenario(tmp_path, body)


def test_lazy_mode_runs_the_readers_and_stales_their_descendants(tmp_path: Path) -> None:
    async def body(c: Coordinator, ids: list[str]) -> None:
        define, read, below = ids
        await c.set_mode("lazy")
        await c.set_control_value(f"{define}:0", 7)
        assert printed(c, read) == "14\n"
        assert c.states[below].status == "stale"

    scenario(tmp_path, body)


def test_an_invalid_value_changes_nothing_and_is_reported(tmp_path: Path) -> None:
    async def body(c: Coordinator, ids: list[str]) -> None:
        notices: list[Any] = []
        c.subscribe(notices.append)
        await c.set_control_value(f"{ids[0]}:0", 1000)
        assert printed(c, ids[1]) == "6\n"
        assert any("outside 0..100" in getattr(e, "message", "") for e in notices)

    scenario(tmp_path, body)


def test_remembered_values_come_back_in_a_new_session_and_never_touch_the_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "nb.py"
    cells = tuple(Cell(f"c{i}", "python", code) for i, code in enumerate((DEFINE, READ, BELOW)))
    fileformat.save(Notebook(cells=cells, name="remember"), path)
    before = path.read_bytes()

    async def session(body: Callable[[Coordinator], Awaitable[None]]) -> None:
        c = Coordinator(AsyncioKernel(cwd=tmp_path), autosave=False)
        await c.open(path)
        try:
            await c.run_all()
            await body(c)
        finally:
            await c.shutdown()

    async def first(c: Coordinator) -> None:
        assert not c.remember_controls
        await c.set_control_value("c0:0", 7)  # not remembered: the option is off
        c.set_remember_controls(True)
        assert c.remember_controls
        await c.set_control_value("c0:0", 42)

    async def second(c: Coordinator) -> None:
        assert c.remember_controls
        assert controls_by_name(c.states)["n"].value == 42
        assert printed(c, "c1") == "84\n"
        c.set_remember_controls(False)  # forgets: the next session starts from the code
        assert not c.remember_controls and c.remembered_control_values() == {}

    async def third(c: Coordinator) -> None:
        assert controls_by_name(c.states)["n"].value == 3

    for body in (first, second, third):
        asyncio.run(session(body))
    assert path.read_bytes() == before


def test_values_of_earlier_instances_are_not_kept(tmp_path: Path) -> None:
    # Every run of the defining cell makes a new instance: the user's values of the old ones
    # would pile up for the life of the window.
    async def body(c: Coordinator, ids: list[str]) -> None:
        define = ids[0]
        for value in range(5, 10):
            await c.set_control_value(f"{define}:0", value)
            await c.run_cell(define)
        spec = controls_by_name(c.states)["n"]
        assert spec.value == 9  # kept across re-runs
        assert len(c._control_values) == 1  # one per control, not one per instance

    scenario(tmp_path, body)

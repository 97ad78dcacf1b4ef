"""Structural undo (issue 9: one click on ✕ no longer deletes a cell for good; issue 11's stack):
a deleted cell comes back with its code, id, position and outputs; the file follows."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from app.coordinator.coordinator import Coordinator
from app.coordinator.events import CoordinatorEvent, HistoryChanged
from app.core import fileformat
from tests.coordinator.fake_kernel import FakeKernel, Outcome


def run(coro_factory: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(coro_factory())


async def notebook(kernel: FakeKernel, path: Path, *codes: str) -> tuple[Coordinator, list[str]]:
    c = Coordinator(kernel)
    c.new(path)
    await c.set_mode("lazy")
    ids = [await c.add_cell("python", code=code) for code in codes]
    await c.set_mode("autorun")
    return c, ids


def test_undo_delete_restores_code_id_position_and_outputs(tmp_path: Path) -> None:
    path = tmp_path / "nb.py"

    async def body() -> None:
        kernel = FakeKernel(script={"y = x * 2\nprint(y)": Outcome(stdout="10\n")})
        c, (a, b, d) = await notebook(kernel, path, "x = 5", "y = x * 2\nprint(y)", "z = y")
        await c.run_all()
        outputs = c.states[b].outputs
        await c.delete_cell(b)
        assert b not in c.notebook and "print(y)" not in path.read_text()
        assert c.states[d].status in ("error", "blocked", "stale", "success")
        assert await c.undo()
        assert c.notebook.cell_ids == (a, b, d)
        assert c.notebook.cell(b).code == "y = x * 2\nprint(y)"
        assert fileformat.load(path).notebook.cell_ids == (a, b, d)  # saved after the step
        assert c.states[b].outputs == outputs  # shown as it was ...
        assert c.states[b].status == "success"  # ... and, in autorun, run again
        assert c.states[d].status == "success"

    run(body)


def test_undo_redo_of_add_and_move(tmp_path: Path) -> None:
    async def body() -> None:
        c, (a, b) = await notebook(FakeKernel(), tmp_path / "nb.py", "x = 1", "y = 2")
        c.history.clear()
        new = await c.add_cell("python", 1, code="w = 3")
        await c.move_cell(a, 2)
        assert c.notebook.cell_ids == (new, b, a)
        assert await c.undo()  # the move
        assert c.notebook.cell_ids == (a, new, b)
        assert await c.undo()  # the add
        assert c.notebook.cell_ids == (a, b)
        assert not await c.undo()
        assert await c.redo()
        assert c.notebook.cell_ids == (a, new, b)
        assert c.notebook.cell(new).code == "w = 3"
        assert await c.redo()
        assert c.notebook.cell_ids == (new, b, a)
        assert not await c.redo()

    run(body)


def test_a_new_edit_clears_redo_and_history_is_announced(tmp_path: Path) -> None:
    async def body() -> None:
        c, (_a, b) = await notebook(FakeKernel(), tmp_path / "nb.py", "x = 1", "y = 2")
        events: list[CoordinatorEvent] = []
        c.subscribe(events.append)
        await c.delete_cell(b)
        assert events[-1] == HistoryChanged("delete cell", None)
        await c.undo()
        assert events[-1] == HistoryChanged("add cell", "delete cell")
        await c.move_cell(b, 0)
        assert events[-1] == HistoryChanged("move cell", None)

    run(body)


def test_undo_in_lazy_mode_restores_without_running(tmp_path: Path) -> None:
    async def body() -> None:
        kernel = FakeKernel()
        c, (a, b) = await notebook(kernel, tmp_path / "nb.py", "x = 1", "y = x")
        await c.run_all()
        await c.set_mode("lazy")
        await c.delete_cell(a)
        plans = len(kernel.plans)
        await c.undo()
        assert len(kernel.plans) == plans
        assert c.states[a].status == "stale"  # outputs kept, marked out of date
        assert c.states[b].status == "stale"

    run(body)


def test_changes_to_several_cells_are_one_edit_run_once_and_undone_once(tmp_path: Path) -> None:
    """Replace all / a rename quick fix: one undoable edit, one plan, the file saved."""
    path = tmp_path / "nb.py"

    async def body() -> None:
        kernel = FakeKernel()
        c, (a, b, d) = await notebook(kernel, path, "x = 1", "y = x + 1", "z = y + x")
        await c.run_all()
        plans = len(kernel.plans)
        await c.apply_code_changes({a: "x2 = 1", b: "y = x2 + 1", d: "z = y + x2"}, "replace all")
        assert len(kernel.plans) == plans + 1  # one cascade for the whole edit
        assert {s.cell_id for s in kernel.plans[-1].steps} == {a, b, d}
        assert "x2 = 1" in path.read_text()
        assert c.history.next_undo() is not None
        assert await c.undo()
        assert [c.notebook.cell(i).code for i in (a, b, d)] == ["x = 1", "y = x + 1", "z = y + x"]
        assert "x2" not in path.read_text()
        assert await c.redo()
        assert c.notebook.cell(d).code == "z = y + x2"
        assert all(c.states[i].status == "success" for i in (a, b, d))

    run(body)


def test_changing_a_cells_kind_is_one_undoable_edit() -> None:
    async def body() -> None:
        c = Coordinator(FakeKernel())
        c.new()
        await c.set_mode("lazy")
        cell_id = await c.add_cell("python", code="select 1")
        await c.set_cell_kind(cell_id, "sql")
        changed = c.notebook.cell(cell_id)
        assert (changed.kind, changed.name, changed.code) == ("sql", "df", "select 1")
        assert await c.undo()
        assert (c.notebook.cell(cell_id).kind, c.notebook.cell(cell_id).name) == ("python", None)
        assert await c.redo()
        assert c.notebook.cell(cell_id).kind == "sql"
        await c.set_cell_kind(cell_id, "markdown")
        assert c.notebook.cell(cell_id).kind == "markdown"

    asyncio.run(body())


# -- operations on several cells: one undo step, one cascade ---------------------------------------
def test_deleting_several_cells_is_one_undo_and_one_plan(tmp_path: Path) -> None:
    path = tmp_path / "nb.py"

    async def body() -> None:
        kernel = FakeKernel(script={"b = 2\nprint(b)": Outcome(stdout="2\n")})
        c, (a, b, d, e) = await notebook(kernel, path, "a = 1", "b = 2\nprint(b)", "d = 3", "s = a")
        await c.run_all()
        c.history.clear()
        sent = len(kernel.plans)
        await c.delete_cells([d, b])  # any order: document order is kept
        assert c.notebook.cell_ids == (a, e)
        assert len(kernel.plans) == sent + 1  # one cascade (the purge of b and d's names)
        assert await c.undo()
        assert c.notebook.cell_ids == (a, b, d, e)
        assert c.states[b].outputs and "2" in c.states[b].text("stdout")
        assert fileformat.load(path).notebook.cell_ids == (a, b, d, e)
        assert not await c.undo()  # one step undid both
        assert await c.redo()
        assert c.notebook.cell_ids == (a, e)

    run(body)


def test_paste_of_several_cells_is_one_undo(tmp_path: Path) -> None:
    async def body() -> None:
        kernel = FakeKernel()
        c, (a,) = await notebook(kernel, tmp_path / "nb.py", "x = 1")
        c.history.clear()
        sent = len(kernel.plans)
        new = await c.add_cells(
            1, [("python", "y = x + 1"), ("markdown", "# Notes"), ("python", "z = y")]
        )
        assert c.notebook.cell_ids == (a, *new)
        assert len(kernel.plans) == sent + 1  # the pasted code runs once, in one plan
        assert {s.cell_id for s in kernel.plans[-1].steps} >= {new[0], new[2]}
        assert await c.undo()
        assert c.notebook.cell_ids == (a,)
        assert not await c.undo()

    run(body)


def test_merge_joins_code_into_the_first_cell_and_undo_splits_it_back(tmp_path: Path) -> None:
    path = tmp_path / "nb.py"

    async def body() -> None:
        kernel = FakeKernel()
        c, (a, b, d) = await notebook(kernel, path, "x = 1\n", "y = x + 1", "z = y")
        await c.run_all()
        c.history.clear()
        merged = await c.merge_cells([a, b])
        assert merged == a
        assert c.notebook.cell_ids == (a, d)
        assert c.notebook.cell(a).code == "x = 1\n\ny = x + 1"
        assert c.states[d].status == "success"  # z's input y now comes from the merged cell
        assert "y = x + 1" in path.read_text() and fileformat.load(path).notebook.cell_ids == (a, d)
        assert await c.undo()
        assert c.notebook.cell_ids == (a, b, d)
        assert c.notebook.cell(a).code == "x = 1\n"
        assert c.notebook.cell(b).code == "y = x + 1"
        assert not c.document.problems(a) and not c.document.problems(b)

    run(body)


def test_split_at_the_cursor_makes_a_cell_below_and_undo_joins_them(tmp_path: Path) -> None:
    async def body() -> None:
        kernel = FakeKernel()
        code = "x = 1\ny = x + 1\n"
        c, (a, d) = await notebook(kernel, tmp_path / "nb.py", code, "z = y")
        await c.run_all()
        c.history.clear()
        new = await c.split_cell(a, code.index("y"))
        assert new is not None
        assert c.notebook.cell_ids == (a, new, d)
        assert c.notebook.cell(a).code == "x = 1"
        assert c.notebook.cell(new).code == "y = x + 1\n"
        assert [c.states[i].status for i in (a, new, d)] == ["success"] * 3
        assert await c.undo()
        assert c.notebook.cell_ids == (a, d)
        assert c.notebook.cell(a).code == code
        assert not await c.undo()

    run(body)


def test_clear_outputs_keeps_statuses_and_runs_nothing(tmp_path: Path) -> None:
    async def body() -> None:
        kernel = FakeKernel(script={"print(1)": Outcome(stdout="1\n")})
        c, (a, b) = await notebook(kernel, tmp_path / "nb.py", "print(1)", "x = 2")
        await c.run_all()
        sent = len(kernel.plans)
        assert c.states[a].outputs
        c.clear_outputs([a])
        assert c.states[a].outputs == () and c.states[a].status == "success"
        kernel_b = c.states[b]
        c.clear_outputs()
        assert c.states[b] == kernel_b  # nothing to clear there
        assert len(kernel.plans) == sent

    run(body)


def test_auto_run_off_is_saved_in_the_marker_undoable_and_holds_the_cell(tmp_path: Path) -> None:
    path = tmp_path / "nb.py"

    async def body() -> None:
        kernel = FakeKernel()
        c, (a, b, d) = await notebook(kernel, path, "x = 1", "y = x * 2", "z = y")
        await c.run_all()
        c.history.clear()
        c.set_cell_autorun(b, False)
        assert "autorun=false" in path.read_text()
        assert fileformat.load(path).notebook.cell(b).auto_runs is False
        await c.update_cell(a, "x = 2")  # upstream edit: b and its reader wait
        assert [s.cell_id for s in kernel.plans[-1].steps] == [a]
        assert [c.states[i].status for i in (a, b, d)] == ["success", "stale", "stale"]
        reason = c.states[b].reason
        assert reason is not None and "auto-run is off" in describe_reason(c, b)
        sent = len(kernel.plans)
        await c.update_cell(b, "y = x * 3")  # its own edit does not run it either
        assert len(kernel.plans) == sent
        await c.run_cell(b)  # asked: it runs, and its reader follows
        assert [s.cell_id for s in kernel.plans[-1].steps] == [b, d]
        assert await c.undo()  # the code edit is not a structural edit: auto-run on again
        assert c.notebook.cell(b).auto_runs and "autorun=false" not in path.read_text()

    run(body)


def describe_reason(c: Coordinator, cell_id: str) -> str:
    from app.core.problems import describe

    reason = c.states[cell_id].reason
    assert reason is not None
    return describe(reason, c.cell_name)


def test_hide_in_app_view_is_saved_in_the_marker_and_undoable(tmp_path: Path) -> None:
    path = tmp_path / "nb.py"

    async def body() -> None:
        kernel = FakeKernel()
        c, (a, b) = await notebook(kernel, path, "x = 1", "y = 2")
        c.history.clear()
        sent = len(kernel.plans)
        c.set_hidden_in_app(a, True)
        assert "hide_in_app=true" in path.read_text()
        assert fileformat.load(path).notebook.cell(a).hidden_in_app
        assert not c.notebook.cell(b).hidden_in_app
        assert len(kernel.plans) == sent  # a view setting: nothing runs
        assert c.history.next_undo() is not None
        assert await c.undo()
        assert "hide_in_app" not in path.read_text()
        assert await c.redo()
        assert c.notebook.cell(a).hidden_in_app

    run(body)

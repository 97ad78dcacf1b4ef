"""The coordinator's logic against a scripted fake kernel: no process, no Qt."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

from app.coordinator.coordinator import Coordinator
from app.coordinator.events import (
    AnalysisChanged,
    CellStateChanged,
    CoordinatorEvent,
    FileChangedOnDisk,
    KernelStateChanged,
    NotebookSaved,
    StructureChanged,
    cell_states,
)
from app.core.problems import describe
from kernel_worker import protocol as p
from tests.coordinator.fake_kernel import FakeKernel, Outcome


def run(coro_factory: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(coro_factory())


async def notebook(
    kernel: FakeKernel, *codes: str, path: Path | None = None
) -> tuple[Coordinator, list[str]]:
    coordinator = Coordinator(kernel)
    coordinator.new(path)
    await coordinator.set_mode("lazy")  # build without running
    ids = [await coordinator.add_cell("python", code=code) for code in codes]
    await coordinator.set_mode("autorun")
    return coordinator, ids


def words(c: Coordinator, cell_id: str) -> str:
    """The cell's reason as the window says it (cells named, not numbered)."""
    reason = c.states[cell_id].reason
    assert reason is not None
    return describe(reason, c.cell_name)


def statuses(c: Coordinator, ids: list[str]) -> list[str]:
    return [c.states[i].status for i in ids]


def test_run_all_then_edit_sends_one_plan_with_the_cascade() -> None:
    async def body() -> None:
        kernel = FakeKernel()
        c, (a, b, d) = await notebook(kernel, "x = 5", "y = x + 1", "z = 0")
        await c.run_all()
        assert [s.cell_id for s in kernel.plans[-1].steps] == [a, b, d]
        assert statuses(c, [a, b, d]) == ["success"] * 3
        await c.update_cell(a, "x = 10")
        plan = kernel.plans[-1]
        assert [s.cell_id for s in plan.steps] == [a, b]
        assert plan.steps[1].depends_on == (a,)
        assert set(plan.delete_names) == {"x", "y"}
        assert c.kernel_names == {"x": a, "y": b, "z": d}

    run(body)


def test_every_edit_is_saved_before_the_plan_is_sent(tmp_path: Path) -> None:
    path = tmp_path / "nb.py"

    async def body() -> None:
        kernel = FakeKernel()
        c, (a,) = await notebook(kernel, "x = 1", path=path)
        seen: list[str] = []
        original_send = kernel.send

        def send(request: p.Request) -> None:
            seen.append(path.read_text())
            original_send(request)

        kernel.send = send  # type: ignore[method-assign]
        await c.update_cell(a, "x = 2")
        assert "x = 2" in seen[-1]

    run(body)


def test_rename_deletes_the_old_name_and_reruns_its_readers() -> None:
    async def body() -> None:
        kernel = FakeKernel()
        c, (a, b) = await notebook(kernel, "a = 1", "b = a + 1")
        await c.run_all()
        await c.update_cell(a, "c = 1")
        plan = kernel.plans[-1]
        assert [s.cell_id for s in plan.steps] == [a, b]  # b no longer a child, still re-run
        assert "a" in plan.delete_names
        assert "a" not in c.kernel_names

    run(body)


def test_lazy_mode_marks_descendants_stale_instead_of_running() -> None:
    async def body() -> None:
        kernel = FakeKernel()
        c, (a, b, d) = await notebook(kernel, "x = 1", "y = x", "z = y")
        await c.run_all()
        await c.set_mode("lazy")
        sent = len(kernel.plans)
        await c.update_cell(a, "x = 2")
        assert len(kernel.plans) == sent
        assert statuses(c, [a, b, d]) == ["stale"] * 3
        await c.run_cell(d)  # brings stale ancestors up to date first
        assert [s.cell_id for s in kernel.plans[-1].steps] == [a, b, d]

    run(body)


def test_blur_saves_without_running_and_shows_stale() -> None:
    async def body() -> None:
        kernel = FakeKernel()
        c, (a, b) = await notebook(kernel, "x = 1", "y = x")
        await c.run_all()
        sent = len(kernel.plans)
        await c.update_cell(a, "x = 3", run=False)
        assert len(kernel.plans) == sent
        assert statuses(c, [a, b]) == ["stale", "stale"]
        assert c.states[b].reason

    run(body)


def test_multiple_definitions_block_every_definer_and_reader() -> None:
    async def body() -> None:
        kernel = FakeKernel()
        c, (a, b, d) = await notebook(kernel, "x = 1", "x = 2", "y = x")
        await c.run_all()
        assert kernel.plans == []  # nothing runnable and nothing to delete: no plan at all
        assert statuses(c, [a, b, d]) == ["blocked"] * 3
        # Messages name cells by what they define, never by a position the window hides.
        assert words(c, a) == "'x' is defined by more than one cell: x, x #2"
        assert words(c, d) == "blocked by x, which cannot run"
        await c.update_cell(b, "w = 2")  # fixing it clears the error and runs what was blocked
        assert statuses(c, [a, b, d]) == ["success"] * 3

    run(body)


def test_cycle_blocks_both_and_fixing_one_clears_both() -> None:
    async def body() -> None:
        kernel = FakeKernel()
        c, (a, b) = await notebook(kernel, "x = y + 1", "y = x + 1")
        await c.run_all()
        assert statuses(c, [a, b]) == ["blocked", "blocked"]
        assert words(c, a) == "cycle: x (x) → y (y) → x"
        await c.move_cell(b, 0)  # the message stays right: it names cells, not positions
        assert words(c, a) == "cycle: x (x) → y (y) → x"
        await c.update_cell(a, "x = 1")
        assert statuses(c, [a, b]) == ["success", "success"]
        assert c.graph.problems == {}

    run(body)


def test_upstream_error_blocks_descendants_and_clears_their_outputs() -> None:
    async def body() -> None:
        kernel = FakeKernel(script={"y = x": Outcome(display="old")})
        c, (a, b) = await notebook(kernel, "x = 1", "y = x")
        await c.run_all()
        assert c.states[b].outputs
        kernel.script["x = 2"] = Outcome(status="error")
        await c.update_cell(a, "x = 2")
        assert statuses(c, [a, b]) == ["error", "blocked"]
        assert c.states[b].outputs == ()
        assert words(c, b) == "blocked by x, which failed"

    run(body)


def test_delete_cell_removes_its_names_and_reruns_readers() -> None:
    async def body() -> None:
        kernel = FakeKernel()
        c, (a, b) = await notebook(kernel, "x = 1", "y = x")
        await c.run_all()
        await c.delete_cell(a)
        plan = kernel.plans[-1]
        assert "x" in plan.delete_names
        assert [s.cell_id for s in plan.steps] == [b]
        assert a not in c.states

    run(body)


def test_move_changes_order_but_runs_nothing() -> None:
    async def body() -> None:
        kernel = FakeKernel()
        c, (a, b) = await notebook(kernel, "x = 1", "y = 2")
        events: list[CoordinatorEvent] = []
        c.subscribe(events.append)
        await c.move_cell(b, 0)
        assert c.notebook.cell_ids == (b, a)
        assert kernel.plans == []
        assert any(isinstance(e, StructureChanged) for e in events)

    run(body)


def test_kernel_crash_reports_error_stales_everything_and_restarts(tmp_path: Path) -> None:
    path = tmp_path / "nb.py"

    async def body() -> None:
        kernel = FakeKernel(script={"boom()": Outcome(crash=True)})
        c, (a, b, d) = await notebook(kernel, "x = 1", "boom()", "z = 1", path=path)
        before = path.read_bytes()
        await c.run_all()
        await asyncio.sleep(0)  # let the automatic restart run
        await asyncio.sleep(0)
        assert c.states[b].status == "error"
        assert c.states[b].error is not None
        assert "killed by SIGSEGV" in c.states[b].error.evalue
        assert c.states[a].status == "stale"
        assert c.states[d].status == "stale"
        assert kernel.starts == 2
        assert c.kernel_status == "idle"
        assert c.kernel_names == {}
        assert path.read_bytes() == before

    run(body)


def test_interrupt_stops_the_plan_and_leaves_the_rest_stale() -> None:
    async def body() -> None:
        kernel = FakeKernel(script={"loop()": Outcome(hang=True)})
        c, (a, b, d) = await notebook(kernel, "x = 1", "loop()", "z = x")
        task = asyncio.ensure_future(c.run_all())
        await asyncio.sleep(0.01)
        await c.interrupt()
        await task
        assert statuses(c, [a, b, d]) == ["success", "interrupted", "stale"]

    run(body)


def test_second_interrupt_without_answer_restarts_the_kernel() -> None:
    async def body() -> None:
        kernel = FakeKernel(script={"loop()": Outcome(hang=True)})
        c, _ = await notebook(kernel, "loop()")
        kernel.interrupt = lambda: None  # type: ignore[method-assign]  # a stuck C call
        task = asyncio.ensure_future(c.run_all())
        await asyncio.sleep(0.01)
        await c.interrupt()
        await c.interrupt()
        await task
        assert kernel.starts == 2
        assert c.kernel_status == "idle"

    run(body)


def test_edit_during_a_run_interrupts_an_affected_plan() -> None:
    async def body() -> None:
        kernel = FakeKernel(script={"loop(x)": Outcome(hang=True)})
        c, (a, b) = await notebook(kernel, "x = 1", "loop(x)")
        task = asyncio.ensure_future(c.run_all())
        await asyncio.sleep(0.01)
        kernel.script.pop("loop(x)")  # the re-run after the edit finishes normally
        edit = asyncio.ensure_future(c.update_cell(a, "x = 2"))
        await asyncio.gather(task, edit)
        assert kernel.interrupts == 1
        assert statuses(c, [a, b]) == ["success", "success"]

    run(body)


def test_observers_see_analysis_state_kernel_and_save_events(tmp_path: Path) -> None:
    async def body() -> None:
        kernel = FakeKernel(script={"y = x": Outcome(stdout="hi\n")})
        c, (a, b) = await notebook(kernel, "x = 1", "y = x", path=tmp_path / "nb.py")
        events: list[CoordinatorEvent] = []
        c.subscribe(events.append)
        await c.update_cell(a, "x = 2")
        kinds = {type(e) for e in events}
        assert {AnalysisChanged, CellStateChanged, NotebookSaved} <= kinds
        assert any(isinstance(e, KernelStateChanged) and e.status == "busy" for e in events)
        appended = [e for e in events if isinstance(e, CellStateChanged) and e.appended]
        assert [e.cell_id for e in appended] == [b]
        order = [state.status for e in events for cell, state in cell_states(e) if cell == b]
        assert order[:2] == ["queued", "running"] and order[-1] == "success"

    run(body)


def test_unchanged_code_is_not_rerun() -> None:
    async def body() -> None:
        kernel = FakeKernel()
        c, (a,) = await notebook(kernel, "x = 1")
        await c.run_all()
        sent = len(kernel.plans)
        await c.update_cell(a, "x = 1")
        assert len(kernel.plans) == sent

    run(body)


@pytest.mark.parametrize("mode", ["autorun", "lazy"])
def test_add_cell_with_code_runs_only_in_autorun(mode: str) -> None:
    async def body() -> None:
        kernel = FakeKernel()
        c, _ = await notebook(kernel)
        await c.set_mode(mode)  # type: ignore[arg-type]
        new = await c.add_cell("python", code="q = 1")
        assert c.states[new].status == ("success" if mode == "autorun" else "idle")

    run(body)


def test_external_change_is_never_overwritten_silently(tmp_path: Path) -> None:
    path = tmp_path / "nb.py"

    async def body() -> None:
        kernel = FakeKernel()
        c, (a,) = await notebook(kernel, "x = 1", path=path)
        events: list[CoordinatorEvent] = []
        c.subscribe(events.append)
        other = path.read_text().replace("x = 1", "x = 'from git checkout'")
        path.write_text(other)
        assert c.file_changed_on_disk()
        await c.update_cell(a, "x = 2")
        assert path.read_text() == other  # their change survives
        assert c.save_blocked
        assert any(isinstance(e, FileChangedOnDisk) for e in events)
        await c.save(overwrite=True)  # the user chose to keep this version
        assert "x = 2" in path.read_text()
        assert not c.save_blocked
        path.write_text(other)
        await c.reload()
        assert c.notebook.cell(a).code == "x = 'from git checkout'"

    run(body)


def test_update_cell_saves_before_anything_else_happens(tmp_path: Path) -> None:
    """The edit is in the file when update_cell returns, before its coroutine runs: a window
    closing right after an edit loses nothing."""
    path = tmp_path / "nb.py"

    async def body() -> None:
        kernel = FakeKernel()
        c, (a,) = await notebook(kernel, "x = 1", path=path)
        sent = len(kernel.plans)
        rest = c.update_cell(a, "x = 5", run=False)
        assert "x = 5" in path.read_text()
        await rest
        assert len(kernel.plans) == sent
        await c.update_cell(a, "x = 5", run=False)  # unchanged: nothing happens
        assert len(kernel.plans) == sent

    run(body)


def test_blur_without_change_marks_nothing_stale() -> None:
    async def body() -> None:
        kernel = FakeKernel()
        c, (a, b) = await notebook(kernel, "x = 1", "y = x")
        await c.run_all()
        await c.update_cell(a, "x = 1", run=False)
        assert statuses(c, [a, b]) == ["success", "success"]

    run(body)


def test_the_coordinator_is_the_read_only_state_view() -> None:
    """Observers read one typed, read-only view (issue 14): assigning to it is refused."""
    from app.coordinator.view import NotebookState

    c = Coordinator(FakeKernel())
    c.new()
    view: NotebookState = c  # the protocol is satisfied statically (mypy) and at run time
    assert view.notebook is c.notebook
    for name in ("notebook", "states", "graph", "mode", "path", "kernel_status", "trusted"):
        with pytest.raises(AttributeError):
            setattr(c, name, None)


def test_autorun_skips_an_edit_that_changes_only_comments_or_layout() -> None:
    async def body() -> None:
        kernel = FakeKernel()
        c, (a, b) = await notebook(kernel, "x = 1", "y = x")
        await c.run_all()
        sent = len(kernel.plans)
        await c.update_cell(a, "x = 1  # one\n")  # the auto-run debounce's commit
        assert len(kernel.plans) == sent
        assert c.notebook.cell(a).code == "x = 1  # one\n"  # the text is kept and saved
        assert statuses(c, [a, b]) == ["success", "success"]
        await c.update_cell(a, "x = 1  # one\n", run=True)  # Run runs it all the same
        assert len(kernel.plans) == sent + 1

    run(body)


def test_autorun_waits_while_the_code_does_not_parse() -> None:
    async def body() -> None:
        kernel = FakeKernel()
        c, (a, b) = await notebook(kernel, "x = 1", "y = x")
        await c.run_all()
        sent = len(kernel.plans)
        await c.update_cell(a, "x = (1 +")
        assert len(kernel.plans) == sent  # nothing runs on a half-typed line
        assert c.analyses[a].syntax_error is not None  # shown under the cell
        assert statuses(c, [a, b]) == ["stale", "stale"]
        await c.update_cell(a, "x = (1 + 2)")  # parses again: the cascade runs
        assert [s.cell_id for s in kernel.plans[-1].steps] == [a, b]
        await c.update_cell(a, "x = (3 +", run=True)  # an explicit run shows the error
        assert kernel.plans[-1].steps[0].cell_id == a

    run(body)

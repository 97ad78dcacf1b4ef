"""The notebook view applies a batch of cell states in one go (issue 15): one event for many
cells, every widget updated in one pass; Qt then paints only what changed. The column's
updates are never switched off and on around a batch: re-enabling them repaints every card,
editor and output of the notebook (a slider over ten cells repainted the whole window per
run; benchmarks/controls.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QApplication, QWidget

from app.coordinator.coordinator import Coordinator
from app.coordinator.events import CellStatesChanged, CoordinatorEvent
from app.ui.bridge import CoordinatorBridge
from app.ui.cells.cell_widget import CellWidget
from app.ui.cells.notebook_view import NotebookView
from tests.coordinator.fake_kernel import FakeKernel

Run = Callable[..., Any]
FAN = 40


def test_a_batch_of_states_updates_every_cell_in_one_pass_without_a_full_repaint(
    arun: Run, qapp: QApplication, monkeypatch: Any
) -> None:
    async def body() -> None:
        c = Coordinator(FakeKernel())
        c.new(None)
        await c.set_mode("lazy")
        root = await c.add_cell("python", code="x = 0")
        for i in range(FAN):
            await c.add_cell("python", code=f"y_{i} = x + {i}")
        view = NotebookView(c)
        view.finish_building()
        bridge = CoordinatorBridge(c)
        bridge.notified.connect(view.on_event)
        batches: list[CellStatesChanged] = []

        def note(event: CoordinatorEvent) -> None:
            if isinstance(event, CellStatesChanged):
                batches.append(event)

        bridge.notified.connect(note)
        updated: list[str] = []
        original = CellWidget.set_state

        def spy(widget: CellWidget, *args: Any, **kwargs: Any) -> None:
            updated.append(widget.cell_id)
            original(widget, *args, **kwargs)

        toggles: list[bool] = []
        original_toggle = QWidget.setUpdatesEnabled

        def toggle(widget: QWidget, enabled: bool) -> None:
            toggles.append(enabled)
            original_toggle(widget, enabled)

        monkeypatch.setattr(CellWidget, "set_state", spy)
        monkeypatch.setattr(QWidget, "setUpdatesEnabled", toggle)
        await c.set_mode("autorun")
        updated.clear()
        batches.clear()
        await c.update_cell(root, "x = 1")

        # The plan queued, then one batch of FAN + 1 quiet steps: two events, all cells each.
        assert [len(b.states) for b in batches] == [FAN + 1, FAN + 1]
        assert len(updated) == 2 * (FAN + 1)
        assert toggles == []  # no setUpdatesEnabled(True): that repaints the whole column
        assert {view.cells[i]._state.status for i in c.notebook.cell_ids} == {"success"}
        bridge.detach()
        view.deleteLater()

    arun(body())

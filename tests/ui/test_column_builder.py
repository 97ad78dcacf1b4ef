"""A long notebook's cards are built a batch per event-loop turn (column_builder.py) without
squeezing the cards already built: each insertion used to relay the column at its old height,
shrinking every built card a little and growing it back (42,743 card resizes and over 30 s of
background work for a 500-cell notebook; benchmarks/window.py). The column reserves the height
of the cards still to come, drops the reservation with the last one, and a view closed while
building stops building."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
from shiboken6 import Shiboken

from app.coordinator.coordinator import Coordinator
from app.ui.cells.cell_widget import CellWidget
from app.ui.cells.column_builder import FIRST_BATCH
from app.ui.cells.notebook_view import NotebookView
from tests.coordinator.fake_kernel import FakeKernel
from tests.ui.test_window import make_file, open_window

Run = Callable[..., Any]
CELLS = 120


class _Resizes(QObject):
    """Counts Resize events of every card, by cell id."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: dict[str, int] = {}

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and isinstance(watched, CellWidget):
            self.counts[watched.cell_id] = self.counts.get(watched.cell_id, 0) + 1
        return False


def _least_height(card: CellWidget) -> int:
    """The height a card needs at its width (its labels wrap: height for width)."""
    if card.hasHeightForWidth():
        return card.heightForWidth(card.width())
    return card.minimumSizeHint().height()


async def _notebook(cells: int) -> Coordinator:
    c = Coordinator(FakeKernel())
    c.new(None)
    await c.set_mode("lazy")
    for i in range(cells):
        code = f"x_{i} = {i}" if i % 3 else f"x_{i} = {i}\n# two\n# three lines"
        await c.add_cell("python", code=code)
    return c


def test_building_a_long_notebook_never_squeezes_the_cards_already_built(
    arun: Run, qapp: QApplication
) -> None:
    async def body() -> None:
        c = await _notebook(CELLS)
        spy = _Resizes()
        qapp.installEventFilter(spy)
        try:
            view = NotebookView(c)
            view.resize(900, 700)
            view.show()
            built_first = list(view.cells)
            assert len(built_first) == FIRST_BATCH and not view.fully_built
            heights = {cid: view.cells[cid].minimumSizeHint().height() for cid in built_first}
            reserved = view.widget().minimumSizeHint().height()
            # The column already spans (about) the whole notebook: the scroll bar says so.
            assert reserved > CELLS * min(heights.values())
            for _ in range(2000):
                if view.fully_built:
                    break
                qapp.processEvents()
            assert view.fully_built and len(view.cells) == CELLS
            for _ in range(20):
                qapp.processEvents()
            first = view.cells[c.notebook.cell_ids[0]]
            # Shown once and laid out a few times at most, not once per card added below it.
            assert spy.counts[first.cell_id] <= 10, spy.counts[first.cell_id]
            assert sum(spy.counts.values()) <= 4 * CELLS
            short = [
                (i, card.height(), _least_height(card))
                for i, card in enumerate(view.cells.values())
                if card.height() < _least_height(card)
            ]
            assert short == []  # no card below its own minimum
            # The reservation is gone: the column is as tall as its cards.
            assert view._container.minimumHeight() == 0
        finally:
            qapp.removeEventFilter(spy)

    arun(body())


def test_a_view_closed_while_building_stops_building(arun: Run, qapp: QApplication) -> None:
    async def body() -> None:
        c = await _notebook(60)
        view = NotebookView(c)
        view.show()
        assert not view.fully_built
        errors: list[str] = []
        view.close()
        Shiboken.delete(view)  # gone now, with batches still queued
        del view
        hook = sys.excepthook
        sys.excepthook = lambda *exc: errors.append(repr(exc[1]))
        try:
            for _ in range(200):
                qapp.processEvents()
        finally:
            sys.excepthook = hook
        assert errors == []

    arun(body())


def test_an_open_notebook_s_objects_are_kept_out_of_full_collections(
    arun: Run, tmp_path: Path
) -> None:
    """Full collections over a 10,000-cell notebook's objects paused the window 86-166 ms
    (benchmarks/window_scale.py): once open (and once built) they are frozen out of the
    collector's walks; closing the window hands them back so a closed notebook's cycles are
    still collected."""
    gc.unfreeze()
    window = open_window(make_file(tmp_path, "x = 1", "y = x"))

    async def body() -> None:
        assert gc.get_freeze_count() > 0
        window.close()
        assert gc.get_freeze_count() == 0

    arun(body())

"""Builds a long notebook's cards a batch per event-loop turn without squeezing the built ones.

A card added to the column's layout activates it at once, with the column still as tall as it
was: every built card is squeezed a little to make room, then grown back when the scroll area
hears of the new height. For a 500-cell notebook that was ~85 resizes of every card per card
added (42,743 resizes, over 30 s of background work after the first screen). So while cards
are still to come the column reserves their estimated height (lines of code times the editor's
line height plus the chrome the built cards measured), and the reservation is dropped once the
last card is in. The scroll bar also shows the notebook's full length from the first paint.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.ui import heap

#: Cells built before the window shows a notebook (a screenful), then per event-loop turn:
#: at most BATCH, and no more once BUDGET_S has passed (a card costs 5-15 ms to build), so
#: typing and scrolling stay fluid while a long notebook is still being built.
FIRST_BATCH = 12
BATCH = 16
BUDGET_S = 0.025


class ColumnBuilder(QObject):
    """Owns the list of cells not built yet; ``build_card(cell_id)`` makes and inserts one."""

    def __init__(
        self,
        container: QWidget,
        layout: QVBoxLayout,
        build_card: Callable[[str], QWidget | None],
        code_of: Callable[[str], str | None],
        gap: int,
    ) -> None:
        super().__init__(container)  # a child: the timer dies with the column
        self._container = container
        self._layout = layout
        self._build_card = build_card
        self._code_of = code_of
        self._gap = gap
        #: Cells still to build with their lines of code, the next one last (popped).
        self._unbuilt: list[tuple[str, int]] = []
        self._line_px = 0
        self._chrome_px = 0
        #: Lines of code of the cells still to build, and the height of the column built so
        #: far (running totals: a 10,000-cell notebook is not summed again per batch).
        self._rest_lines = 0
        self._built_px = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.build_batch)

    @property
    def done(self) -> bool:
        return not self._unbuilt

    def start(self, cell_ids: Sequence[str]) -> None:
        """Build the first screenful now and queue the rest."""
        self._unbuilt = [(cid, self._lines(cid)) for cid in reversed(cell_ids)]
        self._line_px = self._chrome_px = self._built_px = 0
        self._rest_lines = sum(lines for _, lines in self._unbuilt)
        self.build_batch(FIRST_BATCH, budget_s=float("inf"))

    def build_batch(self, size: int = BATCH, budget_s: float = BUDGET_S) -> None:
        if not self._unbuilt:
            return  # a queued call after everything was built
        deadline = time.perf_counter() + budget_s
        built: list[tuple[int, QWidget]] = []
        for _ in range(min(size, len(self._unbuilt))):
            cell_id, lines = self._unbuilt.pop()
            self._rest_lines -= lines
            card = self._build_card(cell_id)
            if card is not None:
                built.append((lines, card))
            if time.perf_counter() > deadline:
                break
        if self._line_px or not built:
            self._built_px += sum(card.sizeHint().height() + self._gap for _, card in built)
        else:
            self._measure(built)
        self._reserve()
        if self._unbuilt:
            self._timer.start()

    def finish(self) -> None:
        """Build every cell still waiting (before a structural change or a test)."""
        self._timer.stop()
        while self._unbuilt:
            self.build_batch(len(self._unbuilt), budget_s=float("inf"))

    def _measure(self, built: list[tuple[int, QWidget]]) -> None:
        """Learn the line height and a card's chrome from the first cards built, and the
        column's height with them (its margins and any card already there)."""
        self._built_px = self._layout.sizeHint().height()
        editor = getattr(built[0][1], "editor", None)
        self._line_px = editor.fontMetrics().lineSpacing() if editor is not None else 18
        chrome = [card.sizeHint().height() - lines * self._line_px for lines, card in built]
        self._chrome_px = max(24, int(statistics.median(chrome)))

    def _lines(self, cell_id: str) -> int:
        code = self._code_of(cell_id)
        return 1 if code is None else code.count("\n") + 1

    def _reserve(self) -> None:
        """The column at least as tall as the built cards plus an estimate of the rest. It only
        grows while cards are built (each change relays and repaints the visible cards), and
        the reservation is dropped with the last card."""
        if not self._unbuilt:
            self._container.setMinimumHeight(0)
            heap.settle()  # the cards live as long as the notebook: collections skip them
            return
        rest = len(self._unbuilt) * (self._chrome_px + self._gap) + self._rest_lines * self._line_px
        needed = self._built_px + rest
        if needed > self._container.minimumHeight():
            self._container.setMinimumHeight(needed)

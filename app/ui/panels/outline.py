"""Outline panel: the notebook's markdown headings and named cells; click to jump. A row
whose cell (or, for a heading, any cell in its section) is failing or stale is marked."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from app.coordinator.view import NotebookState
from app.ui.cells.card_chrome import STATUS_WORDS
from app.ui.panels.outline_model import ATTENTION, OutlineRow, outline_rows
from app.ui.theme.apply import theme_for

CELL_ROLE = Qt.ItemDataRole.UserRole


class OutlinePanel(QListWidget):
    """See the module docstring. :meth:`refresh` after the notebook changed."""

    jump_requested = Signal(str)
    """A row was clicked: show this cell."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outline")
        # A long row is cut with "…" (its whole text in the tip) rather than giving a narrow
        # panel a horizontal scroll bar for one line of code.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.rows: list[OutlineRow] = []
        self.itemClicked.connect(lambda item: self.jump_requested.emit(item.data(CELL_ROLE)))

    def refresh(self, state: NotebookState, name_cell: Callable[[str], str]) -> None:
        rows = outline_rows(state.notebook, state.states, name_cell)
        if rows == self.rows:
            return
        self.rows = rows
        self.clear()
        theme = theme_for(self.palette())
        for row in rows:
            indent = "    " * (min(row.level, 7) - 1) if row.heading else "    " * 1
            item = QListWidgetItem(f"{indent}{row.text}")
            item.setData(CELL_ROLE, row.cell_id)
            item.setToolTip(row.text)
            font = item.font()
            font.setBold(row.heading and row.level <= 2)
            item.setFont(font)
            if row.status in ATTENTION:
                color = theme.error_text if row.status == "error" else theme.warning_text
                item.setForeground(QColor(color))
                words = STATUS_WORDS[row.status]
                item.setToolTip(
                    f"{row.text}: {words}" + (" in this section" if row.heading else "")
                )
            self.addItem(item)

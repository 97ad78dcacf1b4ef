"""The Variables panel's columns, laid out as in Spyder's and VS Code's variable explorers:
Name, Type and Size as wide as what they hold, the Value taking the rest of the panel.

"Defined in" and "Read by" are Cascade's own; a side panel a third of a screen wide cannot show
six columns without cutting the value short, so they start hidden (the row's tooltip says both)
and the header's context menu shows or hides any column, remembered in the user's settings.
A column the user resized keeps its width.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView

from app.ui import settings

NAME, TYPE, VALUE, SIZE, DEFINED_IN, READ_BY = range(6)
#: Shown unless the user chose otherwise.
SHOWN_BY_DEFAULT = frozenset({NAME, TYPE, VALUE, SIZE})
#: The columns fitted to their contents, with the share of the panel each may take at most.
FITTED = {NAME: 0.4, TYPE: 0.25, SIZE: 0.2}
#: Rows measured to fit a column (the first ones: a thousand names need no exact fit).
MEASURED_ROWS = 200
PADDING = 18


class VariableColumns:
    """Fits and toggles the columns of one Variables table (see the module docstring)."""

    def __init__(self, table: QTableView, headers: Sequence[str]) -> None:
        self._table = table
        self._headers = tuple(headers)
        self._fitting = False
        self._texts: list[Sequence[str]] = []  # the rows last measured
        #: Columns the user resized by hand: never fitted again.
        self.user_sized: set[int] = set()
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(VALUE, QHeaderView.ResizeMode.Stretch)
        header.moveSection(header.visualIndex(SIZE), header.visualIndex(VALUE))  # Size, Value
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._menu)
        header.sectionResized.connect(self._resized)
        shown = settings.variable_columns(SHOWN_BY_DEFAULT)
        for column in range(len(self._headers)):
            header.setSectionHidden(column, column not in shown)

    def is_shown(self, column: int) -> bool:
        return not self._table.horizontalHeader().isSectionHidden(column)

    def set_shown(self, column: int, shown: bool) -> None:
        """Show or hide a column (the Name always stays) and remember the choice."""
        if column == NAME:
            return
        self._table.horizontalHeader().setSectionHidden(column, not shown)
        settings.set_variable_columns({c for c in range(len(self._headers)) if self.is_shown(c)})
        self.fit()

    def fit(self, texts: Sequence[Sequence[str]] = ()) -> None:
        """Size Name, Type and Size to their header and the first rows' ``texts`` (rows of
        cell texts in model order); the Value stretches over the rest."""
        if texts:
            self._texts = list(texts[:MEASURED_ROWS])
        metrics = QFontMetrics(self._table.font())
        header_metrics = QFontMetrics(self._table.horizontalHeader().font())
        available = max(self._table.viewport().width(), 200)
        self._fitting = True
        try:
            for column, share in FITTED.items():
                if column in self.user_sized or not self.is_shown(column):
                    continue
                widest = header_metrics.horizontalAdvance(self._headers[column])
                for row in self._texts:
                    widest = max(widest, metrics.horizontalAdvance(row[column]))
                width = min(widest + PADDING, int(available * share))
                self._table.horizontalHeader().resizeSection(column, width)
        finally:
            self._fitting = False

    def _resized(self, column: int, old: int, new: int) -> None:
        # Hiding or showing a column resizes it from or to nothing: not the user's width.
        if not self._fitting and column in FITTED and old and new:
            self.user_sized.add(column)

    def menu(self) -> QMenu:
        """A check per column; the Name cannot be hidden."""
        menu = QMenu(self._table)
        for column, title in enumerate(self._headers):
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(self.is_shown(column))
            action.setEnabled(column != NAME)
            action.toggled.connect(lambda on, c=column: self.set_shown(c, on))
        return menu

    def _menu(self, position: QPoint) -> None:
        header = self._table.horizontalHeader()
        self.menu().exec(header.viewport().mapToGlobal(position))

"""An interactive view of a table that stays in the kernel (a displayed DataFrame or Series):
its Qt model.

The window never holds the table. :class:`KernelTableModel` reports the table's full row count
(so a 10,000,000-row table scrolls like any other) and fetches only the pages the view paints
(:mod:`app.ui.outputs.table_paging`). Sorting, paging and CSV export happen in the kernel
(``kernel_worker.tables``); every value arrives already formatted as display text.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app.ui.outputs.table_info import looks_numeric
from app.ui.outputs.table_paging import PagedTableModel

#: How missing values read in the kernel's formatting (shown muted).
MISSING_VALUES = frozenset({"NaN", "None", "NaT", "<NA>"})


class KernelTableModel(PagedTableModel):
    """A kernel table as a virtual Qt model: column 0 is the index, then the data columns.

    ``rowCount`` is the table's total; a row's text is there only once its page has been
    fetched (``data`` returns "" meanwhile and queues the page). Pages live in an LRU of
    ``max_pages``; requests for the same page are coalesced; a sort drops every page and
    fetches again in the new order (stale answers of the old order are ignored).
    """

    #: The colour of missing values until the view sets the theme's (:meth:`set_muted_color`).
    _muted = QColor(128, 128, 128)

    @cached_property
    def _numeric(self) -> list[bool]:
        """Per model column, whether it holds numbers (the index: judged from its first rows)."""
        info = self.info
        return [looks_numeric([row[0] for row in info.first_rows if row])] + [
            column.numeric for column in info.columns
        ]

    # -- shape --------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else self.info.rows

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.info.columns) + 1

    def column_name(self, column: int) -> str:
        """The header name of a model column (the index's name, or "", for column 0)."""
        if column == 0:
            return self.info.index_name or ""
        return self.info.columns[column - 1].name

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            return str(section) if role == Qt.ItemDataRole.DisplayRole else None
        if not 0 <= section < self.columnCount():
            return None
        if section == 0:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                name = self.info.index_name or ""
                if role == Qt.ItemDataRole.ToolTipRole:
                    return f"{name} (index)" if name else "index"
                return name
        else:
            column = self.info.columns[section - 1]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{column.name}\n{column.dtype}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{column.name}: {column.dtype}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignment(section)
        return None

    def numeric(self, column: int) -> bool:
        """Whether a column holds numbers (the index: judged from its first values)."""
        return self._numeric[column]

    def _alignment(self, column: int) -> Qt.AlignmentFlag:
        horizontal = (
            Qt.AlignmentFlag.AlignRight if self._numeric[column] else Qt.AlignmentFlag.AlignLeft
        )
        return horizontal | Qt.AlignmentFlag.AlignVCenter

    # -- values -------------------------------------------------------------------------------

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values = self.loaded_row(row)
            if values is None:
                self._want(row // self._page_size)
                return ""
            return values[column] if column < len(values) else ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignment(column)
        if role == Qt.ItemDataRole.ForegroundRole:
            text = self.loaded_text(row, column)
            return self._muted if text in MISSING_VALUES else None
        if role == Qt.ItemDataRole.ToolTipRole:
            text = self.loaded_text(row, column)
            return text if text is not None and len(text) > 40 else None
        return None

    # -- sorting ------------------------------------------------------------------------------

    @property
    def sort_column(self) -> int | None:
        """The 0-based data column the kernel sorts by (None: the frame's own order)."""
        return self._sort_column

    @property
    def ascending(self) -> bool:
        return self._ascending

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in the kernel by a data column; the index column (0) or -1 restores the
        frame's own order."""
        sort_column = column - 1 if 0 < column < self.columnCount() else None
        ascending = order == Qt.SortOrder.AscendingOrder or sort_column is None
        if (sort_column, ascending) == (self._sort_column, self._ascending):
            return
        self.layoutAboutToBeChanged.emit()
        self._sort_column, self._ascending = sort_column, ascending
        self._generation += 1
        self._pages.clear()
        self._queued.clear()
        self._in_flight.clear()
        self.layoutChanged.emit()  # the view repaints, asking for the rows of the new order

    def set_muted_color(self, color: QColor) -> None:
        """The colour of NaN/None/NaT (follows the theme)."""
        self._muted = QColor(color)

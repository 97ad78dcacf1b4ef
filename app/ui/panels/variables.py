"""Variables panel: every name the kernel holds — type, short value or shape, size, the cell
that defined it and the cells that read it; click a row to jump to its cell; double-click (or
Enter, or the context menu) a DataFrame, Series or array opens it in the table viewer
(:mod:`app.ui.panels.table_viewer`), any other row jumps as a click does. The summaries are
computed in the worker (``kernel_worker.variables``); this is a table model over them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QMenu, QTableView, QWidget

from app.coordinator.kernel_client import VariableSummary
from app.core.graph import Graph
from app.ui.panels.variable_columns import MEASURED_ROWS, SIZE, VariableColumns

HEADERS = ("Name", "Type", "Value", "Size", "Defined in", "Read by")
OPEN_IN_VIEWER = "Open in table viewer"
#: Types the table viewer shows (pandas and polars), besides 1-D and 2-D numpy arrays.
TABLE_TYPES = frozenset({"DataFrame", "Series"})
_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class VariableRow:
    name: str
    type_name: str
    summary: str
    size: str
    cell_id: str
    defined_in: str
    read_by: str


def variable_rows(
    summaries: tuple[VariableSummary, ...],
    kernel_names: Mapping[str, str],
    graph: Graph,
    name_cell: Callable[[str], str],
) -> list[VariableRow]:
    """The table's rows, sorted by name (no Qt: the formatting is tested on its own)."""
    readers: dict[str, list[str]] = {}
    for cell_id in graph.cell_ids:
        for name in graph.refs.get(cell_id, ()):
            readers.setdefault(name, []).append(cell_id)
    rows = []
    for v in sorted(summaries, key=lambda s: s.name.lower()):
        cell_id = kernel_names.get(v.name, "")
        rows.append(
            VariableRow(
                v.name,
                v.type_name,
                v.summary,
                human_size(v.size),
                cell_id,
                name_cell(cell_id) if cell_id else "",
                ", ".join(name_cell(c) for c in readers.get(v.name, ()) if c != cell_id),
            )
        )
    return rows


def row_texts(row: VariableRow) -> tuple[str, str, str, str, str, str]:
    """The row's cells, in :data:`HEADERS` order."""
    return (row.name, row.type_name, row.summary, row.size, row.defined_in, row.read_by)


def row_tooltip(row: VariableRow) -> str:
    """Everything about the name, whichever columns are shown (two of them start hidden)."""
    lines = [f"{row.name}: {row.type_name}" + (f", {row.size}" if row.size else ""), row.summary]
    if row.defined_in:
        lines.append(f"Defined in: {row.defined_in}")
    if row.read_by:
        lines.append(f"Read by: {row.read_by}")
    return "\n".join(line for line in lines if line)


def opens_as_table(row: VariableRow) -> bool:
    """Whether the table viewer shows this name: a DataFrame, a Series, or an array of one or
    two dimensions (its summary reads "(3, 4) float64")."""
    if row.type_name in TABLE_TYPES:
        return True
    if row.type_name != "ndarray" or not row.summary.startswith("("):
        return False
    dimensions = [d for d in row.summary[1:].split(")")[0].split(",") if d.strip()]
    return 1 <= len(dimensions) <= 2


def human_size(size: int) -> str:
    if size < 0:
        return ""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return ""


class VariablesModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[VariableRow] = []

    def set_rows(self, rows: list[VariableRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row_texts(row)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return row_tooltip(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None


class VariablesPanel(QTableView):
    """See the module docstring."""

    jump_requested = Signal(str)
    #: Open this name in the table viewer.
    open_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("variables")
        self.model_ = VariablesModel()
        self.setModel(self.model_)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.columns = VariableColumns(self, HEADERS)
        self.clicked.connect(self._clicked)
        self.doubleClicked.connect(self._activate)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)

    def show_variables(self, rows: list[VariableRow]) -> None:
        self.model_.set_rows(rows)
        self.columns.fit([row_texts(row) for row in rows[:MEASURED_ROWS]])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.columns.fit()  # the fitted columns' caps follow the panel's width

    def _clicked(self, index: QModelIndex) -> None:
        cell_id = self.model_.rows[index.row()].cell_id
        if cell_id:
            self.jump_requested.emit(cell_id)

    def _activate(self, index: QModelIndex) -> None:
        """Double-click or Enter: a table opens in the viewer, anything else jumps."""
        row = self.model_.rows[index.row()]
        if opens_as_table(row):
            self.open_requested.emit(row.name)
        else:
            self._clicked(index)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = self.currentIndex()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and index.isValid():
            self._activate(index)
            event.accept()
            return
        super().keyPressEvent(event)

    def context_menu(self, index: QModelIndex) -> QMenu:
        """Open in table viewer (for tables) and Go to defining cell."""
        row = self.model_.rows[index.row()]
        menu = QMenu(self)
        viewer = menu.addAction(OPEN_IN_VIEWER)
        viewer.setEnabled(opens_as_table(row))
        viewer.triggered.connect(lambda: self.open_requested.emit(row.name))
        jump = menu.addAction("Go to defining cell")
        jump.setEnabled(bool(row.cell_id))
        jump.triggered.connect(lambda: self.jump_requested.emit(row.cell_id))
        return menu

    def _menu(self, position: QPoint) -> None:
        index = self.indexAt(position)
        if index.isValid():
            self.context_menu(index).exec(self.viewport().mapToGlobal(position))

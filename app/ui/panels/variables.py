"""Variables panel: every name the kernel holds — type, short value or shape, size, the cell
that defined it and the cells that read it; click a row to jump to its cell. The summaries
are computed in the worker (``kernel_worker.variables``); this is a table model over them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from app.coordinator.kernel_client import VariableSummary
from app.core.graph import Graph

HEADERS = ("Name", "Type", "Value", "Size", "Defined in", "Read by")
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
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self.rows[index.row()]
        return (
            row.name,
            row.type_name,
            row.summary,
            row.size,
            row.defined_in,
            row.read_by,
        )[index.column()]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None


class VariablesPanel(QTableView):
    """See the module docstring."""

    jump_requested = Signal(str)

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
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.clicked.connect(self._clicked)

    def show_variables(self, rows: list[VariableRow]) -> None:
        self.model_.set_rows(rows)

    def _clicked(self, index: QModelIndex) -> None:
        cell_id = self.model_.rows[index.row()].cell_id
        if cell_id:
            self.jump_requested.emit(cell_id)

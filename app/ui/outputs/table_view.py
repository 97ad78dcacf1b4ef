"""An interactive view of a table that stays in the kernel (a displayed DataFrame or Series).

The window never holds the table: :class:`TableOutput` shows a
:class:`~app.ui.outputs.table_model.KernelTableModel`, which fetches only the pages the view
paints (:mod:`~app.ui.outputs.table_paging`); copy and export are
:mod:`~app.ui.outputs.table_transfer`'s, the bundle's description :mod:`~app.ui.outputs.table_info`'s.
Sorting, paging and CSV export happen in the kernel (``kernel_worker.tables``). When the kernel
no longer has the table (its cell ran again, the kernel restarted) the model turns stale and
stops fetching: the view never shows rows of a value other than the one that was displayed.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QPalette, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.words import plural
from app.ui.outputs.table_info import ColumnInfo, FetchFn, Row, TableInfo, TableSource
from app.ui.outputs.table_model import MISSING_VALUES, KernelTableModel
from app.ui.outputs.table_paging import (
    FETCH_CHUNK,
    MAX_IN_FLIGHT,
    MAX_PAGES,
    MAX_QUEUED_PAGES,
    PAGE_SIZE,
    STALE_MESSAGE,
)
from app.ui.outputs.table_transfer import COPY_ROW_LIMIT, TableTransfer
from app.ui.outputs.wheel_chain import pass_wheel_on, scrolls_further
from app.ui.theme import colors_for

__all__ = [
    "COPY_ROW_LIMIT",
    "DEFAULT_COLUMN_WIDTH",
    "FETCH_CHUNK",
    "FITTED_COLUMNS",
    "MAX_COLUMN_WIDTH",
    "MAX_IN_FLIGHT",
    "MAX_PAGES",
    "MAX_QUEUED_PAGES",
    "MAX_VISIBLE_ROWS",
    "MIN_COLUMN_WIDTH",
    "MISSING_VALUES",
    "PAGE_SIZE",
    "SORTING_MESSAGE",
    "STALE_MESSAGE",
    "ColumnInfo",
    "FetchFn",
    "KernelTableModel",
    "Row",
    "TableInfo",
    "TableOutput",
    "TableSource",
]

#: Rows the table shows before it scrolls inside (the notebook column must not grow huge).
MAX_VISIBLE_ROWS = 15
#: Columns sized to their loaded contents; the rest get the default width (1,000 columns must
#: not be measured).
FITTED_COLUMNS = 20
DEFAULT_COLUMN_WIDTH = 100
MIN_COLUMN_WIDTH = 40
MAX_COLUMN_WIDTH = 320
SORTING_MESSAGE = "Sorting…"


class _TableView(QTableView):
    """Copy on Ctrl+C as TSV (Qt's own copies one cell); the wheel past the first or last row
    scrolls the notebook."""

    copy_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        """Scroll the rows while there are more this way; past the end the notebook scrolls."""
        if scrolls_further(self, event):
            super().wheelEvent(event)
        else:
            pass_wheel_on(self, event)


def _flat_button(text: str, tip: str, parent: QWidget) -> QToolButton:
    button = QToolButton(parent)
    button.setText(text)
    button.setToolTip(tip)
    button.setAutoRaise(True)
    return button


class TableOutput(TableTransfer):
    """A kernel table under a cell: "N rows × M columns", Copy and Export CSV…, the table.

    The table is as tall as its rows up to :data:`MAX_VISIBLE_ROWS`, then scrolls inside;
    sorting (header clicks) and export run in the kernel. A stale table shows a banner.
    """

    def __init__(
        self,
        info: TableInfo,
        source: TableSource,
        parent: QWidget | None = None,
        *,
        page_size: int = PAGE_SIZE,
        max_pages: int = MAX_PAGES,
    ) -> None:
        super().__init__(parent)
        self.info = info
        self.source = source
        self.copy_row_limit = COPY_ROW_LIMIT
        self._disposed = False
        self._fitted: list[int] = []  # widths of the first FITTED_COLUMNS columns
        self._user_sized: set[int] = set()
        self._fitting = False
        self.model = KernelTableModel(
            info, source.fetch_rows, page_size=page_size, max_pages=max_pages
        )  # no Qt parent: a fetch still on its way keeps it alive after the widget is gone
        self._build_controls(info)
        self.view = _TableView(self)
        self._setup_view()
        self.model.stale_changed.connect(self._on_stale)
        self.model.dataChanged.connect(self._on_rows_loaded)
        self.model.layoutChanged.connect(self._on_sorted)
        self.view.copy_requested.connect(self.start_copy)
        self._lay_out()
        self._apply_colors()
        self._fit_columns()
        self._fit_height()

    def _build_controls(self, info: TableInfo) -> None:
        """The caption, the result line, Copy and Export CSV…, and the stale banner."""
        self.caption = QLabel(
            f"{plural(info.rows, 'row')} \N{MULTIPLICATION SIGN} "
            f"{plural(len(info.columns), 'column')}",
            self,
        )
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        # Flat until hovered (as the cell's own controls): two framed push buttons on every
        # table were the heaviest chrome on the page.
        self.copy_button = _flat_button(
            "Copy", "Copy the selected cells as tab-separated text", self
        )
        self.copy_button.clicked.connect(self.start_copy)
        self.export_button = _flat_button(
            "Export CSV…", "Write the whole table (in this order) to a CSV file", self
        )
        self.export_button.clicked.connect(self.export_with_dialog)
        self.banner = QLabel(STALE_MESSAGE, self)
        self.banner.setWordWrap(True)
        self.banner.setAutoFillBackground(True)
        self.banner.setContentsMargins(6, 3, 6, 3)
        self.banner.hide()

    def _lay_out(self) -> None:
        """The caption, result line and buttons in a row above the banner and the table."""
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.caption)
        top.addWidget(self.message, 1)
        top.addWidget(self.copy_button)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.view)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def _setup_view(self) -> None:
        view = self.view
        view.setModel(self.model)
        view.setWordWrap(False)
        view.setAlternatingRowColors(True)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        rows = view.verticalHeader()
        rows.hide()  # the index is column 0
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self._row_height())
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultSectionSize(DEFAULT_COLUMN_WIDTH)
        header.setMinimumSectionSize(MIN_COLUMN_WIDTH)
        header.setHighlightSections(False)
        header.setSortIndicatorClearable(True)  # third click: back to the frame's order
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        view.setSortingEnabled(True)
        # The kernel cannot sort by the index: a click there restores the frame's order.
        header.sortIndicatorChanged.connect(self._on_sort_indicator)
        header.sectionResized.connect(self._on_section_resized)
        view.horizontalScrollBar().rangeChanged.connect(self._fit_height)

    def _row_height(self) -> int:
        return self.view.fontMetrics().height() + 6

    def _on_sort_indicator(self, section: int, _order: Qt.SortOrder) -> None:
        if section == 0:
            self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)

    def _fit_columns(self) -> None:
        """Size the first :data:`FITTED_COLUMNS` columns to their header and the first rows.

        Measured here: ``resizeColumnsToContents`` would ask the model for rows not loaded
        (fetching them) and would measure all 1,000 columns of a wide table.
        """
        header_metrics = self.view.horizontalHeader().fontMetrics()
        titles: list[int] = []
        for column in range(min(FITTED_COLUMNS, self.model.columnCount())):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal) or "")
            lines = title.split("\n")
            titles.append(max(header_metrics.horizontalAdvance(line) for line in lines) + 24)
        self._fitted = titles  # + 24: room for the sort indicator
        rows = list(self.model.head_rows()[: MAX_VISIBLE_ROWS * 2])
        if self.model.numeric(0) and self.info.rows:
            rows.append((str(self.info.rows - 1),))  # a range index ends at rows - 1
        self._grow_columns(rows)

    def _grow_columns(self, rows: Sequence[Row]) -> None:
        """Widen fitted columns the user has not resized to fit ``rows`` (never narrows, so
        scrolling does not make columns jitter; at most :data:`MAX_COLUMN_WIDTH`)."""
        header = self.view.horizontalHeader()
        metrics = self.view.fontMetrics()
        for column, current in enumerate(self._fitted):
            if column in self._user_sized:
                continue
            longest = max((row[column] for row in rows if column < len(row)), key=len, default="")
            width = max(current, metrics.horizontalAdvance(longest) + 12)
            width = max(MIN_COLUMN_WIDTH, min(MAX_COLUMN_WIDTH, width))
            self._fitted[column] = width
            if header.sectionSize(column) != width:
                self._fitting = True
                try:
                    header.resizeSection(column, width)
                finally:
                    self._fitting = False

    def _on_section_resized(self, column: int, _old: int, _new: int) -> None:
        if not self._fitting:
            self._user_sized.add(column)  # the user's width wins from now on

    def _on_rows_loaded(
        self, top_left: QModelIndex, bottom_right: QModelIndex, *_roles: object
    ) -> None:
        if self._disposed:
            return
        if self.message.text() == SORTING_MESSAGE:
            self._say("")
        loaded = (self.model.loaded_row(r) for r in range(top_left.row(), bottom_right.row() + 1))
        self._grow_columns([row for row in loaded if row is not None])

    def _on_sorted(self, *_args: object) -> None:
        """The kernel sorts a big table in a moment or two: say so while the rows are blank."""
        self._say(SORTING_MESSAGE if self.model.sort_column is not None else "")

    def _fit_height(self, *_args: object) -> None:
        """As tall as the rows up to :data:`MAX_VISIBLE_ROWS`, then the table scrolls."""
        view = self.view
        rows = max(1, min(self.info.rows, MAX_VISIBLE_ROWS))
        height = (
            2 * view.frameWidth()
            + view.horizontalHeader().sizeHint().height()
            + rows * view.verticalHeader().defaultSectionSize()
        )
        if view.horizontalScrollBar().maximum() > 0:
            height += view.horizontalScrollBar().sizeHint().height()
        if view.height() != height or view.minimumHeight() != height:
            view.setFixedHeight(height)

    def _apply_colors(self) -> None:
        colors = colors_for(self.palette())
        self.model.set_muted_color(colors.muted_fg)
        caption = self.caption.palette()
        caption.setColor(QPalette.ColorRole.WindowText, colors.muted_fg)
        self.caption.setPalette(caption)
        self.message.setPalette(caption)
        banner = self.banner.palette()
        banner.setColor(QPalette.ColorRole.Window, colors.stderr_bg)
        self.banner.setPalette(banner)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_colors()  # light <-> dark theme switch
        elif event.type() == QEvent.Type.FontChange:
            self.view.verticalHeader().setDefaultSectionSize(self._row_height())
            self._fit_height()
        super().changeEvent(event)

    # -- staleness ----------------------------------------------------------------------------

    def is_stale(self) -> bool:
        return self.model.stale

    def _on_stale(self, _stale: bool) -> None:
        if self._disposed:
            return
        self.banner.setToolTip(self.model.stale_reason)
        self.banner.show()

    # -- lifetime -----------------------------------------------------------------------------

    def dispose(self) -> None:
        """The output is being removed: stop fetching; answers on their way are ignored."""
        self._disposed = True
        self.model.close()

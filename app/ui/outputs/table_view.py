"""An interactive view of a table that stays in the kernel (a displayed DataFrame or Series).

The window never holds the table. :class:`KernelTableModel` reports the table's full row count
(so a 10,000,000-row table scrolls like any other) and fetches only the pages the view paints,
keeping a bounded LRU of them, so memory stays flat however far the user scrolls. The first
rows travel with the display message, so the first paint needs no round trip.

Sorting, paging and CSV export happen in the kernel (``kernel_worker.tables``); every value
arrives already formatted as display text. When the kernel no longer has the table (its cell
ran again, the kernel restarted) the model turns stale and stops fetching: the view never shows
rows of a value other than the one that was displayed.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelectionRange,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QGuiApplication, QKeyEvent, QKeySequence, QPalette, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.coordinator.kernel_client import PageRequest, TableExport, TablePage
from app.ui.tasks import spawn
from app.ui.theme import blend, colors_for, is_dark

#: Rows per fetched page; the view paints ~15 rows, so one or two pages cover it.
PAGE_SIZE = 200
#: Pages kept in memory (least recently used dropped first): ~10,000 rows of text at most.
MAX_PAGES = 50
#: Pages waiting to be fetched; older requests (scrolled past) are dropped first.
MAX_QUEUED_PAGES = 16
#: Page fetches in flight at once: the kernel answers one request at a time anyway.
MAX_IN_FLIGHT = 2
#: Most rows one fetch may ask for (``kernel_worker.tables.MAX_FETCH``): copy uses big chunks.
FETCH_CHUNK = 5000
#: Rows the table shows before it scrolls inside (the notebook column must not grow huge).
MAX_VISIBLE_ROWS = 15
#: Columns sized to their loaded contents; the rest get the default width (1,000 columns must
#: not be measured).
FITTED_COLUMNS = 20
DEFAULT_COLUMN_WIDTH = 100
MIN_COLUMN_WIDTH = 40
MAX_COLUMN_WIDTH = 320
#: Most rows Copy puts on the clipboard; a bigger selection copies its first rows and says so.
COPY_ROW_LIMIT = 100_000
#: How missing values read in the kernel's formatting (shown muted).
MISSING_VALUES = frozenset({"NaN", "None", "NaT", "<NA>"})
SORTING_MESSAGE = "Sorting…"
STALE_MESSAGE = "This table is out of date — run the cell to refresh"
_NUMERIC_DTYPES = ("int", "uint", "float", "complex")

Row = tuple[str, ...]
#: ``fetch(request)``: one page from the kernel.
FetchFn = Callable[[PageRequest], Awaitable[TablePage]]


class TableSource(Protocol):
    """Where kernel tables are read and exported (the coordinator, or a fake in tests)."""

    async def fetch_rows(self, request: PageRequest) -> TablePage: ...

    async def export_table(
        self, table_id: str, path: str, sort_column: int | None = None, ascending: bool = True
    ) -> TableExport: ...


# -- the description in the display bundle ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class ColumnInfo:
    name: str
    dtype: str

    @property
    def numeric(self) -> bool:
        """Numbers read best right-aligned (``int64``, ``Float64``, ``uint8``…)."""
        return self.dtype.lower().startswith(_NUMERIC_DTYPES)


@dataclass(frozen=True, slots=True)
class TableInfo:
    """The ``TABLE_MIME`` JSON of a display bundle (see ``kernel_worker.protocol``)."""

    table_id: str
    rows: int
    columns: tuple[ColumnInfo, ...]
    index_name: str | None
    first_rows: tuple[Row, ...]

    @classmethod
    def from_json(cls, text: str) -> TableInfo:
        """Parse the bundle's JSON; ``ValueError`` if it is not a table description."""
        try:
            raw = json.loads(text)
            columns = tuple(ColumnInfo(str(c["name"]), str(c["dtype"])) for c in raw["columns"])
            first_rows = tuple(tuple(str(v) for v in row) for row in raw["first_rows"])
            index_name = raw.get("index_name")
            info = cls(
                table_id=str(raw["table_id"]),
                rows=int(raw["rows"]),
                columns=columns,
                index_name=None if index_name is None else str(index_name),
                first_rows=first_rows,
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not a table description: {exc}") from exc
        if info.rows < 0:
            raise ValueError("not a table description: negative row count")
        return info


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def _looks_numeric(values: Sequence[str]) -> bool:
    """Whether index values (whose dtype the bundle does not name) are all numbers."""
    if not values:
        return False
    try:
        for value in values:
            float(value)
    except ValueError:
        return False
    return True


def _tsv_field(text: str) -> str:
    """Quote a value the way spreadsheets expect when it contains a tab, newline or quote."""
    if any(ch in text for ch in '\t\n\r"'):
        return '"' + text.replace('"', '""') + '"'
    return text


# -- the model --------------------------------------------------------------------------------


class KernelTableModel(QAbstractTableModel):
    """A kernel table as a virtual Qt model: column 0 is the index, then the data columns.

    ``rowCount`` is the table's total; a row's text is there only once its page has been
    fetched (``data`` returns "" meanwhile and queues the page). Pages live in an LRU of
    ``max_pages``; requests for the same page are coalesced; a sort drops every page and
    fetches again in the new order (stale answers of the old order are ignored).
    """

    #: The kernel no longer has this table: fetching stopped (the argument is always True).
    stale_changed = Signal(bool)

    def __init__(
        self,
        info: TableInfo,
        fetch: FetchFn,
        *,
        page_size: int = PAGE_SIZE,
        max_pages: int = MAX_PAGES,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        if not 0 < page_size <= FETCH_CHUNK:
            raise ValueError(f"page_size must be 1..{FETCH_CHUNK}")
        self.info = info
        self._fetch = fetch
        self._page_size = page_size
        self._max_pages = max(1, max_pages)
        self._head: tuple[Row, ...] = info.first_rows
        self._pages: OrderedDict[int, list[Row]] = OrderedDict()
        self._queued: OrderedDict[int, None] = OrderedDict()
        self._in_flight: set[int] = set()
        # Bumped by every sort: answers for an older generation are dropped.
        self._generation = 0
        self._sort_column: int | None = None
        self._ascending = True
        self._stale = False
        self._stale_reason = ""
        self._closed = False
        self._muted = QColor(128, 128, 128)
        self._numeric = [_looks_numeric([row[0] for row in info.first_rows if row])] + [
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

    def loaded_row(self, row: int) -> Row | None:
        """A row's values if they are in memory (never fetches)."""
        if self._sort_column is None and row < len(self._head):
            return self._head[row]
        page = self._pages.get(row // self._page_size)
        if page is None:
            return None
        self._pages.move_to_end(row // self._page_size)
        offset = row % self._page_size
        return page[offset] if offset < len(page) else None

    def loaded_text(self, row: int, column: int) -> str | None:
        """One value if its row is in memory (never fetches)."""
        values = self.loaded_row(row)
        if values is None or column >= len(values):
            return None
        return values[column]

    def loaded_pages(self) -> list[int]:
        """Page numbers held in memory, least recently used first (at most ``max_pages``)."""
        return list(self._pages)

    def head_rows(self) -> tuple[Row, ...]:
        """The rows that came with the display message (frame order)."""
        return self._head

    # -- paging -------------------------------------------------------------------------------

    def _want(self, page: int) -> None:
        """Queue a page for fetching, unless it is loaded, on its way, or the table is gone."""
        if self._stale or self._closed or page in self._in_flight or page in self._pages:
            return
        self._queued[page] = None
        self._queued.move_to_end(page)  # the latest request is most likely on screen
        while len(self._queued) > MAX_QUEUED_PAGES:
            self._queued.popitem(last=False)
        self._pump()

    def _pump(self) -> None:
        while self._queued and len(self._in_flight) < MAX_IN_FLIGHT:
            page, _ = self._queued.popitem(last=True)
            self._in_flight.add(page)
            spawn(self._load(page, self._generation, self._sort_column, self._ascending))

    async def _load(
        self, page: int, generation: int, sort_column: int | None, ascending: bool
    ) -> None:
        start = page * self._page_size
        try:
            result = await self._fetch(
                PageRequest(self.info.table_id, start, self._page_size, sort_column, ascending)
            )
        finally:
            if generation == self._generation:
                self._in_flight.discard(page)
        if generation != self._generation or self._closed:
            return  # sorted (or closed) meanwhile: these rows are in an order no longer shown
        problem = self._problem(result)
        if problem is not None:
            self._set_stale(problem)
            return
        self._pages[page] = list(result.rows)
        self._pages.move_to_end(page)
        while len(self._pages) > self._max_pages:
            self._pages.popitem(last=False)
        if result.rows:
            last = self.columnCount() - 1
            self.dataChanged.emit(
                self.index(start, 0), self.index(start + len(result.rows) - 1, last)
            )
        self._pump()

    def _problem(self, result: TablePage) -> str | None:
        """Why an answer cannot be shown as rows of this table (None: it can)."""
        if result.error is not None:
            return result.error
        if result.table_id != self.info.table_id or result.total != self.info.rows:
            # An id reused by another kernel session would describe another value.
            return "the kernel's table is not the one displayed"
        return None

    async def rows_between(self, start: int, stop: int) -> list[Row] | None:
        """Rows ``start``..``stop`` in view order, fetched in big chunks where not in memory
        (fetched rows bypass the page cache); None if the table turned out stale."""
        rows: list[Row] = []
        sort_column, ascending, generation = self._sort_column, self._ascending, self._generation
        chunk_start = start
        while chunk_start < stop:
            chunk_stop = min(stop, chunk_start + FETCH_CHUNK)
            cached = [self.loaded_row(r) for r in range(chunk_start, chunk_stop)]
            if generation == self._generation and all(r is not None for r in cached):
                rows.extend(r for r in cached if r is not None)
            else:
                if self._stale or self._closed:
                    return None
                result = await self._fetch(
                    PageRequest(
                        self.info.table_id,
                        chunk_start,
                        chunk_stop - chunk_start,
                        sort_column,
                        ascending,
                    )
                )
                problem = self._problem(result)
                if problem is not None:
                    self._set_stale(problem)
                    return None
                rows.extend(result.rows)
            chunk_start = chunk_stop
        return rows

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

    # -- staleness and lifetime ---------------------------------------------------------------

    @property
    def stale(self) -> bool:
        """The kernel no longer has this table (its cell ran again or the kernel restarted)."""
        return self._stale

    @property
    def stale_reason(self) -> str:
        return self._stale_reason

    def _set_stale(self, reason: str) -> None:
        if self._stale:
            return
        self._stale = True
        self._stale_reason = reason
        self._queued.clear()
        self.stale_changed.emit(True)

    def set_muted_color(self, color: QColor) -> None:
        """The colour of NaN/None/NaT (follows the theme)."""
        self._muted = QColor(color)

    def close(self) -> None:
        """The view is going away: fetch nothing more, ignore answers still on their way."""
        self._closed = True
        self._queued.clear()


# -- the widget -------------------------------------------------------------------------------


class _TableView(QTableView):
    """Copy on Ctrl+C as TSV (Qt's own copies one cell); short tables let the wheel through
    to the notebook."""

    copy_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        vertical = abs(event.angleDelta().y()) >= abs(event.angleDelta().x())
        if vertical and self.verticalScrollBar().maximum() == 0:
            event.ignore()  # nothing to scroll here: the notebook scrolls
            return
        super().wheelEvent(event)


class TableOutput(QWidget):
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

        self.caption = QLabel(
            f"{_plural(info.rows, 'row')} \N{MULTIPLICATION SIGN} "
            f"{_plural(len(info.columns), 'column')}",
            self,
        )
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.copy_button = QPushButton("Copy", self)
        self.copy_button.setToolTip("Copy the selected cells as tab-separated text")
        self.copy_button.clicked.connect(self.start_copy)
        self.export_button = QPushButton("Export CSV…", self)
        self.export_button.setToolTip("Write the whole table (in this order) to a CSV file")
        self.export_button.clicked.connect(self.export_with_dialog)
        self.banner = QLabel(STALE_MESSAGE, self)
        self.banner.setWordWrap(True)
        self.banner.setAutoFillBackground(True)
        self.banner.setContentsMargins(6, 3, 6, 3)
        self.banner.hide()

        self.view = _TableView(self)
        self._setup_view()
        self.model.stale_changed.connect(self._on_stale)
        self.model.dataChanged.connect(self._on_rows_loaded)
        self.model.layoutChanged.connect(self._on_sorted)
        self.view.copy_requested.connect(self.start_copy)

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
        self._apply_colors()
        self._fit_columns()
        self._fit_height()

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

    def _say(self, text: str, *, error: bool = False) -> None:
        """A short result line beside the buttons (copy/export), red for failures."""
        palette = self.message.palette()
        colors = colors_for(self.palette())
        if error:
            text_color = self.palette().color(QPalette.ColorRole.Text)
            red = QColor(255, 120, 115) if is_dark(self.palette()) else QColor(180, 20, 20)
            palette.setColor(QPalette.ColorRole.WindowText, blend(text_color, red, 0.85))
        else:
            palette.setColor(QPalette.ColorRole.WindowText, colors.muted_fg)
        self.message.setPalette(palette)
        self.message.setText(text)
        self.message.setToolTip(text)

    def _alive(self) -> bool:
        """Whether this widget may still be touched after an await."""
        return not self._disposed and shiboken6.isValid(self)

    # -- copy ---------------------------------------------------------------------------------

    def start_copy(self) -> None:
        """Ctrl+C or the Copy button: copy in the background (rows may need fetching)."""
        spawn(self.copy_selection())

    def _selection_ranges(self) -> list[QItemSelectionRange]:
        selection_model = self.view.selectionModel()
        if selection_model is None:
            return []
        selection = selection_model.selection()
        ranges = (selection.at(i) for i in range(selection.count()))
        return [r for r in ranges if r.isValid()]

    async def copy_selection(self) -> str | None:
        """Put the selected cells on the clipboard as TSV under a row of column names.

        Works from selection ranges (never per-cell indexes: a select-all of 10M rows is one
        range) and fetches rows not in memory first; at most :attr:`copy_row_limit` rows.
        Returns the text copied (None if nothing was).
        """
        ranges = self._selection_ranges()
        if not ranges:
            self._say("Select cells to copy")
            return None
        columns = sorted({c for r in ranges for c in range(r.left(), r.right() + 1)})
        spans = sorted((r.top(), r.bottom() + 1) for r in ranges)
        merged: list[list[int]] = []
        for top, bottom in spans:
            if merged and top <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], bottom)
            else:
                merged.append([top, bottom])
        selected_rows = sum(bottom - top for top, bottom in merged)
        limited: list[tuple[int, int]] = []
        budget = self.copy_row_limit
        for top, bottom in merged:
            if budget <= 0:
                break
            limited.append((top, min(bottom, top + budget)))
            budget -= limited[-1][1] - top
        single = len(ranges) == 1
        lines = ["\t".join(_tsv_field(self.model.column_name(c)) for c in columns)]
        copied = 0
        for top, bottom in limited:
            rows = await self.model.rows_between(top, bottom)
            if not self._alive():
                return None
            if rows is None:
                self._say("Nothing copied: " + STALE_MESSAGE.lower(), error=True)
                return None
            for offset, values in enumerate(rows):
                row = top + offset
                fields = []
                for c in columns:
                    inside = single or any(
                        r.top() <= row <= r.bottom() and r.left() <= c <= r.right() for r in ranges
                    )
                    fields.append(_tsv_field(values[c]) if inside and c < len(values) else "")
                lines.append("\t".join(fields))
            copied += len(rows)
        text = "\n".join(lines) + "\n"
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(text)
        if copied < selected_rows:
            self._say(
                f"Copied the first {_plural(copied, 'row')} of {selected_rows:,} selected "
                f"(the limit is {self.copy_row_limit:,}; use Export CSV… for more)"
            )
        else:
            self._say(f"Copied {_plural(copied, 'row')}")
        return text

    # -- export -------------------------------------------------------------------------------

    def export_with_dialog(self) -> None:
        """Ask where to write the CSV, then let the kernel write it."""
        path, _selected_filter = QFileDialog.getSaveFileName(
            self, "Export table as CSV", "table.csv", "CSV files (*.csv);;All files (*)"
        )
        if path:
            spawn(self.export_to(path))

    async def export_to(self, path: str) -> TableExport:
        """Have the kernel write the whole table, in the order shown, to ``path``."""
        self.export_button.setEnabled(False)
        self._say("Exporting…")
        try:
            result = await self.source.export_table(
                self.info.table_id, path, self.model.sort_column, self.model.ascending
            )
        except Exception as exc:  # shown to the user; the reporter gets it too
            if self._alive():
                self.export_button.setEnabled(True)
                self._say(f"Export failed: {exc}", error=True)
            raise
        if self._alive():
            self.export_button.setEnabled(True)
            self._say(result.message, error=not result.ok)
        return result

    # -- lifetime -----------------------------------------------------------------------------

    def dispose(self) -> None:
        """The output is being removed: stop fetching; answers on their way are ignored."""
        self._disposed = True
        self.model.close()

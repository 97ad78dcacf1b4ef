"""Paging of a kernel table: the rows the view paints are fetched a page at a time and kept
in a bounded LRU, so memory stays flat however far the user scrolls. The first rows travel
with the display message; a table the kernel no longer has turns stale and stops fetching."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QAbstractTableModel, QObject, Signal

from app.coordinator.kernel_client import PageRequest, TablePage
from app.ui.outputs.table_info import FetchFn, Row, TableInfo
from app.ui.tasks import spawn

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
STALE_MESSAGE = "This table is out of date — run the cell to refresh"


class PagedTableModel(QAbstractTableModel):
    """The pages of :class:`~app.ui.outputs.table_model.KernelTableModel`: which are in memory,
    which are on their way, and whether the kernel still has the table. Pages live in an LRU
    of ``max_pages``; requests for the same page are coalesced; answers of an older
    ``_generation`` (before a sort) are ignored."""

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

    def close(self) -> None:
        """The view is going away: fetch nothing more, ignore answers still on their way."""
        self._closed = True
        self._queued.clear()

"""Kernel tables in the window, against real widgets and a real ``TableStore``.

The fake table source holds a pandas DataFrame in this process and answers exactly as the
worker does (``kernel_worker.main`` turns store calls into answers, which the kernel client turns into ``TablePage``/``TableExport``), so
paging, sorting, export and staleness run the real code without a worker process. Fetches are
asyncio tasks on a qasync loop; waiting is ``qtbot.waitUntil``, never a sleep.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pytest
import qasync
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QPoint, Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QHeaderView, QWidget
from pytestqt.qtbot import QtBot

from app.coordinator.kernel_client import PageRequest, TableExport, TablePage
from app.core.state import RichOutput
from app.ui import tasks
from app.ui.outputs import table_view
from app.ui.outputs.output_view import OutputArea
from app.ui.outputs.pictures import HtmlOutput
from app.ui.outputs.renderers import rich_output_widget
from app.ui.outputs.table_view import (
    DEFAULT_COLUMN_WIDTH,
    MAX_PAGES,
    MAX_VISIBLE_ROWS,
    PAGE_SIZE,
    SORTING_MESSAGE,
    STALE_MESSAGE,
    KernelTableModel,
    TableInfo,
    TableOutput,
)
from app.ui.theme import colors_for
from kernel_worker import main as worker_main
from kernel_worker import tables
from kernel_worker.protocol import TABLE_MIME, FetchRows
from tests.loops import close_loop

T = TypeVar("T")
BIG = 10_000_000

# -- the fake kernel --------------------------------------------------------------------------


class FakeSource:
    """A table source backed by a real TableStore; records every fetch it answers."""

    def __init__(self) -> None:
        self.store = tables.TableStore()
        self.fetches: list[tuple[str, int, int, int | None, bool]] = []
        self.exports: list[tuple[str, str, int | None, bool]] = []

    def show(self, frame: Any, cell_id: str = "cell-1") -> str:
        """What the kernel puts in the display bundle under TABLE_MIME."""
        return json.dumps(self.store.register(cell_id, frame), ensure_ascii=False)

    def info(self, frame: Any, cell_id: str = "cell-1") -> TableInfo:
        return TableInfo.from_json(self.show(frame, cell_id))

    async def fetch_rows(self, request: PageRequest) -> TablePage:
        self.fetches.append(
            (request.table_id, request.start, request.count, request.sort_column, request.ascending)
        )
        await asyncio.sleep(0)  # the answer comes later, as from the worker
        fetch = FetchRows(0, *self.fetches[-1])
        rows = worker_main._fetch(SimpleNamespace(tables=self.store), fetch)  # type: ignore[arg-type]
        return TablePage(rows.table_id, rows.start, rows.rows, rows.total, rows.error)

    async def export_table(
        self, table_id: str, path: str, sort_column: int | None = None, ascending: bool = True
    ) -> TableExport:
        self.exports.append((table_id, path, sort_column, ascending))
        await asyncio.sleep(0)
        request = SimpleNamespace(
            request_id=0,
            table_id=table_id,
            path=path,
            sort_column=sort_column,
            ascending=ascending,
        )
        done = worker_main._export(SimpleNamespace(tables=self.store), request)  # type: ignore[arg-type]
        return TableExport(done.ok, done.message)


# -- fixtures ---------------------------------------------------------------------------------


class Loop:
    """A qasync loop for the test: spawned fetches run whenever Qt processes events."""

    def __init__(self, loop: qasync.QEventLoop, errors: list[BaseException]) -> None:
        self.loop = loop
        self.errors = errors

    def run(self, awaitable: Awaitable[T]) -> T:
        result: T = self.loop.run_until_complete(asyncio.wait_for(awaitable, 60))
        assert not self.errors, f"a task failed: {self.errors!r}"
        return result


@pytest.fixture
def loop(qapp: QApplication, qtbot: QtBot) -> Iterator[Loop]:
    event_loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(event_loop)
    errors: list[BaseException] = []
    tasks.set_error_reporter(errors.append)
    yield Loop(event_loop, errors)
    qtbot.waitUntil(lambda: tasks.pending() == 0)  # answers still on their way land first
    tasks.set_error_reporter(None)
    close_loop(event_loop)
    assert not errors, f"a task failed: {errors!r}"


@pytest.fixture(scope="module")
def big_frame() -> pd.DataFrame:
    """10,000,000 rows × 10 columns, cheap: one int32 and one float32 column, eight int8."""
    ids = np.arange(BIG, dtype=np.int32)
    columns: dict[str, Any] = {"c0": ids, "c1": (ids % 1000).astype(np.float32) / 4}
    for i in range(2, 10):
        columns[f"c{i}"] = (ids % (i + 7)).astype(np.int8)
    return pd.DataFrame(columns)


@pytest.fixture
def frame() -> pd.DataFrame:
    """1,000 rows with an int, a float with NaN, text with None, and dates with NaT."""
    a = np.arange(1000) * 10
    b = a / 4
    b[49] = np.nan
    names = pd.Series([f"row {i}" for i in range(1000)], dtype=object)
    names[7] = None
    when = pd.Series(pd.date_range("2024-01-01", periods=1000, freq="h"))
    when[3] = pd.NaT
    return pd.DataFrame({"a": a, "b": b, "name": names, "when": when})


@pytest.fixture
def source() -> FakeSource:
    return FakeSource()


def make_table(host: QWidget, qtbot: QtBot, info: TableInfo, source: FakeSource) -> TableOutput:
    table = TableOutput(info, source, host)
    table.setGeometry(0, 0, 760, table.sizeHint().height())
    table.show()
    qtbot.waitUntil(table.view.isVisible)
    return table


def paint(table: TableOutput) -> None:
    """Paint the table now, as the screen would: the view asks the model for what it shows."""
    table.view.viewport().grab()


def select(table: TableOutput, top: int, left: int, bottom: int, right: int) -> None:
    model = table.model
    selection = QItemSelection(model.index(top, left), model.index(bottom, right))
    table.view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)


# -- ten million rows -------------------------------------------------------------------------


def test_ten_million_rows_paint_at_once_and_page_in_at_the_end(
    qtbot: QtBot, loop: Loop, host: QWidget, source: FakeSource, big_frame: pd.DataFrame
) -> None:
    table = make_table(host, qtbot, source.info(big_frame), source)
    model = table.model
    assert model.rowCount() == BIG
    assert model.columnCount() == 11  # the index, then c0..c9
    assert table.caption.text() == "10,000,000 rows × 10 columns"

    paint(table)
    assert source.fetches == []  # the first screen came with the display message
    assert tasks.pending() == 0
    assert model.data(model.index(0, 0)) == "0"
    assert model.data(model.index(MAX_VISIBLE_ROWS - 1, 1)) == str(MAX_VISIBLE_ROWS - 1)

    table.view.scrollToBottom()
    qtbot.waitUntil(lambda: model.loaded_text(BIG - 1, 0) == "9999999")
    last_page = (BIG - 1) // PAGE_SIZE * PAGE_SIZE
    assert source.fetches == [(model.info.table_id, last_page, PAGE_SIZE, None, True)]
    assert model.data(model.index(BIG - 1, 1)) == "9999999"
    assert model.data(model.index(BIG - 1, 2)) == "249.75"
    assert model.loaded_pages() == [last_page // PAGE_SIZE]


def test_sorting_in_the_kernel_changes_the_first_row(
    qtbot: QtBot, loop: Loop, host: QWidget, source: FakeSource, big_frame: pd.DataFrame
) -> None:
    table = make_table(host, qtbot, source.info(big_frame), source)
    model = table.model

    table.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # c0, largest first
    assert (model.sort_column, model.ascending) == (0, False)
    assert model.loaded_text(0, 0) is None  # never the frame-order first rows under a sort
    assert table.message.text() == SORTING_MESSAGE
    paint(table)
    qtbot.waitUntil(lambda: model.loaded_text(0, 0) == "9999999")
    assert table.message.text() == ""
    widest = table.view.fontMetrics().horizontalAdvance("9999999")
    assert table.view.columnWidth(1) > widest  # fitted columns grow to rows that arrive
    assert model.data(model.index(1, 1)) == "9999998"
    assert {fetch[3:] for fetch in source.fetches} == {(0, False)}

    table.view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    paint(table)
    qtbot.waitUntil(lambda: model.loaded_text(0, 0) == "0")


def test_scrolling_far_keeps_at_most_the_lru_bound_of_pages(
    qtbot: QtBot, loop: Loop, host: QWidget, source: FakeSource, big_frame: pd.DataFrame
) -> None:
    table = make_table(host, qtbot, source.info(big_frame), source)
    model = table.model
    rows = [page * 97_000 + 100 for page in range(MAX_PAGES + 10)]
    for row in rows:
        table.view.scrollTo(model.index(row, 1))
        qtbot.waitUntil(lambda row=row: model.loaded_text(row, 1) == str(row))
    assert len(model.loaded_pages()) == MAX_PAGES
    assert rows[0] // PAGE_SIZE not in model.loaded_pages()  # the oldest went first

    fetched = len(source.fetches)
    table.view.scrollTo(model.index(rows[0], 1))
    qtbot.waitUntil(lambda: model.loaded_text(rows[0], 1) == str(rows[0]))
    assert len(source.fetches) == fetched + 1  # dropped pages come back on demand


def test_requests_for_one_page_are_coalesced(
    qtbot: QtBot, loop: Loop, source: FakeSource, frame: pd.DataFrame
) -> None:
    model = KernelTableModel(source.info(frame), source.fetch_rows)
    for row in range(600, 800):  # every cell of page 3, twice
        for column in (1, 2):
            assert model.data(model.index(row, column)) == ""
    qtbot.waitUntil(lambda: model.loaded_text(799, 1) == "7990")
    assert [fetch[1:3] for fetch in source.fetches] == [(600, PAGE_SIZE)]


def test_a_sort_ignores_pages_of_the_old_order_still_on_their_way(
    qtbot: QtBot, loop: Loop, source: FakeSource, frame: pd.DataFrame
) -> None:
    model = KernelTableModel(source.info(frame), source.fetch_rows)
    model.data(model.index(300, 1))  # frame order: a fetch is on its way
    model.sort(1, Qt.SortOrder.DescendingOrder)
    model.data(model.index(300, 1))
    qtbot.waitUntil(lambda: tasks.pending() == 0)
    assert model.loaded_text(300, 1) == str((999 - 300) * 10)


def test_one_thousand_columns_scroll_sideways_at_default_widths(
    qtbot: QtBot, loop: Loop, host: QWidget, source: FakeSource
) -> None:
    wide = pd.DataFrame(np.arange(100 * 1000).reshape(100, 1000))
    table = make_table(host, qtbot, source.info(wide), source)
    header = table.view.horizontalHeader()
    assert header.sectionResizeMode(500) == QHeaderView.ResizeMode.Interactive
    assert header.sectionSize(500) == DEFAULT_COLUMN_WIDTH  # not measured
    bar = table.view.horizontalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())
    paint(table)
    assert table.view.columnAt(table.view.viewport().width() - 5) == 1000
    assert source.fetches == []


def test_the_table_grows_with_its_rows_up_to_the_cap(
    qtbot: QtBot, loop: Loop, host: QWidget, source: FakeSource, frame: pd.DataFrame
) -> None:
    small = make_table(host, qtbot, source.info(frame.head(3)), source)
    large = make_table(host, qtbot, source.info(frame), source)
    row = large.view.verticalHeader().defaultSectionSize()
    assert large.view.height() - small.view.height() == (MAX_VISIBLE_ROWS - 3) * row
    assert large.view.verticalScrollBar().maximum() > 0
    assert small.view.verticalScrollBar().maximum() == 0
    assert large.view.verticalHeader().sectionResizeMode(0) == QHeaderView.ResizeMode.Fixed
    assert large.view.verticalHeader().isHidden()


def test_copy_and_export_are_flat_until_hovered(
    qtbot: QtBot, loop: Loop, host: QWidget, source: FakeSource, frame: pd.DataFrame
) -> None:
    """The table's actions are quiet tool buttons (framed on hover, as the cell's controls),
    so the caption row is no taller than a line of text plus the button's margins."""
    from PySide6.QtWidgets import QPushButton, QToolButton

    table = make_table(host, qtbot, source.info(frame.head(3)), source)
    for button in (table.copy_button, table.export_button):
        assert isinstance(button, QToolButton) and button.autoRaise()
    assert table.findChildren(QPushButton) == []
    assert table.copy_button.sizeHint().height() < QPushButton("Copy").sizeHint().height() + 1


def test_columns_grow_to_loaded_rows_unless_the_user_sized_them(
    qtbot: QtBot, loop: Loop, host: QWidget, source: FakeSource
) -> None:
    long = "a considerably longer value"
    odd = pd.DataFrame({"x": ["a"] * 900 + [long] * 100, "y": ["b"] * 900 + [long] * 100})
    table = make_table(host, qtbot, source.info(odd), source)
    narrow = table.view.columnWidth(1)
    table.view.horizontalHeader().resizeSection(2, 60)  # the user drags column y

    table.view.scrollToBottom()
    qtbot.waitUntil(lambda: table.model.loaded_text(999, 1) == long)
    assert table.view.columnWidth(1) > narrow
    assert table.view.columnWidth(2) == 60

    table.view.scrollToTop()
    assert table.view.columnWidth(1) > narrow  # never narrows again: no jitter


# -- headers, alignment, missing values -------------------------------------------------------


def test_headers_name_the_dtype_and_numbers_align_right(
    loop: Loop, source: FakeSource, frame: pd.DataFrame
) -> None:
    model = KernelTableModel(source.info(frame.rename_axis("key")), source.fetch_rows)
    horizontal = Qt.Orientation.Horizontal
    assert model.headerData(0, horizontal) == "key"
    assert model.headerData(1, horizontal) == "a\nint64"
    assert model.headerData(3, horizontal, Qt.ItemDataRole.ToolTipRole) == "name: object"
    align = Qt.ItemDataRole.TextAlignmentRole
    assert model.data(model.index(0, 1), align) & Qt.AlignmentFlag.AlignRight
    assert model.data(model.index(0, 2), align) & Qt.AlignmentFlag.AlignRight
    assert model.data(model.index(0, 3), align) & Qt.AlignmentFlag.AlignLeft
    assert model.data(model.index(0, 0), align) & Qt.AlignmentFlag.AlignRight  # 0, 1, 2…

    unnamed = KernelTableModel(source.info(frame), source.fetch_rows)
    assert unnamed.headerData(0, horizontal) == ""


def test_missing_values_are_muted(
    qtbot: QtBot, loop: Loop, host: QWidget, source: FakeSource, frame: pd.DataFrame
) -> None:
    table = make_table(host, qtbot, source.info(frame), source)
    model = table.model
    muted = colors_for(table.palette()).muted_fg
    fg = Qt.ItemDataRole.ForegroundRole
    cells = {(49, 2): "NaN", (7, 3): "None", (3, 4): "NaT"}
    for (row, column), text in cells.items():
        assert model.data(model.index(row, column)) == text
        assert model.data(model.index(row, column), fg) == muted
    assert model.data(model.index(48, 2), fg) is None
    assert table.palette().color(QPalette.ColorRole.Text) != muted


# -- sorting through the header ---------------------------------------------------------------


def click_header(table: TableOutput, section: int) -> None:
    header = table.view.horizontalHeader()
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    QTest.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        QPoint(x, header.height() // 2),
    )


def test_header_clicks_sort_and_the_index_restores_the_frame_order(
    qtbot: QtBot, loop: Loop, host: QWidget, source: FakeSource, frame: pd.DataFrame
) -> None:
    table = make_table(host, qtbot, source.info(frame), source)
    model = table.model
    assert model.sort_column is None

    click_header(table, 1)
    assert (model.sort_column, model.ascending) == (0, True)
    click_header(table, 1)
    assert (model.sort_column, model.ascending) == (0, False)
    qtbot.waitUntil(lambda: model.loaded_text(0, 1) == "9990")

    click_header(table, 0)  # the kernel sorts data columns only
    assert model.sort_column is None
    assert table.view.horizontalHeader().sortIndicatorSection() == -1
    assert model.loaded_text(0, 1) == "0"  # the first rows again, no round trip


# -- copy -------------------------------------------------------------------------------------


def test_copy_puts_the_selection_on_the_clipboard_as_tsv(
    qtbot: QtBot, loop: Loop, host: QWidget, source: FakeSource, frame: pd.DataFrame
) -> None:
    table = make_table(host, qtbot, source.info(frame), source)
    select(table, 48, 1, 50, 2)  # 3 rows × a, b; row 50 is past the first rows
    assert table.model.loaded_text(50, 1) is None
    expected = "a\tb\n480\t120\n490\tNaN\n500\t125\n"
    clipboard = QGuiApplication.clipboard()
    clipboard.clear()

    table.view.setFocus()
    QTest.keyClick(table.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: clipboard.text() == expected)
    assert table.message.text() == "Copied 3 rows"

    clipboard.clear()
    table.copy_button.click()
    qtbot.waitUntil(lambda: clipboard.text() == expected)
    assert loop.run(table.copy_selection()) == expected


def test_copy_of_a_huge_selection_stops_at_the_limit_and_says_so(
    loop: Loop, qtbot: QtBot, host: QWidget, source: FakeSource, frame: pd.DataFrame
) -> None:
    table = make_table(host, qtbot, source.info(frame), source)
    table.copy_row_limit = 120
    table.view.selectAll()

    text = loop.run(table.copy_selection())

    assert text is not None
    lines = text.splitlines()
    assert lines[0] == "\ta\tb\tname\twhen"
    assert len(lines) == 1 + 120
    assert lines[120].split("\t")[:2] == ["119", "1190"]
    assert "first 120 rows of 1,000" in table.message.text()
    assert len(source.fetches) == 1  # one big chunk, not page by page


def test_copy_quotes_tabs_and_newlines(
    loop: Loop, qtbot: QtBot, host: QWidget, source: FakeSource
) -> None:
    odd = pd.DataFrame({"text": ["tab\there", 'say "hi"\nbye']})
    table = make_table(host, qtbot, source.info(odd), source)
    select(table, 0, 1, 1, 1)
    assert loop.run(table.copy_selection()) == 'text\n"tab\there"\n"say ""hi""\nbye"\n'


# -- export -----------------------------------------------------------------------------------


def test_export_writes_the_whole_table_in_the_order_shown(
    loop: Loop, qtbot: QtBot, host: QWidget, source: FakeSource, frame: pd.DataFrame, tmp_path: Path
) -> None:
    table = make_table(host, qtbot, source.info(frame), source)
    path = tmp_path / "out.csv"

    result = loop.run(table.export_to(str(path)))
    assert result.ok
    assert len(path.read_text(encoding="utf-8").splitlines()) == 1 + 1000
    assert table.message.text() == f"Wrote 1,000 rows to {path}"

    table.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    loop.run(table.export_to(str(path)))
    assert path.read_text(encoding="utf-8").splitlines()[1].startswith("999,9990,")


def test_export_button_asks_for_a_path(
    qtbot: QtBot,
    loop: Loop,
    host: QWidget,
    source: FakeSource,
    frame: pd.DataFrame,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table = make_table(host, qtbot, source.info(frame), source)
    path = tmp_path / "picked.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(path), ""))

    table.export_button.click()
    qtbot.waitUntil(lambda: table.message.text().startswith("Wrote"))
    assert len(path.read_text(encoding="utf-8").splitlines()) == 1 + 1000
    assert table.export_button.isEnabled()


def test_export_of_a_stale_table_says_why(
    loop: Loop, qtbot: QtBot, host: QWidget, source: FakeSource, frame: pd.DataFrame, tmp_path: Path
) -> None:
    table = make_table(host, qtbot, source.info(frame), source)
    source.store.drop_cells({"cell-1"})
    result = loop.run(table.export_to(str(tmp_path / "gone.csv")))
    assert not result.ok
    assert "out of date" in table.message.text()
    assert not (tmp_path / "gone.csv").exists()


# -- staleness --------------------------------------------------------------------------------


def test_a_dropped_table_turns_stale_and_shows_no_other_value(
    qtbot: QtBot, loop: Loop, host: QWidget, source: FakeSource, frame: pd.DataFrame
) -> None:
    table = make_table(host, qtbot, source.info(frame), source)
    model = table.model
    stale: list[bool] = []
    model.stale_changed.connect(stale.append)
    # The cell ran again: its table is dropped and a different value registered.
    source.store.drop_cells({"cell-1"})
    source.show(frame.assign(a=-frame["a"]), "cell-1")

    table.view.scrollToBottom()
    qtbot.waitUntil(table.banner.isVisible)
    assert table.banner.text() == STALE_MESSAGE
    assert model.stale and stale == [True]
    assert "out of date" in model.stale_reason
    assert model.loaded_text(999, 1) is None
    assert model.data(model.index(999, 1)) == ""
    assert model.loaded_text(5, 1) == "50"  # the first rows are the displayed value's own

    fetched = len(source.fetches)
    table.view.scrollTo(model.index(500, 1))
    paint(table)
    assert tasks.pending() == 0
    assert len(source.fetches) == fetched  # stale: nothing more is asked


def test_a_table_id_reused_by_a_new_kernel_is_not_trusted(
    qtbot: QtBot, loop: Loop, source: FakeSource, frame: pd.DataFrame
) -> None:
    model = KernelTableModel(source.info(frame), source.fetch_rows)
    source.store = tables.TableStore()  # the kernel restarted and the cell ran again
    source.show(frame.head(500), "cell-1")  # same id "cell-1:1", another value

    model.data(model.index(300, 1))
    qtbot.waitUntil(lambda: model.stale)
    assert model.loaded_text(300, 1) is None


# -- the output area --------------------------------------------------------------------------


@pytest.fixture
def area(host: QWidget) -> OutputArea:
    widget = OutputArea(host)
    widget.setGeometry(0, 0, 760, 880)
    widget.show()
    return widget


def table_bundle(source: FakeSource, frame: pd.DataFrame) -> RichOutput:
    return RichOutput(
        {
            "text/plain": frame.to_string(max_rows=10),
            "text/html": frame.to_html(max_rows=10),
            TABLE_MIME: source.show(frame),
        }
    )


def test_output_area_shows_kernel_tables_only_with_a_source(
    loop: Loop, area: OutputArea, source: FakeSource, frame: pd.DataFrame
) -> None:
    bundle = table_bundle(source, frame)
    area.append(bundle)
    (static,) = area.pieces()
    assert isinstance(static, HtmlOutput)  # no source: the static preview

    area.set_table_source(source)  # tables already shown become interactive
    (live,) = area.pieces()
    assert isinstance(live, TableOutput)
    assert live.info.table_id == json.loads(bundle.data[TABLE_MIME])["table_id"]
    assert live.source is source

    area.set_outputs([bundle], None)
    (again,) = area.pieces()
    assert isinstance(again, TableOutput)
    area.clear()
    assert live.model._closed and again.model._closed  # nothing fetched for removed tables

    area.set_table_source(None)
    area.append(bundle)
    assert isinstance(area.pieces()[0], HtmlOutput)


def test_a_malformed_table_description_falls_back_to_the_preview(
    host: QWidget, source: FakeSource
) -> None:
    bundle = RichOutput({"text/plain": "t", "text/html": "<b>t</b>", TABLE_MIME: "{"})
    assert isinstance(rich_output_widget(bundle, host, source), HtmlOutput)


def test_pages_fit_in_one_kernel_fetch() -> None:
    assert table_view.PAGE_SIZE <= table_view.FETCH_CHUNK <= tables.MAX_FETCH

"""The table viewer: a DataFrame row of the Variables panel opens in a window of its own, which
follows the name through edits, deletion and restarts; other rows jump to their cell."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest

from app.coordinator.coordinator import Coordinator
from app.coordinator.kernel_client import PageRequest
from app.core import fileformat
from app.core.notebook import Cell, Notebook
from app.ui.panels.table_viewer import TableViewer
from app.ui.panels.variables import OPEN_IN_VIEWER, VariableRow, VariablesPanel, opens_as_table
from app.ui.window.main_window import MainWindow
from tests.ui.conftest import idle, until
from tests.ui.test_window import Run, open_window

pytestmark = pytest.mark.slow

FRAME = "import pandas as pd\ndf = pd.DataFrame({'v': range(1000), 'w': ['x'] * 1000})"


def _window(tmp_path: Path) -> MainWindow:
    cells = (
        Cell("a", "python", FRAME),
        Cell("b", "python", "n = 3"),
        Cell("c", "python", "total = int(df.v.sum()) + n"),
    )
    path = tmp_path / "frames.py"
    fileformat.save(Notebook(cells=cells, name="Frames"), path)
    return open_window(path)


async def _ran(window: MainWindow) -> VariablesPanel:
    window.panels.docks["variables"].show()
    panel = window.panels.variables
    window.commands.run_all.trigger()
    await until(window, lambda: len(panel.model_.rows) == 4, timeout=60)
    return panel


def _row(panel: VariablesPanel, name: str) -> QModelIndex:
    return panel.model_.index([r.name for r in panel.model_.rows].index(name), 0)


def _double_click(panel: VariablesPanel, name: str) -> None:
    """A user's double-click: a click, then the second press that makes it a double-click
    (QTest's double-click alone does not reach the view here)."""
    index = _row(panel, name)
    panel.scrollTo(index)
    position = panel.visualRect(index).center()
    for press in (QTest.mouseClick, QTest.mouseDClick):
        press(panel.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, position)


async def _open_df(window: MainWindow, panel: VariablesPanel) -> TableViewer:
    """Double-click df's row; the viewer, once it shows the first frame."""
    _double_click(panel, "df")
    await until(window, lambda: "df" in window.panels.viewers.viewers)
    viewer = window.panels.viewers.viewers["df"]
    await until(window, lambda: _shown(viewer, 1000, "0"))
    return viewer


def _shown(viewer: TableViewer, rows: int, first: str) -> bool:
    output = viewer.output
    return (
        output is not None
        and output.model.rowCount() == rows
        and output.model.data(output.model.index(0, 1)) == first
    )


async def _viewing_df(window: MainWindow) -> tuple[Coordinator, TableViewer]:
    """The notebook run and df open in the viewer."""
    assert window.coordinator is not None
    return window.coordinator, await _open_df(window, await _ran(window))


def test_double_click_opens_the_frame_and_enter_raises_the_same_viewer(
    arun: Run, tmp_path: Path
) -> None:
    window = _window(tmp_path)

    async def body() -> None:
        panel = await _ran(window)
        viewer = await _open_df(window, panel)
        assert viewer.isVisible() and viewer.isWindow()
        assert viewer.windowTitle() == "df — 1,000 rows × 2 columns"
        assert viewer.output is not None
        model = viewer.output.model
        assert model.data(model.index(0, 2)) == "x"
        assert model.headerData(1, Qt.Orientation.Horizontal) == "v\nint64"
        # Scrolling pages rows in from the worker.
        viewer.output.view.scrollToBottom()
        await until(window, lambda: model.data(model.index(999, 1)) == "999")
        # Enter on the same row raises the same window; nothing new is registered.
        panel.setFocus()
        panel.setCurrentIndex(_row(panel, "df"))
        QTest.keyClick(panel, Qt.Key.Key_Return)
        assert list(window.panels.viewers.viewers.values()) == [viewer]
        await idle(window)
        assert viewer.output is not None and viewer.output.model is model

    arun(body())


def test_other_rows_jump_and_the_menu_offers_the_viewer_for_tables(
    arun: Run, tmp_path: Path
) -> None:
    window = _window(tmp_path)

    async def body() -> None:
        assert window.view is not None
        panel = await _ran(window)
        _double_click(panel, "n")
        await until(window, lambda: window.view.selected_id == "b")  # type: ignore[union-attr]
        assert window.panels.viewers.viewers == {}
        menu = panel.context_menu(_row(panel, "n"))
        assert [a.text() for a in menu.actions()] == [OPEN_IN_VIEWER, "Go to defining cell"]
        assert not menu.actions()[0].isEnabled()
        panel.context_menu(_row(panel, "total")).actions()[1].trigger()
        await until(window, lambda: window.view.selected_id == "c")  # type: ignore[union-attr]
        menu = panel.context_menu(_row(panel, "df"))
        assert menu.actions()[0].isEnabled()
        menu.actions()[0].trigger()
        await until(window, lambda: "df" in window.panels.viewers.viewers)

    arun(body())


def test_the_viewer_follows_edits_and_says_when_the_name_is_gone(arun: Run, tmp_path: Path) -> None:
    window = _window(tmp_path)

    async def body() -> None:
        coordinator, viewer = await _viewing_df(window)
        assert viewer.output is not None
        viewer.output.view.verticalScrollBar().setValue(400)
        first_table = viewer.output.info.table_id
        # The defining cell edited to another frame: the same window shows the new one.
        bigger = "import pandas as pd\ndf = pd.DataFrame({'v': range(7, 2007), 'w': ['y'] * 2000})"
        await coordinator.update_cell("a", bigger, run=True)
        await until(window, lambda: _shown(viewer, 2000, "7"), timeout=60)
        assert window.panels.viewers.viewers["df"] is viewer
        assert viewer.windowTitle() == "df — 2,000 rows × 2 columns"
        await until(window, lambda: viewer.output.view.verticalScrollBar().value() == 400)  # type: ignore[union-attr]
        old = await coordinator.fetch_rows(PageRequest(first_table, 0, 5))
        assert old.error is not None  # the first frame is not kept for the viewer
        # Redefined as something that is not a table: said in words.
        await coordinator.update_cell("a", "df = {'a': 1}", run=True)
        await until(window, lambda: viewer.output is None, timeout=60)
        assert viewer.notice.isVisible()
        assert viewer.notice.text().startswith("df is a dict, not a table")
        # The defining cell deleted: no longer defined.
        await coordinator.update_cell("a", FRAME.replace("1000", "5"), run=True)
        await until(window, lambda: _shown(viewer, 5, "0"), timeout=60)
        await coordinator.delete_cell("a")
        await until(window, lambda: viewer.notice.text() == "df is no longer defined.")
        assert viewer.output is None and viewer.notice.isVisible()

    arun(body())


def test_a_restart_is_said_and_closing_releases_the_table(arun: Run, tmp_path: Path) -> None:
    window = _window(tmp_path)

    async def body() -> None:
        coordinator, viewer = await _viewing_df(window)
        await coordinator.restart_kernel()
        await until(window, lambda: viewer.output is None, timeout=60)
        assert viewer.notice.text().startswith("The kernel restarted: df is gone")
        # Run again: the viewer shows the name once more; closing it frees the table.
        window.commands.run_all.trigger()
        await until(window, lambda: _shown(viewer, 1000, "0"), timeout=60)
        assert viewer.output is not None
        table_id = viewer.output.info.table_id
        viewer.close()
        assert window.panels.viewers.viewers == {}
        page = await coordinator.fetch_rows(PageRequest(table_id, 0, 5))
        assert page.error is not None

    arun(body())


def test_closing_the_window_closes_its_viewers(arun: Run, tmp_path: Path) -> None:
    """A viewer left open would keep the application running after its window closed."""
    window = _window(tmp_path)

    async def body() -> None:
        _, viewer = await _viewing_df(window)
        window.ask_unsaved = lambda: "discard"  # type: ignore[method-assign,assignment]
        window.close()
        assert not viewer.isVisible() and window.panels.viewers.viewers == {}

    arun(body())


@pytest.mark.parametrize(
    ("type_name", "summary", "table"),
    [
        ("DataFrame", "3 rows × 1 column", True),
        ("Series", "3 rows, int64", True),
        ("ndarray", "(3, 4) float64", True),
        ("ndarray", "(5,) int64", True),
        ("ndarray", "(2, 2, 2) float64", False),
        ("int", "3", False),
    ],
)
def test_which_rows_open_as_tables(type_name: str, summary: str, table: bool) -> None:
    row = VariableRow("x", type_name, summary, "", "a", "x", "")
    assert opens_as_table(row) is table

"""The completion popup through real keys: Tab after a name completes, Tab elsewhere indents,
Enter/Tab accept, Escape closes, a dot opens it by itself, stale answers are dropped."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.core import fileformat
from app.core.notebook import Cell, Notebook
from app.ui.editor.code_editor import CodeEditor
from app.ui.editor.completion_popup import CompletionPopup
from app.ui.window.main_window import MainWindow
from tests.ui.conftest import idle, until
from tests.ui.test_window import cell, make_file, open_window, replace_text, status

pytestmark = pytest.mark.slow
Run = Callable[[Awaitable[Any]], Any]


def popup_of(window: MainWindow, index: int) -> CompletionPopup:
    popup = cell(window, index).editor.completion
    assert popup is not None
    return popup


async def ran(window: MainWindow) -> None:
    window.commands.run_all.trigger()
    await until(window, lambda: status(window, 0) == "success")
    await idle(window)


def test_tab_after_os_pa_completes_to_os_path(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "import os", "x = 1"))

    async def body() -> None:
        await ran(window)
        editor = cell(window, 1).editor
        replace_text(cell(window, 1), "os.pa")
        popup = popup_of(window, 1)
        QTest.keyClick(editor, Qt.Key.Key_Tab)
        await until(window, lambda: popup.visible)
        rows = popup.completer.completionModel()
        shown = [rows.index(r, 0).data() for r in range(rows.rowCount())]
        assert "path" in shown
        kinds = {rows.index(r, 0).data(): rows.index(r, 1).data() for r in range(rows.rowCount())}
        assert kinds["path"] == "module"
        QTest.keyClick(editor, Qt.Key.Key_T)  # typing on narrows the open popup
        QTest.keyClick(editor, Qt.Key.Key_H)
        await until(window, lambda: popup.current == "path")
        QTest.keyClick(popup.view, Qt.Key.Key_Tab)
        await until(window, lambda: not popup.visible)
        assert editor.code() == "os.path"

    arun(body())


def test_tab_at_line_start_indents_and_asks_nothing(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "x = 1"))

    async def body() -> None:
        editor = cell(window, 0).editor
        replace_text(cell(window, 0), "if x:")
        QTest.keyClick(editor, Qt.Key.Key_Return)  # auto-indent: "    "
        QTest.keyClick(editor, Qt.Key.Key_Tab)
        assert editor.code() == "if x:\n        "
        assert popup_of(window, 0).requests == 0

    arun(body())


def test_a_dataframe_column_completes_inside_df_bracket_with_enter(
    arun: Run, tmp_path: Path
) -> None:
    window = open_window(
        make_file(
            tmp_path, "import pandas as pd\ndf = pd.DataFrame({'revenue': [1], 'cost': [2]})", ""
        )
    )

    async def body() -> None:
        await ran(window)
        editor = cell(window, 1).editor
        replace_text(cell(window, 1), 'df["rev')
        popup = popup_of(window, 1)
        QTest.keyClick(editor, Qt.Key.Key_Tab)
        await until(window, lambda: popup.visible)
        assert popup.current == '"revenue"'
        QTest.keyClick(popup.view, Qt.Key.Key_Return)
        await until(window, lambda: not popup.visible)
        assert editor.code() == 'df["revenue"]'  # the auto-closed quote is not doubled

    arun(body())


def test_a_dot_opens_the_popup_by_itself_and_escape_closes_it(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "import os", ""))

    async def body() -> None:
        await ran(window)
        editor = cell(window, 1).editor
        popup = popup_of(window, 1)
        replace_text(cell(window, 1), "os.")
        await until(window, lambda: popup.visible)
        QTest.keyClicks(editor, "getc")  # typing on filters the open popup
        await until(window, lambda: popup.current.startswith("getc"))
        QTest.keyClick(popup.view, Qt.Key.Key_Escape)
        await until(window, lambda: not popup.visible)
        assert editor.code() == "os.getc"  # Escape changed no text

    arun(body())


@dataclass(frozen=True)
class _Item:
    name: str
    insert: str
    kind: str = "variable"
    detail: str = ""


@dataclass(frozen=True)
class _Answer:
    items: tuple[_Item, ...]


def test_an_answer_that_comes_after_a_newer_request_is_dropped(arun: Run) -> None:
    """Never blocks typing: answers arrive when they arrive, and only the newest is shown."""
    pending: list[asyncio.Future[_Answer]] = []

    async def source(code: str, line: int, column: int) -> _Answer:
        future: asyncio.Future[_Answer] = asyncio.get_running_loop().create_future()
        pending.append(future)
        return await future

    editor = CodeEditor("python")
    editor.set_completion_source(source)
    editor.show()
    editor.activateWindow()
    editor.setFocus()
    popup = editor.completion
    assert popup is not None

    async def body() -> None:
        await _until(lambda: editor.hasFocus())
        QTest.keyClicks(editor, "va")
        QTest.keyClick(editor, Qt.Key.Key_Tab)
        QTest.keyClicks(editor, "l")  # typing goes on while the answer is on its way
        QTest.keyClick(editor, Qt.Key.Key_Tab)
        await _until(lambda: len(pending) == 2)
        pending[0].set_result(_Answer((_Item("va_old", "_old"),)))
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        assert popup.answers == 0 and not popup.visible  # the stale answer is dropped
        pending[1].set_result(_Answer((_Item("value", "ue"), _Item("valid", "id"))))
        await _until(lambda: popup.visible)
        assert popup.answers == 1
        QTest.keyClick(popup.view, Qt.Key.Key_Return)
        assert editor.code() == "value"

    arun(body())
    editor.close()


async def _until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    waited = 0.0
    while not condition():
        await asyncio.sleep(0.01)
        waited += 0.01
        if waited > timeout:
            raise TimeoutError("condition not reached")


def test_a_sql_cell_completes_a_table_of_the_connected_database(arun: Run, tmp_path: Path) -> None:
    path = tmp_path / "notebook.py"
    # The notebook's default database: a SQLite file beside it, with a table in it.
    with sqlite3.connect(path.with_suffix(".sqlite")) as db:
        db.execute("CREATE TABLE customer_accounts (id INTEGER, region TEXT)")
    cells = (Cell("c1", "python", "x = 1"), Cell("q1", "sql", "SELECT 1", name="one"))
    fileformat.save(Notebook(cells=cells, name="Test"), path)
    window = open_window(path)

    async def body() -> None:
        await ran(window)  # the kernel is idle, connected to the notebook's database
        editor = cell(window, 1).editor
        # The offscreen platform may deactivate the window when the SQL cell's table output
        # is made; a real window keeps the keyboard.
        window.activateWindow()
        editor.setFocus()
        await until(window, editor.hasFocus)
        replace_text(cell(window, 1), "SELECT * FROM cust")
        popup = popup_of(window, 1)
        QTest.keyClick(editor, Qt.Key.Key_Tab)
        await until(window, lambda: popup.visible)
        assert popup.current == "customer_accounts"
        rows = popup.completer.completionModel()
        assert rows.index(0, 1).data() == "table"
        QTest.keyClick(popup.view, Qt.Key.Key_Return)
        await until(window, lambda: not popup.visible)
        assert editor.code() == "SELECT * FROM customer_accounts"
        QTest.keyClicks(editor, " WHERE customer_accounts.")  # a dot opens the columns
        await until(window, lambda: popup.visible)
        assert popup.current == "id"
        QTest.keyClicks(editor, "reg")
        await until(window, lambda: popup.current == "region")
        QTest.keyClick(popup.view, Qt.Key.Key_Tab)
        await until(window, lambda: not popup.visible)
        assert editor.code() == "SELECT * FROM customer_accounts WHERE customer_accounts.region"

    arun(body())

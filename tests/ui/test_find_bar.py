"""Find and replace across the notebook through real keys: count, marks in every cell,
F3 / Shift+F3, options, replace one, replace all as one undoable edit that runs once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.ui.window.main_window import MainWindow
from tests.ui.conftest import idle, until
from tests.ui.test_window import cell, make_file, open_window, output_text

pytestmark = pytest.mark.slow
Run = Callable[[Awaitable[Any]], Any]
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier

CODES = ("total = 1\nTotal = 2", "subtotal = total + 1", "print(total)")


def open_find(window: MainWindow, key: Qt.Key = Qt.Key.Key_F) -> None:
    editor = cell(window, 0).editor
    editor.setFocus()
    QTest.keyClick(editor, key, CTRL)


def test_ctrl_f_counts_and_marks_every_match_and_f3_moves(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, *CODES))

    async def body() -> None:
        bar = window.find_bar
        open_find(window)
        await until(window, lambda: bar.isVisible())
        assert not bar.replace_edit.isVisible()  # Ctrl+F: find only
        QTest.keyClicks(bar.find_edit, "total")
        assert bar.count_text() == "1 of 5"
        assert [len(cell(window, i).editor.search_marks()) for i in range(3)] == [2, 2, 1]
        QTest.keyClick(bar.find_edit, Qt.Key.Key_F3)
        assert bar.count_text() == "2 of 5"
        assert cell(window, 0).editor.textCursor().selectedText() == "Total"
        QTest.keyClick(bar.find_edit, Qt.Key.Key_Return)  # Enter: next
        assert bar.count_text() == "3 of 5"
        assert cell(window, 1).editor.textCursor().selectedText() == "total"
        QTest.keyClick(bar.find_edit, Qt.Key.Key_F3, SHIFT)
        assert bar.count_text() == "2 of 5"
        QTest.mouseClick(bar.case_box, Qt.MouseButton.LeftButton)
        assert bar.count_text().endswith("of 4")
        QTest.mouseClick(bar.word_box, Qt.MouseButton.LeftButton)
        assert bar.count_text().endswith("of 3")  # not Total, not subtotal
        QTest.mouseClick(bar.regex_box, Qt.MouseButton.LeftButton)
        bar.find_edit.clear()
        QTest.keyClicks(bar.find_edit, "tot(")
        assert "regular expression" in bar.count_text()
        QTest.keyClick(bar.find_edit, Qt.Key.Key_Escape)
        assert not bar.isVisible()
        assert all(not cell(window, i).editor.search_marks() for i in range(3))

    arun(body())


def test_replace_all_is_one_edit_that_runs_and_undoes_at_once(arun: Run, tmp_path: Path) -> None:
    path = make_file(tmp_path, *CODES)
    window = open_window(path)

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(window, lambda: "1" in output_text(cell(window, 2)))
        await idle(window)
        bar = window.find_bar
        open_find(window, Qt.Key.Key_H)
        await until(window, lambda: bar.replace_edit.isVisible())
        QTest.mouseClick(bar.word_box, Qt.MouseButton.LeftButton)
        QTest.mouseClick(bar.case_box, Qt.MouseButton.LeftButton)
        QTest.keyClicks(bar.find_edit, "total")
        QTest.keyClicks(bar.replace_edit, "amount")
        assert bar.count_text() == "1 of 3"
        QTest.mouseClick(bar.replace_all_button, Qt.MouseButton.LeftButton)
        expected = ("amount = 1\nTotal = 2", "subtotal = amount + 1", "print(amount)")
        await until(window, lambda: tuple(cell(window, i).code() for i in range(3)) == expected)
        await until(window, lambda: bar.count_text() == "No results")
        await idle(window)
        assert window.coordinator is not None
        ran = window.coordinator.states[window.coordinator.notebook.cell_ids[2]]
        assert ran.status == "success" and "1" in output_text(cell(window, 2))  # re-ran
        text = path.read_text()
        assert all(code in text for code in expected)
        assert window.coordinator is not None
        assert window.coordinator.history.next_undo() is not None
        window.commands.undo.trigger()
        await until(window, lambda: tuple(cell(window, i).code() for i in range(3)) == CODES)
        await idle(window)
        assert all(code in path.read_text() for code in CODES)
        await until(window, lambda: bar.count_text() == "1 of 3")

    arun(body())


def test_replace_one_replaces_the_current_match_only(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "x = 1", "y = x + x"))

    async def body() -> None:
        bar = window.find_bar
        open_find(window, Qt.Key.Key_H)
        await until(window, lambda: bar.isVisible())
        QTest.keyClicks(bar.find_edit, "x")
        QTest.keyClicks(bar.replace_edit, "z")
        QTest.keyClick(bar.find_edit, Qt.Key.Key_F3)  # the second match: y = [x] + x
        assert bar.count_text() == "2 of 3"
        QTest.keyClick(bar.replace_edit, Qt.Key.Key_Return)  # Enter in replace: replace one
        await until(window, lambda: cell(window, 1).code() == "y = z + x")
        assert cell(window, 0).code() == "x = 1"
        await until(window, lambda: bar.count_text().endswith("of 2"))

    arun(body())


def test_outputs_are_searched_when_asked_and_never_replaced(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "needle = 1", "print('a needle here')\nprint('x')"))

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(window, lambda: "a needle here" in output_text(cell(window, 1)))
        await idle(window)
        bar = window.find_bar
        open_find(window)
        await until(window, lambda: bar.isVisible())
        QTest.keyClicks(bar.find_edit, "needle")
        assert bar.count_text() == "1 of 2"  # code only: needle = 1, print('a needle here')
        bar.outputs_box.setChecked(True)
        assert bar.count_text() == "1 of 3"  # and the printed line
        QTest.keyClick(bar.find_edit, Qt.Key.Key_F3)
        QTest.keyClick(bar.find_edit, Qt.Key.Key_F3)
        assert bar.count_text() == "3 of 3"
        pieces = cell(window, 1).outputs.findChildren(type(cell(window, 1).editor).__mro__[2])
        marked = [p for p in pieces if p.extraSelections()]
        assert marked and "needle" in marked[0].extraSelections()[0].cursor.selectedText()
        bar._set_replacing(True)
        bar.replace_edit.setText("pin")
        bar.replace_current()  # on an output match: nothing changes, the bar says why
        assert "not replaced" in bar.count_text()
        bar.replace_all()
        assert window.coordinator is not None
        await until(
            window,
            lambda: window.coordinator.notebook.cell_ids and "pin = 1" in cell(window, 0).code(),
        )
        assert "print('a pin here')" in cell(window, 1).code()
        bar.close_bar()
        assert not any(p.extraSelections() for p in pieces if not p.isHidden())

    arun(body())

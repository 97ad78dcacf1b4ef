"""The window as a person uses it: typing, keys and buttons on the real widgets, against the
real worker process (issue: "Automate every step of this list")."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTextBrowser, QWidget

from app.core import fileformat
from app.core.notebook import Cell, Notebook
from app.ui.cells.cell_widget import CellWidget
from app.ui.window.main_window import MainWindow
from tests.ui.conftest import idle, until

pytestmark = pytest.mark.slow
Run = Callable[[Awaitable[Any]], Any]


def output_text(widget: CellWidget) -> str:
    """All text shown in a cell's output area (streams, values, tracebacks)."""
    parts: list[str] = []
    for child in widget.outputs.findChildren(QWidget):
        if not child.isVisibleTo(widget):
            continue
        if isinstance(child, QPlainTextEdit | QTextBrowser):
            parts.append(child.toPlainText())
        elif isinstance(child, QLabel):
            parts.append(child.text())
    return "\n".join(parts)


def make_file(tmp_path: Path, *codes: str) -> Path:
    path = tmp_path / "notebook.py"
    cells = tuple(Cell(f"c{i}", "python", code) for i, code in enumerate(codes, start=1))
    fileformat.save(Notebook(cells=cells, name="Test"), path)
    return path


def open_window(path: Path) -> MainWindow:
    window = MainWindow()
    window.show()
    assert window.open_path(str(path))
    return window


def cell(window: MainWindow, index: int) -> CellWidget:
    assert window.view is not None and window.coordinator is not None
    return window.view.cells[window.coordinator.notebook.cell_ids[index]]


def status(window: MainWindow, index: int) -> str:
    assert window.coordinator is not None
    return window.coordinator.states[window.coordinator.notebook.cell_ids[index]].status


def replace_text(widget: CellWidget, text: str) -> None:
    """Select everything in the cell's editor and type ``text`` over it, as a user would."""
    editor = widget.editor
    editor.setFocus()
    editor.selectAll()
    QTest.keyClick(editor, Qt.Key.Key_Delete)
    for i, line in enumerate(text.split("\n")):
        if i:
            QTest.keyClick(editor, Qt.Key.Key_Return)
            cursor = editor.textCursor()  # auto-indent may have added spaces: type verbatim
            cursor.movePosition(
                QTextCursor.MoveOperation.StartOfBlock, QTextCursor.MoveMode.KeepAnchor
            )
            cursor.removeSelectedText()
        QTest.keyClicks(editor, line)


def shows(widget: CellWidget, text: str) -> Callable[[], bool]:
    return lambda: text in output_text(widget)


def test_1_create_cells_run_and_edit(arun: Run, tmp_path: Path) -> None:
    """Create `x = 5` and `y = x + 1` from the empty notebook, run → 6; edit to 10 → 11."""
    path = tmp_path / "empty.py"
    fileformat.save(Notebook(name="Empty"), path)
    window = open_window(path)

    async def body() -> None:
        assert window.view is not None
        QTest.mouseClick(window.view.empty_buttons["python"], Qt.MouseButton.LeftButton)
        await until(
            window, lambda: window.coordinator is not None and len(window.coordinator.notebook) == 1
        )
        first = cell(window, 0)
        replace_text(first, "x = 5")
        QTest.keyClick(first.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
        await until(window, lambda: len(window.coordinator.notebook) == 2)  # type: ignore[union-attr]
        await idle(window)
        second = cell(window, 1)
        replace_text(second, "y = x + 1\ny")
        QTest.keyClick(second.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        await until(window, shows(second, "6"))
        replace_text(first, "x = 10")
        QTest.keyClick(first.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        await until(window, shows(second, "11"))
        assert status(window, 1) == "success"
        text = path.read_text()
        assert "x = 10" in text and "y = x + 1" in text

    arun(body())


def test_2_debounce_autoruns_and_blur_saves_without_running(arun: Run, tmp_path: Path) -> None:
    path = make_file(tmp_path, "x = 5", "y = x + 1\ny")
    window = open_window(path)

    async def body() -> None:
        first, second = cell(window, 0), cell(window, 1)
        window.commands.run_all.trigger()
        await until(window, shows(second, "6"))
        replace_text(first, "x = 20")
        assert first.countdown.isVisible()  # the countdown before the auto-run
        await until(window, shows(second, "21"))
        await idle(window)
        replace_text(first, "x = 25")
        window.view.setFocus()  # type: ignore[union-attr]  # blur before the debounce ends
        second.outputs.setFocus()
        await until(window, lambda: status(window, 0) == "stale" and status(window, 1) == "stale")
        assert not first.countdown.isVisible()
        assert "x = 25" in path.read_text()
        assert shows(second, "21")()  # the old value stays on screen, marked stale

    arun(body())


def test_3_rename_shows_name_error_then_fix(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "a = 1", "b = a + 1\nb"))

    async def body() -> None:
        window.commands.run_all.trigger()
        second = cell(window, 1)
        await until(window, shows(second, "2"))
        replace_text(cell(window, 0), "c = 1")
        QTest.keyClick(
            cell(window, 0).editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
        await until(window, shows(second, "NameError"))
        assert status(window, 1) == "error"
        replace_text(second, "b = c + 1\nb")
        QTest.keyClick(second.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        await until(window, lambda: status(window, 1) == "success")
        assert "2" in output_text(second) and "NameError" not in output_text(second)

    arun(body())


def test_4_cycle_shows_on_both_cells_then_fix(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "x = 1", "y = x + 1\ny"))

    async def body() -> None:
        first, second = cell(window, 0), cell(window, 1)
        replace_text(first, "x = y + 1")
        QTest.keyClick(first.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        await until(
            window,
            lambda: (
                "cycle" in first.problem_label.text() and "cycle" in second.problem_label.text()
            ),
        )
        assert first.problem_label.isVisible() and second.problem_label.isVisible()
        # The cells are named (by what they define) and link to each other: no "cell 1".
        text = second.problem_label.text()
        assert ">x</a> (x) → " in text and ">y</a> (y)" in text and "cell 1" not in text
        second.problem_label.linkActivated.emit(f"cell:{first.cell_id}")
        await until(window, lambda: first.editor.hasFocus())
        replace_text(first, "x = 3")
        QTest.keyClick(first.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        await until(window, shows(second, "4"))
        assert status(window, 0) == "success" and status(window, 1) == "success"
        assert not first.problem_label.isVisible()

    arun(body())


def test_5_syntax_error_shows_line_and_column_then_runs(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "x = 1"))

    async def body() -> None:
        first = cell(window, 0)
        replace_text(first, "x = 1\ny = (2 +")
        QTest.keyClick(first.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        await until(window, lambda: status(window, 0) == "error")
        assert "line 2" in first.problem_label.text()
        assert "column" in first.problem_label.text()
        assert "^" in output_text(first)  # the run's excerpt with its caret; said once
        assert "never closed" not in output_text(first)
        replace_text(first, "x = 1\ny = (2 + 3)\ny")
        QTest.keyClick(first.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        await until(window, shows(first, "5"))
        assert not first.problem_label.isVisible()

    arun(body())


def test_6_edits_survive_closing_the_window(arun: Run, tmp_path: Path) -> None:
    path = make_file(tmp_path, "a = 1", "b = 2", "c = 3")
    window = open_window(path)

    async def body() -> None:
        replace_text(cell(window, 0), "a = 10")
        replace_text(cell(window, 2), "c = 30")
        assert window.windowTitle().startswith("Test •")  # modified marker while edits pend
        window.close()
        reopened = open_window(path)
        codes = [cell(reopened, i).code() for i in range(3)]
        assert codes == ["a = 10", "b = 2", "c = 30"]
        reopened.close()

    arun(body())


def test_7_interrupt_from_toolbar_then_restart(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "x = 1", "while True: pass"))

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(window, lambda: status(window, 1) == "running")
        assert window.commands.interrupt.isEnabled()
        window.commands.interrupt.trigger()
        await until(window, lambda: status(window, 1) == "interrupted")
        assert "KeyboardInterrupt" in output_text(cell(window, 1))
        await idle(window)
        window.confirm = lambda title, text: True  # type: ignore[method-assign]
        window.commands.restart.trigger()
        await until(window, lambda: status(window, 0) == "stale" and status(window, 1) == "stale")
        await until(
            window,
            lambda: window.coordinator is not None and window.coordinator.kernel_status == "idle",
        )
        assert "idle" in window.kernel_label.text()

    arun(body())


def test_open_same_notebook_twice_focuses_the_first_window(arun: Run, tmp_path: Path) -> None:
    path = make_file(tmp_path, "x = 1")
    window = open_window(path)
    other = MainWindow()
    assert other.open_path(str(path))
    assert other.coordinator is None  # nothing opened a second time
    assert MainWindow.open_windows[path.resolve()] is window
    other.close()


def test_unparseable_file_shows_the_line_and_opens_nothing(arun: Run, tmp_path: Path) -> None:
    path = tmp_path / "broken.py"
    path.write_text("# /// script\n# [tool.cascade\n# ///\n")
    window = MainWindow()
    assert not window.open_path(str(path))
    assert "line" in window.last_error
    assert window.coordinator is None
    assert path.read_text() == "# /// script\n# [tool.cascade\n# ///\n"
    window.close()


def test_title_status_bar_and_shortcuts_dialog(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "x = 1"))

    async def body() -> None:
        assert window.windowTitle() == "Test — Cascade"
        await until(window, lambda: "idle" in window.kernel_label.text())
        assert "Python 3." in window.kernel_label.text()
        QTest.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
        dialog = window._dialog
        assert dialog.isVisible() and dialog.table.rowCount() > 40
        rows = dialog.visible_rows
        # The palette's list: window commands, command mode and the editor's own keys.
        assert ("Ctrl+Shift+R", "Run all") in rows
        assert ("Ctrl+Shift+P", "Command palette") in rows
        assert ("D, D (command mode)", "Delete the selected cells") in rows
        assert (
            "F12 / Ctrl+click",
            "Go to definition: the defining cell, or the library's source",
        ) in rows
        assert len({name for _keys, name in rows}) == len(rows)  # nothing listed twice
        QTest.keyClicks(dialog.filter_edit, "restart")
        assert [name for _k, name in dialog.visible_rows] == ["Restart kernel"]
        QTest.keyClicks(dialog.filter_edit, " zzz")
        assert dialog.visible_rows == []
        dialog.filter_edit.clear()
        assert len(dialog.visible_rows) == len(rows)
        # Fits its window: every column wide enough for its longest text.
        columns = sum(dialog.table.columnWidth(c) for c in range(2))
        assert columns <= dialog.table.viewport().width() + 2
        dialog.close()

    arun(body())


def test_footer_links_reveal_the_defining_cell(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "x = 1", "y = x"))

    async def body() -> None:
        second = cell(window, 1)
        assert second.chip_names == (["y"], ["x"])  # "defines y · reads x" chips
        assert 'href="x"' in second.footer.text()
        second.footer.linkActivated.emit("x")
        await until(window, lambda: cell(window, 0).editor.hasFocus())

    arun(body())


def test_export_html_from_the_window(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "print('exported!')"))

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(window, lambda: status(window, 0) == "success")
        out = tmp_path / "page.html"
        window.export_html_to(str(out))
        text = out.read_text()
        assert "exported!" in text and ">print<" in text
        assert "http://" not in text and "https://" not in text

    arun(body())


def test_the_mode_switch_follows_the_notebook_whoever_changes_it(arun: Run, tmp_path: Path) -> None:
    """One source of truth: the coordinator's mode, told by ModeChanged to the toolbar switch
    and every cell (a mode set elsewhere — a script, a future palette — is shown too)."""
    window = open_window(make_file(tmp_path, "x = 1"))
    assert window.coordinator is not None
    switch = window.commands.autorun
    assert switch.isChecked() and window.coordinator.mode == "autorun"

    async def body() -> None:
        await window.coordinator.set_mode("lazy")  # type: ignore[union-attr]
        await idle(window)
        assert not switch.isChecked()
        assert not cell(window, 0)._autorun
        switch.trigger()  # the user flips it back
        await until(window, lambda: window.coordinator.mode == "autorun")  # type: ignore[union-attr]
        await idle(window)
        assert switch.isChecked() and cell(window, 0)._autorun

    arun(body())

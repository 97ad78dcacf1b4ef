"""Messages a cell shows are said once and in words a label renders (no Markdown marks)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTextBrowser, QWidget
from pytestqt.qtbot import QtBot

from app.core.convert.quickfix import QuickFix
from app.core.problems import MissingNames, MultipleDefinition, describe
from app.ui.cells.cell_widget import CellWidget
from app.ui.dialogs.quick_fix_dialog import QuickFixDialog
from tests.ui.conftest import until
from tests.ui.test_window import Run, cell, make_file, open_window, replace_text, status

pytestmark = pytest.mark.slow


def _visible_text(widget: CellWidget) -> str:
    """Everything the card shows: problem lines, outputs, the error's header and traceback."""
    parts: list[str] = []
    for child in widget.findChildren(QWidget):
        if not child.isVisibleTo(widget) or child is widget.editor:
            continue
        if isinstance(child, QPlainTextEdit | QTextBrowser) and child.parent() is not widget:
            parts.append(child.toPlainText())
        elif isinstance(child, QLabel):
            parts.append(child.text())
    return "\n".join(parts)


def test_a_syntax_error_is_said_once(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "x = 1"))

    async def body() -> None:
        first = cell(window, 0)
        replace_text(first, "x = 1\ny = 2 +")
        QTest.keyClick(first.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        await until(window, lambda: status(window, 0) == "error")
        assert window.coordinator is not None
        error = window.coordinator.states[first.cell_id].error
        assert error is not None and error.ename == "SyntaxError"
        text = _visible_text(first)
        assert text.count(error.evalue) == 1, text
        assert "SyntaxError" not in text
        assert "line 2, column" in first.problem_label.text()
        assert "y = 2 +" in text and "^" in text  # the excerpt with its caret stays

    arun(body())


def test_a_runtime_error_names_itself_once(arun: Run, tmp_path: Path) -> None:
    """Other errors keep their header; the traceback's last line does not repeat it."""
    window = open_window(make_file(tmp_path, "raise ValueError('bad thing')"))

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(window, lambda: status(window, 0) == "error")
        text = _visible_text(cell(window, 0))
        assert text.count("ValueError: bad thing") == 1, text
        assert "Traceback (most recent call last)" in text

    arun(body())


def test_messages_carry_no_markdown_backticks() -> None:
    """Plain-text words quote names as Python does; HTML words use <code>."""
    plain = describe(MultipleDefinition("df", ("a", "b")), str)
    assert plain == "'df' is defined by more than one cell: a, b"
    assert "`" not in describe(MissingNames(("city",)), str)


def test_the_quick_fix_dialog_shows_names_as_code(qtbot: QtBot) -> None:
    fix = QuickFix("df", "df_2", "Rename to df_2", changes=(), readers=(), diff="")
    dialog = QuickFixDialog(fix)
    qtbot.addWidget(dialog)
    text = dialog.title_label.text()
    assert "`" not in text and "<code>df</code>" in text and "<code>df_2</code>" in text

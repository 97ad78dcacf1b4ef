"""Signature help after ( and , with the parameter in bold; docs on Shift+Tab; F12 jumps to
the cell that defines a name — through real keys, against the real worker."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.ui.editor.signature_help import SignatureHelp, signature_html
from tests.ui.conftest import idle, until
from tests.ui.test_window import cell, make_file, open_window, replace_text, status

pytestmark = pytest.mark.slow
Run = Callable[[Awaitable[Any]], Any]

HELPER = "import os\ndef scaled(value, factor=2):\n    '''Twice the value, by default.'''\n    return value * factor"


def test_signature_html_bolds_the_parameter_being_typed() -> None:
    assert signature_html("join(a, *p)", ("a", "p"), 1) == "join(a, <b>*p</b>)"
    assert signature_html("f(x=1, y: int = 2)", ("x", "y"), 1) == "f(x=1, <b>y: int = 2</b>)"
    assert signature_html("f(x)", ("x",), -1) == "f(x)"


def help_of(window: Any, index: int) -> SignatureHelp:
    helper = cell(window, index).editor.signature_help
    assert helper is not None
    return helper


def test_signature_after_paren_and_comma_then_docs_on_shift_tab(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, HELPER, "x = 1"))

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(window, lambda: status(window, 0) == "success")
        await idle(window)
        editor = cell(window, 1).editor
        helper = help_of(window, 1)
        # The tip answers only while the editor has the keyboard: make sure it can have it (a
        # window left active by an earlier test would keep the focus otherwise).
        window.activateWindow()
        editor.setFocus()
        await until(window, editor.hasFocus)
        replace_text(cell(window, 1), "os.path.join(")
        await until(window, lambda: helper.visible)
        assert "join(" in helper.text() and "<b>a</b>" in helper.text()
        QTest.keyClicks(editor, '"a", ')
        await until(window, lambda: "<b>*p</b>" in helper.text())
        QTest.keyClick(editor, Qt.Key.Key_Escape)  # closes the tip, stays in the editor
        assert not helper.visible and editor.hasFocus()
        replace_text(cell(window, 1), "scaled")
        QTest.keyClick(editor, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
        await until(window, lambda: helper.visible and "Twice the value" in helper.text())
        assert "scaled(value, factor=2)" in helper.text()
        assert editor.code() == "scaled"  # Shift+Tab after a name does not dedent

    arun(body())


def test_f12_on_a_notebook_name_jumps_to_its_defining_cell(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "total = 1", "y = 2", "print(total)"))

    async def body() -> None:
        editor = cell(window, 2).editor
        editor.setFocus()
        await until(window, editor.hasFocus)
        cursor = editor.textCursor()
        cursor.setPosition(len("print(to"))
        editor.setTextCursor(cursor)
        QTest.keyClick(editor, Qt.Key.Key_F12)
        await until(window, cell(window, 0).editor.hasFocus)

    arun(body())


def point_at(editor: Any, text: str, index: int) -> Any:
    """The viewport position of character ``index`` of ``text`` in the editor (one line)."""
    cursor = editor.textCursor()
    cursor.setPosition(index)
    rect = editor.cursorRect(cursor)
    return rect.center()


def test_resting_the_pointer_on_a_name_shows_its_docs(arun: Run, tmp_path: Path) -> None:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication

    window = open_window(make_file(tmp_path, HELPER, "y = scaled(1)"))

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(window, lambda: status(window, 1) == "success")
        await idle(window)
        editor = cell(window, 1).editor
        assert editor.hover is not None
        pos = point_at(editor, "y = scaled(1)", len("y = sca"))
        event = QHelpEvent(QEvent.Type.ToolTip, pos, editor.viewport().mapToGlobal(pos))
        QApplication.sendEvent(editor.viewport(), event)
        await until(window, lambda: "Twice the value" in editor.hover.shown)
        assert "scaled(value, factor=2)" in editor.hover.shown
        # Over blank space: nothing is asked, any tip goes.
        blank = point_at(editor, "y = scaled(1)", len("y "))
        QApplication.sendEvent(
            editor.viewport(),
            QHelpEvent(QEvent.Type.ToolTip, blank, editor.viewport().mapToGlobal(blank)),
        )

    arun(body())


def test_ctrl_click_on_a_library_name_opens_its_source_read_only(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "import os", "p = os.path.join('a', 'b')"))

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(window, lambda: status(window, 1) == "success")
        await idle(window)
        editor = cell(window, 1).editor
        pos = point_at(editor, "", len("p = os.path.jo"))
        QTest.mouseClick(
            editor.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, pos
        )
        view = window.view
        assert view is not None
        await until(window, lambda: view.source_view is not None)
        source = view.source_view
        assert source is not None and source.text.isReadOnly()
        assert "posixpath" in source.windowTitle()
        line = source.text.document().findBlockByNumber(source.current_line - 1).text()
        assert line.startswith("def join(")
        source.close()
        window.activateWindow()
        # Ctrl+click on a notebook name jumps to the cell that defines it.
        replace_text(cell(window, 1), "q = os")
        QTest.mouseClick(
            editor.viewport(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.ControlModifier,
            point_at(editor, "", len("q = o")),
        )
        await until(window, cell(window, 0).editor.hasFocus)

    arun(body())

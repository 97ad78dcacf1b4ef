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

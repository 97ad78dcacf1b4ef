"""The code editor's typing through real key events: auto-closing brackets and quotes, the
dedent after a block-ending statement, Ctrl+wheel zoom and word wrap on every editor."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.ui import settings
from app.ui.editor import code_editor
from app.ui.editor.code_editor import CodeEditor
from app.ui.editor.preferences import editor_preferences
from tests.ui.test_code_editor import make_editor, place, to_end

Key = Qt.Key
Mod = Qt.KeyboardModifier


def typed(editor: CodeEditor, text: str) -> str:
    """Type ``text`` key by key; the code with ``|`` where the cursor ends up."""
    QTest.keyClicks(editor, text)
    return shown(editor)


def shown(editor: CodeEditor) -> str:
    code, at = editor.code(), editor.textCursor().position()
    return code[:at] + "|" + code[at:]


# -- auto-closing pairs -----------------------------------------------------------------------
def test_brackets_close_and_the_closer_is_typed_over(qtbot: QtBot) -> None:
    editor = make_editor(qtbot)
    assert typed(editor, "print(") == "print(|)"
    assert typed(editor, "[1, {") == "print([1, {|}])"
    assert typed(editor, "2}]") == "print([1, {2}]|)"
    assert typed(editor, ")") == "print([1, {2}])|"
    assert typed(editor, ")") == "print([1, {2}]))|"  # nothing to type over: inserted


def test_a_bracket_before_a_word_does_not_close(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "x")
    place(editor, 0)
    assert typed(editor, "(") == "(|x"


def test_quotes_close_and_are_typed_over(qtbot: QtBot) -> None:
    editor = make_editor(qtbot)
    assert typed(editor, 'x = "') == 'x = "|"'
    assert typed(editor, "it's") == 'x = "it\'s|"'  # no pair inside a string
    assert typed(editor, '"') == 'x = "it\'s"|'


def test_no_quote_pair_after_a_word_or_in_a_comment_but_after_a_prefix(qtbot: QtBot) -> None:
    editor = make_editor(qtbot)
    assert typed(editor, "# don't") == "# don't|"
    editor.set_code("")
    assert typed(editor, "name = f'") == "name = f'|'"
    editor.set_code("")
    assert typed(editor, 'x = 1  # say "') == 'x = 1  # say "|'


def test_three_quotes_open_and_close_a_triple_quoted_string(qtbot: QtBot) -> None:
    editor = make_editor(qtbot)
    assert typed(editor, '"""') == '"""|"""'
    assert typed(editor, "doc") == '"""doc|"""'
    assert typed(editor, '"""') == '"""doc"""|'


def test_backspace_between_an_empty_pair_deletes_both(qtbot: QtBot) -> None:
    editor = make_editor(qtbot)
    typed(editor, "f(")
    qtbot.keyClick(editor, Key.Key_Backspace)
    assert shown(editor) == "f|"
    typed(editor, "('a")
    qtbot.keyClick(editor, Key.Key_Backspace)  # not an empty pair: one character
    assert shown(editor) == "f('|')"
    qtbot.keyClick(editor, Key.Key_Backspace)
    assert shown(editor) == "f(|)"


def test_an_opening_character_wraps_the_selection(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "total = a + b")
    place(editor, len("total = a + b"), len("total = "))
    typed(editor, "(")
    assert editor.code() == "total = (a + b)"
    assert editor.textCursor().selectedText() == "a + b"  # still selected: wrap again
    typed(editor, "[")
    assert editor.code() == "total = ([a + b])"
    qtbot.keyClick(editor, Key.Key_Z, Mod.ControlModifier)
    assert editor.code() == "total = (a + b)"  # each wrap is one undo step


def test_an_auto_closed_pair_is_one_undo_step(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "x = ")
    to_end(editor)
    typed(editor, "[")
    qtbot.keyClick(editor, Key.Key_Z, Mod.ControlModifier)
    assert editor.code() == "x = "


def test_sql_braces_close_for_placeholders(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, language="sql")
    assert typed(editor, "select * from t where id = {") == "select * from t where id = {|}"
    assert typed(editor, "key}") == "select * from t where id = {key}|"
    editor.set_code("")
    assert typed(editor, "where name = '") == "where name = '|'"
    assert typed(editor, "it''") == "where name = 'it''|"  # '' is a quote inside the string
    assert typed(editor, "s'") == "where name = 'it''s'|"


def test_markdown_never_auto_closes(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, language="markdown")
    assert typed(editor, 'A "quote" (and [link]') == 'A "quote" (and [link]|'
    place(editor, len("A "), 0)
    typed(editor, "(")
    assert editor.code() == '("quote" (and [link]'  # typing replaces the selection


# -- dedent ------------------------------------------------------------------------------------
def test_enter_after_return_pass_raise_break_continue_dedents(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "def f(x):\n    for a in x:\n        if a:\n            continue")
    to_end(editor)
    qtbot.keyClick(editor, Key.Key_Return)
    assert editor.code().endswith("continue\n        ")
    typed(editor, "return a")
    qtbot.keyClick(editor, Key.Key_Return)
    assert editor.code().endswith("        return a\n    ")
    typed(editor, "x = (")
    qtbot.keyClick(editor, Key.Key_Return)  # Enter inside the pair: the ) moves down
    assert shown(editor).endswith("    x = (\n        |\n    )")
    qtbot.keyClick(editor, Key.Key_Z, Mod.ControlModifier)  # one undo step
    assert shown(editor).endswith("    x = (|)")


def test_enter_between_a_pair_in_markdown_is_a_plain_newline(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "a ()", language="markdown")
    place(editor, 3)
    qtbot.keyClick(editor, Key.Key_Return)
    assert shown(editor) == "a (\n|)"


# -- zoom --------------------------------------------------------------------------------------
def ctrl_wheel(editor: CodeEditor, delta: int) -> None:
    center = QPointF(editor.viewport().rect().center())
    event = QWheelEvent(
        center,
        QPointF(editor.viewport().mapToGlobal(center.toPoint())),
        QPoint(0, 0),
        QPoint(0, delta),
        Qt.MouseButton.NoButton,
        Mod.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(editor.viewport(), event)


def test_ctrl_wheel_zooms_every_editor_and_is_remembered(qtbot: QtBot) -> None:
    first = make_editor(qtbot, "x = 1")
    second = make_editor(qtbot, "y = 2\nz = 3")
    normal = first.font().pointSizeF()
    short = second.sizeHint().height()
    ctrl_wheel(first, 120)
    assert first.font().pointSizeF() == normal + 1
    assert second.font().pointSizeF() == normal + 1
    assert second.sizeHint().height() > short  # the height follows the font
    ctrl_wheel(first, -60)  # half a notch (a touchpad): nothing yet
    assert first.font().pointSizeF() == normal + 1
    ctrl_wheel(first, -60)
    ctrl_wheel(first, -120)
    assert second.font().pointSizeF() == normal - 1
    assert settings.code_zoom() == -1  # a restart reads it back
    assert CodeEditor().font().pointSizeF() == normal - 1
    editor_preferences().reset_zoom()
    assert first.font().pointSizeF() == normal


def test_zoom_stops_at_the_smallest_size(qtbot: QtBot) -> None:
    editor = make_editor(qtbot)
    for _ in range(60):
        ctrl_wheel(editor, -120)
    assert editor.font().pointSizeF() == 6


# -- word wrap ---------------------------------------------------------------------------------
def fits(qtbot: QtBot, editor: CodeEditor) -> None:
    """Once laid out at its preferred height, every (wrapped) line shows: nothing scrolls."""
    qtbot.waitUntil(lambda: editor.height() == editor.sizeHint().height())
    assert editor.verticalScrollBar().maximum() == 0
    assert editor.firstVisibleBlock().blockNumber() == 0


def test_word_wrap_grows_the_editor_with_wrapped_lines(qtbot: QtBot) -> None:
    long_line = "values = [" + ", ".join(str(n) for n in range(200)) + "]"
    editor = make_editor(qtbot, "x = 1\n" + long_line)
    one_line_each = editor.sizeHint().height()
    assert editor.horizontalScrollBar().maximum() > 0
    editor_preferences().set_word_wrap(True)
    assert editor.word_wrap() and settings.word_wrap()
    wrapped = editor.sizeHint().height()
    assert wrapped > one_line_each * 2
    assert editor.horizontalScrollBar().maximum() == 0
    fits(qtbot, editor)
    to_end(editor)
    typed(editor, " + [0]" * 40)  # more wrapped lines, no new block
    assert editor.sizeHint().height() > wrapped
    fits(qtbot, editor)
    narrow = editor.sizeHint().height()
    editor.window().resize(editor.window().width() + 300, editor.window().height())
    qtbot.waitUntil(lambda: editor.sizeHint().height() < narrow)  # wider: fewer lines
    editor_preferences().set_word_wrap(False)
    assert not editor.word_wrap()
    assert editor.sizeHint().height() < narrow


def test_wrapped_lines_count_towards_the_growth_cap(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(code_editor, "MAX_VISIBLE_LINES", 30)
    editor_preferences().set_word_wrap(True)
    long_line = "x = '" + "words to wrap " * 40 + "'"
    editor = make_editor(qtbot, "\n".join([long_line] * 10))
    assert editor.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded
    assert editor.verticalScrollBar().maximum() > 0  # past the cap it scrolls inside
    lines = editor.sizeHint().height() / editor.fontMetrics().lineSpacing()
    assert 29 <= lines <= 31

"""CodeEditor driven with real key events: signals, editing keys, growth, gutter, brackets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QFontMetricsF, QKeySequence, QPalette, QTextCursor
from PySide6.QtWidgets import QApplication, QLineEdit, QScrollArea, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.ui.editor.code_editor import (
    MAX_VISIBLE_LINES,
    CodeEditor,
    LineEdit,
    comment_edits,
    dedent_edits,
    indent_edits,
    newline_indent,
)

Key = Qt.Key
Mod = Qt.KeyboardModifier


class Window(QScrollArea):
    """The editor in a scrolling column, as in the notebook, next to a widget to focus."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        column = QWidget()
        layout = QVBoxLayout(column)
        self.editor = CodeEditor(language)
        self.other = QLineEdit()
        layout.addWidget(self.editor)
        layout.addWidget(self.other)
        layout.addStretch(1)
        self.setWidget(column)
        self.resize(500, 600)


_windows: list[Window] = []


@pytest.fixture(autouse=True)
def _keep_windows_alive() -> Iterator[None]:
    """Hold each test's windows so Python does not delete them while the test runs."""
    yield
    _windows.clear()


def make_editor(qtbot: QtBot, code: str = "", language: str = "python") -> CodeEditor:
    window = Window(language)
    _windows.append(window)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitActive(window)
    editor = window.editor
    editor.set_code(code)
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    return editor


def place(editor: CodeEditor, position: int, anchor: int | None = None) -> None:
    """Put the cursor at `position`, selecting from `anchor` if given."""
    cursor = editor.textCursor()
    cursor.setPosition(position if anchor is None else anchor)
    if anchor is not None:
        cursor.setPosition(position, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)


def to_end(editor: CodeEditor) -> None:
    place(editor, len(editor.code()))


# -- edited and set_code --------------------------------------------------------------------
def test_typing_emits_edited_without_copying_the_text(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "x = 1")
    to_end(editor)
    seen: list[str] = []
    editor.edited.connect(lambda: seen.append(editor.code()))
    qtbot.keyClicks(editor, "23")
    assert seen == ["x = 12", "x = 123"]
    with qtbot.waitSignal(editor.edited) as blocker:
        qtbot.keyClick(editor, Key.Key_Backspace)
    assert blocker.args == []
    assert editor.code() == "x = 12"


def test_set_code_replaces_the_text_without_edited(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "old")
    qtbot.keyClicks(editor, "typed ")
    with qtbot.assertNotEmitted(editor.edited):
        editor.set_code("a = 1\nb = 2")
    assert editor.code() == "a = 1\nb = 2"
    # Ctrl+Z must not bring back text the program replaced.
    assert not editor.document().isUndoAvailable()


def test_set_code_with_the_same_text_keeps_cursor_and_undo(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "abc")
    place(editor, 1)
    qtbot.keyClicks(editor, "x")
    editor.set_code("axbc")
    assert editor.textCursor().position() == 2
    assert editor.document().isUndoAvailable()


def test_undo_is_a_user_edit(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "a")
    to_end(editor)
    qtbot.keyClick(editor, Key.Key_B)
    with qtbot.waitSignal(editor.edited):
        qtbot.keyClick(editor, Key.Key_Z, Mod.ControlModifier)
    assert editor.code() == "a"


# -- intents --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("key", "modifier", "how"),
    [
        (Key.Key_Return, Mod.ShiftModifier, "advance"),
        (Key.Key_Return, Mod.ControlModifier, "stay"),
        (Key.Key_Return, Mod.AltModifier, "insert"),
        (Key.Key_Enter, Mod.ShiftModifier | Mod.KeypadModifier, "advance"),
        (Key.Key_Enter, Mod.ControlModifier | Mod.KeypadModifier, "stay"),
    ],
)
def test_run_keys_request_a_run_and_leave_the_text_alone(
    qtbot: QtBot, key: Key, modifier: Mod, how: str
) -> None:
    editor = make_editor(qtbot, "x = 1\ny = 2")
    place(editor, 3)
    with (
        qtbot.waitSignal(editor.run_requested) as blocker,
        qtbot.assertNotEmitted(editor.edited),
    ):
        qtbot.keyClick(editor, key, modifier)
    assert blocker.args == [how]
    assert editor.code() == "x = 1\ny = 2"
    assert editor.textCursor().position() == 3


def test_run_key_wins_over_a_window_shortcut(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "x")
    window = editor.window()
    action = QAction(window)
    action.setShortcut(QKeySequence("Ctrl+Return"))
    window.addAction(action)
    with (
        qtbot.waitSignal(editor.run_requested) as blocker,
        qtbot.assertNotEmitted(action.triggered),
    ):
        qtbot.keyClick(editor, Key.Key_Return, Mod.ControlModifier)
    assert blocker.args == ["stay"]


@pytest.mark.parametrize(("key", "step"), [(Key.Key_Up, -1), (Key.Key_Down, 1)])
def test_ctrl_shift_arrows_request_navigation(qtbot: QtBot, key: Key, step: int) -> None:
    editor = make_editor(qtbot, "a\nb\nc")
    place(editor, 2)
    with (
        qtbot.waitSignal(editor.navigate_requested) as blocker,
        qtbot.assertNotEmitted(editor.move_requested),
    ):
        qtbot.keyClick(editor, key, Mod.ControlModifier | Mod.ShiftModifier)
    assert blocker.args == [step]
    assert editor.textCursor().position() == 2
    assert not editor.textCursor().hasSelection()


@pytest.mark.parametrize(("key", "step"), [(Key.Key_Up, -1), (Key.Key_Down, 1)])
def test_ctrl_shift_alt_arrows_request_a_move(qtbot: QtBot, key: Key, step: int) -> None:
    editor = make_editor(qtbot, "a\nb\nc")
    place(editor, 2)
    with (
        qtbot.waitSignal(editor.move_requested) as blocker,
        qtbot.assertNotEmitted(editor.navigate_requested),
    ):
        qtbot.keyClick(editor, key, Mod.ControlModifier | Mod.ShiftModifier | Mod.AltModifier)
    assert blocker.args == [step]
    assert editor.code() == "a\nb\nc"


def test_plain_arrows_still_move_the_cursor(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "a\nb")
    place(editor, 0)
    with qtbot.assertNotEmitted(editor.navigate_requested):
        qtbot.keyClick(editor, Key.Key_Down)
    assert editor.textCursor().blockNumber() == 1


# -- focus ----------------------------------------------------------------------------------
def test_focus_left_when_another_widget_takes_focus(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "x")
    other = editor.window().findChild(QLineEdit)
    assert other is not None
    with qtbot.waitSignal(editor.focus_left):
        other.setFocus()
    assert other.hasFocus()


def test_escape_leaves_the_editor(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "x")
    with qtbot.waitSignal(editor.focus_left):
        qtbot.keyClick(editor, Key.Key_Escape)
    assert not editor.hasFocus()
    assert editor.code() == "x"


# -- auto-indent, Tab, Shift+Tab ------------------------------------------------------------
def test_enter_after_a_colon_indents_and_then_keeps_the_indent(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "if x:")
    to_end(editor)
    qtbot.keyClick(editor, Key.Key_Return)
    assert editor.code() == "if x:\n    "
    qtbot.keyClicks(editor, "y = 1")
    qtbot.keyClick(editor, Key.Key_Return)
    assert editor.code() == "if x:\n    y = 1\n    "
    assert editor.textCursor().positionInBlock() == 4


def test_enter_in_sql_keeps_indent_but_ignores_colons(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "  SELECT :a", language="sql")
    to_end(editor)
    qtbot.keyClick(editor, Key.Key_Return)
    assert editor.code() == "  SELECT :a\n  "


def test_tab_inserts_four_spaces_at_the_cursor(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "ab")
    place(editor, 1)
    qtbot.keyClick(editor, Key.Key_Tab)
    assert editor.code() == "a    b"
    assert editor.textCursor().position() == 5
    assert editor.hasFocus()


def test_tab_and_shift_tab_on_a_multi_line_selection(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "a\n  b\nc\nd")
    # From "a" to the start of "c": the line the selection ends at column 0 of is left alone.
    place(editor, 6, anchor=0)
    with qtbot.waitSignal(editor.edited):
        qtbot.keyClick(editor, Key.Key_Tab)
    assert editor.code() == "    a\n      b\nc\nd"
    assert editor.textCursor().hasSelection()

    qtbot.keyClick(editor, Key.Key_Backtab, Mod.ShiftModifier)
    assert editor.code() == "a\n  b\nc\nd"
    qtbot.keyClick(editor, Key.Key_Backtab, Mod.ShiftModifier)
    assert editor.code() == "a\nb\nc\nd"
    # One undo step per key.
    qtbot.keyClick(editor, Key.Key_Z, Mod.ControlModifier)
    assert editor.code() == "a\n  b\nc\nd"


def test_shift_tab_without_selection_dedents_the_current_line(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "x\n      y")
    place(editor, 9)
    qtbot.keyClick(editor, Key.Key_Backtab, Mod.ShiftModifier)
    assert editor.code() == "x\n  y"
    assert editor.textCursor().positionInBlock() == 3


# -- comments -------------------------------------------------------------------------------
def test_ctrl_slash_comments_and_uncomments_python(qtbot: QtBot) -> None:
    code = "if x:\n    y = 1\n\n    z = 2"
    editor = make_editor(qtbot, code)
    place(editor, len(code), anchor=0)
    qtbot.keyClick(editor, Key.Key_Slash, Mod.ControlModifier)
    assert editor.code() == "# if x:\n#     y = 1\n\n#     z = 2"
    qtbot.keyClick(editor, Key.Key_Slash, Mod.ControlModifier)
    assert editor.code() == code


def test_ctrl_slash_comments_at_the_smallest_indent(qtbot: QtBot) -> None:
    code = "if x:\n    y = 1\n        z = 2"
    editor = make_editor(qtbot, code)
    place(editor, len(code), anchor=8)
    qtbot.keyClick(editor, Key.Key_Slash, Mod.ControlModifier)
    assert editor.code() == "if x:\n    # y = 1\n    #     z = 2"


def test_ctrl_slash_on_one_line_keeps_the_cursor_on_its_text(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "a = 1\nb = 2")
    place(editor, 8)  # after "b ="
    qtbot.keyClick(editor, Key.Key_Slash, Mod.ControlModifier)
    assert editor.code() == "a = 1\n# b = 2"
    assert editor.textCursor().positionInBlock() == 4
    qtbot.keyClick(editor, Key.Key_Slash, Mod.ControlModifier)
    assert editor.code() == "a = 1\nb = 2"
    assert editor.textCursor().positionInBlock() == 2


def test_ctrl_slash_with_some_lines_commented_comments_all(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "# a\nb")
    place(editor, 5, anchor=0)
    qtbot.keyClick(editor, Key.Key_Slash, Mod.ControlModifier)
    assert editor.code() == "# # a\n# b"


def test_ctrl_slash_in_sql_uses_dashes(qtbot: QtBot) -> None:
    code = "SELECT a\nFROM t"
    editor = make_editor(qtbot, code, language="sql")
    place(editor, len(code), anchor=0)
    qtbot.keyClick(editor, Key.Key_Slash, Mod.ControlModifier)
    assert editor.code() == "-- SELECT a\n-- FROM t"
    qtbot.keyClick(editor, Key.Key_Slash, Mod.ControlModifier)
    assert editor.code() == code


def test_ctrl_slash_in_markdown_does_nothing(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "# Title", language="markdown")
    with qtbot.assertNotEmitted(editor.edited):
        qtbot.keyClick(editor, Key.Key_Slash, Mod.ControlModifier)
    assert editor.code() == "# Title"


def test_set_language_changes_the_comment_prefix(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "x")
    editor.set_language("sql")
    assert editor.language() == "sql"
    assert editor.highlighter().language() == "sql"
    qtbot.keyClick(editor, Key.Key_Slash, Mod.ControlModifier)
    assert editor.code() == "-- x"
    with pytest.raises(ValueError, match="unknown language"):
        editor.set_language("rust")


# -- pure line edits ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["a", "  b"], [LineEdit(0, 0, 0, "# "), LineEdit(1, 0, 0, "# ")]),
        (["  a", "", "    b"], [LineEdit(0, 2, 0, "# "), LineEdit(2, 2, 0, "# ")]),
        (["# a", "  # b"], [LineEdit(0, 0, 2, ""), LineEdit(1, 2, 2, "")]),
        (["#a", "#  b"], [LineEdit(0, 0, 1, ""), LineEdit(1, 0, 2, "")]),
        (["# a", "b"], [LineEdit(0, 0, 0, "# "), LineEdit(1, 0, 0, "# ")]),
        (["  "], [LineEdit(0, 2, 0, "# ")]),
    ],
)
def test_comment_edits(lines: list[str], expected: list[LineEdit]) -> None:
    assert comment_edits(lines, "# ") == expected


def test_indent_and_dedent_edits() -> None:
    assert indent_edits(["a", ""]) == [LineEdit(0, 0, 0, "    "), LineEdit(1, 0, 0, "    ")]
    assert dedent_edits(["      a", "  b", "c", "\tx"]) == [
        LineEdit(0, 0, 4, ""),
        LineEdit(1, 0, 2, ""),
        LineEdit(3, 0, 1, ""),
    ]


@pytest.mark.parametrize(
    ("before", "language", "indent"),
    [
        ("x = 1", "python", ""),
        ("    x = 1", "python", "    "),
        ("def f():", "python", "    "),
        ("    for a in b:  ", "python", "        "),
        ("  ", "python", "  "),
        ("  SELECT:", "sql", "  "),
    ],
)
def test_newline_indent(before: str, language: str, indent: str) -> None:
    assert newline_indent(before, language) == indent


# -- growing with the content ---------------------------------------------------------------
def test_height_grows_with_lines_and_shows_them_all(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "x = 1")
    to_end(editor)
    one_line = editor.sizeHint().height()
    assert editor.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    line_height = editor.blockBoundingRect(editor.document().firstBlock()).height()
    line_height -= editor.document().documentMargin()  # the last block carries the bottom margin

    for lines in (2, 3, 4):
        with qtbot.waitSignal(editor.height_changed) as blocker:
            qtbot.keyClick(editor, Key.Key_Return)
        expected = one_line + round((lines - 1) * line_height)
        assert blocker.args == [expected]
        assert editor.sizeHint().height() == expected
        qtbot.waitUntil(lambda expected=expected: editor.height() == expected)
        # Every line fits: nothing to scroll, first line on top.
        assert editor.verticalScrollBar().maximum() == 0
        assert editor.firstVisibleBlock().blockNumber() == 0

    with qtbot.waitSignal(editor.height_changed) as blocker:
        qtbot.keyClick(editor, Key.Key_Backspace)
    assert blocker.args == [one_line + round(2 * line_height)]


def test_typing_inside_a_line_does_not_change_the_height(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "a\nb")
    place(editor, 1)
    before = editor.sizeHint().height()
    with qtbot.assertNotEmitted(editor.height_changed):
        qtbot.keyClicks(editor, "bcdef = 1")
        qtbot.keyClick(editor, Key.Key_Backspace)
    assert editor.sizeHint().height() == before


def test_set_code_updates_the_height(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "x")
    one_line = editor.sizeHint().height()
    with qtbot.waitSignal(editor.height_changed) as blocker:
        editor.set_code("a\nb\nc\nd\ne")
    assert blocker.args[0] > one_line
    qtbot.waitUntil(lambda: editor.height() == blocker.args[0])
    assert editor.verticalScrollBar().maximum() == 0


def test_long_lines_scroll_horizontally_without_hiding_the_last_line(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "a\nb")
    to_end(editor)
    before = editor.sizeHint().height()
    with qtbot.waitSignal(editor.height_changed):
        qtbot.keyClicks(editor, "x" * 300)
    qtbot.waitUntil(editor.horizontalScrollBar().isVisible)
    qtbot.waitUntil(lambda: editor.height() == editor.sizeHint().height())
    assert editor.sizeHint().height() > before
    assert editor.verticalScrollBar().maximum() == 0


def test_a_bigger_font_makes_the_editor_taller(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "a\nb\nc")
    before = editor.sizeHint().height()
    font = editor.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    with qtbot.waitSignal(editor.height_changed) as blocker:
        editor.setFont(font)
    assert blocker.args[0] > before
    qtbot.waitUntil(lambda: editor.height() == blocker.args[0])
    assert editor.verticalScrollBar().maximum() == 0


def test_very_long_cells_stop_growing_and_scroll(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "\n".join(["x"] * MAX_VISIBLE_LINES))
    capped = editor.sizeHint().height()
    assert editor.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    to_end(editor)
    with qtbot.assertNotEmitted(editor.height_changed):
        qtbot.keyClick(editor, Key.Key_Return)
    assert editor.blockCount() == MAX_VISIBLE_LINES + 1
    assert editor.sizeHint().height() == capped
    assert editor.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded


def test_line_number_gutter_widens_at_ten_lines(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "\n" * 8)  # nine lines
    to_end(editor)
    nine = editor.viewportMargins().left()
    assert nine > 0
    assert nine == editor.gutter_width()
    qtbot.keyClick(editor, Key.Key_Return)
    assert editor.blockCount() == 10
    ten = editor.viewportMargins().left()
    assert ten > nine
    assert ten == editor.gutter_width()


def test_the_gutter_is_painted_on_the_editors_own_background(qtbot: QtBot) -> None:
    """Line numbers sit on the code's background (as marimo's): no shaded box beside every
    cell, in either theme."""
    for window in ("#f0f0f0", "#1e1e1e"):
        editor = make_editor(qtbot, "x = 1")
        editor.setPalette(QPalette(QColor(window)))
        base = editor.palette().color(QPalette.ColorRole.Base)
        picture = editor.grab().toImage()
        corner = picture.pixelColor(editor.frameWidth() + 2, picture.height() // 2)
        assert corner.name() == base.name()


def test_monospace_font_and_four_space_tab_stop(qtbot: QtBot) -> None:
    editor = make_editor(qtbot)
    metrics = QFontMetricsF(editor.font())
    assert metrics.horizontalAdvance("i") == metrics.horizontalAdvance("W")
    assert editor.tabStopDistance() == pytest.approx(4 * metrics.horizontalAdvance(" "))
    assert editor.lineWrapMode() == CodeEditor.LineWrapMode.NoWrap


# -- current line and brackets --------------------------------------------------------------
def bracket_positions(editor: CodeEditor) -> list[int]:
    """Start positions of the one-character extra selections (the bracket highlights)."""
    return sorted(
        s.cursor.selectionStart()
        for s in editor.extraSelections()
        if s.cursor.selectionEnd() - s.cursor.selectionStart() == 1
    )


def test_current_line_is_highlighted_only_while_focused(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "a\nb")
    place(editor, 2)
    selections = editor.extraSelections()
    assert len(selections) == 1
    assert selections[0].cursor.blockNumber() == 1
    assert selections[0].format.background().color() == editor.colors().current_line_bg
    editor.clearFocus()
    qtbot.waitUntil(lambda: not editor.hasFocus())
    assert editor.extraSelections() == []


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        (1, [1, 11]),  # before "(": the bracket under the cursor
        (12, [1, 11]),  # after ")": the bracket before the cursor
        (6, [3, 5]),  # after "]"
        (9, [8, 10]),  # before "b" inside {b}: "{" before the cursor
        (7, []),  # no bracket next to the cursor
    ],
)
def test_bracket_matching_highlights_both_brackets(
    qtbot: QtBot, position: int, expected: list[int]
) -> None:
    editor = make_editor(qtbot, "f(a[1], {b})")
    place(editor, position)
    assert bracket_positions(editor) == expected
    for selection in editor.extraSelections():
        if selection.cursor.hasSelection():
            assert selection.format.background().color() == editor.colors().bracket_match_bg


def test_bracket_matching_spans_lines_and_skips_strings_and_comments(qtbot: QtBot) -> None:
    code = 'f(")",\n  # )\n  (1))'
    editor = make_editor(qtbot, code)
    place(editor, 1)
    assert bracket_positions(editor) == [1, len(code) - 1]
    place(editor, len(code))
    assert bracket_positions(editor) == [1, len(code) - 1]


def test_unmatched_bracket_is_not_highlighted(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "f(a")
    place(editor, 1)
    assert bracket_positions(editor) == []


# -- theme ----------------------------------------------------------------------------------
def test_palette_change_switches_to_dark_colours(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "def f(): pass")
    original = QPalette(editor.palette())
    light = editor.colors()
    assert not editor.highlighter().dark()

    editor.setPalette(QPalette(QColor("#202020")))
    assert editor.highlighter().dark()
    assert editor.colors() != light
    assert editor.colors().current_line_bg.lightness() < 128

    editor.setPalette(original)
    assert not editor.highlighter().dark()
    assert editor.colors() == light


def test_follows_an_application_palette_change(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "x")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    original = QPalette(app.palette())
    try:
        QApplication.setPalette(QPalette(QColor("#1e1e1e")))
        qtbot.waitUntil(editor.highlighter().dark)
        assert editor.colors().line_number_bg.lightness() < 128
    finally:
        QApplication.setPalette(original)
    qtbot.waitUntil(lambda: not editor.highlighter().dark())


def test_read_only_editor_keeps_run_keys_but_not_editing_keys(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, "if x:")
    editor.setReadOnly(True)
    to_end(editor)
    with qtbot.assertNotEmitted(editor.edited):
        qtbot.keyClick(editor, Key.Key_Tab)
        qtbot.keyClick(editor, Key.Key_Return)
        qtbot.keyClick(editor, Key.Key_Slash, Mod.ControlModifier)
    assert editor.code() == "if x:"
    with qtbot.waitSignal(editor.run_requested) as blocker:
        qtbot.keyClick(editor, Key.Key_Return, Mod.ShiftModifier)
    assert blocker.args == ["advance"]

"""PygmentsHighlighter: multi-line state, keyword/string colours, languages, styles; theme helpers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pygments.lexers import PythonLexer
from pygments.token import Comment, Keyword, Name, Number, String
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette, QTextCharFormat, QTextCursor, QTextDocument
from pytestqt.qtbot import QtBot

from app.ui.editor.code_editor import CodeEditor
from app.ui.editor.highlighter import NON_CODE_PROPERTY, PygmentsHighlighter, lex_line
from app.ui.theme import colors_for, is_dark
from app.ui.theme.syntax import syntax_style


def style_color(dark: bool, token: object) -> QColor:
    color = syntax_style(dark).style_for_token(token)["color"]
    assert color, f"dark={dark} gives {token} no colour"
    return QColor(f"#{color}")


LIGHT_STRING = style_color(False, String)
LIGHT_KEYWORD = style_color(False, Keyword)
LIGHT_NUMBER = style_color(False, Number)
LIGHT_COMMENT = style_color(False, Comment.Multiline)
DARK_KEYWORD = style_color(True, Keyword)


def format_at(doc: QTextDocument, block: int, column: int) -> QTextCharFormat | None:
    """The highlighter's format covering `column` of block `block`, or None for plain text."""
    layout = doc.findBlockByNumber(block).layout()
    for r in layout.formats():
        if r.start <= column < r.start + r.length:
            return QTextCharFormat(r.format)  # a copy: the range list is about to go
    return None


def non_code_at(doc: QTextDocument, block: int, column: int) -> bool:
    fmt = format_at(doc, block, column)
    return fmt is not None and fmt.boolProperty(NON_CODE_PROPERTY)


def color_at(doc: QTextDocument, block: int, column: int) -> QColor | None:
    fmt = format_at(doc, block, column)
    if fmt is None or fmt.foreground().style() == Qt.BrushStyle.NoBrush:
        return None
    return fmt.foreground().color()


class Highlighted:
    """A document and its highlighter, with edits applied the way typing applies them."""

    def __init__(self, text: str, language: str = "python") -> None:
        self.doc = QTextDocument()
        self.highlighter = PygmentsHighlighter(self.doc, language)
        self.doc.setPlainText(text)

    def replace(self, start: int, end: int, text: str) -> None:
        cursor = QTextCursor(self.doc)
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(text)


@pytest.fixture
def make(qtbot: QtBot) -> Iterator[type[Highlighted]]:
    """Highlighted documents need a QApplication; qtbot provides it."""
    yield Highlighted


# -- multi-line state -----------------------------------------------------------------------
TRIPLE = 'a = 1\ns = """\ninside = 2\nmore\n"""\nb = 3'


def test_line_inside_a_triple_quoted_string_is_string_coloured(make: type[Highlighted]) -> None:
    h = make(TRIPLE)
    for block in (1, 2, 3, 4):
        assert color_at(h.doc, block, 0 if block != 1 else 4) == LIGHT_STRING, block
    assert color_at(h.doc, 2, 9) == LIGHT_STRING  # the "2" in "inside = 2"
    assert color_at(h.doc, 5, 0) is None  # "b" after the string is a plain name
    assert color_at(h.doc, 5, 4) == LIGHT_NUMBER


def test_removing_the_opening_quotes_recolours_the_following_lines(
    make: type[Highlighted],
) -> None:
    h = make(TRIPLE)
    start = TRIPLE.index('"""')
    h.replace(start, start + 3, "0")  # s = 0
    assert color_at(h.doc, 2, 0) is None  # "inside" is a name again
    assert color_at(h.doc, 2, 9) == LIGHT_NUMBER
    # The old closing quotes now open a string that runs to the end.
    assert color_at(h.doc, 5, 0) == LIGHT_STRING


def test_typing_the_closing_quotes_recolours_the_following_lines(qtbot: QtBot) -> None:
    editor = CodeEditor("python")
    qtbot.addWidget(editor)
    editor.show()
    editor.set_code('s = """\ntext\n\ny = 1')
    doc = editor.document()
    assert color_at(doc, 3, 0) == LIGHT_STRING  # unterminated: "y = 1" is inside the string
    cursor = editor.textCursor()
    cursor.setPosition(doc.findBlockByNumber(2).position())
    editor.setTextCursor(cursor)
    qtbot.keyClicks(editor, '"""')
    assert editor.code() == 's = """\ntext\n"""\ny = 1'
    assert color_at(doc, 1, 0) == LIGHT_STRING
    assert color_at(doc, 2, 0) == LIGHT_STRING
    assert color_at(doc, 3, 0) is None
    assert color_at(doc, 3, 4) == LIGHT_NUMBER


def test_lex_line_carries_the_state_stack() -> None:
    lexer = PythonLexer()
    spans, stack = lex_line(lexer, 'x = """open', ("root",))
    assert stack != ("root",)
    assert spans[0][:2] == (0, 1) and spans[0][2] in Name
    spans, stack_inside = lex_line(lexer, "still inside", stack)
    assert [(s, n) for s, n, _ in spans] == [(0, 12)]
    assert all(t in String for _, _, t in spans)
    assert stack_inside == stack
    _, closed = lex_line(lexer, 'end"""', stack)
    assert closed == ("root",)


# -- tokens ---------------------------------------------------------------------------------
def test_keywords_get_the_keyword_format(make: type[Highlighted]) -> None:
    h = make("def f(x):\n    return x")
    fmt = format_at(h.doc, 0, 0)
    assert fmt is not None
    assert fmt.foreground().color() == LIGHT_KEYWORD
    assert fmt.fontWeight() != QFont.Weight.Bold  # colour carries keywords, not weight
    assert color_at(h.doc, 1, 4) == LIGHT_KEYWORD  # "return"
    assert format_at(h.doc, 1, 11) is None  # "x" is plain text and follows the palette


def test_strings_and_comments_are_marked_non_code(make: type[Highlighted]) -> None:
    h = make('x = "(" # )')
    assert non_code_at(h.doc, 0, 5)  # inside the string
    assert non_code_at(h.doc, 0, 10)  # inside the comment
    assert not non_code_at(h.doc, 0, 2)  # the "=" operator


def test_columns_after_an_emoji_are_counted_in_utf16(make: type[Highlighted]) -> None:
    h = make('s = "🚀" + 1')
    # Qt columns: the emoji is two UTF-16 units, so "1" sits at column 11, not 10.
    assert color_at(h.doc, 0, 11) == LIGHT_NUMBER
    assert color_at(h.doc, 0, 7) == LIGHT_STRING  # the closing quote


def test_sql_keywords_are_highlighted_in_sql_mode(make: type[Highlighted]) -> None:
    h = make("SELECT a FROM t WHERE b = 'x'", language="sql")
    assert color_at(h.doc, 0, 0) == LIGHT_KEYWORD
    assert color_at(h.doc, 0, 9) == LIGHT_KEYWORD  # FROM
    assert color_at(h.doc, 0, 27) == LIGHT_STRING
    assert color_at(h.doc, 0, 7) is None  # "a" is a name


def test_set_language_relexes(make: type[Highlighted]) -> None:
    h = make("SELECT a FROM t")
    assert color_at(h.doc, 0, 0) is None  # in python, SELECT is just a name
    h.highlighter.set_language("sql")
    assert h.highlighter.language() == "sql"
    assert color_at(h.doc, 0, 0) == LIGHT_KEYWORD


def test_sql_block_comment_spans_lines(make: type[Highlighted]) -> None:
    h = make("/* one\nSELECT\n*/ SELECT 1", language="sql")
    assert color_at(h.doc, 1, 0) == LIGHT_COMMENT  # SELECT inside the comment
    assert non_code_at(h.doc, 1, 0)
    assert color_at(h.doc, 2, 3) == LIGHT_KEYWORD  # SELECT after the comment


def test_markdown_headings_are_highlighted(make: type[Highlighted]) -> None:
    h = make("# Title\n\nsome *text*", language="markdown")
    assert format_at(h.doc, 0, 2) is not None


def test_unknown_language_is_an_error(make: type[Highlighted]) -> None:
    with pytest.raises(ValueError, match="unknown language"):
        make("x", language="cobol")


# -- styles ---------------------------------------------------------------------------------
def test_set_dark_switches_colours(make: type[Highlighted]) -> None:
    h = make("def f(): pass")
    assert color_at(h.doc, 0, 0) == LIGHT_KEYWORD
    h.highlighter.set_dark(True)
    assert h.highlighter.dark()
    assert color_at(h.doc, 0, 0) == DARK_KEYWORD
    assert DARK_KEYWORD != LIGHT_KEYWORD
    h.highlighter.set_dark(False)
    assert color_at(h.doc, 0, 0) == LIGHT_KEYWORD


# -- theme ----------------------------------------------------------------------------------
def test_theme_styles_differ_and_are_not_bold_heavy() -> None:
    light, dark = syntax_style(False), syntax_style(True)
    assert light is not dark
    for style in (light, dark):
        bold = [t for t, s in style if s["bold"]]
        assert all("Generic" in str(t) for t in bold), bold  # only markdown headings/strong


def test_is_dark_reads_the_window_colour(qtbot: QtBot) -> None:
    assert is_dark(QPalette(QColor("#1e1e1e")))
    assert not is_dark(QPalette(QColor("#f0f0f0")))


def test_colors_follow_the_palette(qtbot: QtBot) -> None:
    dark = colors_for(QPalette(QColor("#1e1e1e")))
    light = colors_for(QPalette(QColor("#f0f0f0")))
    assert dark.current_line_bg.lightness() < 128 < light.current_line_bg.lightness()
    assert dark.line_number_fg != dark.line_number_bg
    assert light.error_bg.red() > light.error_bg.blue()

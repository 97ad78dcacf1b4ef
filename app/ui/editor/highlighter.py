"""Syntax colouring with pygments, one line at a time, carrying the lexer state between lines.

Qt asks for one block (line) at a time and re-asks for the next block only while the state
that block ends in changes. We lex each line with pygments starting from the lexer state
stack the previous line ended in, and store that stack's id as the block state. So a
keystroke re-lexes one line, and typing the closing quotes of a triple-quoted string
re-colours exactly the lines up to where the states agree again.
"""

from __future__ import annotations

from typing import Any

from pygments.lexer import RegexLexer  # type: ignore[import-untyped]
from pygments.lexers import MarkdownLexer, PythonLexer, SqlLexer  # type: ignore[import-untyped]
from pygments.token import (  # type: ignore[import-untyped]
    Comment,
    Error,
    String,
    Token,
    Whitespace,
    _TokenType,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QSyntaxHighlighter,
    QTextBlock,
    QTextCharFormat,
    QTextDocument,
)

from app.ui.theme.syntax import syntax_style

LANGUAGES: tuple[str, ...] = ("python", "sql", "markdown")

#: A QTextFormat property set on string and comment formats, so the editor can skip
#: brackets inside them without lexing again.
NON_CODE_PROPERTY = QTextCharFormat.Property.UserProperty + 1

_LEXERS: dict[str, type[RegexLexer]] = {
    "python": PythonLexer,
    "sql": SqlLexer,
    "markdown": MarkdownLexer,
}

Stack = tuple[str, ...]
Span = tuple[int, int, Any]  # (start, length, pygments token type)


def check_language(language: str) -> str:
    """Return `language` if we can highlight it; a typo should fail loudly, not go grey."""
    if language not in _LEXERS:
        raise ValueError(f"unknown language {language!r}; expected one of {LANGUAGES}")
    return language


def lex_line(
    lexer: RegexLexer, line: str, stack: Stack, *, newline: bool = True
) -> tuple[list[Span], Stack]:
    """Lex one line starting in lexer state `stack`; return its spans and the state it ends in.

    This is pygments' `RegexLexer.get_tokens_unprocessed` loop, kept here because pygments
    does not hand back the final state stack. The line is lexed with its newline, as it would
    be inside the whole text (``newline=False``: a line cut at the cursor, whose state is the
    cursor's), and spans are clipped to the line.
    """
    text = line + "\n" if newline else line
    end = len(line)
    tokendefs = lexer._tokens
    statestack = list(stack)
    statetokens = tokendefs[statestack[-1]]
    spans: list[Span] = []
    pos = 0

    def add(start: int, ttype: Any, value: str) -> None:
        if start < end and value:
            spans.append((start, min(len(value), end - start), ttype))

    while pos < len(text):
        for rexmatch, action, new_state in statetokens:
            m = rexmatch(text, pos)
            if not m:
                continue
            if action is not None:
                if type(action) is _TokenType:
                    add(pos, action, m.group())
                else:
                    for start, ttype, value in action(lexer, m):
                        add(start, ttype, value)
            # A zero-width match must still change state or we would loop for ever;
            # pygments has the same contract.
            pos = m.end()
            if new_state is not None:
                _transition(statestack, new_state)
                statetokens = tokendefs[statestack[-1]]
            break
        else:
            if text[pos] == "\n":
                # Like pygments: an unmatched newline resets to the root state.
                statestack = ["root"]
                statetokens = tokendefs["root"]
                add(pos, Whitespace, "\n")
            else:
                add(pos, Error, text[pos])
            pos += 1
    return spans, tuple(statestack)


#: Python lexer states that are inside a string literal (pygments' combined ``_tmp_`` states
#: are the f-string and bytes escapes of one, see :func:`_in_string_state`).
_PY_STRING_STATES = frozenset({"dqs", "sqs", "tdqs", "tsqs", "dqf", "sqf", "tdqf", "tsqf"})


def _in_string_state(state: str) -> bool:
    return state in _PY_STRING_STATES or state.startswith(("_tmp_", "strings", "fstrings"))


def in_code_at(lexer: RegexLexer, language: str, before: str, stack: Stack) -> bool:
    """Whether the end of ``before`` (a line up to the cursor, which began in lexer state
    ``stack``) is code rather than inside a string or comment. Expressions inside an
    f-string's braces are code."""
    spans, end = lex_line(lexer, before, stack, newline=False)
    if spans and spans[-1][2] in Comment:
        return False  # a line comment runs to the end of the line; so does an open /* */
    if language == "sql":
        return end[-1] != "multiline-comments" and not _sql_in_quotes(before)
    return not _in_string_state(end[-1])


def _sql_in_quotes(before: str) -> bool:
    """An unclosed '…' or "…" on this line (pygments lexes one as an error, not a string)."""
    open_quote = ""
    for char in before:
        if open_quote:
            if char == open_quote:
                open_quote = ""  # '' inside a string closes and reopens: same parity
        elif char in "'\"":
            open_quote = char
    return bool(open_quote)


def _transition(statestack: list[str], new_state: Any) -> None:
    """Apply one pygments state change ('#pop', '#push', a name, a tuple, or -n) in place."""
    if isinstance(new_state, tuple):
        for state in new_state:
            if state == "#pop":
                if len(statestack) > 1:
                    statestack.pop()
            elif state == "#push":
                statestack.append(statestack[-1])
            else:
                statestack.append(state)
    elif isinstance(new_state, int):
        # Pop, but always keep the root state.
        if abs(new_state) >= len(statestack):
            del statestack[1:]
        else:
            del statestack[new_state:]
    elif new_state == "#push":
        statestack.append(statestack[-1])
    else:  # pragma: no cover - pygments validates state definitions itself
        raise ValueError(f"bad pygments state transition {new_state!r}")


def _utf16_offsets(text: str) -> list[int]:
    """UTF-16 offset of every code-point index of `text` (and of its end)."""
    offsets = [0] * (len(text) + 1)
    for i, ch in enumerate(text):
        offsets[i + 1] = offsets[i] + (2 if ord(ch) > 0xFFFF else 1)
    return offsets


class PygmentsHighlighter(QSyntaxHighlighter):
    """Colours a QTextDocument as python, sql or markdown with a light or dark pygments style.

    Responsibilities: per-line lexing that carries pygments state across lines (via block
    states), one cached QTextCharFormat per token type and style, and marking strings and
    comments with `NON_CODE_PROPERTY` for bracket matching.
    """

    def __init__(
        self, document: QTextDocument, language: str = "python", dark: bool = False
    ) -> None:
        # A QTextDocument without a layout (no view yet) emits no contentsChange, so nothing
        # would be coloured; asking for the layout creates it.
        document.documentLayout()
        super().__init__(document)
        self._language = check_language(language)
        self._lexer: RegexLexer = _LEXERS[language]()
        self._dark = dark
        self._style: Any = syntax_style(dark)
        self._formats: dict[Any, QTextCharFormat | None] = {}
        # Block states are small ints naming lexer state stacks; Qt compares them to decide
        # whether the next line must be re-coloured.
        self._stacks: list[Stack] = []
        self._stack_ids: dict[Stack, int] = {}
        self._root = self._stack_id(("root",))

    # -- public API -------------------------------------------------------------------------
    def language(self) -> str:
        """The language being highlighted."""
        return self._language

    def set_language(self, language: str) -> None:
        """Switch lexer (e.g. when a cell's kind changes) and re-colour everything."""
        check_language(language)
        if language == self._language:
            return
        self._language = language
        self._lexer = _LEXERS[language]()
        self._stacks.clear()
        self._stack_ids.clear()
        self._root = self._stack_id(("root",))
        self.rehighlight()

    def dark(self) -> bool:
        """Whether the dark pygments style is in use."""
        return self._dark

    def set_dark(self, dark: bool) -> None:
        """Switch between the light and dark pygments style and re-colour everything."""
        if dark == self._dark:
            return
        self._dark = dark
        self._style = syntax_style(dark)
        self._formats.clear()
        self.rehighlight()

    def in_code_at(self, block: QTextBlock, column: int) -> bool:
        """Whether Python column ``column`` of ``block`` is code (not in a string or comment),
        lexed from the state the previous line ended in."""
        previous = block.previous().userState() if block.previous().isValid() else -1
        stack = (
            self._stacks[previous]
            if 0 <= previous < len(self._stacks)
            else self._stacks[self._root]
        )
        return in_code_at(self._lexer, self._language, block.text()[:column], stack)

    def format_for(self, ttype: Any) -> QTextCharFormat | None:
        """The format for a pygments token type in the current style; None for plain text.

        Plain text gets no format at all so it follows the palette's text colour.
        """
        try:
            return self._formats[ttype]
        except KeyError:
            fmt = self._make_format(ttype)
            self._formats[ttype] = fmt
            return fmt

    # -- QSyntaxHighlighter -----------------------------------------------------------------
    def highlightBlock(self, text: str) -> None:
        """Colour one line, starting in the lexer state the previous line ended in."""
        previous = self.previousBlockState()
        stack = (
            self._stacks[previous]
            if 0 <= previous < len(self._stacks)
            else self._stacks[self._root]
        )
        spans, end_stack = lex_line(self._lexer, text, stack)
        # Qt columns are UTF-16 units; Python's are code points. They differ after an emoji.
        units = None if text.isascii() else _utf16_offsets(text)
        for start, length, ttype in spans:
            fmt = self.format_for(ttype)
            if fmt is None:
                continue
            if units is None:
                self.setFormat(start, length, fmt)
            else:
                self.setFormat(units[start], units[start + length] - units[start], fmt)
        self.setCurrentBlockState(self._stack_id(end_stack))

    # -- internals --------------------------------------------------------------------------
    def _stack_id(self, stack: Stack) -> int:
        try:
            return self._stack_ids[stack]
        except KeyError:
            self._stack_ids[stack] = len(self._stacks)
            self._stacks.append(stack)
            return len(self._stacks) - 1

    def _make_format(self, ttype: Any) -> QTextCharFormat | None:
        style = self._style.style_for_token(ttype)
        plain = self._style.style_for_token(Token)
        non_code = ttype in String or ttype in Comment
        if style == plain and not non_code:
            return None
        fmt = QTextCharFormat()
        if style["color"] and style["color"] != plain["color"]:
            fmt.setForeground(QColor(f"#{style['color']}"))
        if style["bold"]:
            fmt.setFontWeight(QFont.Weight.Bold)
        if style["italic"]:
            fmt.setFontItalic(True)
        if style["underline"]:
            fmt.setFontUnderline(True)
        if non_code:
            fmt.setProperty(NON_CODE_PROPERTY, True)
        return fmt

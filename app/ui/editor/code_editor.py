"""The code editor inside a cell: highlighting, line numbers, notebook keys, grows with its text.

It knows nothing of notebooks or kernels: it edits text and emits intents (run, navigate,
move) for the cell widget to act on. Line edits (indent, dedent, comment) are computed by
pure functions over line strings and applied as one undo step.
"""

from __future__ import annotations

__all__ = [
    "COMMENT_PREFIX",
    "INDENT",
    "MAX_VISIBLE_LINES",
    "CodeEditor",
    "LineEdit",
    "comment_edits",
    "dedent_edits",
    "indent_edits",
    "newline_indent",
]

import math
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFontMetricsF,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QPlainTextEdit, QSizePolicy, QTextEdit, QWidget

from app.ui.editor.brackets import matching_brackets
from app.ui.editor.completion_popup import CompletionPopup, CompletionSource
from app.ui.editor.highlighter import PygmentsHighlighter, check_language
from app.ui.editor.line_edits import (
    COMMENT_PREFIX,
    INDENT,
    LineEdit,
    comment_edits,
    dedent_edits,
    indent_edits,
    index_of_column,
    newline_indent,
)
from app.ui.editor.signature_help import InspectSource, SignatureHelp
from app.ui.theme import Colors, colors_for, is_dark
from app.ui.theme.fonts import monospace_font

#: Above this many lines the editor stops growing and scrolls instead.
MAX_VISIBLE_LINES = 2000
_GUTTER_PADDING = 6

_Mod = Qt.KeyboardModifier
_NONE = _Mod.NoModifier
_SHIFT = _Mod.ShiftModifier
_CTRL = _Mod.ControlModifier
_ALT = _Mod.AltModifier


# -- the widget -----------------------------------------------------------------------------
class _LineNumberArea(QWidget):
    """The gutter: a child widget so it repaints together with the editor's viewport."""

    def __init__(self, editor: CodeEditor) -> None:
        super().__init__(editor)
        self._editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self._editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self._editor.paint_line_numbers(event)


class CodeEditor(QPlainTextEdit):
    """A plain-text code editor for one cell.

    Responsibilities: pygments highlighting, line numbers, current-line and bracket
    highlights, auto-indent, Tab/Shift+Tab, comment toggling, growing with its content (no
    vertical scrollbar), following the system palette, and turning notebook keys into intents.
    """

    edited = Signal()
    """The user edited the text (typing, paste, undo); not from set_code. It carries no text:
    whoever needs it (the debounce, a commit) reads :meth:`code` once, when it needs it."""
    focus_left = Signal()
    """The editor lost keyboard focus (a context menu opening does not count)."""
    run_requested = Signal(str)
    """Run the cell: "advance" (Shift+Enter), "stay" (Ctrl+Enter), "insert" (Alt+Enter)."""
    navigate_requested = Signal(int)
    """Move focus to the previous (-1, Ctrl+Shift+Up) or next (+1, Ctrl+Shift+Down) cell."""
    move_requested = Signal(int)
    """Move the cell up (-1, Ctrl+Shift+Alt+Up) or down (+1, Ctrl+Shift+Alt+Down)."""
    height_changed = Signal(int)
    """The preferred height (pixels) changed because the number of lines or the font changed."""
    escaped = Signal()
    """Escape left the editor (the notebook's command mode selects the cell)."""
    focused = Signal()
    """The editor got keyboard focus (its cell becomes the selected one)."""
    definition_requested = Signal(str)
    """F12 on a name: show where it is defined (the notebook view jumps to its cell)."""

    def __init__(self, language: str = "python", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._language = check_language(language)
        self._setting_code = False
        self._error_line: int | None = None
        self._preferred_height = 0
        self._hscroll_needed = False
        self._dark = is_dark(self.palette())
        self._colors: Colors = colors_for(self.palette())
        self._highlighter = PygmentsHighlighter(self.document(), language, self._dark)
        self._gutter = _LineNumberArea(self)
        self.completion: CompletionPopup | None = None
        self.signature_help: SignatureHelp | None = None
        #: Find-bar matches shown here: (start, end) document positions; the current one.
        self._search_marks: tuple[tuple[int, int], ...] = ()
        self._search_current: int | None = None

        self.setFont(monospace_font())
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._apply_font_metrics()

        self.textChanged.connect(self._on_text_changed)
        self.blockCountChanged.connect(self._on_block_count_changed)
        self.updateRequest.connect(self._on_update_request)
        self.cursorPositionChanged.connect(self._update_extra_selections)
        self.horizontalScrollBar().rangeChanged.connect(self._on_hscroll_range_changed)
        self._update_gutter_width()
        self._update_height()

    # -- public API -------------------------------------------------------------------------
    def language(self) -> str:
        """The cell's language: "python", "sql" or "markdown"."""
        return self._language

    def set_completion_source(self, source: CompletionSource | None) -> None:
        """Where completions come from (None: Tab only indents)."""
        if self.completion is not None:
            self.completion.hide()
            self.completion.deleteLater()
        self.completion = CompletionPopup(self, source) if source is not None else None

    def set_inspect_source(self, source: InspectSource | None) -> None:
        """Where signature help and docs come from (None: none)."""
        if self.signature_help is not None:
            self.signature_help.hide()
            self.signature_help.deleteLater()
        self.signature_help = SignatureHelp(self, source) if source is not None else None

    def word_at_cursor(self) -> str:
        """The identifier the cursor is in or just after ("" if none)."""
        cursor = self.textCursor()
        text = cursor.block().text()
        column = index_of_column(text, cursor.positionInBlock())
        start = end = column
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
            start -= 1
        while end < len(text) and (text[end].isalnum() or text[end] == "_"):
            end += 1
        word = text[start:end]
        return word if word.isidentifier() else ""

    def set_language(self, language: str) -> None:
        """Change the language (highlighting, comment prefix, auto-indent rules)."""
        self._language = check_language(language)
        self._highlighter.set_language(language)

    def code(self) -> str:
        """The current text."""
        return self.toPlainText()

    def set_code(self, text: str) -> None:
        """Replace the text from outside (load, reload) without emitting `edited`.

        The same text is a no-op, so echoes keep the cursor and the undo history. New text
        clears the undo history: Ctrl+Z should not bring back text the program replaced.
        """
        if text == self.toPlainText():
            return
        position = self.textCursor().position()
        self._setting_code = True
        try:
            self.setPlainText(text)
        finally:
            self._setting_code = False
        cursor = self.textCursor()
        cursor.setPosition(min(position, self.document().characterCount() - 1))
        self.setTextCursor(cursor)

    def highlighter(self) -> PygmentsHighlighter:
        """The syntax highlighter (exposed for tests and theming)."""
        return self._highlighter

    def colors(self) -> Colors:
        """The palette-derived colours in use."""
        return self._colors

    def preferred_height(self) -> int:
        """Height that shows every line without a vertical scrollbar (capped)."""
        return self._preferred_height

    def gutter_width(self) -> int:
        """Width of the line-number gutter for the current number of lines."""
        digits = len(str(max(1, self.blockCount())))
        advance = QFontMetricsF(self.font()).horizontalAdvance("9")
        return math.ceil(advance * digits) + 2 * _GUTTER_PADDING

    # -- Qt overrides -----------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._preferred_height)

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self._preferred_height)

    def event(self, event: QEvent) -> bool:
        # Claim our keys before window shortcuts (e.g. a Ctrl+Enter menu action) take them.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() != Qt.Key.Key_Escape
            and self._key_action(event) is not None
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.completion is not None and self.completion.visible and _accepts_or_closes(event):
            event.ignore()  # the open completion popup takes it (accept, or close)
            return
        action = self._key_action(event)
        if action is None:
            super().keyPressEvent(event)
            if self._completes():
                assert self.completion is not None
                self.completion.typed(event.text())
            if self.signature_help is not None and self._language == "python":
                self.signature_help.typed(event.text())
            return
        event.accept()
        action()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self._update_extra_selections()
        self.focused.emit()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if self.signature_help is not None and event.reason() != Qt.FocusReason.PopupFocusReason:
            self.signature_help.hide()
        self._update_extra_selections()
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self.focus_left.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        rect = self.contentsRect()
        self._gutter.setGeometry(QRect(rect.left(), rect.top(), self.gutter_width(), rect.height()))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        elif event.type() == QEvent.Type.FontChange:
            self._apply_font_metrics()
            self._update_gutter_width()
            self._update_height()

    # -- keys -------------------------------------------------------------------------------
    def _key_action(self, event: QKeyEvent) -> Callable[[], None] | None:
        """What a key press does here, or None to let QPlainTextEdit handle it."""
        key = event.key()
        mods = event.modifiers() & ~_Mod.KeypadModifier
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            how = {_SHIFT: "advance", _CTRL: "stay", _ALT: "insert"}.get(mods)
            if how is not None:
                return lambda: self.run_requested.emit(how)
            if mods == _NONE and not self.isReadOnly():
                return self._newline
            return None
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            step = -1 if key == Qt.Key.Key_Up else 1
            if mods == _CTRL | _SHIFT:
                return lambda: self.navigate_requested.emit(step)
            if mods == _CTRL | _SHIFT | _ALT:
                return lambda: self.move_requested.emit(step)
            return None
        if key == Qt.Key.Key_Escape and mods == _NONE:
            return self._escape
        if self.isReadOnly():
            return None
        if key == Qt.Key.Key_Tab and mods == _NONE:
            return self._tab
        if key == Qt.Key.Key_Space and mods == _CTRL and self._completes():
            return self._request_completion
        if key == Qt.Key.Key_Backtab or (key == Qt.Key.Key_Tab and mods == _SHIFT):
            return self._shift_tab
        if key == Qt.Key.Key_F12 and mods == _NONE and self._language == "python":
            return self._go_to_definition
        if key == Qt.Key.Key_Slash and mods in (_CTRL, _CTRL | _SHIFT):
            return self._toggle_comment
        return None

    def _shift_tab(self) -> None:
        """Docs of the name just typed (no selection, after a name); dedent anywhere else."""
        help_ = self.signature_help
        cursor = self.textCursor()
        before = cursor.block().text()[: cursor.positionInBlock()]
        after_name = bool(before) and (before[-1].isalnum() or before[-1] in "_(")
        if (
            help_ is not None
            and self._language == "python"
            and after_name
            and not cursor.hasSelection()
        ):
            help_.request(docs=True)
        else:
            self._dedent()

    def _go_to_definition(self) -> None:
        word = self.word_at_cursor()
        if word:
            self.definition_requested.emit(word)

    def _escape(self) -> None:
        if self.signature_help is not None and self.signature_help.visible:
            self.signature_help.hide()
            return
        self.clearFocus()
        self.escaped.emit()

    def _newline(self) -> None:
        cursor = self.textCursor()
        before = cursor.block().text()[
            : index_of_column(cursor.block().text(), cursor.positionInBlock())
        ]
        cursor.insertText("\n" + newline_indent(before, self._language))
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def _completes(self) -> bool:
        """Python and SQL cells complete (SQL: the database's names, keywords, ``{name}``)."""
        return self.completion is not None and self._language in ("python", "sql")

    def _request_completion(self) -> None:
        if self.completion is not None:
            self.completion.request()

    def _tab(self) -> None:
        """Complete after an identifier character or a dot; indent anywhere else."""
        if self.completion is not None and self._completes() and self.completion.wants_tab():
            self.completion.request()
        else:
            self._indent()

    def _indent(self) -> None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            cursor.insertText(INDENT)
            self.setTextCursor(cursor)
            return
        first, last = self._selected_lines()
        self._apply_line_edits(first, indent_edits(self._lines(first, last)))

    def _dedent(self) -> None:
        first, last = self._selected_lines()
        self._apply_line_edits(first, dedent_edits(self._lines(first, last)))

    def _toggle_comment(self) -> None:
        prefix = COMMENT_PREFIX.get(self._language)
        if prefix is None:
            return
        first, last = self._selected_lines()
        self._apply_line_edits(first, comment_edits(self._lines(first, last), prefix))

    def _selected_lines(self) -> tuple[int, int]:
        """Block numbers of the first and last line the cursor or selection touches.

        A selection ending at the very start of a line does not include that line.
        """
        cursor = self.textCursor()
        doc = self.document()
        first = doc.findBlock(cursor.selectionStart()).blockNumber()
        end_block = doc.findBlock(cursor.selectionEnd())
        last = end_block.blockNumber()
        if cursor.hasSelection() and last > first and cursor.selectionEnd() == end_block.position():
            last -= 1
        return first, last

    def _lines(self, first: int, last: int) -> list[str]:
        doc = self.document()
        return [doc.findBlockByNumber(n).text() for n in range(first, last + 1)]

    def _apply_line_edits(self, first: int, edits: Sequence[LineEdit]) -> None:
        """Apply edits as one undo step; Qt moves the user's cursor and selection along."""
        if not edits:
            return
        doc = self.document()
        cursor = QTextCursor(doc)
        cursor.beginEditBlock()
        for edit in edits:
            # Edits only touch leading whitespace and comment prefixes (never emoji), so
            # Python columns and Qt columns agree here.
            start = doc.findBlockByNumber(first + edit.line).position() + edit.column
            cursor.setPosition(start)
            if edit.remove:
                cursor.setPosition(start + edit.remove, QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(edit.insert)
        cursor.endEditBlock()
        self.ensureCursorVisible()

    # -- text, height and gutter ------------------------------------------------------------
    def _on_text_changed(self) -> None:
        if self._error_line is not None:
            self.set_error_line(None)  # the code the error pointed at is gone
        if not self._setting_code:
            self.edited.emit()

    def _on_block_count_changed(self, _count: int) -> None:
        self._update_gutter_width()
        self._update_height()

    def _on_hscroll_range_changed(self, minimum: int, maximum: int) -> None:
        # Only a scrollbar appearing or disappearing changes our height, not every keystroke.
        needed = maximum > minimum
        if needed != self._hscroll_needed:
            self._hscroll_needed = needed
            self._update_height()

    def _apply_font_metrics(self) -> None:
        metrics = QFontMetricsF(self.font())
        self.setTabStopDistance(metrics.horizontalAdvance(" ") * len(INDENT))

    def _line_height(self) -> float:
        """Height of one line as the document layout lays it out (rounded up by Qt)."""
        block = self.document().firstBlock()
        self.blockBoundingRect(block)  # makes sure the block is laid out
        layout = block.layout()
        if layout is not None and layout.lineCount() > 0:
            return layout.lineAt(0).height()
        metrics = QFontMetricsF(self.font())
        return float(math.ceil(metrics.ascent() + metrics.descent()))

    def _update_height(self) -> None:
        lines = max(1, self.blockCount())
        capped = lines > MAX_VISIBLE_LINES
        self.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAsNeeded
            if capped
            else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        content = min(lines, MAX_VISIBLE_LINES) * self._line_height()
        # QPlainTextEdit counts a line as visible only if it ends a pixel above the bottom
        # margin (`_q_adjustScrollbars`); without that pixel the last line could scroll.
        content += 2 * self.document().documentMargin() + 1
        margins = self.viewportMargins()
        chrome = 2 * self.frameWidth() + margins.top() + margins.bottom()
        if self._hscroll_needed:
            chrome += self.horizontalScrollBar().sizeHint().height()
        height = math.ceil(content) + chrome
        if height == self._preferred_height:
            return
        self._preferred_height = height
        self.updateGeometry()  # the Fixed vertical size policy makes layouts use sizeHint
        self.height_changed.emit(height)

    def _update_gutter_width(self) -> None:
        width = self.gutter_width()
        if self.viewportMargins().left() != width:
            self.setViewportMargins(width, 0, 0, 0)
            rect = self.contentsRect()
            self._gutter.setGeometry(QRect(rect.left(), rect.top(), width, rect.height()))

    def _on_update_request(self, rect: QRect, dy: int) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())

    def paint_line_numbers(self, event: QPaintEvent) -> None:
        """Paint the gutter's visible line numbers (called by the gutter's paintEvent)."""
        painter = QPainter(self._gutter)
        try:
            painter.fillRect(event.rect(), self._colors.line_number_bg)
            painter.setFont(self.font())
            width = self._gutter.width() - _GUTTER_PADDING
            current = self.textCursor().blockNumber()
            block = self.firstVisibleBlock()
            top = self.blockBoundingGeometry(block).translated(self.contentOffset()).top()
            line_height = round(self._line_height())
            while block.isValid() and top <= event.rect().bottom():
                bottom = top + self.blockBoundingRect(block).height()
                if block.isVisible() and bottom >= event.rect().top():
                    number = block.blockNumber()
                    focused = number == current and self.hasFocus()
                    painter.setPen(
                        self._colors.current_line_number_fg
                        if focused
                        else self._colors.line_number_fg
                    )
                    painter.drawText(
                        0,
                        round(top),
                        width,
                        line_height,
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                        str(number + 1),
                    )
                block = block.next()
                top = bottom
        finally:
            painter.end()

    # -- theme ------------------------------------------------------------------------------
    def _apply_palette(self) -> None:
        self._colors = colors_for(self.palette())
        self._dark = is_dark(self.palette())
        self._highlighter.set_dark(self._dark)
        self._update_extra_selections()
        self._gutter.update()

    # -- current line and brackets ----------------------------------------------------------
    def set_error_line(self, line: int | None) -> None:
        """Mark the 1-based line an error points at (a traceback, a database position), or
        clear the mark. The mark stays visible without focus, until the code changes."""
        if line is not None and not 1 <= line <= self.document().blockCount():
            line = None
        self._error_line = line
        self._update_extra_selections()

    def error_line(self) -> int | None:
        return self._error_line

    def set_search_marks(
        self, marks: Sequence[tuple[int, int]], current: int | None = None
    ) -> None:
        """Highlight find matches (document positions); ``current`` (an index into ``marks``)
        stronger. An empty ``marks`` clears them."""
        self._search_marks, self._search_current = tuple(marks), current
        self._update_extra_selections()

    def search_marks(self) -> tuple[tuple[int, int], ...]:
        return self._search_marks

    def _search_selections(self) -> list[QTextEdit.ExtraSelection]:
        selections = []
        for index, (start, end) in enumerate(self._search_marks):
            color = QColor(self.palette().color(QPalette.ColorRole.Highlight))
            color.setAlpha(170 if index == self._search_current else 70)
            cursor = QTextCursor(self.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            mark = QTextEdit.ExtraSelection()
            mark.format.setBackground(color)
            mark.cursor = cursor
            selections.append(mark)
        return selections

    def _error_selection(self) -> list[QTextEdit.ExtraSelection]:
        if self._error_line is None:
            return []
        block = self.document().findBlockByNumber(self._error_line - 1)
        mark = QTextEdit.ExtraSelection()
        mark.format.setBackground(self._colors.error_bg)
        mark.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        mark.cursor = QTextCursor(block)
        return [mark]

    def _update_extra_selections(self) -> None:
        if not self.hasFocus():
            wanted = self._error_selection() + self._search_selections()
            if wanted or self.extraSelections():
                self.setExtraSelections(wanted)
            return
        line = self.textCursor()
        line.clearSelection()
        current = QTextEdit.ExtraSelection()
        current.format.setBackground(self._colors.current_line_bg)
        current.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        current.cursor = line
        selections = [*self._error_selection(), current, *self._search_selections()]
        for position in self.matching_brackets():
            cursor = QTextCursor(self.document())
            cursor.setPosition(position)
            cursor.setPosition(position + 1, QTextCursor.MoveMode.KeepAnchor)
            bracket = QTextEdit.ExtraSelection()
            bracket.format.setBackground(self._colors.bracket_match_bg)
            bracket.cursor = cursor
            selections.append(bracket)
        self.setExtraSelections(selections)

    def matching_brackets(self) -> tuple[int, int] | tuple[()]:
        """Document positions of the bracket at (or else just before) the cursor and its
        match (:mod:`app.ui.editor.brackets`); empty when there is no matched pair."""
        return matching_brackets(self.textCursor())


def _accepts_or_closes(event: QKeyEvent) -> bool:
    """Keys an open completion popup handles itself (QCompleter's defaults)."""
    keys = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Escape)
    return event.key() in keys or event.key() == Qt.Key.Key_Backtab

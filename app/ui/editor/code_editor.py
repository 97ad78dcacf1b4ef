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
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import (
    QFocusEvent,
    QFontMetricsF,
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QTextCursor,
    QTextFormat,
    QTextOption,
    QWheelEvent,
)
from PySide6.QtWidgets import QPlainTextEdit, QSizePolicy, QTextEdit, QWidget

from app.ui.editor.brackets import matching_brackets
from app.ui.editor.completion_popup import CompletionPopup, CompletionSource
from app.ui.editor.editor_keys import EditorKeys
from app.ui.editor.highlighter import PygmentsHighlighter, check_language
from app.ui.editor.hover_docs import HoverDocs
from app.ui.editor.line_edits import (
    COMMENT_PREFIX,
    INDENT,
    LineEdit,
    comment_edits,
    dedent_edits,
    indent_edits,
    newline_indent,
)
from app.ui.editor.preferences import editor_preferences
from app.ui.editor.search_marks import search_selections
from app.ui.editor.signature_help import InspectSource, SignatureHelp
from app.ui.theme import Colors, colors_for, is_dark

#: Above this many lines (wrapped lines count each) the editor stops growing and scrolls.
MAX_VISIBLE_LINES = 2000
#: One notch of a mouse wheel (QWheelEvent.angleDelta units): one zoom step.
_WHEEL_NOTCH = 120
_GUTTER_PADDING = 6

_CTRL = Qt.KeyboardModifier.ControlModifier


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


class CodeEditor(EditorKeys):
    """A plain-text code editor for one cell.

    Responsibilities: pygments highlighting, line numbers, current-line and bracket
    highlights, auto-indent, Tab/Shift+Tab, comment toggling, growing with its content (no
    vertical scrollbar), following the system palette, and turning notebook keys into intents.
    """

    def __init__(self, language: str = "python", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._language = check_language(language)
        self._setting_code = False
        #: The text last seen, to tell an edit from a re-colouring (``_on_text_changed``).
        self._text = ""
        self._error_line: int | None = None
        self._preferred_height = 0
        self._hscroll_needed = False
        self._dark = is_dark(self.palette())
        self._colors: Colors = colors_for(self.palette())
        self._highlighter = PygmentsHighlighter(self.document(), language, self._dark)
        self._gutter = _LineNumberArea(self)
        self.completion: CompletionPopup | None = None
        self.signature_help: SignatureHelp | None = None
        self.hover: HoverDocs | None = None
        #: Find-bar matches shown here: (start, end) document positions; the current one.
        self._search_marks: tuple[tuple[int, int], ...] = ()
        self._search_current: int | None = None

        self._wheel_zoom = 0
        preferences = editor_preferences()
        self.setFont(preferences.code_font())
        self._set_wrap(preferences.word_wrap())
        preferences.font_changed.connect(self._on_code_font_changed)
        preferences.wrap_changed.connect(self._set_wrap)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._apply_font_metrics()

        self.textChanged.connect(self._on_text_changed)
        self.blockCountChanged.connect(self._on_block_count_changed)
        self.updateRequest.connect(self._on_update_request)
        self.cursorPositionChanged.connect(self._update_extra_selections)
        self.horizontalScrollBar().rangeChanged.connect(self._on_hscroll_range_changed)
        # Wrapped lines: typing can add a line on screen without adding a block.
        self.document().documentLayout().documentSizeChanged.connect(self._on_layout_resized)
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
        self.hover = HoverDocs(self, source) if source is not None else None

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

    def viewportEvent(self, event: QEvent) -> bool:
        # The pointer resting on a name (Qt's tool-tip event, sent to the viewport): its docs.
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            if self.hover is not None and self._language == "python":
                self.hover.show_at(event.pos(), event.globalPos())
            return True
        return super().viewportEvent(event)

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
        if self.word_wrap() and event.size().width() != event.oldSize().width():
            self._update_height()  # a new width wraps the lines anew

    def wheelEvent(self, event: QWheelEvent) -> None:
        """Ctrl+wheel zooms the code of every editor; the plain wheel scrolls as usual."""
        if not event.modifiers() & _CTRL:
            super().wheelEvent(event)
            return
        event.accept()
        # A touchpad sends small deltas: they add up to whole notches (rounded towards zero).
        self._wheel_zoom += event.angleDelta().y()
        steps = int(self._wheel_zoom / _WHEEL_NOTCH)
        if steps:
            self._wheel_zoom -= steps * _WHEEL_NOTCH
            editor_preferences().zoom_by(steps)

    def word_wrap(self) -> bool:
        """Whether long lines wrap at the editor's width (View → Word wrap)."""
        return self.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth

    def _set_wrap(self, on: bool) -> None:
        self.setLineWrapMode(
            QPlainTextEdit.LineWrapMode.WidgetWidth if on else QPlainTextEdit.LineWrapMode.NoWrap
        )
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self._update_height()

    def _on_code_font_changed(self) -> None:
        self.setFont(editor_preferences().code_font())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        elif event.type() == QEvent.Type.FontChange:
            self._apply_font_metrics()
            self._update_gutter_width()
            self._update_height()

    # -- text, height and gutter ------------------------------------------------------------
    def _on_text_changed(self) -> None:
        """Qt says the text changed also when only its colours did (the highlighter re-run on
        a theme change): only a change of the text itself is an edit."""
        text = self.toPlainText()
        if text == self._text:
            return
        self._text = text
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

    def _visual_line_count(self) -> int:
        """Lines on screen: blocks, or with word wrap the wrapped lines of each (laying the
        blocks out at the current width; counting stops past the cap)."""
        if not self.word_wrap():
            return max(1, self.blockCount())
        lines = 0
        block = self.document().firstBlock()
        while block.isValid() and lines <= MAX_VISIBLE_LINES:
            self.blockBoundingRect(block)  # lays the block out if it is not yet
            layout = block.layout()
            lines += max(1, layout.lineCount() if layout is not None else 1)
            block = block.next()
        return max(1, lines)

    def _on_layout_resized(self) -> None:
        if self.word_wrap():
            self._update_height()

    def _update_height(self) -> None:
        lines = self._visual_line_count()
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
        return search_selections(self, self._search_marks, self._search_current)

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

"""The code editor's keys: notebook keys turned into intents (run, navigate, move, escape),
Tab / Shift+Tab, auto-indent, comment toggling, auto-closing pairs, completion and signature
help triggers, go to definition. :class:`~app.ui.editor.code_editor.CodeEditor` builds on it;
its signals are declared here, where the keys emit them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QMouseEvent, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

from app.ui.editor.auto_pairs import PairTyping, deletes_pair, opens_block, typed_pair, wrapped
from app.ui.editor.line_edits import (
    COMMENT_PREFIX,
    INDENT,
    LineEdit,
    comment_edits,
    dedent_edits,
    indent_edits,
    index_of_column,
    newline_indent,
    word_span,
)

if TYPE_CHECKING:
    from app.ui.editor.completion_popup import CompletionPopup
    from app.ui.editor.highlighter import PygmentsHighlighter
    from app.ui.editor.signature_help import SignatureHelp

_Mod = Qt.KeyboardModifier
_NONE = _Mod.NoModifier
_SHIFT = _Mod.ShiftModifier
_CTRL = _Mod.ControlModifier
_ALT = _Mod.AltModifier


class EditorKeys(QPlainTextEdit):
    """See the module docstring."""

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

    _language: str
    completion: CompletionPopup | None
    signature_help: SignatureHelp | None
    _highlighter: PygmentsHighlighter

    def word_at_cursor(self) -> str:
        """The identifier the cursor is in or just after ("" if none)."""
        cursor = self.textCursor()
        text = cursor.block().text()
        column = index_of_column(text, cursor.positionInBlock())
        span = word_span(text, column) or word_span(text, column - 1)
        return text[span[0] : span[1]] if span is not None else ""

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
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and self._passes_undo_on(event)
        ):
            event.ignore()  # the window's Edit → Undo / Redo: the notebook's structural undo
            return False
        return super().event(event)

    def _passes_undo_on(self, event: QKeyEvent) -> bool:
        """Ctrl+Z with no text edit left to undo here (Ctrl+Shift+Z: none to redo) goes to
        the notebook's undo, as JupyterLab does: text first, then cell operations."""
        document = self.document()
        if event.matches(QKeySequence.StandardKey.Undo):
            return not document.isUndoAvailable()
        if event.matches(QKeySequence.StandardKey.Redo):
            return not document.isRedoAvailable()
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.completion is not None and self.completion.visible and _accepts_or_closes(event):
            event.ignore()  # the open completion popup takes it (accept, or close)
            return
        action = self._key_action(event)
        if action is None:
            if not self._typed_pair(event):
                super().keyPressEvent(event)
            if self._completes():
                assert self.completion is not None
                self.completion.typed(event.text())
            if self.signature_help is not None and self._language == "python":
                self.signature_help.typed(event.text())
            return
        event.accept()
        action()

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
        if key == Qt.Key.Key_Backspace and mods == _NONE and self._between_empty_pair():
            return self._delete_pair
        if key == Qt.Key.Key_Space and mods == _CTRL and self._completes():
            return self._request_completion
        if key == Qt.Key.Key_Backtab or (key == Qt.Key.Key_Tab and mods == _SHIFT):
            return self._shift_tab
        if key == Qt.Key.Key_F12 and mods == _NONE and self._language == "python":
            return self._go_to_definition
        if key == Qt.Key.Key_Slash and mods in (_CTRL, _CTRL | _SHIFT):
            return self._toggle_comment
        return None

    # -- auto-closing pairs -------------------------------------------------------------------
    def _pairs_close(self) -> bool:
        return self._language != "markdown" and not self.isReadOnly()

    def _typed_pair(self, event: QKeyEvent) -> bool:
        """Type a bracket or quote the auto-closing way (:mod:`app.ui.editor.auto_pairs`):
        wrap the selection, close the pair, or type over the closer; False when the key is
        an ordinary one for QPlainTextEdit to insert."""
        char = event.text()
        mods = event.modifiers() & ~(_SHIFT | _Mod.KeypadModifier | _Mod.GroupSwitchModifier)
        # AltGr arrives as Ctrl+Alt on Windows ({ [ on many layouts); Ctrl or Alt alone is a
        # shortcut, not typing.
        if len(char) != 1 or mods not in (_NONE, _CTRL | _ALT) or not self._pairs_close():
            return False
        cursor = self.textCursor()
        if cursor.hasSelection():
            return self._wrap_selection(cursor, char)
        block = cursor.block()
        column = index_of_column(block.text(), cursor.positionInBlock())
        before, after = block.text()[:column], block.text()[column:]
        typing = typed_pair(
            char, before, after, in_code=self._highlighter.in_code_at(block, column)
        )
        if typing is None:
            return False
        self._apply_pair(cursor, typing)
        return True

    def _apply_pair(self, cursor: QTextCursor, typing: PairTyping) -> None:
        if typing.kind == "over":
            cursor.movePosition(QTextCursor.MoveOperation.NextCharacter)
        else:
            cursor.insertText(typing.text)  # ASCII brackets and quotes: one unit each
            cursor.setPosition(cursor.position() - len(typing.text) + typing.cursor)
        self.setTextCursor(cursor)

    def _wrap_selection(self, cursor: QTextCursor, char: str) -> bool:
        """An opening bracket or quote typed over a selection surrounds it; the selection
        stays on the text inside, as in VS Code."""
        text = wrapped(char, cursor.selectedText().replace("\u2029", "\n"))
        if text is None:
            return False
        start = cursor.selectionStart()
        cursor.insertText(text)  # one undo step
        end = cursor.position() - 1
        cursor.setPosition(start + 1)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        return True

    def _between_empty_pair(self) -> bool:
        cursor = self.textCursor()
        if cursor.hasSelection() or not self._pairs_close():
            return False
        text = cursor.block().text()
        column = index_of_column(text, cursor.positionInBlock())
        return deletes_pair(text[:column], text[column:])

    def _delete_pair(self) -> None:
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.PreviousCharacter)
        cursor.movePosition(
            QTextCursor.MoveOperation.NextCharacter, QTextCursor.MoveMode.KeepAnchor, 2
        )
        cursor.removeSelectedText()
        self.setTextCursor(cursor)

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

    def mousePressEvent(self, event: QMouseEvent) -> None:
        super().mousePressEvent(event)
        ctrl_click = event.modifiers() & _CTRL and event.button() == Qt.MouseButton.LeftButton
        if ctrl_click and self._language == "python":
            self._go_to_definition()  # Ctrl+click, like F12

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
        """Enter: the new line's indent; between an empty bracket pair, the closer goes to a
        line of its own below an indented one (one undo step)."""
        cursor = self.textCursor()
        text = cursor.block().text()
        column = index_of_column(text, cursor.positionInBlock())
        before, after = text[:column], text[column:]
        indent = newline_indent(before, self._language)
        explode = self._pairs_close() and not cursor.hasSelection() and opens_block(before, after)
        cursor.beginEditBlock()
        cursor.insertText("\n" + indent)
        if explode:
            inner = cursor.position()
            cursor.insertText(INDENT + "\n" + indent)
            cursor.setPosition(inner + len(INDENT))
        cursor.endEditBlock()
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


def _accepts_or_closes(event: QKeyEvent) -> bool:
    """Keys an open completion popup handles itself (QCompleter's defaults)."""
    keys = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Escape)
    return event.key() in keys or event.key() == Qt.Key.Key_Backtab

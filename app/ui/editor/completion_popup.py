"""The completion popup of a code editor: asks a source, shows kind and signature, inserts.

Qt's own ``QCompleter`` runs the popup (arrow keys, Enter/Tab to accept, Escape to close,
filtering as the user keeps typing); this module only feeds it. Asking never blocks typing:
the source is a coroutine run on the event loop, and an answer that arrives after the text
moved on (another request was made, the cursor left the word) is dropped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from PySide6.QtCore import QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel, QTextCursor
from PySide6.QtWidgets import QCompleter, QPlainTextEdit, QTreeView

from app.ui.editor.auto_pairs import CLOSERS
from app.ui.editor.line_edits import index_of_column
from app.ui.tasks import spawn

#: After a ``.``, completion opens by itself once typing pauses this long (milliseconds).
DOT_PAUSE_MS = 200
#: Rows the popup shows before it scrolls.
VISIBLE_ROWS = 10


class Item(Protocol):
    """One completion as the source gives it."""

    @property
    def name(self) -> str: ...

    @property
    def insert(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def detail(self) -> str: ...


class Answer(Protocol):
    @property
    def items(self) -> Sequence[Item]: ...


#: (code, 1-based line, 0-based column in code points) -> the completions there.
CompletionSource = Callable[[str, int, int], Awaitable[Answer]]


def closers_overlap(name: str, after: str) -> int:
    """How many characters right of the cursor the accepted ``name`` already ends with, when
    they are closing quotes or brackets: ``"revenue"`` accepted in ``df["rev|"]`` (the
    auto-closed quote) must not leave a second quote behind."""
    for length in range(min(len(name), len(after)), 0, -1):
        tail = after[:length]
        if name.endswith(tail) and all(c in CLOSERS for c in tail):
            return length
    return 0


def is_identifier_char(char: str) -> bool:
    return char.isalnum() or char == "_"


class CompletionPopup(QObject):
    """Completion for one editor (see the module docstring)."""

    def __init__(self, editor: QPlainTextEdit, source: CompletionSource) -> None:
        super().__init__(editor)
        self._editor = editor
        self._source = source
        self._generation = 0
        #: Document position where the word being completed starts.
        self._start = 0
        # The completer and its popup window are made on the first answer: most editors never
        # complete, and a notebook of many cells should not hold a hidden popup per cell.
        self._completer: QCompleter | None = None
        self._view: QTreeView | None = None
        self._dot_timer = QTimer(self)
        self._dot_timer.setSingleShot(True)
        self._dot_timer.setInterval(DOT_PAUSE_MS)
        self._dot_timer.timeout.connect(self._after_dot_pause)
        self.requests = 0
        """How many times completions were asked for (tests count them)."""
        self.answers = 0
        """How many answers were shown (tests wait on it)."""

    # -- what the editor calls ------------------------------------------------------------------
    @property
    def completer(self) -> QCompleter:
        if self._completer is None:
            self.model = QStandardItemModel(self)
            completer = QCompleter(self.model, self)
            completer.setWidget(self._editor)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setModelSorting(QCompleter.ModelSorting.UnsortedModel)
            completer.setMaxVisibleItems(VISIBLE_ROWS)
            view = QTreeView()
            view.setHeaderHidden(True)
            view.setRootIsDecorated(False)
            view.setUniformRowHeights(True)
            completer.setPopup(view)
            completer.activated[QModelIndex].connect(self._accept)  # type: ignore[index]
            self._completer, self._view = completer, view
        return self._completer

    @property
    def view(self) -> QTreeView:
        """The popup list (it has the keyboard while open)."""
        self.completer  # noqa: B018  (made on first use)
        assert self._view is not None
        return self._view

    @property
    def visible(self) -> bool:
        return self._view is not None and self._view.isVisible()

    @property
    def current(self) -> str:
        """The highlighted item's name ("" when none is)."""
        if self._view is None:
            return ""
        index = self._view.currentIndex()
        return str(index.sibling(index.row(), 0).data()) if index.isValid() else ""

    def wants_tab(self) -> bool:
        """Tab completes (rather than indents) right after an identifier character or a dot."""
        cursor = self._editor.textCursor()
        if cursor.hasSelection():
            return False
        before = self._text_before_cursor()
        return bool(before) and (is_identifier_char(before[-1]) or before[-1] == ".")

    def typed(self, text: str) -> None:
        """The user typed ``text``: follow the word in an open popup, or wait after a dot."""
        if text == ".":
            self.hide()
            self._dot_timer.start()
            return
        self._dot_timer.stop()
        if self.visible:
            self._follow()

    def request(self) -> None:
        """Ask for completions at the cursor (Tab, Ctrl+Space, a pause after a dot)."""
        self._dot_timer.stop()
        self._generation += 1
        self.requests += 1
        generation = self._generation
        cursor = self._editor.textCursor()
        block = cursor.block()
        before = self._text_before_cursor()
        line, column = block.blockNumber() + 1, len(before)
        spawn(self._ask(generation, self._editor.toPlainText(), line, column, cursor.position()))

    def hide(self) -> None:
        self._generation += 1  # whatever is on its way is stale now
        if self._view is not None:
            self._view.hide()

    # -- the answer -------------------------------------------------------------------------------
    async def _ask(self, generation: int, code: str, line: int, column: int, at: int) -> None:
        answer = await self._source(code, line, column)
        if generation != self._generation or not self._editor.hasFocus():
            return  # the user moved on
        items = list(answer.items)
        if not items:
            return
        first = items[0]
        typed_length = max(0, len(first.name) - len(first.insert))
        self._start = at - typed_length
        if self._editor.textCursor().position() < at or not self._word_still_typed():
            return
        self._fill(items)
        self.answers += 1
        self._follow()

    def _fill(self, items: Sequence[Item]) -> None:
        self.completer  # noqa: B018  (made on first use)
        self.model.clear()
        for item in items:
            name = QStandardItem(item.name)
            kind = QStandardItem(item.kind)
            detail = QStandardItem(item.detail)
            name.setToolTip(item.detail)
            for cell in (name, kind, detail):
                cell.setEditable(False)
            kind.setForeground(Qt.GlobalColor.gray)
            detail.setForeground(Qt.GlobalColor.gray)
            self.model.appendRow([name, kind, detail])

    def _word_still_typed(self) -> bool:
        """Between the word's start and the cursor there is still only the word."""
        typed = self._typed()
        return typed is not None and all(is_identifier_char(c) or c in "'\"" for c in typed)

    def _typed(self) -> str | None:
        cursor = self._editor.textCursor()
        if cursor.position() < self._start:
            return None
        probe = QTextCursor(self._editor.document())
        probe.setPosition(self._start)
        probe.setPosition(cursor.position(), QTextCursor.MoveMode.KeepAnchor)
        return probe.selectedText()

    def _follow(self) -> None:
        """Filter the popup by what is typed since the word began; close it when it no
        longer applies."""
        typed = self._typed() if self._word_still_typed() else None
        if typed is None:
            self.hide()
            return
        self.completer.setCompletionPrefix(typed)
        if self.completer.completionCount() == 0:
            self.hide()
            return
        view = self.view
        self.completer.setCurrentRow(0)
        view.setCurrentIndex(self.completer.completionModel().index(0, 0))
        for column in range(3):
            view.resizeColumnToContents(column)
        rect = self._editor.cursorRect()
        width = sum(view.columnWidth(c) for c in range(3)) + 40
        rect.setWidth(min(width, 700))
        self.completer.complete(rect)

    def _accept(self, index: QModelIndex) -> None:
        """Replace the typed word by the chosen name (one undo step)."""
        name = str(index.sibling(index.row(), 0).data())
        cursor = self._editor.textCursor()
        end = cursor.position() + closers_overlap(name, self._text_after_cursor())
        cursor.setPosition(self._start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(name)
        self._editor.setTextCursor(cursor)

    def _after_dot_pause(self) -> None:
        before = self._text_before_cursor()
        if self._editor.hasFocus() and before.endswith(".") and len(before) > 1:
            self.request()

    def _text_after_cursor(self) -> str:
        cursor = self._editor.textCursor()
        text = cursor.block().text()
        return text[index_of_column(text, cursor.positionInBlock()) :]

    def _text_before_cursor(self) -> str:
        cursor = self._editor.textCursor()
        text = cursor.block().text()
        column = cursor.positionInBlock()
        if text.isascii():
            return text[:column]
        return text.encode("utf-16-le")[: column * 2].decode("utf-16-le", "replace")

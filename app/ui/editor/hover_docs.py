"""Docs on hover: resting the pointer on a name shows its signature and docstring, as VS Code
and JupyterLab do, from the same source as signature help (the idle kernel, else static jedi).

Asked from a task (the window never waits); an answer for a name the pointer has left is
dropped. Qt's tool tip hides by itself when the pointer moves on.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint
from PySide6.QtWidgets import QPlainTextEdit, QToolTip

from app.ui.editor.line_edits import index_of_column, word_span
from app.ui.editor.signature_help import InspectSource, inspection_html
from app.ui.tasks import spawn


class HoverDocs(QObject):
    """See the module docstring."""

    def __init__(self, editor: QPlainTextEdit, source: InspectSource) -> None:
        super().__init__(editor)
        self._editor = editor
        self._source = source
        self._generation = 0
        #: (line, start column) of the name asked about last.
        self._asked: tuple[int, int] | None = None
        #: What the tip shows (rich text; tests read it).
        self.shown = ""

    def show_at(self, pos: QPoint, global_pos: QPoint) -> None:
        """The pointer rests at viewport position ``pos``: show the docs of the name there."""
        cursor = self._editor.cursorForPosition(pos)
        text = cursor.block().text()
        index = index_of_column(text, cursor.positionInBlock())
        span = word_span(text, index) or word_span(text, index - 1)
        if span is None:
            self.hide()
            return
        line = cursor.blockNumber() + 1
        if self._asked == (line, span[0]) and QToolTip.isVisible():
            return
        self._asked = (line, span[0])
        self._generation += 1
        code = self._editor.toPlainText()
        spawn(self._ask(self._generation, code, line, span[1], global_pos))

    def hide(self) -> None:
        self._generation += 1
        self._asked = None
        QToolTip.hideText()

    async def _ask(self, generation: int, code: str, line: int, column: int, at: QPoint) -> None:
        answer = await self._source(code, line, column, True)
        if generation != self._generation:
            return  # the pointer moved on
        self.shown = inspection_html(answer, docs=True)
        if self.shown:
            QToolTip.showText(at, self.shown, self._editor)

"""Signature help and docs in the editor: after ``(`` and ``,`` the call's signature with the
parameter being typed in bold; Shift+Tab after a name shows its docs.

Like the completion popup it asks a source (the coordinator: the live kernel, or static jedi)
from a task and drops answers that arrive after a newer request. The tip is a small tool-tip
window of its own, so it stays up while the user types the arguments (Qt's QToolTip hides at
the first key).
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit

from app.ui.tasks import spawn

#: Characters of a docstring shown (long docstrings are cut here).
MAX_DOC_CHARS = 1500


class Inspection(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def signature(self) -> str: ...

    @property
    def params(self) -> Sequence[str]: ...

    @property
    def parameter(self) -> int: ...

    @property
    def doc(self) -> str: ...

    @property
    def module(self) -> str: ...


#: (code, 1-based line, 0-based column, docs?) -> what is known there.
InspectSource = Callable[[str, int, int, bool], Awaitable[Inspection]]


def signature_html(signature: str, params: Sequence[str], parameter: int) -> str:
    """The signature with the parameter being typed in bold (escaped for rich text)."""
    if not 0 <= parameter < len(params):
        return html.escape(signature)
    open_at = signature.find("(")
    head, rest = signature[: open_at + 1], signature[open_at + 1 :]
    parts = rest.split(", ")
    wanted = params[parameter]
    shown = []
    for index, part in enumerate(parts):
        closing = ")" if index == len(parts) - 1 and part.endswith(")") else ""
        body = part[: len(part) - len(closing)]
        name = body.lstrip("*").split(":")[0].split("=")[0].strip()
        text = f"<b>{html.escape(body)}</b>" if name == wanted else html.escape(body)
        shown.append(text + closing)
    return html.escape(head) + ", ".join(shown)


def inspection_html(answer: Inspection, *, docs: bool) -> str:
    """The signature (parameter being typed in bold) and, with ``docs``, the docstring and the
    defining module, as rich text; "" when nothing is known."""
    parts = []
    if answer.signature:
        parts.append(signature_html(answer.signature, answer.params, answer.parameter))
    if docs and answer.doc:
        doc = answer.doc if len(answer.doc) <= MAX_DOC_CHARS else answer.doc[:MAX_DOC_CHARS] + "…"
        if answer.signature and doc.startswith(answer.signature):
            doc = doc[len(answer.signature) :].lstrip("\n")
        parts.append(f"<pre style='white-space: pre-wrap'>{html.escape(doc)}</pre>")
    if docs and answer.module:
        parts.append(f"<i>{html.escape(answer.module)}</i>")
    return "<br>".join(parts)


class SignatureHelp(QObject):
    """See the module docstring."""

    def __init__(self, editor: QPlainTextEdit, source: InspectSource) -> None:
        super().__init__(editor)
        self._editor = editor
        self._source = source
        self._generation = 0
        #: The tip window, made when first shown (most editors never show one).
        self._tip: QLabel | None = None

    @property
    def tip(self) -> QLabel:
        if self._tip is None:
            tip = QLabel(self._editor, Qt.WindowType.ToolTip)
            tip.setTextFormat(Qt.TextFormat.RichText)
            tip.setWordWrap(True)
            tip.setMaximumWidth(640)
            tip.setMargin(6)
            self._tip = tip
        return self._tip

    @property
    def visible(self) -> bool:
        return self._tip is not None and self._tip.isVisible()

    def text(self) -> str:
        """What the tip shows (rich text; tests read it)."""
        return self._tip.text() if self._tip is not None else ""

    def typed(self, text: str) -> None:
        """``(`` or ``,`` asks for the signature; ``)`` and a new line close the tip."""
        if text in ("(", ","):
            self.request(docs=False)
        elif text in (")", "\r", "\n") and self.visible:
            self.hide()

    def request(self, *, docs: bool) -> None:
        self._generation += 1
        generation = self._generation
        cursor = self._editor.textCursor()
        before = cursor.block().text()[: cursor.positionInBlock()]
        line = cursor.blockNumber() + 1
        spawn(self._ask(generation, self._editor.toPlainText(), line, len(before), docs))

    def hide(self) -> None:
        self._generation += 1
        if self._tip is not None:
            self._tip.hide()

    async def _ask(self, generation: int, code: str, line: int, column: int, docs: bool) -> None:
        answer = await self._source(code, line, column, docs)
        if generation != self._generation or not self._editor.hasFocus():
            return  # the user moved on
        text = inspection_html(answer, docs=docs)
        if not text:
            self.hide()
            return
        self.tip.setText(text)
        self.tip.adjustSize()
        rect = self._editor.cursorRect()
        self.tip.move(self._editor.viewport().mapToGlobal(rect.bottomLeft()))
        self.tip.show()

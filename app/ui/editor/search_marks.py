"""Find matches as highlights in a text view (a code editor or an output's text): the same
look everywhere, the current match stronger."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QColor, QPalette, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit


def search_selections(
    view: QPlainTextEdit, marks: Sequence[tuple[int, int]], current: int | None
) -> list[QTextEdit.ExtraSelection]:
    """One extra selection per (start, end) document range; ``current`` (an index) stronger."""
    selections = []
    for index, (start, end) in enumerate(marks):
        color = QColor(view.palette().color(QPalette.ColorRole.Highlight))
        color.setAlpha(170 if index == current else 70)
        cursor = QTextCursor(view.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        selection = QTextEdit.ExtraSelection()
        selection.format.setBackground(color)
        selection.cursor = cursor
        selections.append(selection)
    return selections

"""Find in outputs (the find bar's "Outputs" box): the text of every cell's text outputs
(printed streams, plain-text values, tracebacks) is searched too, matches marked in the output
and revealed like code matches; outputs are never replaced.

Each text output piece is one search text, keyed ``out:<cell id>:<n>`` so it sorts after its
cell's code in notebook order.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QPlainTextEdit, QWidget

from app.ui.editor.search_marks import search_selections

PREFIX = "out:"


def output_key(cell_id: str, index: int) -> str:
    return f"{PREFIX}{cell_id}:{index}"


def is_output_key(key: str) -> bool:
    return key.startswith(PREFIX)


def cell_of(key: str) -> str:
    """The cell a search key (code: the cell id; output: ``out:<id>:<n>``) belongs to."""
    return key[len(PREFIX) :].rsplit(":", 1)[0] if is_output_key(key) else key


def text_pieces(outputs: QWidget) -> list[QPlainTextEdit]:
    """A cell's visible text output views, top to bottom."""
    pieces = [p for p in outputs.findChildren(QPlainTextEdit) if p.isVisibleTo(outputs)]
    return sorted(pieces, key=lambda p: p.mapTo(outputs, p.rect().topLeft()).y())


def mark(view: QPlainTextEdit, marks: Sequence[tuple[int, int]], current: int | None) -> None:
    """Highlight ``marks`` (document positions) in an output view, ``current`` stronger."""
    view.setExtraSelections(search_selections(view, marks, current))

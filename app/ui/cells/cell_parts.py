"""Small pieces of a cell widget, built here so the cell's own module holds its behaviour:
the SQL cell's header row, the rich-text labels for problems and quick fixes, and the
auto-run countdown bar."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QProgressBar, QWidget

from app.core.notebook import Cell

KIND_LABEL = {"python": "Python", "sql": "SQL", "markdown": "Markdown"}


class SqlHeader(QWidget):
    """``SQL → name``: the variable a SQL cell's result is bound to (other kinds hide it)."""

    def __init__(self, cell: Cell) -> None:
        super().__init__()
        self.kind_badge = QLabel(KIND_LABEL[cell.kind])
        self.name_label = QLabel("→")
        self.name_edit = QLineEdit(cell.name or "")
        self.name_edit.setToolTip(
            "The variable the query's result is bound to (a pandas DataFrame)"
        )
        self.name_edit.setFixedWidth(120)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.kind_badge, self.name_label, self.name_edit):
            row.addWidget(widget)
        row.addStretch(1)
        self.setVisible(cell.kind == "sql")


def link_label(*, selectable: bool = False) -> QLabel:
    """A hidden, word-wrapped rich-text label whose links the cell handles."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    if selectable:
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
        )
    label.hide()
    return label


def countdown_bar(bar: QWidget, duration_ms: int) -> QProgressBar:
    """The thin bar in the cell's controls that counts down to an auto-run."""
    countdown = QProgressBar(bar)
    countdown.setRange(0, duration_ms)
    countdown.setTextVisible(False)
    countdown.setFixedSize(40, 4)
    countdown.hide()
    bar.layout().insertWidget(3, countdown)  # type: ignore[union-attr]  # after its words
    return countdown


def set_text_colour(label: QLabel, colour: str) -> None:
    """Colour a label's text through its palette (a style sheet would repolish the cell)."""
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(colour))
    label.setPalette(palette)

"""A veil over out-of-date outputs: a plain child widget painting the card colour, partly
transparent, over its parent. It replaces a QGraphicsOpacityEffect, which renders the outputs
through an offscreen pixmap and left ghost text of other cells behind while scrolling
(issue 12); a veil is ordinary painting, so scrolling and repaints stay exact."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from app.ui.theme.apply import theme_for

#: How much of the card colour covers stale outputs (0: none, 1: hidden).
VEIL_ALPHA = 0.55


class StaleVeil(QWidget):
    """Covers ``parent`` exactly (follows its size); mouse and keys go through to it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._covered = parent
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        parent.installEventFilter(self)
        self.setGeometry(parent.rect())
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self._covered:
            self.setGeometry(self._covered.rect())
        elif event.type() == QEvent.Type.ChildAdded and self.isVisible():
            self.raise_()  # new outputs stay under the veil
        return False

    def cover(self, on: bool) -> None:
        if on:
            self.setGeometry(self._covered.rect())
            self.raise_()
        self.setVisible(on)

    def paintEvent(self, event: QPaintEvent) -> None:
        color = QColor(theme_for(self.palette()).surface)
        color.setAlphaF(VEIL_ALPHA)
        QPainter(self).fillRect(self.rect(), color)

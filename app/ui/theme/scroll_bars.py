"""Thin scroll bars, as VS Code, JupyterLab and marimo draw them: a rounded thumb on the
view's own background, no arrow buttons, darker under the mouse.

A proxy of Fusion (the style that paints every palette role) that changes scroll bars only:
a style sheet would have done it too, but a style sheet on the application puts every widget
of every cell card through Qt's style-sheet style, which makes them slower to build and paint.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QProxyStyle,
    QStyle,
    QStyleOption,
    QStyleOptionComplex,
    QStyleOptionSlider,
    QWidget,
)

from app.ui.theme import blend

#: Across the bar, in device-independent pixels; the thumb leaves a margin on each side.
EXTENT = 10
MARGIN = 2
#: The shortest thumb, so a long document's stays easy to grab.
MIN_THUMB = 28

_CC = QStyle.ComplexControl
_SC = QStyle.SubControl


class ThinScrollBars(QProxyStyle):
    """See the module docstring."""

    def __init__(self) -> None:
        super().__init__("Fusion")

    def pixelMetric(
        self,
        metric: QStyle.PixelMetric,
        option: QStyleOption | None = None,
        widget: QWidget | None = None,
    ) -> int:
        if metric == QStyle.PixelMetric.PM_ScrollBarExtent:
            return EXTENT
        if metric == QStyle.PixelMetric.PM_ScrollBarSliderMin:
            return MIN_THUMB
        return super().pixelMetric(metric, option, widget)

    def subControlRect(
        self,
        control: QStyle.ComplexControl,
        option: QStyleOptionComplex,
        sub: QStyle.SubControl,
        widget: QWidget | None = None,
    ) -> QRect:
        if control != _CC.CC_ScrollBar or not isinstance(option, QStyleOptionSlider):
            return super().subControlRect(control, option, sub, widget)  # type: ignore[arg-type]
        groove = QRect(option.rect)
        if sub in (_SC.SC_ScrollBarAddLine, _SC.SC_ScrollBarSubLine):
            return QRect()  # no arrow buttons
        if sub == _SC.SC_ScrollBarGroove:
            return groove
        thumb = thumb_rect(option)
        if sub == _SC.SC_ScrollBarSlider:
            return thumb
        horizontal = option.orientation == Qt.Orientation.Horizontal
        if sub == _SC.SC_ScrollBarSubPage:  # before the thumb
            if horizontal:
                return QRect(
                    groove.left(), groove.top(), thumb.left() - groove.left(), groove.height()
                )
            return QRect(groove.left(), groove.top(), groove.width(), thumb.top() - groove.top())
        if sub == _SC.SC_ScrollBarAddPage:  # after it
            if horizontal:
                return QRect(
                    thumb.right() + 1, groove.top(), groove.right() - thumb.right(), groove.height()
                )
            return QRect(
                groove.left(), thumb.bottom() + 1, groove.width(), groove.bottom() - thumb.bottom()
            )
        return super().subControlRect(control, option, sub, widget)  # type: ignore[arg-type]

    def drawComplexControl(
        self,
        control: QStyle.ComplexControl,
        option: QStyleOptionComplex,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if control != _CC.CC_ScrollBar or not isinstance(option, QStyleOptionSlider):
            super().drawComplexControl(control, option, painter, widget)
            return
        palette = option.palette
        painter.save()  # no groove: the bar lies on whatever the view painted beneath it
        if option.maximum > option.minimum:
            hovered = bool(option.activeSubControls & _SC.SC_ScrollBarSlider) and bool(
                option.state & QStyle.StateFlag.State_MouseOver
            )
            pressed = bool(option.state & QStyle.StateFlag.State_Sunken) and hovered
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(thumb_color(palette, hovered or pressed))
            thumb = QRectF(thumb_rect(option)).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
            radius = min(thumb.width(), thumb.height()) / 2
            painter.drawRoundedRect(thumb, radius, radius)
        painter.restore()


def thumb_rect(option: QStyleOptionSlider) -> QRect:
    """Where the thumb is: as long as the visible share of the content (never shorter than
    :data:`MIN_THUMB`), placed by the scroll position along the whole bar."""
    groove = option.rect
    horizontal = option.orientation == Qt.Orientation.Horizontal
    length = groove.width() if horizontal else groove.height()
    span = option.maximum - option.minimum
    if span <= 0:
        return QRect(groove)
    page = max(option.pageStep, 1)
    thumb = max(min(length, length * page // (span + page)), min(MIN_THUMB, length))
    start = QStyle.sliderPositionFromValue(
        option.minimum, option.maximum, option.sliderPosition, length - thumb, option.upsideDown
    )
    if horizontal:
        return QRect(groove.left() + start, groove.top(), thumb, groove.height())
    return QRect(groove.left(), groove.top() + start, groove.width(), thumb)


def thumb_color(palette: QPalette, active: bool) -> QColor:
    """The thumb: the text colour a quarter (under the mouse: half) of the way over the
    background, so it reads in any theme without competing with the content."""
    base = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    return blend(base, text, 0.45 if active else 0.25)

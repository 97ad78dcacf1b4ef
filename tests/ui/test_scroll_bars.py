"""Thin scroll bars (app/ui/theme/scroll_bars.py): no arrow buttons, a thumb as long as the
visible share, and every way of scrolling with the mouse still works."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QScrollArea, QStyle, QStyleOptionSlider, QWidget
from pytestqt.qtbot import QtBot

from app.ui.theme.apply import theme_controller
from app.ui.theme.scroll_bars import EXTENT, MIN_THUMB, ThinScrollBars, thumb_rect

_SC = QStyle.SubControl


def _area(qtbot: QtBot) -> QScrollArea:
    theme_controller()  # the application's style, as the window sets it
    area = QScrollArea()
    content = QWidget()
    content.setFixedSize(300, 3000)
    area.setWidget(content)
    area.resize(320, 300)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    return area


def _option(bar: object) -> QStyleOptionSlider:
    option = QStyleOptionSlider()
    bar.initStyleOption(option)  # type: ignore[attr-defined]
    return option


def test_the_application_draws_thin_scroll_bars_without_arrows(qtbot: QtBot) -> None:
    area = _area(qtbot)
    style = QApplication.style()
    assert isinstance(style, ThinScrollBars)
    bar = area.verticalScrollBar()
    assert bar.width() == EXTENT
    option = _option(bar)
    for arrow in (_SC.SC_ScrollBarAddLine, _SC.SC_ScrollBarSubLine):
        assert style.subControlRect(
            QStyle.ComplexControl.CC_ScrollBar, option, arrow, bar
        ).isEmpty()
    thumb = style.subControlRect(
        QStyle.ComplexControl.CC_ScrollBar, option, _SC.SC_ScrollBarSlider, bar
    )
    assert thumb.top() == 0 and MIN_THUMB <= thumb.height() < bar.height() // 3


def test_clicking_below_the_thumb_pages_and_dragging_it_scrolls(qtbot: QtBot) -> None:
    area = _area(qtbot)
    bar = area.verticalScrollBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=QPoint(EXTENT // 2, bar.height() - 5))
    assert bar.value() == bar.pageStep()
    bar.setValue(0)
    thumb = thumb_rect(_option(bar))
    start = thumb.center()
    qtbot.mousePress(bar, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(bar, start + QPoint(0, 100))
    qtbot.mouseRelease(bar, Qt.MouseButton.LeftButton, pos=start + QPoint(0, 100))
    assert bar.value() > 0


def test_the_thumb_is_the_visible_share_and_never_too_short() -> None:
    option = QStyleOptionSlider()
    option.orientation = Qt.Orientation.Vertical
    option.rect.setRect(0, 0, EXTENT, 400)
    option.minimum, option.maximum, option.pageStep = 0, 300, 100  # a quarter is visible
    option.sliderPosition = 0
    assert thumb_rect(option).height() == 100
    option.sliderPosition = 300
    assert thumb_rect(option).bottom() == 399  # at the end
    option.maximum = 100_000  # a very long document
    assert thumb_rect(option).height() == MIN_THUMB
    option.maximum = 0  # nothing to scroll
    assert thumb_rect(option).height() == 400

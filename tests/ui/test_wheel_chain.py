"""The wheel over an output scrolls the output while it can scroll that way, and the notebook
once the output is at the end of its range (as browsers and JupyterLab do)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QStandardItemModel, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.ui.outputs.pictures import HtmlOutput
from app.ui.outputs.table_view import _TableView
from app.ui.outputs.text_output import TextOutput

NOTCH = 120


def _text() -> tuple[QWidget, QAbstractScrollArea]:
    output = TextOutput()
    output.append_text("a line\n" * 400)
    output.flush()
    inner = output.findChild(QPlainTextEdit)
    assert inner is not None
    return output, inner


def _table() -> tuple[QWidget, QAbstractScrollArea]:
    view = _TableView()
    view.setModel(QStandardItemModel(300, 3, view))
    view.setFixedHeight(200)
    return view, view


def _html() -> tuple[QWidget, QAbstractScrollArea]:
    output = HtmlOutput()
    output.setHtml("<p>paragraph</p>" * 200)
    return output, output


def _notebook(qtbot: QtBot, output: QWidget) -> QScrollArea:
    """A scroll area standing for the notebook: tall text, the output, tall text."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    page = QWidget()
    column = QVBoxLayout(page)
    column.addWidget(QLabel("above\n" * 60))
    column.addWidget(output)
    column.addWidget(QLabel("below\n" * 60))
    area.setWidget(page)
    area.resize(600, 500)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    return area


def _wheel(inner: QAbstractScrollArea, dy: int) -> None:
    viewport = inner.viewport()
    local = QPointF(10, 10)
    event = QWheelEvent(
        local,
        QPointF(viewport.mapToGlobal(QPoint(10, 10))),
        QPoint(0, 0),
        QPoint(0, dy),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, event)


@pytest.mark.parametrize("make", [_text, _table, _html], ids=["text", "table", "html"])
def test_the_wheel_scrolls_the_notebook_past_the_end_of_an_output(
    qtbot: QtBot, make: Callable[[], tuple[QWidget, QAbstractScrollArea]]
) -> None:
    output, inner = make()
    notebook = _notebook(qtbot, output)
    page, own = notebook.verticalScrollBar(), inner.verticalScrollBar()
    assert own.maximum() > 0  # the output scrolls inside
    page.setValue(page.maximum() // 2)

    own.setValue(own.maximum() // 2)  # in the middle: the output scrolls, the page stays
    before = page.value()
    _wheel(inner, -NOTCH)
    assert own.value() > own.maximum() // 2 and page.value() == before

    own.setValue(own.maximum())  # at its end: the page scrolls down
    _wheel(inner, -NOTCH)
    assert own.value() == own.maximum() and page.value() > before

    own.setValue(0)  # at its top: the page scrolls up
    before = page.value()
    _wheel(inner, NOTCH)
    assert own.value() == 0 and page.value() < before


def test_a_short_output_lets_the_wheel_scroll_the_notebook(qtbot: QtBot) -> None:
    output = TextOutput()
    output.append_text("one line\n")
    output.flush()
    inner = output.findChild(QPlainTextEdit)
    assert inner is not None
    notebook = _notebook(qtbot, output)
    page = notebook.verticalScrollBar()
    page.setValue(page.maximum() // 2)
    before = page.value()
    _wheel(inner, -NOTCH)
    assert page.value() > before

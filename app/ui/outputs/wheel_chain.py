"""Scroll chaining: a wheel turned over an output that cannot scroll further that way scrolls
the notebook, as browsers and JupyterLab do.

Qt lets an ignored wheel event travel to the parent only when the platform sent it with no
scroll phase (a classic mouse wheel); a touchpad's gesture stays latched to the widget that
took its first event, and events Qt itself forwards (a scroll area to its scroll bar) never
travel. So an output that cannot scroll that way (its scroll bar is at the end of its range,
or it shows none) hands the event to the notebook's scroll area here, explicitly.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget


def scrolls_further(area: QAbstractScrollArea, event: QWheelEvent) -> bool:
    """Whether ``event`` would move ``area``: its scroll bar that way is shown and not at its
    end."""
    delta = event.angleDelta()
    horizontal = abs(delta.x()) > abs(delta.y())
    bar = area.horizontalScrollBar() if horizontal else area.verticalScrollBar()
    policy = area.horizontalScrollBarPolicy() if horizontal else area.verticalScrollBarPolicy()
    if policy == Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
        return False  # an output as tall as its content (a line of slack is no scrolling)
    amount = delta.x() if horizontal else delta.y()
    if amount > 0:  # up (or left): towards the minimum
        return bar.value() > bar.minimum()
    return amount < 0 and bar.value() < bar.maximum()


def outer_scroll_area(widget: QWidget) -> QAbstractScrollArea | None:
    """The nearest scroll area around ``widget`` (the notebook's, for an output)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def pass_wheel_on(widget: QWidget, event: QWheelEvent) -> None:
    """Scroll the nearest scroll area around ``widget`` with ``event`` instead."""
    outer = outer_scroll_area(widget)
    if outer is None:
        event.ignore()
        return
    viewport = outer.viewport()
    position = QPointF(viewport.mapFromGlobal(event.globalPosition().toPoint()))
    forwarded = QWheelEvent(
        position,
        event.globalPosition(),
        event.pixelDelta(),
        event.angleDelta(),
        event.buttons(),
        event.modifiers(),
        event.phase(),
        event.inverted(),
        event.source(),
    )
    QApplication.sendEvent(viewport, forwarded)
    event.accept()  # handled: Qt must not hand it to the parents as well

"""A cell's quiet chrome: the card it is painted as (status strip, selected marker, focus
ring) and the floating bar of controls and "defines · reads" chips shown on hover or focus.

Nothing here decides anything: the bar emits what the user clicked; the card paints the
status it is given. Colours come from the theme the widget's palette belongs to.
"""

from __future__ import annotations

import html
import math
import time
from collections.abc import Callable
from typing import Literal, TypeAlias

from PySide6.QtCore import QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QToolButton, QWidget

from app.core.state import Status
from app.ui.theme.apply import theme_for
from app.ui.theme.palettes import Theme

#: Width of the status strip at the card's left edge (pixels).
STRIP_WIDTH = 3
#: Corner radius of a card.
RADIUS = 6.0
#: Seconds per pulse of a running cell's strip.
PULSE_S = 1.2
#: Chips shown before "+N more".
MAX_CHIPS = 4
#: Length of one dash of a "will re-run" strip, and of the gap after it (pixels).
DASH = 4

Pending: TypeAlias = Literal["", "edited", "upstream"]
"""A cell's own edit waits for its debounce ("edited"), or one upstream does ("upstream")."""

STATUS_WORDS: dict[Status, str] = {
    "idle": "not run",
    "queued": "queued",
    "running": "running",
    "success": "done",
    "error": "error",
    "blocked": "blocked",
    "stale": "stale",
    "interrupted": "interrupted",
}


def strip_color(theme: Theme, status: Status, now: float | None = None) -> QColor:
    """The strip's colour; a running cell's pulses between full and 45 % strength."""
    color = QColor(theme.status.of(status))
    if status == "running":
        t = time.monotonic() if now is None else now
        color.setAlphaF(0.45 + 0.55 * (0.5 + 0.5 * math.cos(2 * math.pi * t / PULSE_S)))
    return color


def paint_card(
    painter: QPainter,
    rect: QRect,
    theme: Theme,
    status: Status,
    *,
    hovered: bool,
    selected: bool,
    focus: QRect | None,
    pending: Pending = "",
) -> None:
    """The card: a rounded surface with a thin outline, the status strip on the left, an
    accent outline when selected, and a focus ring around ``focus`` (the focused editor).
    A pending edit paints the strip stale: solid for the edited cell, muted dashes for the
    cells that will re-run after it (the result they show is about to change)."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    body = QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5)
    path = QPainterPath()
    path.addRoundedRect(body, RADIUS, RADIUS)
    painter.fillPath(path, QColor(theme.surface_hover if hovered else theme.surface))
    border = QPen(QColor(theme.accent if selected else theme.border), 2.0 if selected else 1.0)
    painter.setPen(border)
    painter.drawPath(path)
    painter.save()
    painter.setClipPath(path)
    strip = QRectF(body.left(), body.top(), STRIP_WIDTH, body.height())
    if pending == "edited":
        painter.fillRect(strip, QColor(theme.status.stale))
    elif pending == "upstream":
        _paint_dashes(painter, strip, QColor(theme.status.stale))
    else:
        painter.fillRect(strip, strip_color(theme, status))
    painter.restore()
    if focus is not None:
        ring = QRectF(focus).adjusted(-2, -2, 2, 2)
        painter.setPen(QPen(QColor(theme.accent), 2.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(ring, 3.0, 3.0)


def _paint_dashes(painter: QPainter, strip: QRectF, color: QColor) -> None:
    """A muted dashed strip: the mark of a cell whose input is being edited."""
    color.setAlphaF(0.7)
    y = strip.top()
    while y < strip.bottom():
        painter.fillRect(QRectF(strip.left(), y, strip.width(), DASH), color)
        y += 2 * DASH


def chips_html(defs: list[str], reads: list[str], theme: Theme) -> str:
    """ "defines · reads" as compact chips; read names link to their definers."""

    def chip(name: str, link: bool) -> str:
        text = html.escape(name)
        if link:
            text = f'<a href="{text}" style="color:{theme.link}; text-decoration:none">{text}</a>'
        return (
            f'<span style="background:{theme.chip_bg}; color:{theme.chip_text}">'
            f"&nbsp;{text}&nbsp;</span>"
        )

    def group(label: str, names: list[str], link: bool) -> str:
        shown = " ".join(chip(n, link) for n in names[:MAX_CHIPS])
        more = f" +{len(names) - MAX_CHIPS}" if len(names) > MAX_CHIPS else ""
        return f'<span style="color:{theme.muted}">{label}</span> {shown}{more}'

    parts = []
    if defs:
        parts.append(group("defines", defs, False))
    if reads:
        parts.append(group("reads", reads, True))
    return f'<span style="color:{theme.muted}"> · </span>'.join(parts)


def _tool_button(text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setAutoRaise(True)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return button


class CellBar(QWidget):
    """The floating bar at a card's top right: status words, chips, run, move, ⋯ menu."""

    duplicate_requested = Signal()
    delete_requested = Signal()
    collapse_toggled = Signal(bool)
    clear_output_requested = Signal()
    kind_requested = Signal(str)
    """⋯ → Type: make the cell "python", "markdown" or "sql"."""

    def __init__(self, parent: QWidget, markdown: bool) -> None:
        super().__init__(parent)
        self.setObjectName("cellBar")
        self.status_label = QLabel()
        self.countdown_label = QLabel()
        self.countdown_label.hide()
        self.chips = QLabel()
        self.chips.setTextFormat(Qt.TextFormat.RichText)
        self.run_button = _tool_button(
            "▶", "Render (Shift+Enter)" if markdown else "Run this cell (Shift+Enter)"
        )
        self.up_button = _tool_button("↑", "Move up (Ctrl+Shift+Alt+Up)")
        self.down_button = _tool_button("↓", "Move down (Ctrl+Shift+Alt+Down)")
        self.more_button = _tool_button("⋯", "More: duplicate, collapse, clear output, delete")
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.more_button.setStyleSheet("QToolButton::menu-indicator { image: none; }")
        self.menu = QMenu(self.more_button)
        self.duplicate_action = QAction("Duplicate", self.menu)
        self.collapse_action = QAction("Collapse", self.menu)
        self.collapse_action.setCheckable(True)
        self.clear_output_action = QAction("Clear output", self.menu)
        self.autorun_action = QAction("Auto-run this cell", self.menu)
        self.autorun_action.setCheckable(True)
        self.autorun_action.setChecked(True)
        self.autorun_action.setToolTip("Off: the cell runs only when you run it")
        self.hide_in_app_action = QAction("Hide in app view", self.menu)
        self.hide_in_app_action.setCheckable(True)
        self.delete_action = QAction("Delete", self.menu)
        self.clear_output_action.triggered.connect(self.clear_output_requested)
        self.duplicate_action.triggered.connect(self.duplicate_requested)
        self.collapse_action.toggled.connect(self.collapse_toggled)
        self.delete_action.triggered.connect(self.delete_requested)
        self.kind_menu = self.menu.addMenu("Type")
        for kind, label in (("python", "Python"), ("markdown", "Markdown"), ("sql", "SQL")):
            action = self.kind_menu.addAction(label)
            action.triggered.connect(lambda _checked=False, k=kind: self.kind_requested.emit(k))
        self.menu.addAction(self.duplicate_action)
        self.menu.addAction(self.collapse_action)
        if not markdown:
            self.menu.addAction(self.clear_output_action)
            self.menu.addAction(self.autorun_action)
        self.menu.addAction(self.hide_in_app_action)
        self.menu.addSeparator()
        self.menu.addAction(self.delete_action)
        self.more_button.setMenu(self.menu)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 0, 2, 0)
        row.setSpacing(2)
        for widget in (self.chips, self.status_label, self.countdown_label):
            row.addWidget(widget)
        for button in (self.run_button, self.up_button, self.down_button, self.more_button):
            row.addWidget(button)

    def place(self, parent_width: int, left: int, right: int) -> None:
        """Float at the top right of a card ``parent_width`` wide, within its margins."""
        if self.isHidden():
            return
        self.adjustSize()
        width = min(self.sizeHint().width(), max(0, parent_width - 2 * left))
        self.setGeometry(parent_width - width - right, 2, width, self.sizeHint().height())
        self.raise_()

    def paintEvent(self, event: QPaintEvent) -> None:
        """A card-coloured plate, so the bar reads cleanly over the code it floats on."""
        theme = theme_for(self.palette())
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(theme.border), 1.0))
        painter.setBrush(QColor(theme.surface))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 4.0, 4.0)


#: A cell going queued or running shows it on its strip only after this long: a brief run
#: (a slider over light cells) never flashes, and the cards are not all repainted per run.
BUSY_STRIP_DELAY_MS = 120


class StatusStrip:
    """Repaints a card's status strip (only the strip: a full card repaint would repaint
    every output child) when what it shows changes — the status, and the pending mark of an
    edit waiting upstream; busy states wait a moment."""

    def __init__(
        self, card: QWidget, status: Callable[[], Status], pending: Callable[[], Pending]
    ) -> None:
        self._card = card
        self._status = status
        self._pending = pending
        self.shown: Status = "idle"
        self._shown_pending: Pending = ""
        self._delay = QTimer(card)
        self._delay.setSingleShot(True)
        self._delay.setInterval(BUSY_STRIP_DELAY_MS)
        self._delay.timeout.connect(self._repaint)

    def follow(self) -> None:
        """The cell's status may have changed (or a running cell's pulse moved on)."""
        status, pending = self._status(), self._pending()
        busy = ("queued", "running")
        if status in busy and self.shown not in busy and pending == self._shown_pending:
            if not self._delay.isActive():
                self._delay.start()
            return
        self._delay.stop()
        if (status, pending) != (self.shown, self._shown_pending) or status == "running":
            self._repaint()

    def _repaint(self) -> None:
        self.shown, self._shown_pending = self._status(), self._pending()
        self._card.update(0, 0, STRIP_WIDTH + 1, self._card.height())

"""A cell's card as the user sees and touches it: hover and focus bring its floating bar,
a click or focus selects it, the selected one is outlined, the focused editor ringed, and the
card (surface, status strip, pending mark) is painted here. :class:`CellWidget` builds on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QEnterEvent, QMouseEvent, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QLineEdit

from app.ui.cells.card_chrome import STRIP_WIDTH, CellBar, Pending, paint_card
from app.ui.theme.apply import theme_for

if TYPE_CHECKING:
    from app.core.notebook import CellKind
    from app.core.state import CellRunState
    from app.ui.cells.cell_folds import CellFolds
    from app.ui.editor.code_editor import CodeEditor
    from app.ui.outputs.markdown_view import MarkdownView

#: Card padding: the strip's width plus a gap on the left, a little elsewhere.
MARGINS = (STRIP_WIDTH + 7, 5, 6, 5)


class Card(QFrame):
    """See the module docstring."""

    activated = Signal(str)
    """The user clicked into the cell or its editor took the focus: select it."""
    entered = Signal()
    """The pointer came onto the card (the view hides its "+" inserter: no event filter on
    every card, which would run Python for each of its events)."""

    cell_id: str
    kind: CellKind
    bar: CellBar
    editor: CodeEditor
    name_edit: QLineEdit
    markdown_view: MarkdownView | None
    folds: CellFolds
    in_app_view: bool
    _state: CellRunState
    _debounce: QTimer
    _hovered: bool
    _focused: bool
    _selected: bool
    _painted_look = (False, False, False)

    if TYPE_CHECKING:

        def _pending(self) -> Pending: ...

        def _paint_chips(self) -> None: ...

        def _colour_problem(self) -> None: ...

    def set_selected(self, selected: bool) -> None:
        """Mark this cell as the selected one (an accent outline) or not."""
        if selected != self._selected:
            self._selected = selected
            self._update_chrome()

    @property
    def selected(self) -> bool:
        return self._selected

    @property
    def controls_visible(self) -> bool:
        """Whether the floating controls and chips are shown (hover, focus or selection)."""
        return not self.bar.isHidden()

    def set_collapsed(self, collapsed: bool) -> None:
        """Fold the cell to one muted line (its first line of code); outputs hidden too."""
        self.folds.fold(collapsed, collapsed)

    @property
    def collapsed(self) -> bool:
        """Whether the code is folded to its first line."""
        return self.folds.code_hidden

    def _reads_as_text(self) -> bool:
        """A rendered markdown cell at rest: no card is drawn (JupyterLab and marimo show
        prose flat on the page); hovering, selecting or editing it shows the card."""
        return (
            self.kind == "markdown"
            and not (self._hovered or self._selected or self._focused)
            and self.editor.isHidden()
        )

    def _update_chrome(self) -> None:
        wanted = self._hovered or self._focused or self._selected or self._debounce.isActive()
        show = wanted and not self.in_app_view
        if show != self.controls_visible:
            self.bar.setVisible(show)
            self._place_bar()
        look = (self._hovered, self._focused, self._selected)
        if look != self._painted_look:  # the card's fill, outline or focus ring changes
            self._painted_look = look
            self.update()

    def _refit_bar(self) -> None:
        """The shown bar's words changed ("edited", the countdown): it grows to fit them."""
        if self.controls_visible and self.bar.sizeHint().width() != self.bar.width():
            self._place_bar()

    def _place_bar(self) -> None:
        self.bar.place(self.width(), MARGINS[0], MARGINS[2])

    def enterEvent(self, event: QEnterEvent) -> None:
        self.entered.emit()
        self._hovered = True
        self._update_chrome()
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._hovered = False
        self._update_chrome()
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.activated.emit(self.cell_id)
        super().mousePressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            focused = any(
                w is not None and w.hasFocus()
                for w in (self.editor, self.name_edit, self.markdown_view)
            )
            if focused != self._focused:
                self._focused = focused
                self._update_chrome()
            if event.type() == QEvent.Type.FocusIn:
                self.activated.emit(self.cell_id)
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_bar()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._paint_chips()  # chips carry the theme's colours
            self._colour_problem()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._reads_as_text():
            return  # rendered markdown sits on the page like a document's text
        painter = QPainter(self)
        focus = (
            self.editor.geometry() if self.editor.hasFocus() and self.editor.isVisible() else None
        )
        paint_card(
            painter,
            self.rect(),
            theme_for(self.palette()),
            self._state.status if self.kind != "markdown" else "idle",
            hovered=self._hovered,
            selected=self._selected and not self.in_app_view,
            focus=focus,
            pending=self._pending(),
        )

"""The one "+" that appears in the gap between two cells under the mouse (and below the last
cell): choose Python, SQL or Markdown there to insert a cell at that place."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

KINDS = (("python", "Python"), ("sql", "SQL"), ("markdown", "Markdown"))


class CellInserter(QToolButton):
    """A small floating "+" button; :attr:`index` is where the new cell goes."""

    insert_requested = Signal(int, str)
    """(index, kind)"""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setText("+")
        self.setToolTip("Insert a cell here")
        self.setAutoRaise(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setFixedSize(26, 20)
        self.index = 0
        menu = QMenu(self)
        self.kind_actions: dict[str, QAction] = {}
        for kind, label in KINDS:
            action = menu.addAction(f"{label} cell")
            action.triggered.connect(
                lambda _=False, k=kind: self.insert_requested.emit(self.index, k)
            )
            self.kind_actions[kind] = action
        self.setMenu(menu)
        self.hide()

    def show_at(self, index: int, center: QPoint) -> None:
        """Show the "+" centred on ``center`` (parent coordinates), inserting at ``index``."""
        self.index = index
        self.move(center.x() - self.width() // 2, center.y() - self.height() // 2)
        self.show()
        self.raise_()

"""The View menu: theme (system / light / dark), full-width column, and the panels' toggles.

Its own module so the window only wires it: ``ViewMenu(window, menu)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu

from app.ui.theme.apply import CHOICES, ThemeChoice, theme_controller

if TYPE_CHECKING:
    from app.ui.cells.notebook_view import NotebookView

_FULL_WIDTH = "view/full_width"
_THEME_LABELS: dict[ThemeChoice, str] = {"system": "&System", "light": "&Light", "dark": "&Dark"}


class ViewMenu:
    """Fills ``menu``; :meth:`apply_to` gives a newly shown notebook view the current layout."""

    def __init__(self, menu: QMenu) -> None:
        self.menu = menu
        controller = theme_controller()
        theme_menu = menu.addMenu("&Theme")
        group = QActionGroup(menu)
        self.theme_actions: dict[ThemeChoice, QAction] = {}
        for choice in CHOICES:
            action = theme_menu.addAction(_THEME_LABELS[choice])
            action.setCheckable(True)
            action.setChecked(choice == controller.choice)
            action.triggered.connect(lambda _=False, c=choice: theme_controller().set_choice(c))
            group.addAction(action)
            self.theme_actions[choice] = action
        self.full_width = menu.addAction("&Full width")
        self.full_width.setCheckable(True)
        self.full_width.setStatusTip("Let the notebook use the whole window width")
        self.full_width.setChecked(
            QSettings("Cascade", "Cascade").value(_FULL_WIDTH, False) in (True, "true")
        )
        self.full_width.toggled.connect(self._full_width_toggled)
        menu.addSeparator()
        self._view: NotebookView | None = None

    def apply_to(self, view: NotebookView | None) -> None:
        self._view = view
        if view is not None:
            view.set_full_width(self.full_width.isChecked())

    def _full_width_toggled(self, full: bool) -> None:
        QSettings("Cascade", "Cascade").setValue(_FULL_WIDTH, full)
        if self._view is not None:
            self._view.set_full_width(full)

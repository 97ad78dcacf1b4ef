"""The notebook toolbar's look: icons with tooltips, and auto-run / lazy as one clear
two-state switch (two joined buttons, exactly one pressed) bound to the autorun action."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QToolBar, QToolButton, QWidget

from app.ui.theme import blend
from app.ui.theme.apply import theme_controller
from app.ui.theme.palettes import Theme
from app.ui.window.icons import icon

if TYPE_CHECKING:
    from app.ui.window.actions import WindowActions


class ModeSwitch(QWidget):
    """ "Auto-run | Lazy": mirrors the checkable ``autorun`` action both ways."""

    def __init__(self, autorun: QAction) -> None:
        super().__init__()
        self._action = autorun
        self.auto_button = QToolButton()
        self.auto_button.setText("Auto-run")
        self.auto_button.setObjectName("autoSide")
        self.auto_button.setToolTip("Auto-run: edits re-run the cells that depend on them")
        self.lazy_button = QToolButton()
        self.lazy_button.setText("Lazy")
        self.lazy_button.setObjectName("lazySide")
        self.lazy_button.setToolTip(
            "Lazy: dependent cells are only marked stale; run them yourself"
        )
        group = QButtonGroup(self)
        group.setExclusive(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        row.setSpacing(0)
        for button in (self.auto_button, self.lazy_button):
            button.setCheckable(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            group.addButton(button)
            row.addWidget(button)
        self.auto_button.clicked.connect(lambda: self._choose(True))
        self.lazy_button.clicked.connect(lambda: self._choose(False))
        autorun.toggled.connect(self._show)
        autorun.changed.connect(lambda: self.setEnabled(autorun.isEnabled()))
        self._show(autorun.isChecked())
        self.setEnabled(autorun.isEnabled())

    def _choose(self, autorun: bool) -> None:
        if self._action.isChecked() != autorun:
            self._action.trigger()  # the window's toggle_autorun does the work
        self._show(self._action.isChecked())

    def _show(self, autorun: bool) -> None:
        self.auto_button.setChecked(autorun)
        self.lazy_button.setChecked(not autorun)

    @property
    def autorun(self) -> bool:
        return self.auto_button.isChecked()

    def set_icons(self, theme: Theme) -> None:
        """Icons, and the chosen side on a light tint of the accent with an accent edge, as
        a segmented control (a solid accent fill made it the loudest thing in the window)."""
        self.auto_button.setIcon(icon("autorun", theme))
        self.lazy_button.setIcon(icon("lazy", theme))
        self.setStyleSheet(
            f"QToolButton {{ border: 1px solid {theme.border}; padding: 2px 8px;"
            f" color: {theme.muted}; background: transparent; }}"
            f"QToolButton#autoSide {{ border-top-left-radius: 4px;"
            f" border-bottom-left-radius: 4px; }}"
            f"QToolButton#lazySide {{ border-top-right-radius: 4px;"
            f" border-bottom-right-radius: 4px; border-left: none; }}"
            f"QToolButton:checked {{ background: {chosen_tint(theme)}; color: {theme.text};"
            f" border-color: {theme.accent}; border-left: 1px solid {theme.accent}; }}"
        )


def chosen_tint(theme: Theme) -> str:
    """The chosen side's background: the accent a sixth of the way over the window."""
    return blend(QColor(theme.window), QColor(theme.accent), 0.16).name()


class NotebookToolbar:
    """Dresses the toolbar ``actions.build_menus`` made: icons (re-coloured on a theme
    change), text beside them for the mode, and the mode switch in place of the checkbox."""

    def __init__(self, actions: WindowActions) -> None:
        self._actions = actions
        bar: QToolBar = actions.toolbar
        bar.setIconSize(QSize(18, 18))
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.mode_switch = ModeSwitch(actions.autorun)
        bar.insertWidget(actions.autorun, self.mode_switch)
        bar.removeAction(actions.autorun)
        for action, shortcut in (
            (actions.run_all, "Ctrl+Shift+R"),
            (actions.interrupt, "Ctrl+I"),
            (actions.restart, "Ctrl+Shift+0"),
        ):
            action.setToolTip(f"{action.toolTip()} ({shortcut})")
        controller = theme_controller()
        controller.changed.connect(self.set_icons)
        # Not a QObject: Qt cannot drop the connection when the window goes, so it is dropped
        # here (a theme change after a window closed would re-colour deleted actions).
        bar.destroyed.connect(lambda: controller.changed.disconnect(self.set_icons))
        self.set_icons(controller.theme)

    def set_icons(self, theme: Theme) -> None:
        a = self._actions
        for action, name in (
            (a.run_all, "run_all"),
            (a.interrupt, "interrupt"),
            (a.restart, "restart"),
            (a.database, "database"),
        ):
            action.setIcon(icon(name, theme))
        self.mode_switch.set_icons(theme)

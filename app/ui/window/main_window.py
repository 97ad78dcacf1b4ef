"""The main window: the widgets (menus, toolbar, status bar, start screen, notebook view) and
the dispatch of coordinator events to them.

It creates the coordinator for the notebook it shows and forwards the user's commands to it;
everything it displays comes from coordinator events. Its promises (docs/SECURITY.md): closing
never loses an edit, a save that fails is said out loud, and nothing a notebook file asks for
happens before the user trusts it. Each job lives in its own mixin (see
:mod:`app.ui.window.window_parts`).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QFileSystemWatcher, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QMessageBox, QStackedWidget, QVBoxLayout, QWidget

from app.coordinator.events import (
    CoordinatorEvent,
    DatabaseStatusChanged,
    FileChangedOnDisk,
    HistoryChanged,
    KernelStateChanged,
    ModeChanged,
    NotebookLoaded,
    NotebookSaved,
    Notice,
    SaveFailed,
    StructureChanged,
    TrustChanged,
    TrustDecisionNeeded,
)
from app.ui.dialogs.shortcuts import ShortcutsDialog, shortcut_rows
from app.ui.event_routes import EventRoutes
from app.ui.panels.docks import Panels
from app.ui.tasks import spawn
from app.ui.theme.apply import theme_controller
from app.ui.window.about import about_box
from app.ui.window.actions import WindowActions
from app.ui.window.banners import ChangedOnDiskBar, SaveFailedBar, TrustBar, UndoToast
from app.ui.window.closing import UnsavedAnswer, WindowClosing
from app.ui.window.command_palette import CommandPalette, PaletteEntry, action_entries
from app.ui.window.exports import NotebookExports
from app.ui.window.find_bar import FindBar
from app.ui.window.notebook_settings import NotebookSettingsCommands
from app.ui.window.opening import NotebookOpening
from app.ui.window.saves import FileSaves
from app.ui.window.start_screen import StartScreen
from app.ui.window.status_words import database_text
from app.ui.window.toolbar import NotebookToolbar
from app.ui.window.trust_prompts import TrustAnswer, TrustPrompts
from app.ui.window.view_menu import ViewMenu
from app.ui.window.window_parts import APP_NAME

__all__ = ["APP_NAME", "MainWindow", "TrustAnswer", "UnsavedAnswer"]


class MainWindow(
    NotebookOpening,
    FileSaves,
    NotebookExports,
    TrustPrompts,
    NotebookSettingsCommands,
    WindowClosing,
):
    """See the module docstring. One window shows one notebook."""

    def __init__(self) -> None:
        super().__init__()
        theme_controller()  # the theme and fonts are on before the first widget is made
        self.coordinator = None
        self.view = None
        self.bridge = None
        self.database_dialog = None
        self.last_error = ""
        self._pending = False
        self._closed = False
        self._save_error_shown = False
        self._trust_question_open = False
        MainWindow.windows.add(self)
        self.resize(980, 760)
        self._build_central()
        self._build_status_bar()
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._file_changed)
        self.routes = self._route_events()
        self.commands = WindowActions(self)
        self.commands.build_menus(self._fill_recent_menu)
        self.view_menu = ViewMenu(self.commands.view_menu)
        self.toolbar = NotebookToolbar(self.commands)
        self.panels = Panels(self, self.view_menu.menu)
        self.commands.set_notebook_open(False)
        self.commands.trust.setEnabled(False)
        self.refresh_recovered()
        self._update_title()
        self.import_dialog = None
        self.about_box: QMessageBox | None = None
        self.setAcceptDrops(True)

    def _build_central(self) -> None:
        """The start screen (until a notebook shows), the bars above it and the undo toast."""
        self.start_screen = StartScreen()
        self.start_screen.open_requested.connect(self.open_path)
        self.start_screen.new_requested.connect(self.new_notebook)
        self.start_screen.browse_requested.connect(self.browse_open)
        self.start_screen.import_requested.connect(self.browse_import)
        self.start_screen.demo_requested.connect(self.open_demo)
        self.start_screen.restore_requested.connect(self.restore)
        self.start_screen.discard_requested.connect(self._discard_recovered)
        self.changed_bar = ChangedOnDiskBar()
        self.changed_bar.reload_button.clicked.connect(self._reload_from_disk)
        self.changed_bar.keep_button.clicked.connect(self._keep_mine)
        self.trust_bar = TrustBar()
        self.trust_bar.trust_requested.connect(self.trust_notebook)
        self.save_failed_bar = SaveFailedBar()
        self.save_failed_bar.save_as_button.clicked.connect(self.save_as)
        self.save_failed_bar.retry_button.clicked.connect(self._retry_save)
        self.undo_toast = UndoToast()
        self.undo_toast.undo_requested.connect(self.undo_structure)
        self.find_bar = FindBar(lambda: self.view)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.start_screen)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        for bar in (self.trust_bar, self.changed_bar, self.save_failed_bar, self.find_bar):
            column.addWidget(bar)
        column.addWidget(self.stack, 1)
        column.addWidget(self.undo_toast)
        self.setCentralWidget(central)

    def _build_status_bar(self) -> None:
        self.kernel_label = QLabel("Kernel: not started")
        self.database_label = QLabel("")
        self.saved_label = QLabel("")
        for label in (self.database_label, self.saved_label, self.kernel_label):
            self.statusBar().addPermanentWidget(label)

    # -- coordinator events -------------------------------------------------------------------
    def _route_events(self) -> EventRoutes:
        """What the window shows of each event (the view handles the cells)."""
        routes = EventRoutes()
        routes.on(KernelStateChanged, self._show_kernel)
        routes.on(NotebookSaved, self._show_saved)
        routes.on(SaveFailed, self._save_failed)
        routes.on(FileChangedOnDisk, self._show_changed_on_disk)
        routes.on(DatabaseStatusChanged, self._show_database)
        routes.on(TrustChanged, lambda event: self._show_trust(event.trusted, event.requests))
        routes.on(
            TrustDecisionNeeded,
            lambda event: QTimer.singleShot(0, lambda: self._decide_trust(event.requests)),
        )
        routes.on(HistoryChanged, self._show_history)
        routes.on(Notice, lambda event: self.statusBar().showMessage(event.message, 8000))
        routes.on(ModeChanged, self._show_mode)
        routes.on(StructureChanged, lambda _event: self._update_title())
        routes.on(NotebookLoaded, lambda _event: self._update_title())
        return routes

    def _on_event(self, event: CoordinatorEvent) -> None:
        self.routes.dispatch(event)

    def _show_saved(self, event: NotebookSaved) -> None:
        self.saved_label.setText(f"Saved {time.strftime('%H:%M:%S', time.localtime(event.at))}")
        self.save_failed_bar.hide()
        self._save_error_shown = False
        self._track_path(event.path)
        self._update_title()

    def _show_changed_on_disk(self, _event: FileChangedOnDisk) -> None:
        self.changed_bar.show()
        self._update_title()

    def _show_mode(self, event: ModeChanged) -> None:
        """The toolbar's switch follows the notebook's mode, whoever changed it."""
        autorun = event.mode == "autorun"
        if self.commands.autorun.isChecked() != autorun:
            self.commands.autorun.blockSignals(True)
            self.commands.autorun.setChecked(autorun)
            self.commands.autorun.blockSignals(False)

    def _show_kernel(self, event: KernelStateChanged) -> None:
        text = f"Kernel: {event.status}"
        if self.coordinator is not None and self.coordinator.kernel_python:
            text += f" · Python {self.coordinator.kernel_python}"
        if event.status == "dead" and event.detail:
            text += f" ({event.detail})"
        self.kernel_label.setText(text)
        self.commands.interrupt.setEnabled(event.status == "busy")

    def _show_database(self, event: DatabaseStatusChanged) -> None:
        text, tip = database_text(event)
        self.database_label.setText(text)
        self.database_label.setToolTip(tip)
        if self.database_dialog is not None:
            self.database_dialog.show_status(event)

    def _show_history(self, event: HistoryChanged) -> None:
        self.commands.undo.setEnabled(event.undo is not None)
        self.commands.undo.setText(f"&Undo {event.undo}" if event.undo else "&Undo")
        self.commands.redo.setEnabled(event.redo is not None)
        self.commands.redo.setText(f"&Redo {event.redo}" if event.redo else "&Redo")

    # -- commands -------------------------------------------------------------------------------
    def run_all(self) -> None:
        if self.coordinator is not None and self.view is not None:
            self.view.commit_pending_edits()
            spawn(self.coordinator.run_all())

    def run_above(self) -> None:
        if self.view is not None:
            self.view.command_mode.run_above()

    def run_below(self) -> None:
        if self.view is not None:
            self.view.command_mode.run_below()

    def split_cell(self) -> None:
        if self.view is not None:
            self.view.command_mode.split_at_cursor()

    def clear_output(self) -> None:
        if self.view is not None:
            self.view.clear_outputs()

    def clear_all_outputs(self) -> None:
        if self.coordinator is not None:
            self.coordinator.clear_outputs()

    def interrupt(self) -> None:
        """Interrupt the running cell; if the last interrupt went unanswered, this one would
        restart the kernel, so ask first."""
        if self.coordinator is None:
            return
        if self.coordinator.interrupt_restarts and not self.confirm(
            "Restart kernel",
            "The cell has not stopped after the interrupt. Restart the kernel? "
            "Every variable is lost and all cells become stale.",
        ):
            return
        spawn(self.coordinator.interrupt())

    def restart_kernel(self) -> None:
        if self.coordinator is not None and self.confirm(
            "Restart kernel",
            "Restart the kernel? Every variable is lost and all cells become stale.",
        ):
            spawn(self.coordinator.restart_kernel())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        panels = getattr(self, "panels", None)  # None while the window is being built
        if panels is not None:
            panels.fit_width(event.size().width())  # a narrow window folds its panels

    def toggle_app_view(self, checked: bool) -> None:
        """View → App view: outputs and controls only (app/ui/cells/app_view.py)."""
        self.commands.app_view.setChecked(checked)
        self.commands.toolbar.setVisible(not checked)
        self.panels.set_app_view(checked)
        if self.view is not None:
            self.view.set_app_view(checked)

    def toggle_remember_controls(self, checked: bool) -> None:
        """View → Remember control values, for this notebook (app/coordinator/control_memory.py)."""
        if self.coordinator is not None:
            self.coordinator.set_remember_controls(checked)
            self.commands.remember_controls.setChecked(self.coordinator.remember_controls)

    def toggle_autorun(self, checked: bool) -> None:
        if self.coordinator is not None:
            spawn(self.coordinator.set_mode("autorun" if checked else "lazy"))

    def undo_structure(self) -> None:
        if self.coordinator is not None:
            self.undo_toast.hide()
            spawn(self.coordinator.undo())

    def redo_structure(self) -> None:
        if self.coordinator is not None:
            spawn(self.coordinator.redo())

    def show_command_palette(self) -> None:
        entries = action_entries(self.commands.all())
        if self.view is not None:
            entries += [
                PaletteEntry(c.name, c.keys, c.run) for c in self.view.command_mode.commands
            ]
        self.command_palette = CommandPalette(entries, self)
        self.command_palette.open()

    def show_shortcuts(self) -> None:
        commands = [(e.name, e.keys) for e in action_entries(self.commands.all(), enabled=False)]
        modal = self.view.command_mode.commands if self.view is not None else ()
        rows = shortcut_rows(commands, [(c.name, c.keys) for c in modal])
        dialog = ShortcutsDialog(rows, self)
        dialog.open()
        self._dialog = dialog

    def show_about(self) -> None:
        self.about_box = about_box(self)
        self.about_box.open()

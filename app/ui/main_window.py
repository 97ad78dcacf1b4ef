"""The main window: menus, toolbar, status bar, start screen, and the notebook view.

It creates the coordinator for the notebook it shows and forwards the user's commands to it;
everything it displays comes from coordinator events.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import ClassVar

from PySide6.QtCore import QFileSystemWatcher, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.coordinator.coordinator import Coordinator
from app.coordinator.events import (
    CoordinatorEvent,
    DatabaseStatusChanged,
    FileChangedOnDisk,
    KernelStateChanged,
    NotebookLoaded,
    NotebookSaved,
    Notice,
    StructureChanged,
)
from app.coordinator.qprocess_kernel import QProcessKernel
from app.core.fileformat import NotebookFormatError
from app.ui import settings
from app.ui.bridge import CoordinatorBridge
from app.ui.database_dialog import DatabaseDialog
from app.ui.notebook_view import NotebookView
from app.ui.shortcuts import ShortcutsDialog
from app.ui.tasks import spawn

APP_NAME = "Cascade"


class StartScreen(QWidget):
    """Shown when no notebook is open: recent notebooks, new, open."""

    open_requested = Signal(str)
    new_requested = Signal()
    browse_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("<h1>Cascade</h1><p>A reactive Python + SQL notebook.</p>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.recent = QListWidget()
        self.recent.itemActivated.connect(
            lambda item: self.open_requested.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        new_button = QPushButton("New notebook")
        new_button.clicked.connect(self.new_requested)
        open_button = QPushButton("Open…")
        open_button.clicked.connect(self.browse_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(new_button)
        buttons.addWidget(open_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addLayout(buttons)
        layout.addWidget(QLabel("Recent notebooks"))
        layout.addWidget(self.recent, 2)
        self.new_button, self.open_button = new_button, open_button
        self.refresh()

    def refresh(self) -> None:
        self.recent.clear()
        for path in settings.recent_notebooks():
            item = QListWidgetItem(f"{path.name}    {path.parent}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.recent.addItem(item)


class ChangedOnDiskBar(QWidget):
    """A non-blocking banner: the file changed on disk; the user decides which version wins."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet("background: #fff3cd; color: #5c4400;")
        self.label = QLabel("This notebook changed on disk. Autosave is paused so nothing is lost.")
        self.reload_button = QPushButton("Reload from disk")
        self.keep_button = QPushButton("Keep my version")
        row = QHBoxLayout(self)
        row.addWidget(self.label, 1)
        row.addWidget(self.reload_button)
        row.addWidget(self.keep_button)
        self.hide()


class MainWindow(QMainWindow):
    """See the module docstring. One window shows one notebook."""

    #: Windows by notebook path, so opening an open notebook focuses its window.
    open_windows: ClassVar[dict[Path, MainWindow]] = {}

    def __init__(self) -> None:
        super().__init__()
        self.coordinator: Coordinator | None = None
        self.view: NotebookView | None = None
        self.bridge: CoordinatorBridge | None = None
        self._pending = False
        self.resize(980, 760)
        self.start_screen = StartScreen()
        self.start_screen.open_requested.connect(self.open_path)
        self.start_screen.new_requested.connect(self.new_notebook)
        self.start_screen.browse_requested.connect(self.browse_open)
        self.changed_bar = ChangedOnDiskBar()
        self.changed_bar.reload_button.clicked.connect(self._reload_from_disk)
        self.changed_bar.keep_button.clicked.connect(self._keep_mine)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.start_screen)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.changed_bar)
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.kernel_label = QLabel("Kernel: not started")
        self.database_label = QLabel("")
        self.statusBar().addPermanentWidget(self.database_label)
        self.database_dialog: DatabaseDialog | None = None
        self.saved_label = QLabel("")
        self.statusBar().addPermanentWidget(self.saved_label)
        self.statusBar().addPermanentWidget(self.kernel_label)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._file_changed)
        self._build_actions()
        self._update_title()

    # -- actions ----------------------------------------------------------------------------
    def _action(
        self,
        text: str,
        slot: object,
        shortcut: str | QKeySequence.StandardKey | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action(
            "&New notebook", self.new_notebook, QKeySequence.StandardKey.New
        )
        self.open_action = self._action("&Open…", self.browse_open, QKeySequence.StandardKey.Open)
        self.save_as_action = self._action("Save &As…", self.save_as, "Ctrl+Shift+S")
        self.export_action = self._action("&Export HTML…", self.export_html)
        self.rename_action = self._action("&Rename notebook…", self.rename_notebook)
        self.close_action = self._action("&Close", self.close, QKeySequence.StandardKey.Close)
        self.run_all_action = self._action(
            "Run &all", self.run_all, "Ctrl+Shift+R", "Run every cell"
        )
        self.interrupt_action = self._action(
            "&Interrupt", self.interrupt, "Ctrl+I", "Interrupt the running cell"
        )
        self.restart_action = self._action(
            "&Restart kernel…", self.restart_kernel, "Ctrl+Shift+0", "Restart the kernel"
        )
        self.autorun_action = self._action(
            "Auto&run",
            self.toggle_autorun,
            tip="Run dependent cells automatically (off: lazy, mark them stale)",
        )
        self.autorun_action.setCheckable(True)
        self.autorun_action.setChecked(True)
        self.interpreter_action = self._action(
            "Kernel &Python…", self.choose_interpreter, tip="Choose the Python the kernel runs in"
        )
        self.database_action = self._action(
            "&Database…", self.show_database_dialog, tip="Set the database SQL cells use"
        )
        self.shortcuts_action = self._action("&Keyboard shortcuts", self.show_shortcuts, "Ctrl+K")
        self.about_action = self._action("&About Cascade", self.show_about)

        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addAction(self.save_as_action)
        file_menu.addAction(self.rename_action)
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.close_action)
        run_menu = self.menuBar().addMenu("&Run")
        for action in (self.run_all_action, self.interrupt_action, self.restart_action):
            run_menu.addAction(action)
        run_menu.addSeparator()
        run_menu.addAction(self.autorun_action)
        run_menu.addAction(self.database_action)
        run_menu.addAction(self.interpreter_action)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.about_action)

        toolbar = self.addToolBar("Notebook")
        toolbar.setObjectName("notebookToolbar")
        toolbar.setMovable(False)
        for action in (
            self.run_all_action,
            self.interrupt_action,
            self.restart_action,
            self.autorun_action,
        ):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.database_action)
        self._notebook_actions = (
            self.save_as_action,
            self.rename_action,
            self.export_action,
            self.run_all_action,
            self.interrupt_action,
            self.restart_action,
            self.autorun_action,
            self.database_action,
            self.interpreter_action,
        )
        self._set_notebook_actions_enabled(False)

    def _set_notebook_actions_enabled(self, enabled: bool) -> None:
        for action in self._notebook_actions:
            action.setEnabled(enabled)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in settings.recent_notebooks():
            action = self.recent_menu.addAction(str(path))
            action.triggered.connect(lambda _=False, p=path: self.open_path(str(p)))
        if not self.recent_menu.actions():
            self.recent_menu.addAction("(none)").setEnabled(False)

    # -- opening ------------------------------------------------------------------------------
    def browse_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open notebook", "", "Python notebooks (*.py)")
        if path:
            self.open_path(path)

    def new_notebook(self) -> None:
        """A new notebook gets a file at once (Untitled-N.py) so autosave never loses it."""
        path = settings.untitled_path()
        coordinator = self._make_coordinator(path.parent)
        coordinator.new(path, name=path.stem)
        self._show_notebook(coordinator)
        spawn(coordinator.save(overwrite=True))

    def open_path(self, path: str) -> bool:
        """Open ``path`` here (or focus the window that has it). False if it cannot be read."""
        resolved = Path(path).resolve()
        existing = MainWindow.open_windows.get(resolved)
        if existing is not None and existing is not self:
            existing.show()
            existing.raise_()
            existing.activateWindow()
            return True
        if self.coordinator is not None:
            # This window already shows a notebook: open the other one in a new window.
            window = MainWindow()
            window.show()
            return window.open_path(path)
        coordinator = self._make_coordinator(resolved.parent)
        try:
            coordinator.open_now(resolved)
        except (OSError, NotebookFormatError) as exc:
            self._show_error("Cannot open notebook", f"{resolved}\n\n{exc}")
            return False
        self._show_notebook(coordinator)
        return True

    def _make_coordinator(self, folder: Path) -> Coordinator:
        return Coordinator(QProcessKernel(cwd=folder))

    def _show_notebook(self, coordinator: Coordinator) -> None:
        self.coordinator = coordinator
        self.bridge = CoordinatorBridge(coordinator, self)
        self.view = NotebookView(coordinator)
        self.view.message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.view.edits_pending_changed.connect(self._set_pending)
        self.bridge.notified.connect(self.view.on_event)
        self.bridge.notified.connect(self._on_event)
        self.stack.addWidget(self.view)
        self.stack.setCurrentWidget(self.view)
        self._set_notebook_actions_enabled(True)
        if coordinator.path is not None:
            MainWindow.open_windows[coordinator.path] = self
            settings.add_recent(coordinator.path)
            if coordinator.path.exists():
                self.watcher.addPath(str(coordinator.path))
        self._update_title()
        spawn(coordinator.start_kernel())
        QTimer.singleShot(0, self._focus_first_cell)

    def _focus_first_cell(self) -> None:
        if (
            self.view is not None
            and self.coordinator is not None
            and self.coordinator.notebook.cells
        ):
            self.view.focus_cell(self.coordinator.notebook.cell_ids[0])

    # -- coordinator events -----------------------------------------------------------------------
    def _on_event(self, event: CoordinatorEvent) -> None:
        if isinstance(event, KernelStateChanged):
            text = f"Kernel: {event.status}"
            if self.coordinator is not None and self.coordinator.kernel_python:
                text += f" · Python {self.coordinator.kernel_python}"
            if event.status == "dead" and event.detail:
                text += f" ({event.detail})"
            self.kernel_label.setText(text)
            self.interrupt_action.setEnabled(event.status == "busy")
        elif isinstance(event, NotebookSaved):
            self.saved_label.setText(f"Saved {time.strftime('%H:%M:%S', time.localtime(event.at))}")
            self._update_title()
            if str(event.path) not in self.watcher.files():
                self.watcher.addPath(str(event.path))
        elif isinstance(event, FileChangedOnDisk):
            self.changed_bar.show()
            self._update_title()
        elif isinstance(event, DatabaseStatusChanged):
            if event.ok:
                self.database_label.setText(f"DB: {event.server}")
                self.database_label.setToolTip(event.url)
            else:
                self.database_label.setText("DB: not connected")
                self.database_label.setToolTip(event.message)
            if self.database_dialog is not None:
                self.database_dialog.show_status(event)
        elif isinstance(event, Notice):
            self.statusBar().showMessage(event.message, 8000)
        elif isinstance(event, StructureChanged | NotebookLoaded):
            self._update_title()

    def _file_changed(self, path: str) -> None:
        if str(path) not in self.watcher.files() and Path(path).exists():
            self.watcher.addPath(path)  # editors that replace the file drop the watch
        if self.coordinator is not None and self.coordinator.file_changed_on_disk():
            self.changed_bar.show()

    def _reload_from_disk(self) -> None:
        if self.coordinator is not None:
            self.changed_bar.hide()
            spawn(self._reload())

    async def _reload(self) -> None:
        assert self.coordinator is not None
        try:
            await self.coordinator.reload()
        except (OSError, NotebookFormatError) as exc:
            self._show_error("Cannot reload notebook", str(exc))

    def _keep_mine(self) -> None:
        if self.coordinator is not None:
            self.changed_bar.hide()
            if self.view is not None:
                self.view.commit_pending_edits()
            spawn(self.coordinator.save(overwrite=True))

    def _set_pending(self, pending: bool) -> None:
        self._pending = pending
        self._update_title()

    def _update_title(self) -> None:
        if self.coordinator is None:
            self.setWindowTitle(APP_NAME)
            return
        c = self.coordinator
        name = c.notebook.name or (c.path.stem if c.path else "Untitled")
        modified = self._pending or c.save_blocked
        self.setWindowTitle(f"{name}{' •' if modified else ''} — {APP_NAME}")

    # -- commands -------------------------------------------------------------------------------
    def run_all(self) -> None:
        if self.coordinator is not None and self.view is not None:
            self.view.commit_pending_edits()
            spawn(self.coordinator.run_all())

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

    def toggle_autorun(self, checked: bool) -> None:
        if self.coordinator is not None and self.view is not None:
            spawn(self.coordinator.set_mode("autorun" if checked else "lazy"))
            self.view.set_autorun(checked)

    def save_as(self) -> None:
        if self.coordinator is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Save notebook as", str(self.coordinator.path or ""), "Python notebooks (*.py)"
        )
        if path:
            self.save_as_path(path)

    def save_as_path(self, path: str) -> None:
        assert self.coordinator is not None and self.view is not None
        self.view.commit_pending_edits()
        old = self.coordinator.path
        spawn(self.coordinator.save_as(path))
        if old is not None:
            MainWindow.open_windows.pop(old, None)
            self.watcher.removePath(str(old))
        new = Path(path).resolve()
        MainWindow.open_windows[new] = self
        settings.add_recent(new)

    def export_html(self) -> None:
        if self.coordinator is None:
            return
        start = str(self.coordinator.path.with_suffix(".html")) if self.coordinator.path else ""
        path, _ = QFileDialog.getSaveFileName(self, "Export HTML", start, "HTML (*.html)")
        if path:
            self.export_html_to(path)

    def export_html_to(self, path: str) -> None:
        """One self-contained page with the code and the outputs on screen now."""
        if self.coordinator is None:
            return
        from app.export_html import export_notebook_html

        try:
            export_notebook_html(self.coordinator, Path(path))
        except (OSError, ValueError) as exc:
            self._show_error("Cannot export", str(exc))
            return
        self.statusBar().showMessage(f"Exported {path}", 5000)

    def rename_notebook(self) -> None:
        if self.coordinator is None:
            return
        name, ok = QInputDialog.getText(
            self, "Rename notebook", "Name:", text=self.coordinator.notebook.name
        )
        if ok:
            spawn(self.coordinator.rename(name.strip()))

    def choose_interpreter(self) -> None:
        """Pick a Python ≥ 3.11 (a project's .venv, say); Cancel keeps the current one."""
        if self.coordinator is None:
            return
        start = str(self.coordinator.path.parent) if self.coordinator.path else ""
        path, _ = QFileDialog.getOpenFileName(self, "Python for the kernel (Cancel: keep)", start)
        if path:
            self.set_interpreter(path)

    def set_interpreter(self, path: str | None) -> None:
        if self.coordinator is not None:
            spawn(self.coordinator.set_kernel_interpreter(path))

    def show_database_dialog(self) -> None:
        if self.coordinator is None:
            return
        if self.database_dialog is None:
            self.database_dialog = DatabaseDialog(self.coordinator.notebook.database or "", self)
            self.database_dialog.connect_button.clicked.connect(self._connect_database)
        if self.coordinator.database_status is not None:
            self.database_dialog.show_status(self.coordinator.database_status)
        self.database_dialog.open()

    def _connect_database(self) -> None:
        dialog = self.database_dialog
        if self.coordinator is None or dialog is None:
            return
        dialog.checking()
        spawn(
            self.coordinator.set_database(
                dialog.url_edit.text(), dialog.password_edit.text() or None
            )
        )

    def show_shortcuts(self) -> None:
        dialog = ShortcutsDialog(self)
        dialog.open()
        self._dialog = dialog

    def show_about(self) -> None:
        QMessageBox.about(
            self, "About Cascade", "<b>Cascade</b><br>A reactive Python + SQL notebook."
        )

    def confirm(self, title: str, text: str) -> bool:
        """Ask yes/no (tests replace this to answer without a modal dialog)."""
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def _show_error(self, title: str, text: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok, self
        )
        box.open()
        self.last_error = text

    # -- closing ------------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing never loses an edit: pending edits are saved before the kernel stops."""
        if self.coordinator is not None and self.view is not None:
            self.view.commit_pending_edits()
            self.coordinator.close()
            if self.coordinator.path is not None:
                MainWindow.open_windows.pop(self.coordinator.path, None)
            if self.bridge is not None:
                self.bridge.detach()
        event.accept()

"""The main window: menus, toolbar, status bar, start screen, and the notebook view.

It creates the coordinator for the notebook it shows and forwards the user's commands to it;
everything it displays comes from coordinator events. Its promises (docs/SECURITY.md): closing
never loses an edit, a save that fails is said out loud, and nothing a notebook file asks for
happens before the user trusts it.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import ClassVar, Literal

from PySide6.QtCore import QFileSystemWatcher, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.coordinator.coordinator import Coordinator
from app.coordinator.events import (
    CoordinatorEvent,
    DatabaseStatusChanged,
    FileChangedOnDisk,
    HistoryChanged,
    KernelStateChanged,
    NotebookLoaded,
    NotebookSaved,
    Notice,
    SaveFailed,
    StructureChanged,
    TrustChanged,
    TrustDecisionNeeded,
)
from app.coordinator.qprocess_kernel import QProcessKernel
from app.coordinator.recovery import RecoveredNotebook, RecoveryStore
from app.coordinator.trust_store import TrustStore
from app.core import fileformat
from app.core.fileformat import NotebookFormatError
from app.core.importing import (
    ConversionError,
    Imported,
    check_target,
    default_target,
    read_foreign,
)
from app.core.trust import TrustRequest, describe_requests, settings_fingerprint
from app.ui import settings
from app.ui.bridge import CoordinatorBridge
from app.ui.cells.notebook_view import NotebookView
from app.ui.dialogs.database_dialog import DatabaseDialog
from app.ui.dialogs.import_dialog import ImportDialog
from app.ui.dialogs.shortcuts import ShortcutsDialog
from app.ui.panels.docks import Panels
from app.ui.tasks import spawn
from app.ui.theme.apply import theme_controller
from app.ui.window.actions import WindowActions
from app.ui.window.banners import ChangedOnDiskBar, SaveFailedBar, TrustBar, UndoToast
from app.ui.window.start_screen import StartScreen
from app.ui.window.status_words import database_text
from app.ui.window.toolbar import NotebookToolbar
from app.ui.window.view_menu import ViewMenu

APP_NAME = "Cascade"
OPEN_FILTER = "Notebooks (*.py *.ipynb);;Python notebooks (*.py);;Jupyter notebooks (*.ipynb)"
IMPORT_FILTER = "Jupyter notebooks (*.ipynb);;marimo notebooks (*.py)"
UnsavedAnswer = Literal["save", "discard", "cancel"]
TrustAnswer = Literal["trust", "run", "cancel"]


class MainWindow(QMainWindow):
    """See the module docstring. One window shows one notebook."""

    #: Windows by notebook path, so opening an open notebook focuses its window.
    open_windows: ClassVar[dict[Path, MainWindow]] = {}
    #: Every window not closed yet (also those showing a notebook with no file).
    windows: ClassVar[set[MainWindow]] = set()

    def __init__(self) -> None:
        super().__init__()
        theme_controller()  # the theme and fonts are on before the first widget is made
        self.coordinator: Coordinator | None = None
        self.view: NotebookView | None = None
        self.bridge: CoordinatorBridge | None = None
        self.database_dialog: DatabaseDialog | None = None
        self.last_error = ""
        self._pending = False
        self._closed = False
        self._save_error_shown = False
        self._trust_question_open = False
        MainWindow.windows.add(self)
        self.resize(980, 760)
        self.start_screen = StartScreen()
        self.start_screen.open_requested.connect(self.open_path)
        self.start_screen.new_requested.connect(self.new_notebook)
        self.start_screen.browse_requested.connect(self.browse_open)
        self.start_screen.import_requested.connect(self.browse_import)
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
        self.stack = QStackedWidget()
        self.stack.addWidget(self.start_screen)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        for bar in (self.trust_bar, self.changed_bar, self.save_failed_bar):
            column.addWidget(bar)
        column.addWidget(self.stack, 1)
        column.addWidget(self.undo_toast)
        self.setCentralWidget(central)
        self.kernel_label = QLabel("Kernel: not started")
        self.database_label = QLabel("")
        self.saved_label = QLabel("")
        for label in (self.database_label, self.saved_label, self.kernel_label):
            self.statusBar().addPermanentWidget(label)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._file_changed)
        self.commands = WindowActions(self)
        self.commands.build_menus(self._fill_recent_menu)
        self.view_menu = ViewMenu(self.commands.view_menu)
        self.toolbar = NotebookToolbar(self.commands)
        self.panels = Panels(self, self.view_menu.menu)
        self.commands.set_notebook_open(False)
        self.commands.trust.setEnabled(False)
        self.refresh_recovered()
        self._update_title()
        self.import_dialog: ImportDialog | None = None
        self.setAcceptDrops(True)

    # -- opening ------------------------------------------------------------------------------
    def _fill_recent_menu(self, menu: QMenu) -> None:
        menu.clear()
        for path in settings.recent_notebooks():
            action = menu.addAction(str(path))
            action.triggered.connect(lambda _=False, p=path: self.open_path(str(p)))
        if not menu.actions():
            menu.addAction("(none)").setEnabled(False)

    def browse_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open notebook", "", OPEN_FILTER)
        if path:
            self.open_path(path)

    def browse_import(self) -> None:
        """File → Import…: a Jupyter or marimo notebook, converted into a new notebook."""
        path, _ = QFileDialog.getOpenFileName(
            self, "Import a Jupyter or marimo notebook", "", IMPORT_FILTER
        )
        if path:
            self.open_path(path)

    def _target_window(self) -> MainWindow:
        """This window if it shows nothing yet, else a new one (a notebook is never replaced)."""
        if self.coordinator is None:
            return self
        window = MainWindow()
        window.show()
        return window

    def new_notebook(self) -> None:
        """A new notebook in memory (and a recovery copy) until the user saves it; in this
        window if it is empty, else in a new one."""
        target = self._target_window()
        coordinator = target._make_coordinator(None)
        coordinator.new()
        target._show_notebook(coordinator)

    def open_path(self, path: str) -> bool:
        """Open ``path`` (or focus the window that has it). False if it cannot be read."""
        resolved = Path(path).resolve()
        existing = MainWindow.open_windows.get(resolved)
        if existing is not None and not existing._closed:
            existing.show()
            existing.raise_()
            existing.activateWindow()
            return True
        if self.coordinator is not None:
            return self._target_window().open_path(path)
        try:
            imported = read_foreign(resolved)  # a Jupyter or marimo notebook is imported
        except (OSError, NotebookFormatError, ConversionError) as exc:
            self._show_error("Cannot open notebook", f"{resolved}\n\n{exc}")
            return False
        if imported is not None:
            return self.import_notebook(imported)
        coordinator = self._make_coordinator(resolved.parent)
        try:
            coordinator.open_now(resolved)
        except (OSError, NotebookFormatError) as exc:
            self._show_error("Cannot open notebook", f"{resolved}\n\n{exc}")
            return False
        self._show_notebook(coordinator)
        return True

    def import_notebook(self, imported: Imported) -> bool:
        """Show what converting ``imported`` did ("Import NB.ipynb"); on Import, write the new
        notebook beside it (asking where when that file exists; never over the input), then
        open it. It is the user's own new file: trusted. False when nothing was opened."""
        target = default_target(imported.source)
        if not self.ask_import(imported, target):
            return False
        if target.exists():
            chosen = self.ask_save_path(str(target))
            if not chosen:
                return False
            target = Path(chosen)
        problem = check_target(imported.source, target)
        notebook = imported.conversion.notebook
        try:
            if problem is not None:
                raise ValueError(problem)
            fileformat.save(notebook, target)
        except (OSError, ValueError) as exc:
            self._show_error("Cannot import", f"{imported.source}\n\n{exc}")
            return False
        TrustStore().trust(target.resolve(), settings_fingerprint(notebook))
        return self.open_path(str(target))

    def ask_import(self, imported: Imported, target: Path) -> bool:
        """The import dialog (report, destination); True when the user chose Import."""
        self.import_dialog = ImportDialog(imported, target, self)
        return self.import_dialog.exec() == ImportDialog.DialogCode.Accepted

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """A dropped file opens as File → Open would (imported, if another tool's notebook)."""
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if not paths:
            return
        event.acceptProposedAction()
        for path in paths:
            self.open_path(path)

    def restore(self, copy: RecoveredNotebook) -> bool:
        """Open a recovery copy as an unsaved notebook (Save As suggests where it came from)."""
        target = self._target_window()
        coordinator = target._make_coordinator(copy.origin.parent if copy.origin else None)
        try:
            coordinator.restore(copy.text(), copy.key, copy.origin)
        except (OSError, NotebookFormatError) as exc:
            target._show_error("Cannot restore", str(exc))
            return False
        target._show_notebook(coordinator)
        self.refresh_recovered()
        return True

    def _discard_recovered(self, copy: RecoveredNotebook) -> None:
        what = copy.origin or copy.name or "a new notebook"
        if self.confirm("Discard unsaved work", f"Discard the unsaved edits of {what}?"):
            RecoveryStore().discard(copy.key)
            self.refresh_recovered()

    def refresh_recovered(self) -> None:
        """Offer the recovery copies no open window owns (left by a crash or a failed save)."""
        owned = {
            w.coordinator.recovery_key for w in MainWindow.windows if w.coordinator is not None
        }
        copies = [c for c in RecoveryStore().list() if c.key not in owned]
        self.start_screen.show_recovered(copies)

    def _make_coordinator(self, folder: Path | None) -> Coordinator:
        return Coordinator(QProcessKernel(cwd=folder or Path.home()))

    def _show_notebook(self, coordinator: Coordinator) -> None:
        self.coordinator = coordinator
        self.bridge = CoordinatorBridge(coordinator, self)
        self.view = NotebookView(coordinator)
        self.view_menu.apply_to(self.view)
        self.view.message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.view.edits_pending_changed.connect(self._set_pending)
        self.view.cell_deleted.connect(lambda _cid: self.undo_toast.show_message("Cell deleted."))
        self.bridge.notified.connect(self.view.on_event)
        self.bridge.notified.connect(self._on_event)
        self.panels.attach(coordinator, self.bridge, self.view)
        self.stack.addWidget(self.view)
        self.stack.setCurrentWidget(self.view)
        self.commands.set_notebook_open(True)
        self._show_trust(coordinator.trusted, coordinator.trust_requests)
        self._track_path(coordinator.path)
        self._update_title()
        spawn(coordinator.start_kernel())
        QTimer.singleShot(0, self._focus_first_cell)

    def _track_path(self, path: Path | None) -> None:
        """Register the window under its file, watch it, list it as recent."""
        for known, window in list(MainWindow.open_windows.items()):
            if window is self and known != path:
                del MainWindow.open_windows[known]
                self.watcher.removePath(str(known))
        if path is None:
            return
        MainWindow.open_windows[path] = self
        settings.add_recent(path)
        if path.exists() and str(path) not in self.watcher.files():
            self.watcher.addPath(str(path))

    def _focus_first_cell(self) -> None:
        if (
            self.view is not None
            and self.coordinator is not None
            and self.coordinator.notebook.cells
        ):
            self.view.focus_cell(self.coordinator.notebook.cell_ids[0])

    # -- coordinator events -------------------------------------------------------------------
    def _on_event(self, event: CoordinatorEvent) -> None:
        if isinstance(event, KernelStateChanged):
            self._show_kernel(event)
        elif isinstance(event, NotebookSaved):
            self.saved_label.setText(f"Saved {time.strftime('%H:%M:%S', time.localtime(event.at))}")
            self.save_failed_bar.hide()
            self._save_error_shown = False
            self._track_path(event.path)
            self._update_title()
        elif isinstance(event, SaveFailed):
            self._save_failed(event)
        elif isinstance(event, FileChangedOnDisk):
            self.changed_bar.show()
            self._update_title()
        elif isinstance(event, DatabaseStatusChanged):
            self._show_database(event)
        elif isinstance(event, TrustChanged):
            self._show_trust(event.trusted, event.requests)
        elif isinstance(event, TrustDecisionNeeded):
            QTimer.singleShot(0, lambda: self._decide_trust(event.requests))
        elif isinstance(event, HistoryChanged):
            self._show_history(event)
        elif isinstance(event, Notice):
            self.statusBar().showMessage(event.message, 8000)
        elif isinstance(event, StructureChanged | NotebookLoaded):
            self._update_title()

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

    def _save_failed(self, event: SaveFailed) -> None:
        """Said in the status bar every time, in a bar until it works, and in a dialog once."""
        self.statusBar().showMessage(event.message, 8000)
        self.save_failed_bar.show_message(event.message)
        self._update_title()
        if not self._save_error_shown:
            self._save_error_shown = True
            self._show_error(
                "Cannot save",
                f"{event.message}.\n\nYour edits are kept in this window and in a recovery copy "
                "in your data folder. Cascade tries again; use File → Save As to put them "
                "somewhere else.",
            )

    def _file_changed(self, path: str) -> None:
        if str(path) not in self.watcher.files() and Path(path).exists():
            self.watcher.addPath(path)  # editors that replace the file drop the watch
        if self.coordinator is not None and self.coordinator.file_changed_on_disk():
            self.changed_bar.show()

    def _reload_from_disk(self) -> None:
        """Reloading drops what was typed since the file changed on disk: ask first."""
        if self.coordinator is None:
            return
        if self.view is not None:
            self.view.commit_pending_edits()
        if self.coordinator.save_blocked and not self.confirm(
            "Reload from disk",
            "Reload the file from disk? The edits you made since it changed there will be "
            "lost (use File → Save As first to keep them).",
        ):
            return
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

    def _retry_save(self) -> None:
        if self.coordinator is not None:
            spawn(self.coordinator.save())

    def _set_pending(self, pending: bool) -> None:
        self._pending = pending
        self._update_title()

    def _update_title(self) -> None:
        if self.coordinator is None:
            self.setWindowTitle(APP_NAME)
            return
        c = self.coordinator
        name = c.notebook.name or (c.path.stem if c.path else "Untitled")
        modified = self._pending or c.save_blocked or (c.path is None and c.has_unsaved_work)
        read_only = " [read-only]" if c.read_only else ""
        self.setWindowTitle(f"{name}{read_only}{' •' if modified else ''} — {APP_NAME}")

    # -- trust ----------------------------------------------------------------------------------
    def _show_trust(self, trusted: bool, requests: tuple[TrustRequest, ...]) -> None:
        self.commands.trust.setEnabled(not trusted)
        if trusted or not requests:
            self.trust_bar.hide()
        else:
            self.trust_bar.show_requests(requests)

    def trust_notebook(self) -> None:
        if self.coordinator is not None:
            self.trust_bar.hide()
            spawn(self.coordinator.trust())

    def _decide_trust(self, requests: tuple[TrustRequest, ...]) -> None:
        """A run waits in an untrusted notebook: trust it, run without its settings, or not."""
        if self.coordinator is None or self._trust_question_open:
            return
        self._trust_question_open = True
        try:
            answer = self.ask_trust(requests)
        finally:
            self._trust_question_open = False
        if answer == "trust":
            self.trust_notebook()
        elif answer == "run":
            spawn(self.coordinator.run_untrusted())
        else:
            self.coordinator.discard_held_runs()

    def ask_trust(self, requests: tuple[TrustRequest, ...]) -> TrustAnswer:
        """Ask how to run an untrusted notebook (tests replace this to answer)."""
        box = QMessageBox(QMessageBox.Icon.Question, "Run an untrusted notebook?", "", parent=self)
        box.setText(
            f"This notebook {describe_requests(requests)}. Trust it to allow that, or run it "
            "with the default Python and SQLite, ignoring those settings."
        )
        trust = box.addButton("Trust and run", QMessageBox.ButtonRole.AcceptRole)
        run = box.addButton("Run without its settings", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        return "trust" if clicked is trust else "run" if clicked is run else "cancel"

    def _trusted_or_asked(self, what: str) -> bool:
        """Changing a setting of an untrusted notebook first makes it trusted (asked)."""
        c = self.coordinator
        if c is None or c.trusted:
            return c is not None
        if not self.confirm(
            "Trust this notebook?",
            f"To change its {what}, trust this notebook: it {describe_requests(c.trust_requests)}.",
        ):
            return False
        self.trust_notebook()
        return True

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

    def undo_structure(self) -> None:
        if self.coordinator is not None:
            self.undo_toast.hide()
            spawn(self.coordinator.undo())

    def redo_structure(self) -> None:
        if self.coordinator is not None:
            spawn(self.coordinator.redo())

    def save_as(self) -> None:
        if self.coordinator is None:
            return
        c = self.coordinator
        start = c.path or c.origin or settings.default_save_path(c.notebook.name)
        path = self.ask_save_path(str(start))
        if path:
            self.save_as_path(path)

    def ask_save_path(self, start: str) -> str:
        """Where to save ("" = cancelled); tests replace this."""
        path, _ = QFileDialog.getSaveFileName(
            self, "Save notebook as", start, "Python notebooks (*.py)"
        )
        return path

    def save_as_path(self, path: str) -> None:
        assert self.coordinator is not None and self.view is not None
        self.view.commit_pending_edits()
        spawn(self.coordinator.save_as(path))

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

    def export_ipynb(self) -> None:
        if self.coordinator is None:
            return
        start = str(self.coordinator.path.with_suffix(".ipynb")) if self.coordinator.path else ""
        path, _ = QFileDialog.getSaveFileName(
            self, "Export as a Jupyter notebook", start, "Jupyter notebooks (*.ipynb)"
        )
        if path:
            self.export_ipynb_to(path)

    def export_ipynb_to(self, path: str) -> None:
        """A Jupyter notebook (nbformat 4.5) with the outputs on screen now."""
        if self.coordinator is None:
            return
        from app.export_ipynb import write_ipynb

        try:
            write_ipynb(self.coordinator, path)
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
        if self.coordinator is None or not self._trusted_or_asked("kernel Python"):
            return
        start = str(self.coordinator.path.parent) if self.coordinator.path else ""
        path, _ = QFileDialog.getOpenFileName(self, "Python for the kernel (Cancel: keep)", start)
        if path:
            self.set_interpreter(path)

    def set_interpreter(self, path: str | None) -> None:
        if self.coordinator is not None:
            spawn(self.coordinator.set_kernel_interpreter(path))

    def show_database_dialog(self) -> None:
        if self.coordinator is None or not self._trusted_or_asked("database"):
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

    # -- closing --------------------------------------------------------------------------------
    def ask_unsaved(self) -> UnsavedAnswer:
        """The notebook holds work that is not in a file: save it, discard it, or stay."""
        assert self.coordinator is not None
        c = self.coordinator
        where = f"could not be saved to {c.path.name}" if c.path else "has never been saved"
        box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved notebook", "", parent=self)
        box.setText(f"This notebook {where}. Save it before closing?")
        box.setStandardButtons(
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Save:
            return "save"
        if answer == QMessageBox.StandardButton.Discard:
            return "discard"
        return "cancel"

    def _may_close(self) -> bool:
        """Closing never loses an edit: pending edits are saved; work that has no file (or
        whose save fails) is saved elsewhere, discarded or kept, as the user says."""
        c = self.coordinator
        if c is None or self.view is None:
            return True
        self.view.commit_pending_edits()
        if c.path is not None and c.save_blocked and not c.file_changed_on_disk():
            c.save_now()  # a last try (the reason it failed may be gone)
        if not c.has_unsaved_work:
            return True
        answer = self.ask_unsaved()
        if answer == "cancel":
            return False
        if answer == "discard":
            c.discard_unsaved()
            return True
        start = c.path or c.origin or settings.default_save_path(c.notebook.name)
        path = self.ask_save_path(str(start))
        if not path:
            return False
        problem = c.write_now(Path(path))
        if problem:
            self._show_error("Cannot save", f"{problem}; the window stays open.")
            return False
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closed:
            event.accept()
            return
        if not self._may_close():
            event.ignore()
            return
        self._closed = True
        if self.coordinator is not None:
            self.coordinator.close()
        if self.bridge is not None:
            self.bridge.detach()
        for path, window in list(MainWindow.open_windows.items()):
            if window is self:
                del MainWindow.open_windows[path]
        MainWindow.windows.discard(self)
        event.accept()

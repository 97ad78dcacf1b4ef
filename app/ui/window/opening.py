"""Opening notebooks: File → Open, Import, New, recent files, drops, recovery copies; and
showing an opened notebook (its coordinator, view and kernel) in a window."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMenu

from app.coordinator.coordinator import Coordinator
from app.coordinator.events import ModeChanged
from app.coordinator.qprocess_kernel import QProcessKernel
from app.coordinator.recovery import RecoveredNotebook, RecoveryStore
from app.coordinator.trust_store import TrustStore
from app.coordinator.user_dirs import data_dir, ensure_private, shipped_demo
from app.core import fileformat
from app.core.fileformat import NotebookFormatError
from app.core.importing import (
    ConversionError,
    Imported,
    check_target,
    default_target,
    read_foreign,
)
from app.core.trust import settings_fingerprint
from app.ui import heap, settings
from app.ui.bridge import CoordinatorBridge
from app.ui.cells.notebook_view import NotebookView
from app.ui.dialogs.import_dialog import ImportDialog
from app.ui.tasks import spawn
from app.ui.window.window_parts import WindowParts

OPEN_FILTER = "Notebooks (*.py *.ipynb);;Python notebooks (*.py);;Jupyter notebooks (*.ipynb)"
IMPORT_FILTER = "Jupyter notebooks (*.ipynb);;marimo notebooks (*.py)"


class NotebookOpening(WindowParts):
    """How a notebook comes into a window (a notebook is never replaced: see
    :meth:`_target_window`)."""

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

    def _target_window(self) -> NotebookOpening:
        """This window if it shows nothing yet, else a new one (a notebook is never replaced)."""
        if self.coordinator is None:
            return self
        window = type(self)()
        window.show()
        return window

    def new_notebook(self) -> None:
        """A new notebook in memory (and a recovery copy) until the user saves it; in this
        window if it is empty, else in a new one."""
        target = self._target_window()
        coordinator = target._make_coordinator(None)
        coordinator.new()
        target._show_notebook(coordinator)

    def open_demo(self) -> None:
        """The demo notebook, as the user's own copy in their data folder (the shipped file,
        and the SQLite file it makes, stay untouched); copied once, then reopened as edited."""
        copy = data_dir() / "demo" / "demo.py"
        if not copy.is_file():
            try:
                ensure_private(copy.parent)
                shutil.copyfile(shipped_demo(), copy)
            except OSError as exc:
                self._show_error("Cannot open the demo", f"Could not copy it to {copy}: {exc}")
                return
        self.open_path(str(copy))

    def open_path(self, path: str) -> bool:
        """Open ``path`` (or focus the window that has it). False if it cannot be read."""
        resolved = Path(path).resolve()
        existing = WindowParts.open_windows.get(resolved)
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
        heap.settle()  # a big notebook's objects stay alive: full collections skip them
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
            w.coordinator.recovery_key for w in WindowParts.windows if w.coordinator is not None
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
        self.view.text_changed.connect(self.find_bar.schedule_refresh)
        self.bridge.notified.connect(self._on_event)
        self.panels.attach(coordinator, self.bridge, self.view)
        self.stack.addWidget(self.view)
        self.stack.setCurrentWidget(self.view)
        self.view.set_app_view(self.commands.app_view.isChecked())
        self.commands.remember_controls.setChecked(coordinator.remember_controls)
        self.commands.set_notebook_open(True)
        self._show_mode(ModeChanged(coordinator.mode))
        self._show_trust(coordinator.trusted, coordinator.trust_requests)
        self._track_path(coordinator.path)
        self._update_title()
        spawn(coordinator.start_kernel())
        QTimer.singleShot(0, self._focus_first_cell)

    def _track_path(self, path: Path | None) -> None:
        """Register the window under its file, watch it, list it as recent."""
        for known, window in list(WindowParts.open_windows.items()):
            if window is self and known != path:
                del WindowParts.open_windows[known]
                self.watcher.removePath(str(known))
        if path is None:
            return
        WindowParts.open_windows[path] = self
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

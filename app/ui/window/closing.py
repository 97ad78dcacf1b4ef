"""Closing a window: pending edits saved, work with no file (or whose save fails) saved
elsewhere, discarded or kept, as the user says; a closed window never comes back."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMessageBox

from app.ui import heap, settings
from app.ui.window.window_parts import WindowParts

UnsavedAnswer = Literal["save", "discard", "cancel"]


class WindowClosing(WindowParts):
    """Closing never loses an edit."""

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
        self.panels.viewers.close_all()  # a table viewer left open would keep the app running
        self.panels.detach()
        heap.release()  # this notebook's objects may now be garbage: let collections see them
        if self.coordinator is not None:
            self.coordinator.close()
        if self.bridge is not None:
            self.bridge.detach()
        for path, window in list(WindowParts.open_windows.items()):
            if window is self:
                del WindowParts.open_windows[path]
        WindowParts.windows.discard(self)
        event.accept()

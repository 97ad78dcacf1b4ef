"""Saves seen from the window: a failed save said out loud (and retried), the file changed on
disk by something else (reload or keep mine), and Save As."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from app.coordinator.events import SaveFailed
from app.core.fileformat import NotebookFormatError
from app.ui import settings
from app.ui.tasks import spawn
from app.ui.window.window_parts import WindowParts


class FileSaves(WindowParts):
    """The window's side of the save contract (docs/SECURITY.md: no edit is ever lost)."""

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

"""The notebook's own settings from the window: its name, the kernel's Python, the database
(the last two only once the notebook is trusted)."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QInputDialog

from app.ui.dialogs.database_dialog import DatabaseDialog
from app.ui.tasks import spawn
from app.ui.window.window_parts import WindowParts


class NotebookSettingsCommands(WindowParts):
    """Commands that change the notebook's settings header."""

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

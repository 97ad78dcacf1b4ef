"""File → Export: a self-contained HTML page or a Jupyter notebook of what is on screen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from app.ui.window.window_parts import WindowParts


class NotebookExports(WindowParts):
    """Exports write what the window shows now; they never run anything."""

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

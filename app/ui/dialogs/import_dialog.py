""" "Import NB.ipynb": what converting a Jupyter or marimo notebook did — what was renamed and
why, which repeated imports were merged, what to check, what could not be converted — and
where the new notebook goes. Import writes it (never over the input); Cancel writes nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.importing import Imported
from app.ui.theme.fonts import monospace_font

_KINDS = {"ipynb": "Jupyter notebook", "marimo": "marimo notebook"}


class ImportDialog(QDialog):
    """See the module docstring; ``exec()`` is Accepted when the user chose Import."""

    def __init__(self, imported: Imported, target: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(imported.title)
        report = imported.conversion.report
        cells = len(imported.conversion.notebook.cells)
        problems = len(report.problems)
        summary = (
            f"<b>{imported.title}</b><br>"
            f"A {_KINDS[imported.kind]} becomes a new Cascade notebook of {cells} cells: "
            f"{len(report.renames)} names renamed so that each is defined by one cell"
            + (f", {problems} things to check." if problems else ".")
        )
        self.summary = QLabel(summary)
        self.summary.setWordWrap(True)
        self.report_view = QPlainTextEdit(report.format())
        self.report_view.setReadOnly(True)
        self.report_view.setFont(monospace_font())
        self.report_view.setMinimumSize(640, 320)
        self.target_label = QLabel(
            f"It is written to <b>{target.name}</b> in {target.parent}"
            + (" (it exists: you will choose where)" if target.exists() else "")
            + f"; {imported.source.name} is not changed."
        )
        self.target_label.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("Import")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.report_view, 1)
        layout.addWidget(self.target_label)
        layout.addWidget(buttons)

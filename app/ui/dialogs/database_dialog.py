"""The notebook's database connection: URL, password (never shown again, never in the file),
and the result of checking it — connected with the server's version, or why not."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.coordinator.events import DatabaseStatusChanged
from app.ui.theme.apply import theme_for

PLACEHOLDER = "empty: an SQLite file beside the notebook · postgresql://user@host:5432/dbname"


class DatabaseDialog(QDialog):
    """Non-modal: the connection check runs in the kernel while the window stays usable."""

    def __init__(self, url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Database connection")
        self.url_edit = QLineEdit(url)
        self.url_edit.setPlaceholderText(PLACEHOLDER)
        self.url_edit.setMinimumWidth(460)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("stored in the system keyring, not in the notebook")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.connect_button = QPushButton("Connect")
        self.connect_button.setDefault(True)
        form = QFormLayout()
        form.addRow("URL", self.url_edit)
        form.addRow("Password", self.password_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.addButton(self.connect_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(
            QLabel(
                "${NAME} in the URL is read from the environment; PGPASSWORD and ~/.pgpass work too."
            )
        )
        layout.addWidget(self.status)
        layout.addWidget(buttons)

    def checking(self) -> None:
        self.status.setStyleSheet("")
        self.status.setText("Checking the connection…")
        self.connect_button.setEnabled(False)

    def show_status(self, status: DatabaseStatusChanged) -> None:
        self.connect_button.setEnabled(True)
        if status.ok:
            self.status.setStyleSheet("")  # the ✓ says it; the theme's text colour reads best
            self.status.setText(f"✓ {status.message}")
            self.password_edit.clear()
        else:
            self.status.setStyleSheet(f"color: {theme_for(self.palette()).error_text};")
            kept = f"\nStill using: {status.url}" if status.url else ""
            self.status.setText(f"✗ {status.message}{kept}")

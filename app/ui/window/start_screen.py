"""What a window shows with no notebook: recent notebooks, new, open, import (a Jupyter or
marimo notebook), and unsaved work that a crash or a failed save left behind (offered back,
never silently dropped)."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.coordinator.recovery import RecoveredNotebook
from app.ui import settings


class StartScreen(QWidget):
    """See the module docstring."""

    open_requested = Signal(str)
    new_requested = Signal()
    browse_requested = Signal()
    import_requested = Signal()
    restore_requested = Signal(object)
    """A :class:`RecoveredNotebook` the user wants back."""
    discard_requested = Signal(object)
    """A :class:`RecoveredNotebook` the user does not want."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("<h1>Cascade</h1><p>A reactive Python + SQL notebook.</p>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.recent = QListWidget()
        self.recent.itemActivated.connect(
            lambda item: self.open_requested.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        self.new_button = QPushButton("New notebook")
        self.new_button.clicked.connect(self.new_requested)
        self.open_button = QPushButton("Open…")
        self.open_button.clicked.connect(self.browse_requested)
        self.import_button = QPushButton("Import .ipynb…")
        self.import_button.setToolTip("A Jupyter (or marimo) notebook, as a new notebook")
        self.import_button.clicked.connect(self.import_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        self.recovered_title = QLabel("<b>Unsaved work from an earlier session</b>")
        self.recovered = QListWidget()
        self.restore_button = QPushButton("Restore")
        self.discard_button = QPushButton("Discard")
        self.restore_button.clicked.connect(lambda: self._emit_selected(self.restore_requested))
        self.discard_button.clicked.connect(lambda: self._emit_selected(self.discard_requested))
        self.recovered.itemActivated.connect(
            lambda item: self.restore_requested.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        recovered_buttons = QHBoxLayout()
        recovered_buttons.addStretch(1)
        recovered_buttons.addWidget(self.restore_button)
        recovered_buttons.addWidget(self.discard_button)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addLayout(buttons)
        layout.addWidget(self.recovered_title)
        layout.addWidget(self.recovered, 1)
        layout.addLayout(recovered_buttons)
        layout.addWidget(QLabel("Recent notebooks"))
        layout.addWidget(self.recent, 2)
        self._recovered_widgets = (
            self.recovered_title,
            self.recovered,
            self.restore_button,
            self.discard_button,
        )
        self.refresh()
        self.show_recovered([])

    def refresh(self) -> None:
        self.recent.clear()
        for path in settings.recent_notebooks():
            item = QListWidgetItem(f"{path.name}    {path.parent}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.recent.addItem(item)

    def show_recovered(self, copies: list[RecoveredNotebook]) -> None:
        self.recovered.clear()
        for copy in copies:
            what = str(copy.origin) if copy.origin else (copy.name or "a new notebook")
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(copy.saved_at))
            item = QListWidgetItem(f"{what}    (unsaved edits of {when})")
            item.setData(Qt.ItemDataRole.UserRole, copy)
            self.recovered.addItem(item)
        if copies:
            self.recovered.setCurrentRow(0)
        for widget in self._recovered_widgets:
            widget.setVisible(bool(copies))

    def _emit_selected(self, signal: SignalInstance) -> None:
        item = self.recovered.currentItem()
        if item is not None:
            signal.emit(item.data(Qt.ItemDataRole.UserRole))

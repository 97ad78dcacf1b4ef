"""What a window shows with no notebook: recent notebooks, new, open, import (a Jupyter or
marimo notebook), and unsaved work that a crash or a failed save left behind (offered back,
never silently dropped)."""

from __future__ import annotations

import html
import time
from pathlib import Path

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.coordinator.recovery import RecoveredNotebook
from app.ui import settings
from app.ui.window.recent_items import RecentItem, recent_item

#: The start screen's column, centred like the notebook's.
COLUMN_WIDTH = 640


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
    demo_requested = Signal()
    """Open (a copy of) the demo notebook."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("<h1 style='margin-bottom:2px'>Cascade</h1>")
        tagline = QLabel(
            "A reactive Python + SQL notebook: change a cell, what depends on it runs."
        )
        tagline.setWordWrap(True)
        for label in (title, tagline):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        buttons = self._build_buttons()
        recovered_buttons = self._build_recovered()
        self.recent_title = QLabel("<b>Recent notebooks</b>")
        self.recent = QListWidget()
        self.recent.setSpacing(1)
        self.recent.itemActivated.connect(
            lambda item: self.open_requested.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        self.no_recent = QLabel("Notebooks you open will be listed here.")
        self.no_recent.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column = QWidget()
        column.setMaximumWidth(COLUMN_WIDTH)
        layout = QVBoxLayout(column)
        layout.addWidget(title)
        layout.addWidget(tagline)
        layout.addSpacing(10)
        layout.addLayout(buttons)
        layout.addSpacing(18)
        layout.addWidget(self.recovered_title)
        layout.addWidget(self.recovered, 1)
        layout.addLayout(recovered_buttons)
        layout.addWidget(self.recent_title)
        layout.addWidget(self.recent, 3)
        layout.addWidget(self.no_recent)
        page = QHBoxLayout(self)
        page.addStretch(1)
        page.addWidget(column, 10)
        page.addStretch(1)
        page.setContentsMargins(24, 36, 24, 24)
        self._recovered_widgets = (
            self.recovered_title,
            self.recovered,
            self.restore_button,
            self.discard_button,
        )
        self.refresh()
        self.show_recovered([])

    def _build_buttons(self) -> QHBoxLayout:
        """New, Open, Import and the demo, in a row."""
        self.new_button = QPushButton("New notebook")
        self.new_button.setDefault(True)
        self.new_button.clicked.connect(self.new_requested)
        self.open_button = QPushButton("Open…")
        self.open_button.clicked.connect(self.browse_requested)
        self.import_button = QPushButton("Import .ipynb…")
        self.import_button.setToolTip("A Jupyter (or marimo) notebook, as a new notebook")
        self.import_button.clicked.connect(self.import_requested)
        self.demo_button = QPushButton("Try the demo")
        self.demo_button.setToolTip("A copy of the demo notebook in your data folder")
        self.demo_button.clicked.connect(self.demo_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.new_button, self.open_button, self.import_button, self.demo_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        return buttons

    def _build_recovered(self) -> QHBoxLayout:
        """The list of unsaved work an earlier session left, with Restore and Discard."""
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
        return recovered_buttons

    def refresh(self) -> None:
        """The recent notebooks, most recent first: title, folder and when it last changed."""
        self.recent.clear()
        paths = settings.recent_notebooks()
        for path in paths:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            row = _RecentRow(recent_item(path), self.recent)
            row.remove_requested.connect(self._forget)
            item.setSizeHint(row.sizeHint())
            item.setToolTip(str(path))
            self.recent.addItem(item)
            self.recent.setItemWidget(item, row)
        for widget in (self.recent_title, self.recent):
            widget.setVisible(bool(paths))
        self.no_recent.setVisible(not paths)

    def _forget(self, path: str) -> None:
        """✕ on a recent notebook: off the list (the file is not touched)."""
        settings.remove_recent(Path(path))
        self.refresh()

    @property
    def recent_paths(self) -> list[str]:
        return [
            self.recent.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.recent.count())
        ]

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


class _RecentRow(QWidget):
    """One recent notebook: its title, then its folder and date muted; ✕ forgets it."""

    remove_requested = Signal(str)

    def __init__(self, item: RecentItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(f"<b>{html.escape(item.title)}</b>")
        self.where = QLabel(
            html.escape(
                f"{item.path.name} · {item.folder}" + (f" · {item.changed}" if item.changed else "")
            )
        )
        self.where.setEnabled(False)  # muted, in the theme's disabled text colour
        text = QVBoxLayout()
        text.setSpacing(0)
        text.addWidget(self.title)
        text.addWidget(self.where)
        self.remove_button = QToolButton()
        self.remove_button.setText("✕")
        self.remove_button.setAutoRaise(True)
        self.remove_button.setToolTip("Remove from this list (the file stays)")
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(str(item.path)))
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 4, 4)
        row.addLayout(text, 1)
        row.addWidget(self.remove_button)

"""Non-blocking bars across the top of a notebook window, and the undo toast.

Each says one thing the user should decide about, with the buttons to decide it; none is a
modal dialog, so typing is never interrupted.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.core.trust import TrustRequest, describe_requests

_WARNING_STYLE = "background: #fff3cd; color: #5c4400;"
_TRUST_STYLE = "background: #e8f0fe; color: #1a3a6b;"
_ERROR_STYLE = "background: #fde7e9; color: #6b1a1f;"


class _Bar(QWidget):
    def __init__(self, style: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(style)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(12, 6, 12, 6)
        self._row.addWidget(self.label, 1)
        self.hide()

    def _button(self, text: str) -> QPushButton:
        button = QPushButton(text)
        self._row.addWidget(button)
        return button


class ChangedOnDiskBar(_Bar):
    """The file changed on disk; the user decides which version wins."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_WARNING_STYLE, parent)
        self.label.setText("This notebook changed on disk. Autosave is paused so nothing is lost.")
        self.reload_button = self._button("Reload from disk")
        self.keep_button = self._button("Keep my version")


class TrustBar(_Bar):
    """The notebook asks for things only a trusted notebook gets (docs/SECURITY.md)."""

    trust_requested = Signal()
    """The user trusts this notebook."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_TRUST_STYLE, parent)
        self.trust_button = self._button("Trust")
        self.keep_button = self._button("Keep untrusted")
        self.trust_button.clicked.connect(self.trust_requested)
        self.keep_button.clicked.connect(self.hide)

    def show_requests(self, requests: tuple[TrustRequest, ...]) -> None:
        self.label.setText(
            f"This notebook is not trusted. It {describe_requests(requests)}. "
            "Until you trust it, Cascade ignores these settings: cells run in the default "
            "Python with SQLite, and only when you ask."
        )
        self.show()


class SaveFailedBar(_Bar):
    """A save wrote nothing; the edit is safe in memory and a recovery copy."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_ERROR_STYLE, parent)
        self.save_as_button = self._button("Save As…")
        self.retry_button = self._button("Try again")

    def show_message(self, message: str) -> None:
        self.label.setText(
            f"{message[:1].upper()}{message[1:]}. Your edits are kept (and in a recovery copy); "
            "Cascade keeps trying."
        )
        self.show()


class UndoToast(_Bar):
    """ "Cell deleted — Undo", for a few seconds, instead of asking before deleting."""

    undo_requested = Signal()

    #: How long the toast stays (the Edit menu's Undo works for longer).
    VISIBLE_MS = 8000

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_TRUST_STYLE, parent)
        self.undo_button = self._button("Undo")
        self.undo_button.clicked.connect(self._undo)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)

    def show_message(self, text: str) -> None:
        self.label.setText(text)
        self.show()
        self._timer.start(self.VISIBLE_MS)

    def _undo(self) -> None:
        self.hide()
        self.undo_requested.emit()

"""Test doubles the output tests share (the `host` fixture is in conftest.py)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QUrl, Slot


class UrlRecorder(QObject):
    """Stands in for the desktop's URL handler: records the links a view asked to open."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url)

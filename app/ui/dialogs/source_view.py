"""Go to definition of a library name: its source file, read-only, at the defining line.

The file is only read (never imported or run); a very large file is refused with a message
rather than loaded into the window.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.ui.editor.highlighter import PygmentsHighlighter
from app.ui.theme import is_dark
from app.ui.theme.fonts import monospace_font

#: Source files larger than this are not shown (bytes).
MAX_SOURCE_BYTES = 5_000_000


def read_source(path: str) -> str:
    """The file's text; OSError or ValueError (too large, not text) say why not."""
    file = Path(path)
    if file.stat().st_size > MAX_SOURCE_BYTES:
        raise ValueError(f"{file.name} is larger than {MAX_SOURCE_BYTES // 1_000_000} MB")
    return file.read_text(encoding="utf-8", errors="replace")


class SourceView(QDialog):
    """A read-only view of ``path`` scrolled to ``line`` (1-based), that line marked."""

    def __init__(self, name: str, path: str, line: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{name} — {Path(path).name} (read-only)")
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setFont(monospace_font())
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setPlainText(read_source(path))
        self._highlighter = PygmentsHighlighter(
            self.text.document(), "python", is_dark(self.palette())
        )
        where = QLabel(f"{path}, line {line}")
        where.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(where)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(820, 600)
        self.go_to_line(line)

    def go_to_line(self, line: int) -> None:
        block = self.text.document().findBlockByNumber(max(line - 1, 0))
        cursor = QTextCursor(block)
        self.text.setTextCursor(cursor)
        mark = QTextEdit.ExtraSelection()
        mark.cursor = cursor
        mark.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        mark.format.setBackground(self.palette().alternateBase())
        self.text.setExtraSelections([mark])
        self.text.centerCursor()

    @property
    def current_line(self) -> int:
        """The 1-based line the view was opened at (tests read it)."""
        return self.text.textCursor().blockNumber() + 1

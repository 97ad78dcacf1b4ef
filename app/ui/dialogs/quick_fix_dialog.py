"""The preview of a quick fix ("Rename to df_2 here and in the cells below that read it"): the
unified diff of every cell it changes. Apply makes it one undoable edit; Cancel changes nothing.
"""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.convert import QuickFix
from app.core.words import plural
from app.ui.theme.fonts import monospace_font

_LINE_COLORS = (("+++", ""), ("---", ""), ("@@", "#6a737d"), ("+", "#22863a"), ("-", "#cb2431"))


def diff_html(diff: str) -> str:
    """The diff with added lines green and removed lines red (file lines plain)."""
    lines = []
    for line in diff.splitlines():
        color = next((c for prefix, c in _LINE_COLORS if line.startswith(prefix)), "")
        text = html.escape(line) or "&nbsp;"
        lines.append(f'<span style="color:{color}">{text}</span>' if color else text)
    return "<pre>" + "\n".join(lines) + "</pre>"


class QuickFixDialog(QDialog):
    """See the module docstring; ``exec()`` is Accepted when the user chose Apply."""

    def __init__(self, fix: QuickFix, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Quick fix")
        self.fix = fix
        cells = len(fix.changes)
        self.title_label = QLabel(
            f"<b>{html.escape(fix.title)}</b><br><code>{html.escape(fix.name)}</code> becomes "
            f"<code>{html.escape(fix.new_name)}</code> in {plural(cells, 'cell')}; "
            "Edit → Undo takes it back."
        )
        self.title_label.setWordWrap(True)
        self.diff_view = QTextEdit()
        self.diff_view.setReadOnly(True)
        self.diff_view.setFont(monospace_font())
        self.diff_view.setHtml(diff_html(fix.diff))
        self.diff_view.setMinimumSize(640, 300)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Cancel
        )
        self.apply_button = buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.clicked.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.diff_view, 1)
        layout.addWidget(buttons)

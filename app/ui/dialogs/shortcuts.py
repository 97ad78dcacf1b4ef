"""Every keyboard shortcut, in one table: the menus, the editor and the help dialog read it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

#: Keys of the code editor that are not menu commands (those are listed from the window's
#: actions, and command mode's from its own table, so nothing is listed twice or goes stale).
SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Shift+Enter", "Run the cell and move to the next one"),
    ("Ctrl+Enter", "Run the cell and stay"),
    ("Alt+Enter", "Run the cell and insert a new cell below"),
    ("Ctrl+Shift+Up / Down", "Move focus to the previous / next cell"),
    ("Ctrl+Shift+Alt+Up / Down", "Move the cell up / down"),
    ("Ctrl+/", "Toggle comment on the selected lines"),
    ("Tab / Shift+Tab", "Complete after a name (else indent) / dedent"),
    ("Ctrl+Space", "Complete at the cursor (twice in a SQL cell: re-read the database)"),
    ("Shift+Tab after a name", "Show its documentation"),
    ("Pointer on a name", "Show its signature and documentation"),
    ("F12 / Ctrl+click", "Go to definition: the defining cell, or the library's source"),
    ("Ctrl+wheel", "Zoom the code in / out"),
    ("Escape", "Leave the editor and select the cell (command mode; saves the edit)"),
)


def shortcut_rows(
    commands: Iterable[tuple[str, str]], command_mode: Iterable[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Every row the dialog lists, as (keys, what it does): the editor's keys, the window's
    commands (the command palette's list: each menu action, with its shortcut if it has one)
    and command mode's keys; each (keys, name) once."""
    rows: list[tuple[str, str]] = list(SHORTCUTS)
    rows += [(keys, name) for name, keys in commands]
    rows += [(f"{keys} (command mode)" if keys else "", name) for name, keys in command_mode]
    seen: set[tuple[str, str]] = set()
    unique = []
    for keys, name in rows:
        key = (keys.lower(), name.lower())
        if key not in seen:
            seen.add(key)
            unique.append((keys, name))
    return unique


def matches(query: str, keys: str, name: str) -> bool:
    """Whether every word of ``query`` is in the keys or the description (any case)."""
    text = f"{keys} {name}".lower()
    return all(word in text for word in query.lower().split())


class ShortcutsDialog(QDialog):
    """Every shortcut and command (Ctrl+K), searchable, sized to fit its rows on the screen."""

    def __init__(
        self, rows: Sequence[tuple[str, str]] = SHORTCUTS, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Search shortcuts and commands")
        self.filter_edit.setClearButtonEnabled(True)
        table = QTableWidget(len(rows), 2, self)
        table.setHorizontalHeaderLabels(["Keys", "Command"])
        for row, (keys, action) in enumerate(rows):
            table.setItem(row, 0, QTableWidgetItem(keys))
            table.setItem(row, 1, QTableWidgetItem(action))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        table.setWordWrap(False)
        table.setShowGrid(False)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.table = table
        self._rows = list(rows)
        self.filter_edit.textChanged.connect(self.show_matching)
        self._fit()

    def show_matching(self, query: str) -> None:
        for row, (keys, name) in enumerate(self._rows):
            self.table.setRowHidden(row, not matches(query, keys, name))

    @property
    def visible_rows(self) -> list[tuple[str, str]]:
        return [r for i, r in enumerate(self._rows) if not self.table.isRowHidden(i)]

    def _fit(self) -> None:
        """As wide as its columns (so no text is cut), as tall as its rows, within the screen."""
        width = sum(self.table.columnWidth(c) for c in range(2)) + 60
        height = self.table.horizontalHeader().height() + sum(
            self.table.rowHeight(r) for r in range(self.table.rowCount())
        )
        screen = self.screen().availableGeometry()
        self.resize(
            min(max(width, 480), int(screen.width() * 0.9)),
            min(height + 120, int(screen.height() * 0.85)),
        )

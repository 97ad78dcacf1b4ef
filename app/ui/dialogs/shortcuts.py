"""Every keyboard shortcut, in one table: the menus, the editor and the help dialog read it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Shift+Enter", "Run the cell and move to the next one"),
    ("Ctrl+Enter", "Run the cell and stay"),
    ("Alt+Enter", "Run the cell and insert a new cell below"),
    ("Ctrl+Shift+Up / Down", "Move focus to the previous / next cell"),
    ("Ctrl+Shift+Alt+Up / Down", "Move the cell up / down"),
    ("Ctrl+/", "Toggle comment on the selected lines"),
    ("Tab / Shift+Tab", "Complete after a name (else indent) / dedent"),
    ("Ctrl+Space", "Complete at the cursor (twice in a SQL cell: re-read the database)"),
    ("Ctrl+F / Ctrl+H", "Find / replace in the notebook"),
    ("F3 / Shift+F3", "Next / previous match"),
    ("Ctrl+Shift+R", "Run all cells"),
    ("Ctrl+I", "Interrupt the running cell"),
    ("Ctrl+Shift+0", "Restart the kernel"),
    ("Ctrl+N", "New notebook"),
    ("Ctrl+O", "Open a notebook"),
    ("Ctrl+Shift+S", "Save as"),
    ("Ctrl+Shift+A", "App view: outputs and controls only, code hidden"),
    ("Ctrl+K", "Show these shortcuts"),
    ("Escape", "Leave the editor and select the cell (command mode; saves the edit)"),
    ("Enter (command mode)", "Edit the selected cell"),
    ("Up / Down, K / J (command mode)", "Select the cell above / below"),
    ("A / B (command mode)", "Insert a cell above / below"),
    ("D, D (command mode)", "Delete the selected cell (Z brings it back)"),
    ("Y / M / S (command mode)", "Make the cell Python / Markdown / SQL"),
    ("C / X / V (command mode)", "Copy / cut / paste cells (also between notebooks)"),
    ("F12", "Go to the cell that defines the name at the cursor"),
    ("Shift+Tab after a name", "Show its documentation"),
    ("Ctrl+Shift+P", "Command palette: every command, searchable"),
)


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        table = QTableWidget(len(SHORTCUTS), 2, self)
        table.setHorizontalHeaderLabels(["Keys", "Action"])
        for row, (keys, action) in enumerate(SHORTCUTS):
            table.setItem(row, 0, QTableWidgetItem(keys))
            table.setItem(row, 1, QTableWidgetItem(action))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.table = table
        self.resize(560, 440)

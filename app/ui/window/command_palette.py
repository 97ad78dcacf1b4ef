"""The command palette (Ctrl+Shift+P): every window action and command-mode command with its
shortcut, narrowed by a fuzzy filter as the user types; Enter runs the highlighted one.

The list is read when the palette opens — the window's QActions (menus, toolbar) and the
notebook's command-mode commands — so a new action appears here without being listed twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True, slots=True)
class PaletteEntry:
    name: str
    keys: str
    run: Callable[[], None]


def fuzzy_score(query: str, text: str) -> int | None:
    """How well ``query`` matches ``text`` as a subsequence, ignoring case (lower is better:
    gaps between matched letters and a late start cost); None when it does not match."""
    if not query:
        return 0
    text_lower, score, position, last = text.lower(), 0, 0, -1
    for char in query.lower():
        if char == " ":
            continue
        found = text_lower.find(char, position)
        if found < 0:
            return None
        score += found - last - 1 if last >= 0 else found
        last, position = found, found + 1
    return score


def filtered(entries: Iterable[PaletteEntry], query: str) -> list[PaletteEntry]:
    """The entries matching ``query``, best first (ties keep their order)."""
    scored = [(fuzzy_score(query, entry.name), i, entry) for i, entry in enumerate(entries)]
    return [entry for score, _, entry in sorted(s for s in scored if s[0] is not None)]


def action_entries(actions: Iterable[QAction], *, enabled: bool = True) -> list[PaletteEntry]:
    """Named QActions as entries (each once, with the shortcut as the menu shows it); only
    the enabled ones unless ``enabled`` is False (the shortcuts dialog lists them all)."""
    seen: set[int] = set()
    entries = []
    for action in actions:
        if id(action) in seen or (enabled and not action.isEnabled()) or not action.text():
            continue
        seen.add(id(action))
        # The palette's name when the menu's needs its menu to make sense ("HTML…" in Export).
        data = action.data()
        name = data if isinstance(data, str) and data else action.text().replace("&", "")
        name = name.rstrip("…")
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        entries.append(PaletteEntry(name, keys, action.trigger))
    return entries


class CommandPalette(QDialog):
    """See the module docstring."""

    def __init__(self, entries: list[PaletteEntry], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Command palette")
        self._entries = entries
        self._shown: list[PaletteEntry] = []
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Type a command")
        self.list = QTableWidget(0, 2)
        self.list.horizontalHeader().hide()
        self.list.verticalHeader().hide()
        self.list.setShowGrid(False)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.list.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.list.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list)
        self.filter_edit.textChanged.connect(self._fill)
        self.filter_edit.returnPressed.connect(self.run_current)
        self.list.cellActivated.connect(lambda _row, _column: self.run_current())
        self._fill("")
        self.resize(520, 420)

    @property
    def shown(self) -> list[PaletteEntry]:
        return list(self._shown)

    def _fill(self, query: str) -> None:
        self._shown = filtered(self._entries, query)
        self.list.setRowCount(len(self._shown))
        muted = self.palette().color(self.palette().ColorRole.PlaceholderText)
        for row, entry in enumerate(self._shown):
            self.list.setItem(row, 0, QTableWidgetItem(entry.name))
            keys = QTableWidgetItem(entry.keys)
            keys.setForeground(muted)
            keys.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.list.setItem(row, 1, keys)
        if self._shown:
            self.list.setCurrentCell(0, 0)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Up/Down move in the list while the filter keeps the keyboard (the line edit
        leaves those keys to its dialog)."""
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            step = -1 if event.key() == Qt.Key.Key_Up else 1
            row = self.list.currentRow() + step
            if 0 <= row < self.list.rowCount():
                self.list.setCurrentCell(row, 0)
            return
        super().keyPressEvent(event)

    def run_current(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._shown):
            entry = self._shown[row]
            self.accept()
            entry.run()

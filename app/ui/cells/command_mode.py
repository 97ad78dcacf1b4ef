"""Command mode, as in JupyterLab: after Escape the notebook view has the keyboard and single
keys act on the selected cell.

Enter edits it; Up/Down or K/J move the selection, Shift+Up/Down (Shift+K/J) extend it; A/B
insert a cell above/below; D D deletes the selected cells (Z, or Edit → Undo, brings them back
with their outputs); Y/M/S make it Python/Markdown/SQL; C / X / V copy, cut and paste cells (as
percent-format text on the clipboard, so they paste into another notebook, or a text file,
too); Shift+M merges the selected cells (one: with the cell below); O hides or shows the
output, Shift+O the code; Shift+Enter runs the selection and selects the next cell, Ctrl+Enter
runs it. The view keeps the selection (``NotebookView.selected_ids``); this module only maps
keys to what the view and the coordinator already do, and lists those commands for the
command palette.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent

from app.core import fileformat
from app.core.notebook import CellKind, Notebook
from app.ui.tasks import spawn

if TYPE_CHECKING:
    from app.ui.cells.notebook_view import NotebookView

_Mod = Qt.KeyboardModifier


@dataclass(frozen=True, slots=True)
class Command:
    """One command-mode command: what the palette lists, and what it does."""

    name: str
    keys: str
    run: Callable[[], None]


class CommandMode:
    """Single-key commands on the view's selected cell (see the module docstring). The view
    hands it its own key events (:meth:`handle`): no event filter, which PySide would call
    while the view is being destroyed."""

    def __init__(self, view: NotebookView) -> None:
        self._view = view
        self._delete_armed = False
        self.commands: tuple[Command, ...] = (
            Command("Edit the selected cell", "Enter", self.edit),
            Command("Select the cell above", "Up / K", lambda: self.move_selection(-1)),
            Command("Select the cell below", "Down / J", lambda: self.move_selection(+1)),
            Command(
                "Extend the selection up",
                "Shift+Up / Shift+K",
                lambda: self.move_selection(-1, extend=True),
            ),
            Command(
                "Extend the selection down",
                "Shift+Down / Shift+J",
                lambda: self.move_selection(+1, extend=True),
            ),
            Command("Insert a cell above", "A", lambda: self.insert(0)),
            Command("Insert a cell below", "B", lambda: self.insert(1)),
            Command("Delete the selected cells", "D, D", self.delete),
            Command("Undo the last cell operation", "Z", self.undo),
            Command("Make the cell Python", "Y", lambda: self.set_kind("python")),
            Command("Make the cell Markdown", "M", lambda: self.set_kind("markdown")),
            Command("Make the cell SQL", "S", lambda: self.set_kind("sql")),
            Command("Copy the selected cells", "C", self.copy),
            Command("Cut the selected cells", "X", self.cut),
            Command("Paste cells below", "V", self.paste),
            Command("Merge the selected cells (one: with the cell below)", "Shift+M", self.merge),
            Command("Hide or show the output", "O", self.toggle_output),
            Command("Hide or show the code", "Shift+O", self.toggle_code),
            Command("Run the selection and select the next", "Shift+Enter", self.run_and_advance),
            Command("Run the selected cells", "Ctrl+Enter", self.run),
            Command("Run every cell above", "", self.run_above),
            Command("Run the cell and every cell below", "", self.run_below),
            Command("Clear the selected cells' output", "", lambda: self._view.clear_outputs()),
        )
        self._keys: dict[tuple[int, Qt.KeyboardModifier], Callable[[], None]] = {
            (Qt.Key.Key_Return, _Mod.NoModifier): self.edit,
            (Qt.Key.Key_Enter, _Mod.NoModifier): self.edit,
            (Qt.Key.Key_Up, _Mod.NoModifier): lambda: self.move_selection(-1),
            (Qt.Key.Key_K, _Mod.NoModifier): lambda: self.move_selection(-1),
            (Qt.Key.Key_Down, _Mod.NoModifier): lambda: self.move_selection(+1),
            (Qt.Key.Key_J, _Mod.NoModifier): lambda: self.move_selection(+1),
            (Qt.Key.Key_Up, _Mod.ShiftModifier): lambda: self.move_selection(-1, extend=True),
            (Qt.Key.Key_K, _Mod.ShiftModifier): lambda: self.move_selection(-1, extend=True),
            (Qt.Key.Key_Down, _Mod.ShiftModifier): lambda: self.move_selection(+1, extend=True),
            (Qt.Key.Key_J, _Mod.ShiftModifier): lambda: self.move_selection(+1, extend=True),
            (Qt.Key.Key_M, _Mod.ShiftModifier): self.merge,
            (Qt.Key.Key_O, _Mod.NoModifier): self.toggle_output,
            (Qt.Key.Key_O, _Mod.ShiftModifier): self.toggle_code,
            (Qt.Key.Key_A, _Mod.NoModifier): lambda: self.insert(0),
            (Qt.Key.Key_B, _Mod.NoModifier): lambda: self.insert(1),
            (Qt.Key.Key_Z, _Mod.NoModifier): self.undo,
            (Qt.Key.Key_Y, _Mod.NoModifier): lambda: self.set_kind("python"),
            (Qt.Key.Key_M, _Mod.NoModifier): lambda: self.set_kind("markdown"),
            (Qt.Key.Key_S, _Mod.NoModifier): lambda: self.set_kind("sql"),
            (Qt.Key.Key_C, _Mod.NoModifier): self.copy,
            (Qt.Key.Key_X, _Mod.NoModifier): self.cut,
            (Qt.Key.Key_V, _Mod.NoModifier): self.paste,
            (Qt.Key.Key_Return, _Mod.ShiftModifier): self.run_and_advance,
            (Qt.Key.Key_Return, _Mod.ControlModifier): self.run,
        }

    # -- keys ---------------------------------------------------------------------------------------
    def handle(self, event: QKeyEvent) -> bool:
        """Act on a key press (or claim a shortcut override) of the view; False: not ours."""
        if event.type() not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        mods = event.modifiers() & ~_Mod.KeypadModifier
        is_delete = event.key() == Qt.Key.Key_D and mods == _Mod.NoModifier
        action = self._keys.get((event.key(), mods))
        if action is None and not is_delete:
            return False
        event.accept()
        if event.type() == QEvent.Type.ShortcutOverride:
            return True  # ours, not a window shortcut's
        if is_delete:
            if self._delete_armed:
                self._delete_armed = False
                self.delete()
            else:
                self._delete_armed = True
            return True
        self._delete_armed = False
        if action is not None:
            action()
        return True

    # -- commands -----------------------------------------------------------------------------------
    def _selected(self) -> str | None:
        view = self._view
        selected = view.selected_id
        if selected is None and view.coordinator.notebook.cell_ids:
            selected = view.coordinator.notebook.cell_ids[0]
            view.select(selected, command_mode=True)
        return selected

    def edit(self) -> None:
        selected = self._selected()
        if selected is not None:
            widget = self._view.cells[selected]
            if widget.kind == "markdown":
                widget.edit_markdown()
            self._view.focus_cell(selected)

    def move_selection(self, delta: int, *, extend: bool = False) -> None:
        selected = self._selected()
        ids = self._view.coordinator.notebook.cell_ids
        if selected is None:
            return
        target = ids.index(selected) + delta
        if 0 <= target < len(ids):
            self._view.select(ids[target], command_mode=True, extend=extend)

    def insert(self, offset: int) -> None:
        """A Python cell above (0) or below (1) the selected one, selected in command mode."""
        selected = self._selected()
        notebook = self._view.coordinator.notebook
        index = notebook.position(selected) + offset if selected is not None else 0
        spawn(self._insert(index))

    async def _insert(self, index: int) -> None:
        cell_id = await self._view.coordinator.add_cell("python", index)
        self._view.select(cell_id, command_mode=True)

    def _selection(self) -> list[str]:
        """The selected cells (selecting the first cell when none is)."""
        return self._view.selected_ids if self._selected() is not None else []

    def delete(self) -> None:
        """Delete the selected cells (one undo) and select the one that takes their place."""
        doomed = self._selection()
        if not doomed:
            return
        ids = self._view.coordinator.notebook.cell_ids
        position = ids.index(doomed[0])
        rest = [c for c in ids if c not in doomed]
        self._view.delete_cells(doomed)
        if rest:
            self._view.select(rest[min(position, len(rest) - 1)], command_mode=True)

    def undo(self) -> None:
        spawn(self._undo())

    async def _undo(self) -> None:
        before = set(self._view.coordinator.notebook.cell_ids)
        await self._view.coordinator.undo()
        back = [c for c in self._view.coordinator.notebook.cell_ids if c not in before]
        if back:
            self._view.select(back[0], command_mode=True)

    def set_kind(self, kind: CellKind) -> None:
        selected = self._selected()
        if selected is not None:
            spawn(self._set_kind(selected, kind))

    async def _set_kind(self, cell_id: str, kind: CellKind) -> None:
        self._view.commit_pending_edits()
        await self._view.coordinator.set_cell_kind(cell_id, kind)
        self._view.select(cell_id, command_mode=True)

    def copy(self) -> None:
        """The selected cells as percent-format text on the clipboard."""
        chosen = self._selection()
        if not chosen:
            return
        self._view.commit_pending_edits()
        notebook = self._view.coordinator.notebook
        cells = tuple(notebook.cell(cell_id) for cell_id in chosen)
        QGuiApplication.clipboard().setText(fileformat.dumps(Notebook(cells=cells)))

    def cut(self) -> None:
        self.copy()
        self.delete()

    def paste(self) -> None:
        """The cells on the clipboard (percent-format text) below the selected one."""
        try:
            cells = fileformat.parse(QGuiApplication.clipboard().text()).notebook.cells
        except fileformat.NotebookFormatError:
            cells = ()
        if not cells:
            self._view.message.emit("The clipboard holds no cells to paste.")
            return
        selected = self._selected()
        notebook = self._view.coordinator.notebook
        index = notebook.position(selected) + 1 if selected is not None else len(notebook)
        spawn(self._paste(index, [(c.kind, c.code) for c in cells]))

    async def _paste(self, index: int, cells: list[tuple[CellKind, str]]) -> None:
        pasted = await self._view.coordinator.add_cells(index, cells)  # one undo
        if pasted:
            self._view.select(pasted[-1], command_mode=True)

    def merge(self) -> None:
        """Merge the selected cells into the first; one selected: it and the cell below."""
        chosen = self._selection()
        ids = self._view.coordinator.notebook.cell_ids
        if len(chosen) == 1 and ids.index(chosen[0]) + 1 < len(ids):
            chosen.append(ids[ids.index(chosen[0]) + 1])
        if len(chosen) < 2:
            self._view.message.emit("Nothing below to merge with.")
            return
        self._view.commit_pending_edits()
        spawn(self._merge(chosen))

    async def _merge(self, cell_ids: list[str]) -> None:
        merged = await self._view.coordinator.merge_cells(cell_ids)
        if merged is not None:
            self._view.select(merged, command_mode=True)

    def toggle_output(self) -> None:
        widgets = [self._view.cells[c] for c in self._selection() if c in self._view.cells]
        hide = not all(w.output_hidden for w in widgets)
        for widget in widgets:
            widget.set_output_hidden(hide)

    def toggle_code(self) -> None:
        widgets = [self._view.cells[c] for c in self._selection() if c in self._view.cells]
        hide = not all(w.collapsed for w in widgets)
        for widget in widgets:
            widget.set_code_hidden(hide)

    def run_above(self) -> None:
        selected = self._selected()
        if selected is not None:
            self._view.commit_pending_edits()
            spawn(self._view.coordinator.run_above(selected))

    def run_below(self) -> None:
        selected = self._selected()
        if selected is not None:
            self._view.commit_pending_edits()
            spawn(self._view.coordinator.run_below(selected))

    def run(self) -> None:
        chosen = self._selection()
        if chosen:
            self._view.commit_pending_edits()
            spawn(self._view.coordinator.run_cells(chosen))

    def run_and_advance(self) -> None:
        chosen = self._selection()
        if not chosen:
            return
        self.run()
        ids = self._view.coordinator.notebook.cell_ids
        after = ids.index(chosen[-1]) + 1
        if after < len(ids):
            self._view.select(ids[after], command_mode=True)

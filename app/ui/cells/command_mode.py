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
from app.core.notebook import Cell, CellKind, Notebook
from app.ui.editor.line_edits import code_point_offset
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
        table = self._table()
        self.commands: tuple[Command, ...] = tuple(command for command, _keys in table)
        self._keys: dict[tuple[int, Qt.KeyboardModifier], Callable[[], None]] = {
            key: command.run for command, keys in table for key in keys
        }

    def _table(self) -> list[tuple[Command, tuple[tuple[Qt.Key, Qt.KeyboardModifier], ...]]]:
        """Every command with the keys that run it (D, D is handled apart: two presses)."""
        k, none, shift, ctrl = Qt.Key, _Mod.NoModifier, _Mod.ShiftModifier, _Mod.ControlModifier

        def up(extend: bool) -> Callable[[], None]:
            return lambda: self.move_selection(-1, extend=extend)

        def down(extend: bool) -> Callable[[], None]:
            return lambda: self.move_selection(+1, extend=extend)

        def kind(kind: CellKind) -> Callable[[], None]:
            return lambda: self.set_kind(kind)

        rows: list[tuple[str, str, Callable[[], None], tuple[tuple[Qt.Key, Qt.KeyboardModifier], ...]]] = [
            ("Edit the selected cell", "Enter", self.edit, ((k.Key_Return, none), (k.Key_Enter, none))),
            ("Select the cell above", "Up / K", up(False), ((k.Key_Up, none), (k.Key_K, none))),
            ("Select the cell below", "Down / J", down(False), ((k.Key_Down, none), (k.Key_J, none))),
            ("Extend the selection up", "Shift+Up / Shift+K", up(True), ((k.Key_Up, shift), (k.Key_K, shift))),
            ("Extend the selection down", "Shift+Down / Shift+J", down(True), ((k.Key_Down, shift), (k.Key_J, shift))),
            ("Insert a cell above", "A", lambda: self.insert(0), ((k.Key_A, none),)),
            ("Insert a cell below", "B", lambda: self.insert(1), ((k.Key_B, none),)),
            ("Delete the selected cells", "D, D", self.delete, ()),
            ("Undo the last cell operation", "Z", self.undo, ((k.Key_Z, none),)),
            ("Make the cell Python", "Y", kind("python"), ((k.Key_Y, none),)),
            ("Make the cell Markdown", "M", kind("markdown"), ((k.Key_M, none),)),
            ("Make the cell SQL", "S", kind("sql"), ((k.Key_S, none),)),
            ("Copy the selected cells", "C", self.copy, ((k.Key_C, none),)),
            ("Cut the selected cells", "X", self.cut, ((k.Key_X, none),)),
            ("Paste cells below", "V", self.paste, ((k.Key_V, none),)),
            ("Merge the selected cells (one: with the cell below)", "Shift+M", self.merge, ((k.Key_M, shift),)),
            ("Hide or show the output", "O", self.toggle_output, ((k.Key_O, none),)),
            ("Hide or show the code", "Shift+O", self.toggle_code, ((k.Key_O, shift),)),
            ("Run the selection and select the next", "Shift+Enter", self.run_and_advance, ((k.Key_Return, shift),)),
            ("Run the selected cells", "Ctrl+Enter", self.run, ((k.Key_Return, ctrl),)),
            ("Run every cell above", "", self.run_above, ()),
            ("Run the cell and every cell below", "", self.run_below, ()),
            ("Clear the selected cells' output", "", self._view.clear_outputs, ()),
            ("Turn auto-run of the selected cells off / on", "", self.toggle_autorun, ()),
            ("Hide / show the selected cells in app view", "", self.toggle_in_app, ()),
        ]  # fmt: skip
        return [(Command(name, label, run), keys) for name, label, run, keys in rows]

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
        self.delete_cells(doomed)
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

    def set_kind_of(self, cell_id: str, kind: str) -> None:
        """⋯ → Type on a card: that cell, whichever is selected."""
        if kind in ("python", "markdown", "sql") and cell_id in self._view.coordinator.notebook:
            spawn(self._set_kind(cell_id, kind))  # type: ignore[arg-type]

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
        hide = not all(w.folds.output_hidden for w in widgets)
        for widget in widgets:
            widget.folds.fold(widget.folds.code_hidden, hide)

    def toggle_code(self) -> None:
        widgets = [self._view.cells[c] for c in self._selection() if c in self._view.cells]
        hide = not all(w.folds.code_hidden for w in widgets)
        for widget in widgets:
            widget.folds.fold(hide, widget.folds.output_hidden)

    def toggle_autorun(self) -> None:
        """Cells that run only when asked, or by themselves again (⋯ → Auto-run this cell)."""
        coordinator = self._view.coordinator
        self._toggle(lambda cell: cell.auto_runs, coordinator.set_cell_autorun)

    def toggle_in_app(self) -> None:
        """Keep the selected cells out of the app view, or show them there again."""
        coordinator = self._view.coordinator
        self._toggle(lambda cell: cell.hidden_in_app, coordinator.set_hidden_in_app)

    def _toggle(self, flag: Callable[[Cell], bool], set_flag: Callable[[str, bool], None]) -> None:
        """Set a cell flag on every selected cell: on, unless all of them have it already."""
        notebook = self._view.coordinator.notebook
        chosen = self._selection()
        value = not all(flag(notebook.cell(c)) for c in chosen)
        for cell_id in chosen:
            set_flag(cell_id, value)

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

    def delete_cells(self, cell_ids: list[str]) -> None:
        """Delete several cells at once: one Undo brings them all back."""
        ids = [c for c in cell_ids if c in self._view.coordinator.notebook]
        if len(ids) == 1:
            self._view.delete_cell(ids[0])
        elif ids:
            self._view.commit_pending_edits()
            spawn(self._view.coordinator.delete_cells(ids))
            self._view.cell_deleted.emit(ids[0])

    def split_at_cursor(self) -> None:
        """Split the cell being edited at its cursor (Ctrl+Shift+-): the rest goes below."""
        cell_id = next((c for c, w in self._view.cells.items() if w.editor.hasFocus()), None)
        if cell_id is None:
            self._view.message.emit("Put the cursor in a cell's code to split it there.")
            return
        widget = self._view.cells[cell_id]
        offset = code_point_offset(widget.code(), widget.editor.textCursor().position())
        self._view.commit_pending_edits()
        spawn(self._split(cell_id, offset))

    async def _split(self, cell_id: str, offset: int) -> None:
        new = await self._view.coordinator.split_cell(cell_id, offset)
        if new is not None:
            self._view.focus_cell(new)

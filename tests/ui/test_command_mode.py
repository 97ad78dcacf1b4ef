"""Command mode through real keys: Escape selects the cell, then single keys move the
selection, insert, delete (undoable, outputs back), change the type, edit and run."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.ui.cells.notebook_view import NotebookView
from app.ui.window.main_window import MainWindow
from tests.ui.conftest import idle, until
from tests.ui.test_window import cell, make_file, open_window, output_text

pytestmark = pytest.mark.slow
Run = Callable[[Awaitable[Any]], Any]


def ids(window: MainWindow) -> tuple[str, ...]:
    assert window.coordinator is not None
    return window.coordinator.notebook.cell_ids


def view_of(window: MainWindow) -> NotebookView:
    assert window.view is not None
    return window.view


def press(window: MainWindow, key: Qt.Key, mods: Qt.KeyboardModifier | None = None) -> None:
    QTest.keyClick(view_of(window), key, mods or Qt.KeyboardModifier.NoModifier)


async def escape_from(window: MainWindow, index: int) -> None:
    editor = cell(window, index).editor
    window.activateWindow()
    editor.setFocus()
    await until(window, editor.hasFocus)
    QTest.keyClick(editor, Qt.Key.Key_Escape)
    await until(window, view_of(window).hasFocus)


def test_escape_selects_the_cell_and_keys_move_the_selection(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "a = 1", "b = 2", "c = 3"))

    async def body() -> None:
        view = view_of(window)
        first, second, third = ids(window)
        await escape_from(window, 0)
        assert view.selected_id == first and cell(window, 0).selected
        press(window, Qt.Key.Key_Down)
        assert view.selected_id == second
        assert cell(window, 1).selected and not cell(window, 0).selected
        press(window, Qt.Key.Key_J)
        assert view.selected_id == third
        press(window, Qt.Key.Key_J)  # the last cell stays selected
        assert view.selected_id == third
        press(window, Qt.Key.Key_K)
        press(window, Qt.Key.Key_Up)
        assert view.selected_id == first
        press(window, Qt.Key.Key_Return)  # Enter edits
        await until(window, cell(window, 0).editor.hasFocus)
        assert view.selected_id == first

    arun(body())


def test_a_b_insert_and_d_d_deletes_and_z_brings_it_back_with_outputs(
    arun: Run, tmp_path: Path
) -> None:
    window = open_window(make_file(tmp_path, "a = 1", "print('shown')"))

    async def body() -> None:
        view = view_of(window)
        first, second = ids(window)
        window.commands.run_all.trigger()
        await until(window, lambda: "shown" in output_text(cell(window, 1)))
        await idle(window)
        await escape_from(window, 0)
        press(window, Qt.Key.Key_B)
        await until(window, lambda: len(ids(window)) == 3)
        below = ids(window)[1]
        assert below not in (first, second) and view.selected_id == below
        press(window, Qt.Key.Key_A)
        await until(window, lambda: len(ids(window)) == 4)
        above = ids(window)[1]
        assert view.selected_id == above and ids(window)[2] == below
        await idle(window)
        # Delete the printing cell: D, D; its neighbour takes the selection.
        view.select(second, command_mode=True)
        press(window, Qt.Key.Key_D)
        assert second in ids(window)  # one D alone does nothing
        press(window, Qt.Key.Key_D)
        await until(window, lambda: second not in ids(window))
        assert view.selected_id == below
        await idle(window)
        press(window, Qt.Key.Key_Z)
        await until(window, lambda: second in ids(window))
        assert ids(window).index(second) == 3
        assert "shown" in output_text(view.cells[second])  # its outputs came back
        await until(window, lambda: view.selected_id == second)

    arun(body())


def test_y_m_s_change_the_cell_type_undoably(arun: Run, tmp_path: Path) -> None:
    path = make_file(tmp_path, "x = 1", "# Title")
    window = open_window(path)

    async def body() -> None:
        view = view_of(window)
        _first, second = ids(window)
        await escape_from(window, 1)

        async def change(key: Qt.Key, kind: str) -> None:
            press(window, key)
            await until(window, lambda: view.cells[second].kind == kind)
            await idle(window)
            assert view.selected_id == second and view.cells[second].selected
            # The offscreen platform may deactivate the window when the old cell widget
            # goes; a real window keeps the keyboard in the view.
            window.activateWindow()
            view.select(second, command_mode=True)
            await until(window, view.hasFocus)

        await change(Qt.Key.Key_M, "markdown")
        await change(Qt.Key.Key_S, "sql")
        assert window.coordinator is not None
        assert window.coordinator.notebook.cell(second).name == "df"
        await change(Qt.Key.Key_Y, "python")
        await change(Qt.Key.Key_Z, "sql")  # undo: SQL again, with its result name
        assert window.coordinator.notebook.cell(second).name == "df"
        assert "# Title" in path.read_text()

    arun(body())


def test_shift_enter_runs_the_selected_cell_and_selects_the_next(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "print('ran')", "y = 2"))

    async def body() -> None:
        view = view_of(window)
        await escape_from(window, 0)
        press(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
        await until(window, lambda: "ran" in output_text(cell(window, 0)))
        assert view.selected_id == ids(window)[1]

    arun(body())


def test_c_and_v_copy_a_cell_into_another_notebook(arun: Run, tmp_path: Path) -> None:
    source = open_window(make_file(tmp_path, "shared = 41", "other = 1"))
    (tmp_path / "second").mkdir()
    target = open_window(make_file(tmp_path / "second", "first = 0"))

    async def body() -> None:
        await escape_from(source, 0)
        press(source, Qt.Key.Key_C)
        press(source, Qt.Key.Key_X)  # cut the same cell: gone here, still on the clipboard
        await until(source, lambda: len(ids(source)) == 1)
        await escape_from(target, 0)
        press(target, Qt.Key.Key_V)
        await until(target, lambda: len(ids(target)) == 2)
        assert target.coordinator is not None
        pasted = target.coordinator.notebook.cells[1]
        assert (pasted.kind, pasted.code) == ("python", "shared = 41")
        await until(target, lambda: view_of(target).selected_id == pasted.id)

    arun(body())


def test_shift_down_extends_the_selection_and_d_d_deletes_all_of_it_with_one_undo(
    arun: Run, tmp_path: Path
) -> None:
    window = open_window(make_file(tmp_path, "a = 1", "b = 2", "c = 3", "d = 4"))

    async def body() -> None:
        view = view_of(window)
        first, second, third, fourth = ids(window)
        await escape_from(window, 1)
        press(window, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
        assert view.selected_ids == [second, third]
        assert cell(window, 1).selected and cell(window, 2).selected
        assert not cell(window, 0).selected
        press(window, Qt.Key.Key_Up, Qt.KeyboardModifier.ShiftModifier)
        press(window, Qt.Key.Key_Up, Qt.KeyboardModifier.ShiftModifier)
        assert view.selected_ids == [first, second]  # the range turned around its start
        press(window, Qt.Key.Key_Down)  # a plain move ends the range
        assert view.selected_ids == [second]
        press(window, Qt.Key.Key_J, Qt.KeyboardModifier.ShiftModifier)
        press(window, Qt.Key.Key_D)
        press(window, Qt.Key.Key_D)
        await until(window, lambda: ids(window) == (first, fourth))
        assert view.selected_id == fourth
        await idle(window)
        press(window, Qt.Key.Key_Z)  # one undo brings both back
        await until(window, lambda: ids(window) == (first, second, third, fourth))

    arun(body())


def test_shift_m_merges_and_ctrl_shift_minus_splits_at_the_cursor(
    arun: Run, tmp_path: Path
) -> None:
    path = make_file(tmp_path, "x = 1", "y = x + 1", "print(y)")
    window = open_window(path)

    async def body() -> None:
        view = view_of(window)
        first, _second, third = ids(window)
        window.commands.run_all.trigger()
        await until(window, lambda: "2" in output_text(cell(window, 2)))
        await idle(window)
        await escape_from(window, 0)
        press(window, Qt.Key.Key_M, Qt.KeyboardModifier.ShiftModifier)  # with the cell below
        await until(window, lambda: ids(window) == (first, third))
        assert window.coordinator is not None
        assert window.coordinator.notebook.cell(first).code == "x = 1\n\ny = x + 1"
        await until(window, lambda: view.cells[first].code() == "x = 1\n\ny = x + 1")
        assert "y = x + 1" in path.read_text()
        await idle(window)
        # Edit mode: put the cursor before "y" and split there.
        editor = view.cells[first].editor
        window.activateWindow()
        editor.setFocus()
        await until(window, editor.hasFocus)
        cursor = editor.textCursor()
        cursor.setPosition(editor.toPlainText().index("y"))
        editor.setTextCursor(cursor)
        QTest.keyClick(
            editor,
            Qt.Key.Key_Minus,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
        await until(window, lambda: len(ids(window)) == 3)
        new = ids(window)[1]
        assert window.coordinator.notebook.cell(first).code == "x = 1"
        assert window.coordinator.notebook.cell(new).code == "y = x + 1"
        await until(window, lambda: view.cells[first].code() == "x = 1")
        await idle(window)
        assert "2" in output_text(cell(window, 2))  # print(y) still has its y

    arun(body())


def test_o_and_shift_o_hide_the_output_and_the_code(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "print('visible')", "z = 1"))

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(window, lambda: "visible" in output_text(cell(window, 0)))
        await idle(window)
        widget = cell(window, 0)
        await escape_from(window, 0)
        press(window, Qt.Key.Key_O)
        assert widget.folds.output_hidden and widget.outputs.isHidden()
        assert widget.output_hidden_label.isVisibleTo(widget)
        press(window, Qt.Key.Key_O, Qt.KeyboardModifier.ShiftModifier)
        assert widget.collapsed and widget.editor.isHidden()
        assert "print('visible')" in widget.collapsed_label.text()
        press(window, Qt.Key.Key_O)
        assert not widget.folds.output_hidden and widget.outputs.isVisibleTo(widget)
        assert widget.collapsed  # the code stays folded
        press(window, Qt.Key.Key_O, Qt.KeyboardModifier.ShiftModifier)
        assert not widget.collapsed and widget.editor.isVisibleTo(widget)

    arun(body())


def test_clear_output_and_clear_all_keep_statuses_and_values(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "print('one')", "print('two')"))

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(window, lambda: "two" in output_text(cell(window, 1)))
        await idle(window)
        assert window.coordinator is not None
        first, second = ids(window)
        view_of(window).select(first)
        window.commands.clear_output.trigger()
        await until(window, lambda: output_text(cell(window, 0)) == "")
        assert cell(window, 0).outputs.isHidden()
        assert "two" in output_text(cell(window, 1))
        assert window.coordinator.states[first].status == "success"
        cell(window, 1).bar.clear_output_action.trigger()  # the card's ⋯ menu
        await until(window, lambda: output_text(cell(window, 1)) == "")
        window.commands.run_all.trigger()
        await until(window, lambda: "one" in output_text(cell(window, 0)))
        await idle(window)
        window.commands.clear_all_outputs.trigger()
        await until(window, lambda: not window.coordinator.states[first].outputs)
        assert not window.coordinator.states[second].outputs

    arun(body())


def test_run_above_and_below_from_the_run_menu(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "print('top')", "print('middle')", "print('end')"))

    async def body() -> None:
        view = view_of(window)
        _first, second, _third = ids(window)
        view.select(second)
        window.commands.run_above.trigger()
        await until(window, lambda: "top" in output_text(cell(window, 0)))
        await idle(window)
        assert output_text(cell(window, 1)) == "" and output_text(cell(window, 2)) == ""
        window.commands.run_below.trigger()
        await until(window, lambda: "end" in output_text(cell(window, 2)))
        assert "middle" in output_text(cell(window, 1))

    arun(body())


def test_auto_run_off_from_the_card_menu_holds_the_cell_until_it_is_run(
    arun: Run, tmp_path: Path
) -> None:
    path = make_file(tmp_path, "x = 1", "print('y', x * 2)")
    window = open_window(path)

    async def body() -> None:
        view = view_of(window)
        first, second = ids(window)
        window.commands.run_all.trigger()
        await until(window, lambda: "y 2" in output_text(cell(window, 1)))
        await idle(window)
        cell(window, 1).bar.autorun_action.trigger()  # ⋯ → Auto-run this cell (off)
        assert "autorun=false" in path.read_text()
        assert not cell(window, 1).bar.autorun_action.isChecked()
        assert window.coordinator is not None
        await window.coordinator.update_cell(first, "x = 5")
        await until(window, lambda: window.coordinator.states[second].status == "stale")
        assert "auto-run is off" in cell(window, 1).problem_label.text()
        assert "y 2" in output_text(cell(window, 1))  # the old output, marked stale
        view.select(second, command_mode=True)
        press(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        await until(window, lambda: "y 10" in output_text(cell(window, 1)))

    arun(body())


def test_ctrl_z_in_an_editor_undoes_text_first_then_the_last_cell_operation(
    arun: Run, tmp_path: Path
) -> None:
    window = open_window(make_file(tmp_path, "a = 1", "b = 2"))

    async def body() -> None:
        first, second = ids(window)
        view_of(window).delete_cell(second)
        await until(window, lambda: ids(window) == (first,))
        await idle(window)
        editor = cell(window, 0).editor
        window.activateWindow()
        editor.setFocus()
        await until(window, editor.hasFocus)
        editor.moveCursor(editor.textCursor().MoveOperation.End)
        QTest.keyClicks(editor, "0")
        assert editor.code() == "a = 10"
        QTest.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert editor.code() == "a = 1"  # the typing first
        assert ids(window) == (first,)
        QTest.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        await until(window, lambda: ids(window) == (first, second))  # then the delete

    arun(body())


def test_the_card_menu_changes_the_cell_type_undoably(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "x = 1", "# Notes"))

    async def body() -> None:
        _first, second = ids(window)
        menu = cell(window, 1).bar.kind_menu
        labels = [action.text() for action in menu.actions()]
        assert labels == ["Python", "Markdown", "SQL"]
        menu.actions()[1].trigger()  # ⋯ → Type → Markdown
        await until(window, lambda: view_of(window).cells[second].kind == "markdown")
        assert window.coordinator is not None
        assert window.coordinator.history.next_undo() is not None
        await window.coordinator.undo()
        await until(window, lambda: view_of(window).cells[second].kind == "python")

    arun(body())

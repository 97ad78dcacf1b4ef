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

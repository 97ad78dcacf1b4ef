"""Zoom and word wrap from the window: Ctrl+= / Ctrl++ / Ctrl+- / Ctrl+0 and Alt+Z through real
keys change every editor, are remembered for the next window, and are listed in the View
menu, the command palette and the shortcuts dialog."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.ui import settings
from app.ui.dialogs.shortcuts import SHORTCUTS
from app.ui.window.command_palette import action_entries
from app.ui.window.main_window import MainWindow
from tests.ui.conftest import until
from tests.ui.test_window import cell, make_file, open_window

pytestmark = pytest.mark.slow
Run = Callable[[Awaitable[Any]], Any]
CTRL = Qt.KeyboardModifier.ControlModifier


def sizes(window: MainWindow) -> list[float]:
    return [cell(window, i).editor.font().pointSizeF() for i in range(2)]


def test_zoom_keys_change_every_editor_and_are_remembered(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "x = 1", "y = 2"))

    async def body() -> None:
        editor = cell(window, 0).editor
        editor.setFocus()
        await until(window, editor.hasFocus)
        normal = sizes(window)[0]
        QTest.keyClick(editor, Qt.Key.Key_Equal, CTRL)
        assert sizes(window) == [normal + 1] * 2
        QTest.keyClick(editor, Qt.Key.Key_Plus, CTRL)
        assert sizes(window) == [normal + 2] * 2
        assert editor.code() == "x = 1"  # the keys typed nothing
        QTest.keyClick(editor, Qt.Key.Key_0, CTRL)
        assert sizes(window) == [normal] * 2
        QTest.keyClick(editor, Qt.Key.Key_Minus, CTRL)
        assert sizes(window) == [normal - 1] * 2
        assert settings.code_zoom() == -1
        second = open_window(make_file(tmp_path / "other", "z = 3"))
        assert cell(second, 0).editor.font().pointSizeF() == normal - 1

    (tmp_path / "other").mkdir()
    arun(body())


def test_alt_z_wraps_every_editor_and_the_menu_shows_it(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "x = 1", "y = 2"))

    async def body() -> None:
        editor = cell(window, 1).editor
        editor.setFocus()
        await until(window, editor.hasFocus)
        wrap = window.commands.word_wrap
        assert not wrap.isChecked() and not editor.word_wrap()
        QTest.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.AltModifier)
        assert wrap.isChecked() and settings.word_wrap()
        assert all(cell(window, i).editor.word_wrap() for i in range(2))
        assert editor.code() == "y = 2"
        menu = [a.text() for a in window.commands.view_menu.actions()]
        for name in ("Zoom &in", "Zoom &out", "Reset &zoom", "&Word wrap"):
            assert name in menu
        palette = {e.name: e.keys for e in action_entries(window.commands.all())}
        assert palette["Zoom in"] == "Ctrl+="
        assert palette["Zoom out"] == "Ctrl+-"
        assert palette["Reset zoom"] == "Ctrl+0"
        assert palette["Word wrap"] == "Alt+Z"
        next(e for e in action_entries(window.commands.all()) if e.name == "Word wrap").run()
        assert not editor.word_wrap() and not settings.word_wrap()
        assert "Ctrl+wheel" in {k for k, _ in SHORTCUTS}
        window.show_shortcuts()  # the dialog lists the window's commands with their keys
        rows = set(window._dialog.visible_rows)
        assert {("Ctrl+=", "Zoom in"), ("Ctrl+-", "Zoom out"), ("Alt+Z", "Word wrap")} <= rows
        window._dialog.close()

    arun(body())


def test_zoom_applies_to_output_text_too(arun: Run, tmp_path: Path) -> None:
    from app.ui.editor.preferences import editor_preferences
    from app.ui.outputs.text_output import _TextView

    window = open_window(make_file(tmp_path, "print('\\n'.join(str(i) for i in range(5)))"))

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(window, lambda: cell(window, 0).outputs.findChildren(_TextView) != [])
        view = cell(window, 0).outputs.findChildren(_TextView)[0]
        before, height = view.font().pointSizeF(), view.height()
        editor_preferences().zoom_by(3)
        try:
            assert view.font().pointSizeF() == before + 3
            await until(window, lambda: view.height() > height)  # refitted to its lines
        finally:
            editor_preferences().reset_zoom()

    arun(body())

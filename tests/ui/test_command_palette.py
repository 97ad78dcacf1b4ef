"""The command palette: every action with its shortcut, fuzzy-filtered; Enter runs it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.ui.window.command_palette import PaletteEntry, filtered, fuzzy_score
from tests.ui.conftest import idle, until
from tests.ui.test_window import make_file, open_window

Run = Callable[[Awaitable[Any]], Any]


def test_fuzzy_filter_matches_subsequences_best_first() -> None:
    entries = [PaletteEntry(name, "", lambda: None) for name in ("Run all", "Restart kernel")]
    assert fuzzy_score("rsk", "Restart kernel") is not None
    assert fuzzy_score("xyz", "Restart kernel") is None
    assert [e.name for e in filtered(entries, "rk")] == ["Restart kernel"]
    assert [e.name for e in filtered(entries, "r")] == ["Run all", "Restart kernel"]
    assert [e.name for e in filtered(entries, "")] == ["Run all", "Restart kernel"]


@pytest.mark.slow
def test_palette_lists_every_action_and_runs_restart_kernel(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "x = 1"))
    window.confirm = lambda title, text: True  # type: ignore[method-assign]

    async def body() -> None:
        assert window.coordinator is not None
        await until(window, lambda: window.coordinator.kernel_pid is not None)  # type: ignore[union-attr]
        await idle(window)
        first_pid = window.coordinator.kernel_pid
        QTest.keyClick(
            window,
            Qt.Key.Key_P,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
        palette = window.command_palette
        await until(window, palette.isVisible)
        listed = {entry.name: entry.keys for entry in palette.shown}
        assert listed["Restart kernel"] == "Ctrl+Shift+0"
        assert listed["Find"] == "Ctrl+F"
        assert listed["Delete the selected cells"] == "D, D"  # command mode's too
        QTest.keyClicks(palette.filter_edit, "rstrt krn")
        assert palette.shown[0].name == "Restart kernel"
        QTest.keyClick(palette.filter_edit, Qt.Key.Key_Return)
        assert not palette.isVisible()
        await until(
            window,
            lambda: (
                window.coordinator.kernel_pid not in (None, first_pid)  # type: ignore[union-attr]
                and window.coordinator.kernel_status == "idle"
            ),  # type: ignore[union-attr]
        )

    arun(body())

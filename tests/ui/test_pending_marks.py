"""While an edit waits for its debounce the edited cell says "edited" and the cells below it
carry a "will re-run" mark; once committed, only the edited cell says it was edited."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.ui.cells.cell_widget import CellWidget
from app.ui.theme import is_dark
from app.ui.theme.apply import theme_controller
from tests.ui.conftest import idle, until
from tests.ui.test_window import Run, cell, make_file, open_window, shows, status

pytestmark = pytest.mark.slow


def _words(widget: CellWidget) -> str:
    return widget.status_label.text()


def test_a_waiting_edit_says_edited_and_marks_the_cells_that_will_rerun(
    arun: Run, tmp_path: Path
) -> None:
    window = open_window(make_file(tmp_path, "a = 1", "b = a + 1\nb", "c = b + 1\nc", "d = 0"))

    async def body() -> None:
        window.commands.run_all.trigger()
        first, second, third, other = (cell(window, i) for i in range(4))
        await until(window, shows(third, "3"))
        await idle(window)
        assert _words(first).startswith("done")
        first.editor.setFocus()
        first.editor.moveCursor(first.editor.textCursor().MoveOperation.End)
        QTest.keyClicks(first.editor, "0")  # a = 10, waiting for the debounce
        assert first.edit_waiting and _words(first) == "edited"
        assert "auto-run in" in first.countdown_label.text()
        assert second.upstream_mark == third.upstream_mark == "will re-run"
        assert "will re-run" in _words(second) and "when the edit in a" in second.toolTip()
        assert other.upstream_mark == "" and first.upstream_mark == ""
        await until(window, shows(third, "12"))  # the debounce ended: the cascade ran
        await idle(window)
        assert not first.edit_waiting and _words(first).startswith("done")
        assert second.upstream_mark == third.upstream_mark == ""
        assert _words(second).startswith("done") and second.toolTip() == ""

    arun(body())


def test_lazy_mode_marks_the_cells_below_as_going_stale(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "a = 1", "b = a + 1\nb"))

    async def body() -> None:
        assert window.coordinator is not None
        window.commands.run_all.trigger()
        await until(window, shows(cell(window, 1), "2"))
        window.toolbar.mode_switch.lazy_button.click()
        await until(window, lambda: window.coordinator.mode == "lazy")  # type: ignore[union-attr]
        first = cell(window, 0)
        first.editor.setFocus()
        QTest.keyClicks(first.editor, "0")
        assert cell(window, 1).upstream_mark == "will go stale"
        assert "save in" in first.countdown_label.text()

    arun(body())


def test_only_the_edited_cell_says_edited_since_it_last_ran(arun: Run, tmp_path: Path) -> None:
    """An upstream edit left with Escape: the edited cell is stale "edited", the cells below
    are stale because an input changed — never "edited" themselves."""
    window = open_window(make_file(tmp_path, "a = 1", "b = a + 1\nb", "c = b + 1\nc"))

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(window, shows(cell(window, 2), "3"))
        await idle(window)
        first = cell(window, 0)
        first.editor.setFocus()
        QTest.keyClicks(first.editor, "0")
        QTest.keyClick(first.editor, Qt.Key.Key_Escape)
        await until(window, lambda: status(window, 1) == status(window, 2) == "stale")
        assert "edited since it last ran" in first.problem_label.text()
        for below in (cell(window, 1), cell(window, 2)):
            assert "edited" not in below.problem_label.text()
            assert "an input changed" in below.problem_label.text()
            assert below.upstream_mark == ""
        assert _words(first) == "stale"

    arun(body())


def test_a_theme_change_is_not_an_edit(arun: Run, tmp_path: Path) -> None:
    """Re-colouring the code (the highlighter re-runs) makes Qt say the text changed: no cell
    may start a countdown or say "edited" for it."""
    window = open_window(make_file(tmp_path, "a = 1", "b = a + 1\nb"))

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(window, shows(cell(window, 1), "2"))
        await idle(window)
        try:
            theme_controller().set_choice("dark")
            editors = [cell(window, i).editor for i in (0, 1)]
            await until(window, lambda: all(is_dark(e.palette()) for e in editors))
            for index in (0, 1):
                widget = cell(window, index)
                assert not widget.edit_waiting and not widget.countdown.isVisibleTo(widget)
                assert widget.upstream_mark == "" and not widget.has_pending_edit
        finally:
            theme_controller().set_choice("light")

    arun(body())

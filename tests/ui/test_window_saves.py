"""Every save, close and open path of the window (issue 9, part 2): nothing typed is lost,
a file is never damaged or silently changed, a closed window never comes back."""

from __future__ import annotations

import errno
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.coordinator.recovery import RecoveryStore
from app.core import fileformat
from app.core.notebook import Cell, Notebook
from app.ui import tasks
from app.ui.window.main_window import MainWindow
from tests.ui.conftest import idle, until
from tests.ui.test_window import cell, make_file, open_window, output_text, replace_text, status

pytestmark = pytest.mark.slow
Run = Callable[[Awaitable[Any]], Any]


def commit(window: MainWindow) -> None:
    """Leave the editor (what blur does): the edit is committed and saved at once."""
    assert window.view is not None
    window.view.commit_pending_edits()


def test_a_read_only_notebook_is_kept_and_said_out_loud(arun: Run, tmp_path: Path) -> None:
    path = make_file(tmp_path, "x = 1")
    before = path.read_bytes()
    path.chmod(0o444)
    window = open_window(path)
    answers: list[str] = []

    def ask() -> str:
        answers.append("asked")
        return "discard"

    window.ask_unsaved = ask  # type: ignore[method-assign,assignment]

    async def body() -> None:
        assert "[read-only]" in window.windowTitle()
        replace_text(cell(window, 0), "x = 2")
        commit(window)
        assert path.read_bytes() == before
        assert window.save_failed_bar.isVisible()
        assert "read-only" in window.save_failed_bar.label.text()
        assert "read-only" in window.last_error  # the dialog, once
        window.last_error = ""
        replace_text(cell(window, 0), "x = 3")
        commit(window)
        assert window.last_error == ""  # not a second dialog for the same problem
        assert "•" in window.windowTitle()
        window.close()
        assert answers == ["asked"]  # closing asked Save As / Discard / Cancel
        assert path.read_bytes() == before

    arun(body())


def test_a_full_disk_tells_the_user_and_keeps_the_edit(
    arun: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_file(tmp_path, "x = 1")
    before = path.read_bytes()
    window = open_window(path)
    real_save = fileformat.save_text

    def full(text: str, target: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    async def body() -> None:
        monkeypatch.setattr(fileformat, "save_text", full)
        replace_text(cell(window, 0), "x = 'precious'")
        commit(window)  # no exception escapes the slot (the test fixture would report it)
        assert "the disk is full" in window.save_failed_bar.label.text()
        assert path.read_bytes() == before
        assert any("precious" in c.text() for c in RecoveryStore().list())
        monkeypatch.setattr(fileformat, "save_text", real_save)
        window.save_failed_bar.retry_button.click()
        await until(window, lambda: "precious" in path.read_text())
        assert not window.save_failed_bar.isVisible()
        assert "•" not in window.windowTitle()

    arun(body())


def test_closing_unsaved_work_can_save_it_elsewhere_or_stay_open(arun: Run, tmp_path: Path) -> None:
    path = make_file(tmp_path, "x = 1")
    path.chmod(0o444)
    window = open_window(path)
    answers = iter(["cancel", "save"])
    window.ask_unsaved = lambda: next(answers)  # type: ignore[method-assign,assignment]
    elsewhere = tmp_path / "elsewhere.py"
    window.ask_save_path = lambda start: str(elsewhere)  # type: ignore[method-assign]

    async def body() -> None:
        replace_text(cell(window, 0), "x = 'keep me'")
        commit(window)
        window.close()
        assert window.isVisible()  # Cancel: the window stays
        window.close()
        assert not window.isVisible()
        assert "keep me" in elsewhere.read_text()
        assert RecoveryStore().list() == []

    arun(body())


def test_a_new_notebook_writes_nothing_until_saved_and_opens_its_own_window(
    arun: Run, tmp_path: Path
) -> None:
    home = Path.home()
    path = make_file(tmp_path, "x = 1")
    window = open_window(path)

    async def body() -> None:
        window.commands.new.trigger()
        new = next(w for w in MainWindow.windows if w is not window)
        assert window.coordinator is not None and window.coordinator.path == path.resolve()
        assert new.coordinator is not None and new.coordinator.path is None
        assert new.windowTitle().startswith("Untitled")
        assert list(home.rglob("*.py")) == [] and list(home.rglob("*.sqlite")) == []
        assert new.view is not None
        new.view.add_cell("python", 0)
        await until(new, lambda: new.coordinator is not None and len(new.coordinator.notebook) == 1)
        replace_text(cell(new, 0), "draft = 1")
        commit(new)
        assert "•" in new.windowTitle()
        assert any("draft = 1" in c.text() for c in RecoveryStore().list())
        target = tmp_path / "analysis.py"
        new.ask_save_path = lambda start: str(target)  # type: ignore[method-assign]
        new.commands.save_as.trigger()
        await until(new, lambda: target.exists())
        assert new.windowTitle() == "analysis — Cascade"
        assert MainWindow.open_windows[target.resolve()] is new
        assert str(target.resolve()) in new.watcher.files()
        await until(
            new,
            lambda: (
                new.coordinator is not None
                and new.coordinator.database_url().endswith("analysis.sqlite")
            ),
        )

    arun(body())


def test_save_as_moves_title_database_and_watcher(arun: Run, tmp_path: Path) -> None:
    path = make_file(tmp_path, "x = 1")
    window = open_window(path)
    assert window.coordinator is not None
    fileformat.save(Notebook(cells=(Cell("c1", "python", "x = 1"),)), path)  # no name

    async def body() -> None:
        target = tmp_path / "renamed.py"
        window.save_as_path(str(target))
        await until(window, lambda: str(target.resolve()) in window.watcher.files())
        assert str(path.resolve()) not in window.watcher.files()
        assert path.resolve() not in MainWindow.open_windows
        assert MainWindow.open_windows[target.resolve()] is window
        assert window.coordinator is not None
        assert window.coordinator.database_url() == f"sqlite:///{tmp_path / 'renamed.sqlite'}"
        await idle(window)

    arun(body())


def test_a_closed_window_never_comes_back(arun: Run, tmp_path: Path) -> None:
    """The repro: open B in a second window, Ctrl+N there, type, Ctrl+W; then Open Recent → B
    from the first window. B must show in a live window with a live kernel."""
    first = open_window(make_file(tmp_path, "a = 1"))
    b_path = tmp_path / "b.py"
    fileformat.save(Notebook(cells=(Cell("b1", "python", "b = 2\nb"),), name="B"), b_path)

    async def body() -> None:
        assert first.open_path(str(b_path))
        second = MainWindow.open_windows[b_path.resolve()]
        assert second is not first
        QTest.keyClick(second, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        untitled = next(w for w in MainWindow.windows if w not in (first, second))
        assert untitled.view is not None
        untitled.view.add_cell("python", 0)
        await until(untitled, lambda: len(untitled.coordinator.notebook) == 1)  # type: ignore[union-attr]
        replace_text(cell(untitled, 0), "typed = 1")
        untitled.ask_unsaved = lambda: "discard"  # type: ignore[method-assign,assignment]
        QTest.keyClick(untitled, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
        assert not untitled.isVisible()
        second.close()
        assert not second.isVisible()
        assert first.open_path(str(b_path))
        reopened = MainWindow.open_windows[b_path.resolve()]
        assert reopened not in (first, second, untitled)
        assert reopened.isVisible()
        reopened.commands.run_all.trigger()
        await until(reopened, lambda: "2" in output_text(cell(reopened, 0)))
        assert "typed" not in b_path.read_text()
        second.close()  # a second close of a closed window is harmless

    arun(body())


def test_reload_from_disk_asks_before_dropping_new_edits(arun: Run, tmp_path: Path) -> None:
    path = make_file(tmp_path, "x = 1")
    window = open_window(path)
    answers = iter([False, True])
    window.confirm = lambda title, text: next(answers)  # type: ignore[method-assign]

    async def body() -> None:
        path.write_text(path.read_text().replace("x = 1", "x = 'theirs'"))
        replace_text(cell(window, 0), "x = 'mine'")
        commit(window)
        assert window.changed_bar.isVisible()
        window.changed_bar.reload_button.click()  # declined: nothing changes
        assert cell(window, 0).code() == "x = 'mine'"
        assert window.changed_bar.isVisible()
        window.changed_bar.reload_button.click()  # accepted
        await until(window, lambda: cell(window, 0).code() == "x = 'theirs'")
        assert "theirs" in path.read_text()

    arun(body())


def test_delete_is_undone_with_its_outputs(arun: Run, tmp_path: Path) -> None:
    path = make_file(tmp_path, "x = 5", "y = x * 2\nprint('y is', y)", "z = y + 1\nz")
    window = open_window(path)

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(window, lambda: status(window, 2) == "success")
        assert window.coordinator is not None and window.view is not None
        doomed = cell(window, 1)
        doomed_id = doomed.cell_id
        doomed.delete_action.trigger()  # "Delete" in the cell's ⋯ menu
        await until(window, lambda: doomed_id not in window.coordinator.notebook)  # type: ignore[union-attr]
        assert window.undo_toast.isVisible()
        assert "print('y is'" not in path.read_text()
        await idle(window)
        window.view.setFocus()
        QTest.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        await until(window, lambda: doomed_id in window.coordinator.notebook)  # type: ignore[union-attr]
        assert window.coordinator.notebook.position(doomed_id) == 1
        assert "y is 10" in output_text(window.view.cells[doomed_id])
        assert "print('y is'" in path.read_text()
        # The window hears of the state after the coordinator: wait for the output itself.
        await until(window, lambda: "11" in output_text(cell(window, 2)))
        assert status(window, 2) == "success"

    arun(body())


def test_unsaved_work_of_a_crashed_session_is_offered_back(arun: Run, tmp_path: Path) -> None:
    origin = tmp_path / "lost.py"
    text = fileformat.dumps(Notebook(cells=(Cell("r1", "python", "recovered = 1"),)))
    RecoveryStore().write("crashed01", text, origin, "Lost work")
    window = MainWindow()
    window.show()
    assert window.start_screen.recovered.count() == 1
    assert "lost.py" in window.start_screen.recovered.item(0).text()
    saves: list[str] = []
    window.ask_save_path = lambda start: saves.append(start) or ""  # type: ignore[method-assign,func-returns-value]

    async def body() -> None:
        window.start_screen.restore_button.click()
        assert window.coordinator is not None
        assert window.coordinator.notebook.cell("r1").code == "recovered = 1"
        assert "•" in window.windowTitle()
        window.ask_unsaved = lambda: "save"  # type: ignore[method-assign,assignment]
        window.close()  # Save As was cancelled: the window stays, nothing is lost
        assert saves == [str(origin)]
        assert window.isVisible()
        assert [c.key for c in RecoveryStore().list()] == ["crashed01"]
        window.ask_unsaved = lambda: "discard"  # type: ignore[method-assign,assignment]
        window.close()
        assert RecoveryStore().list() == []
        assert tasks.pending() >= 0

    arun(body())

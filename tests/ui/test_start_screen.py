"""The start screen: recent notebooks by title, folder and date, removable; the demo opens as
the user's own copy; nothing else is written."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from app.coordinator.user_dirs import data_dir, shipped_demo
from app.ui import settings
from app.ui.window.main_window import MainWindow
from app.ui.window.start_screen import StartScreen, _RecentRow
from tests.ui.conftest import until

pytestmark = pytest.mark.slow
Run = Callable[[Awaitable[Any]], Any]


def test_recent_notebooks_show_title_folder_and_date_and_can_be_removed(
    qapp: Any, tmp_path: Path
) -> None:
    report = tmp_path / "q3.py"
    report.write_text("# %% [markdown]\n# # Third quarter\n\n# %%\nx = 1\n")
    scratch = tmp_path / "scratch.py"
    scratch.write_text("# %%\ny = 2\n")
    settings.add_recent(scratch)
    settings.add_recent(report)
    screen = StartScreen()
    rows = [screen.recent.itemWidget(screen.recent.item(i)) for i in range(screen.recent.count())]
    assert all(isinstance(row, _RecentRow) for row in rows)
    assert [row.title.text() for row in rows] == ["<b>Third quarter</b>", "<b>scratch</b>"]
    assert "q3.py" in rows[0].where.text() and "today" in rows[0].where.text()
    assert not screen.no_recent.isVisibleTo(screen)
    rows[0].remove_button.click()  # ✕: off the list, the file stays
    assert screen.recent_paths == [str(scratch.resolve())]
    assert report.exists() and settings.recent_notebooks() == [scratch.resolve()]
    settings.remove_recent(scratch.resolve())
    screen.refresh()
    assert screen.no_recent.isVisibleTo(screen) and screen.recent.isHidden()


def test_the_demo_opens_as_the_users_own_copy(arun: Run) -> None:
    window = MainWindow()
    window.show()
    before = shipped_demo().read_bytes()

    async def body() -> None:
        window.start_screen.demo_button.click()
        await until(window, lambda: window.coordinator is not None)
        assert window.coordinator is not None and window.coordinator.path is not None
        copy = data_dir() / "demo" / "demo.py"
        assert window.coordinator.path == copy.resolve()
        assert copy.read_bytes() == before  # a copy, and the shipped file untouched
        assert str(copy).startswith(os.environ["XDG_DATA_HOME"])  # the test's own folder

    arun(body())
    assert shipped_demo().read_bytes() == before

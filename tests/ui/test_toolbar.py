"""Toolbar icons and tooltips, the auto-run / lazy switch, the status bar's database words."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.coordinator.events import DatabaseStatusChanged
from app.core import fileformat
from app.core.notebook import Cell, Notebook
from app.ui.theme.apply import theme_controller
from app.ui.window.status_words import database_name, database_text
from tests.ui.conftest import idle, until
from tests.ui.test_window import Run, make_file, open_window, output_text, status

pytestmark = pytest.mark.slow


def test_toolbar_actions_have_icons_and_tooltips(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "x = 1"))

    async def body() -> None:
        c = window.commands
        for action in (c.run_all, c.interrupt, c.restart, c.database):
            assert not action.icon().isNull(), action.text()
            assert action.toolTip(), action.text()
        assert "Ctrl+Shift+R" in c.run_all.toolTip()
        before = c.run_all.icon().cacheKey()
        try:
            theme_controller().set_choice("dark")
            assert c.run_all.icon().cacheKey() != before  # re-coloured for the dark theme
        finally:
            theme_controller().set_choice("light")

    arun(body())


def test_mode_switch_is_two_state_and_drives_the_notebook_mode(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "x = 1"))

    async def body() -> None:
        assert window.coordinator is not None
        switch = window.toolbar.mode_switch
        assert switch.auto_button.isChecked() and not switch.lazy_button.isChecked()
        switch.lazy_button.click()
        assert switch.lazy_button.isChecked() and not switch.auto_button.isChecked()
        assert not window.commands.autorun.isChecked()
        await _mode(window, "lazy")
        window.commands.autorun.trigger()  # the Run menu's checkbox moves the switch too
        assert switch.auto_button.isChecked()
        await _mode(window, "autorun")

    arun(body())


@pytest.mark.parametrize("dark", [False, True])
def test_the_chosen_mode_reads_clearly_without_shouting(dark: bool) -> None:
    """The chosen side is a tint of the accent, not a solid fill (it was the loudest thing
    in the window), and its words still meet WCAG AA; the other side's muted words too."""
    from app.ui.theme.contrast import contrast_ratio
    from app.ui.theme.palettes import DARK, LIGHT
    from app.ui.window.toolbar import chosen_tint

    theme = DARK if dark else LIGHT
    tint = chosen_tint(theme)
    assert tint.lower() != theme.accent.lower()
    assert contrast_ratio(theme.text, tint) >= 4.5
    assert contrast_ratio(theme.muted, theme.window) >= 4.5


async def _mode(window: object, mode: str) -> None:
    from tests.ui.conftest import until

    await until(window, lambda: window.coordinator.mode == mode)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("sqlite:////home/me/data/shop.db", "shop.db"),
        ("sqlite:///relative.sqlite?mode=ro", "relative.sqlite"),
        ("sqlite://", "SQLite in memory"),
        ("postgresql://me@db.example:5432/sales", "db.example:5432"),
    ],
)
def test_database_is_named_briefly(url: str, name: str) -> None:
    assert database_name(url) == name


def test_a_failed_change_still_names_the_database_in_use() -> None:
    failed = DatabaseStatusChanged(False, "could not connect", "", "sqlite:////tmp/a.db")
    text, tip = database_text(failed)
    assert text == "DB: a.db (change failed)"
    assert "could not connect" in tip and "sqlite:////tmp/a.db" in tip
    assert database_text(DatabaseStatusChanged(False, "no", "", ""))[0] == "DB: not connected"
    assert database_text(DatabaseStatusChanged(True, "", "", "sqlite:////x/b.db"))[0] == "DB: b.db"


def test_a_failed_database_url_leaves_the_status_naming_sqlite_still_in_use(
    arun: Run, tmp_path: Path
) -> None:
    """The status bar never says "not connected" while SQLite still serves SQL cells."""
    path = tmp_path / "shop.py"
    cells = (Cell("q", "sql", "SELECT 41 + 1 AS answer", name="df"),)
    fileformat.save(Notebook(cells=cells, name="shop"), path)
    window = open_window(path)

    async def body() -> None:
        c = window.coordinator
        assert c is not None
        answer = await c.set_database("postgresql://nobody@127.0.0.1:1/nowhere")
        assert not answer.ok
        assert window.database_label.text() == "DB: shop.sqlite (change failed)"
        assert "Still using sqlite:///" in window.database_label.toolTip()
        window.commands.run_all.trigger()
        await until(window, lambda: status(window, 0) in ("success", "error"))
        await idle(window)
        widget = window.view.cells["q"]  # type: ignore[union-attr]
        assert status(window, 0) == "success", output_text(widget)
        assert "1 row" in output_text(widget)
        assert (tmp_path / "shop.sqlite").exists()  # SQLite answered the query
        assert window.database_label.text().startswith("DB: shop.sqlite")

    arun(body())

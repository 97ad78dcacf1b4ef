"""The start screen's words for a recent notebook (pure: no Qt)."""

from __future__ import annotations

import time
from pathlib import Path

from app.ui.window.recent_items import notebook_title, short_folder, when_changed


def test_the_title_is_the_first_markdown_heading_else_the_file_name(tmp_path: Path) -> None:
    with_heading = tmp_path / "sales.py"
    with_heading.write_text("# %% [markdown]\n# Some words\n# ## Monthly sales ##\n\n# %%\nx = 1\n")
    assert notebook_title(with_heading) == "Monthly sales"
    plain = tmp_path / "scratch.py"
    plain.write_text("# %%\nx = 1  # not a heading\n")
    assert notebook_title(plain) == "scratch"
    assert notebook_title(tmp_path / "gone.py") == "gone"


def test_folders_are_shown_from_home(tmp_path: Path) -> None:
    assert short_folder(tmp_path / "work" / "q3", home=tmp_path) == "~/work/q3"
    assert short_folder(tmp_path, home=tmp_path) == "~"
    assert short_folder(Path("/srv/data"), home=tmp_path) == "/srv/data"


def test_dates_say_today_yesterday_days_or_the_date() -> None:
    now = time.mktime((2026, 12, 1, 15, 0, 0, 0, 0, -1))
    at = lambda *t: time.mktime((*t, 0, 0, -1))  # noqa: E731
    assert when_changed(at(2026, 12, 1, 9, 5, 0), now) == "today 09:05"
    assert when_changed(at(2026, 11, 30, 23, 59, 0), now) == "yesterday 23:59"
    assert when_changed(at(2026, 11, 27, 12, 0, 0), now) == "4 days ago"
    assert when_changed(at(2026, 10, 2, 12, 0, 0), now) == "2026-10-02"

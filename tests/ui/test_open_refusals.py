"""The window opens notebooks through the same loader as ``cascade run``: a path that is not a
notebook Cascade opens is refused with the same reason, at once, and nothing is written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.ui.window.main_window import MainWindow
from tests.not_notebooks import NOT_NOTEBOOKS, short_folder


@pytest.fixture
def short_dir() -> Iterator[Path]:
    with short_folder() as folder:
        yield folder


@pytest.mark.parametrize("kind", NOT_NOTEBOOKS)
def test_the_window_refuses_what_is_not_a_notebook(
    qtbot: QtBot, short_dir: Path, kind: str
) -> None:
    make, reason = NOT_NOTEBOOKS[kind]
    path = make(short_dir)
    before = path.read_bytes() if path.is_file() and path.stat().st_size < 1000 else None
    window = MainWindow()
    qtbot.addWidget(window)
    assert not window.open_path(str(path))
    assert window.last_error.startswith(f"{path.resolve()}\n\n{reason}")
    assert window.coordinator is None
    if before is not None:
        assert path.read_bytes() == before  # never rewritten in Cascade's format

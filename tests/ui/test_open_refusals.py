"""The window opens notebooks through the same loader as ``cascade run``: a path that is not a
notebook Cascade opens is refused with the same reason, at once, and nothing is written."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.ui.main_window import MainWindow


def _fifo(folder: Path) -> Path:
    path = folder / "nb.py"
    os.mkfifo(path)
    return path


def _ipynb(folder: Path) -> Path:
    path = folder / "NB.ipynb"
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "cells": [], "metadata": {}}))
    return path


def _json_named_py(folder: Path) -> Path:
    path = folder / "nb.py"
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "cells": [], "metadata": {}}))
    return path


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_fifo, "it is a named pipe (FIFO), not a notebook file"),
        (lambda _: Path("/dev/zero"), "it is a device, not a notebook file"),
        (_ipynb, "it is a Jupyter notebook (.ipynb). Cascade opens .py notebooks"),
        (_json_named_py, "line 1: this is a Jupyter notebook (.ipynb JSON)."),
    ],
)
def test_the_window_refuses_what_is_not_a_notebook(
    qtbot: QtBot, tmp_path: Path, make: Callable[[Path], Path], reason: str
) -> None:
    path = make(tmp_path)
    before = None if not path.is_file() else path.read_bytes()
    window = MainWindow()
    qtbot.addWidget(window)
    assert not window.open_path(str(path))
    assert window.last_error.startswith(f"{path.resolve()}\n\n{reason}")
    assert window.coordinator is None
    if before is not None:
        assert path.read_bytes() == before  # never rewritten in Cascade's format

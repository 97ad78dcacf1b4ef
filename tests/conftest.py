"""Test-wide settings (Qt never needs a display) and the qasync loop fixture for tests that
drive the real coordinator."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.loops import running_on

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def user_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Trust decisions, recovery copies, passwords and logs go to a per-test folder, never to
    the real user's (and never leak between tests)."""
    base = tmp_path_factory.mktemp("user")
    for variable, name in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
    ):
        monkeypatch.setenv(variable, str(base / name))


@pytest.fixture
def arun(qapp: Any) -> Iterator[Callable[..., Any]]:
    """Run a coroutine to completion on a qasync loop driven by the test's QApplication."""
    import qasync

    loop = qasync.QEventLoop(qapp)
    yield from running_on(loop)

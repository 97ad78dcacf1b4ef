"""Cascade's own log: a file in the user's state folder always, stderr with ``--log-level``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.core import fileformat
from app.core.notebook import Cell, Notebook
from app.logs import LOG_FILE_NAME, LogLevelError, split_log_level
from tests.integration.cli_helpers import cascade


def test_the_level_is_taken_from_anywhere_on_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CASCADE_LOG_LEVEL", raising=False)
    assert split_log_level(["run", "--log-level", "DEBUG", "nb.py"]) == (["run", "nb.py"], "debug")
    assert split_log_level(["--log-level=warning", "nb.py"]) == (["nb.py"], "warning")
    assert split_log_level(["run", "nb.py"]) == (["run", "nb.py"], None)
    monkeypatch.setenv("CASCADE_LOG_LEVEL", "info")
    assert split_log_level(["nb.py"]) == (["nb.py"], "info")
    with pytest.raises(LogLevelError, match="debug, info, warning, error"):
        split_log_level(["--log-level", "loud"])
    with pytest.raises(LogLevelError):
        split_log_level(["--log-level"])  # the level is missing


@pytest.mark.slow
def test_a_run_logs_to_stderr_and_to_the_state_folder(tmp_path: Path) -> None:
    path = tmp_path / "nb.py"
    secret = "print('the cell source never reaches the log')"
    fileformat.save(Notebook((Cell("a", "python", secret),), name="n"), path)
    result = cascade("run", path, "--log-level", "debug")
    assert result.returncode == 0, result.stderr
    assert "INFO app.coordinator.worker_session: kernel worker" in result.stderr
    assert "app.coordinator.event_log: opened" in result.stderr
    assert "DEBUG app.coordinator.event_log: cell a: success" in result.stderr
    log_file = Path(os.environ["XDG_STATE_HOME"]) / "cascade" / LOG_FILE_NAME
    logged = log_file.read_text(encoding="utf-8")
    assert "kernel worker" in logged and "opened" in logged
    assert secret not in logged and secret not in result.stderr
    assert oct(log_file.parent.stat().st_mode & 0o777) == "0o700"


@pytest.mark.slow
def test_without_the_flag_stderr_stays_quiet_and_the_file_still_logs(tmp_path: Path) -> None:
    path = tmp_path / "nb.py"
    fileformat.save(Notebook((Cell("a", "python", "x = 1"),), name="n"), path)
    result = cascade("run", path)
    assert result.returncode == 0
    assert "app.coordinator" not in result.stderr
    log_file = Path(os.environ["XDG_STATE_HOME"]) / "cascade" / LOG_FILE_NAME
    assert "kernel worker" in log_file.read_text(encoding="utf-8")


@pytest.mark.slow
def test_an_unknown_level_is_exit_2_with_the_levels_named(tmp_path: Path) -> None:
    result = cascade("run", tmp_path / "nb.py", "--log-level", "loud")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "cascade: --log-level must be one of debug, info, warning, error, not 'loud'"
    )

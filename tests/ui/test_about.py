"""The About box says which Cascade this is and on which Python, Qt and PySide6."""

from __future__ import annotations

import platform
import tomllib
from importlib import metadata
from pathlib import Path

import PySide6
import pytest
from PySide6.QtCore import qVersion

from app.ui.window import about
from tests.ui.test_window import Run, make_file, open_window

pytestmark = pytest.mark.slow


def test_the_about_box_shows_the_versions(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "x = 1"))

    async def body() -> None:
        window.commands.about.trigger()
        box = window.about_box
        assert box is not None and box.isVisible()
        text = box.text()
        assert f"Cascade {metadata.version('cascade-notebook')}" in text
        assert f"Python {platform.python_version()}" in text
        assert f"Qt {qVersion()}" in text and f"PySide6 {PySide6.__version__}" in text
        box.close()

    arun(body())


def test_a_source_checkout_reads_its_pyproject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def not_installed(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(about.metadata, "version", not_installed)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "cascade-notebook"\nversion = "9.8.7"\n')
    assert about.app_version(pyproject) == "9.8.7"
    assert about.app_version(tmp_path / "missing.toml") == "unknown"
    # This worktree is a source checkout: its own pyproject.toml is the default.
    assert about.app_version() == tomllib.loads(about.PYPROJECT.read_text())["project"]["version"]

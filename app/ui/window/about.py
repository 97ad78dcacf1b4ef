"""The About box: which Cascade this is, and on which Python and Qt — what a bug report needs.

The version is the installed package's (``importlib.metadata``, also in the frozen app, whose
bundle carries the package's metadata); a source checkout that was never installed reads it
from its ``pyproject.toml``.
"""

from __future__ import annotations

import html
import platform
import tomllib
from importlib import metadata
from pathlib import Path

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

#: The distribution name in pyproject.toml.
DISTRIBUTION = "cascade-notebook"
#: pyproject.toml of a source checkout: app/ui/window/about.py -> the repository root.
PYPROJECT = Path(__file__).resolve().parents[3] / "pyproject.toml"


def app_version(pyproject: Path = PYPROJECT) -> str:
    """The package version, or the source checkout's, or "unknown"."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        pass
    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return "unknown"
    return str(project.get("version", "unknown"))


def about_html() -> str:
    """The About box's text: name and version, what Cascade is, the versions beneath it."""
    versions = (
        f"Python {platform.python_version()} · Qt {qVersion()} · PySide6 {PySide6.__version__}"
    )
    return (
        f"<b>Cascade {html.escape(app_version())}</b><br>"
        "A reactive Python + SQL notebook.<br><br>"
        f"<small>{html.escape(versions)}</small>"
    )


def about_box(parent: QWidget) -> QMessageBox:
    """A non-modal About box (shown with ``open()``); its text can be selected and copied."""
    box = QMessageBox(parent)
    box.setWindowTitle("About Cascade")
    box.setIconPixmap(parent.windowIcon().pixmap(64, 64))
    box.setText(about_html())
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return box

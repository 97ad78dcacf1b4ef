"""The README picture: the demo notebook, run, rendered offscreen (look at it after changes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def test_demo_screenshot(tmp_path: Path) -> None:
    """`cascade --screenshot` runs the demo and writes a real picture of the window.

    Set CASCADE_WRITE_SCREENSHOT=1 to refresh docs/screenshot.png for the README.
    """
    write_docs = os.environ.get("CASCADE_WRITE_SCREENSHOT") == "1"
    out = ROOT / "docs" / "screenshot.png" if write_docs else tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "--screenshot",
            str(out),
            str(ROOT / "notebooks" / "demo.py"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert image.width() >= 800 and image.height() >= 600
    # Not a blank window: many distinct colours (text, highlighting, status dots).
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 20
    # Every cell ran: the status dots are green, none grey/red.
    green = sum(1 for c in colours if (c >> 8 & 0xFF) > 140 and (c >> 16 & 0xFF) < 80)
    assert green > 0

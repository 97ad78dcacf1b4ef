"""The README picture: the demo notebook, run, rendered offscreen (look at it after changes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from app.ui.theme.palettes import DARK, LIGHT, Theme

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("theme", "size"), [(LIGHT, ""), (DARK, ""), (LIGHT, "800x600")], ids=["light", "dark", "small"]
)
def test_demo_screenshot(tmp_path: Path, theme: Theme, size: str) -> None:
    """`cascade --screenshot` runs the demo and writes a real picture of the window, at
    1600x1000 or the `--size` asked for (panels only when wide enough).

    Set CASCADE_WRITE_SCREENSHOT=1 to refresh docs/screenshots/{light,dark}.png (README).
    """
    write_docs = os.environ.get("CASCADE_WRITE_SCREENSHOT") == "1" and not size
    name = f"{theme.name}.png"
    out = ROOT / "docs" / "screenshots" / name if write_docs else tmp_path / name
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "--screenshot",
            str(out),
            str(ROOT / "notebooks" / "demo.py"),
            theme.name,
            *(["--size", size] if size else []),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    settings = tmp_path / ".config" / "Cascade" / "Cascade.conf"
    assert "panels" not in (settings.read_text() if settings.exists() else "")  # not the user's
    image = QImage(str(out))
    assert (image.width(), image.height()) == ((800, 600) if size else (1600, 1000))
    # Not a blank window: many distinct colours (text, highlighting, status dots).
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 20
    # Painted in the theme asked for; every cell ran: success strips, no error strip.
    assert QColor(image.pixel(image.width() - 5, 8)).name() == theme.window  # the menu bar
    every = {
        image.pixel(x, y) for x in range(0, image.width()) for y in range(0, image.height(), 3)
    }
    names = {QColor(c).name() for c in every}
    assert theme.status.success in names
    assert theme.status.error not in names

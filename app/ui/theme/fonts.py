"""Fonts: the system UI font for words, the bundled JetBrains Mono (OFL, resources/fonts) for
code and text outputs, falling back to the system's fixed font if the files are missing."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase

log = logging.getLogger(__name__)

FONTS_DIR = Path(__file__).resolve().parents[3] / "resources" / "fonts"
MONO_FAMILY = "JetBrains Mono"


@cache
def load_bundled_fonts() -> bool:
    """Register the bundled font files with Qt once; whether the monospace family is there."""
    families: set[str] = set()
    for path in sorted(FONTS_DIR.glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("cannot load the font %s", path)
            continue
        families.update(QFontDatabase.applicationFontFamilies(font_id))
    return MONO_FAMILY in families


def monospace_font() -> QFont:
    """The code font at the size of the system's fixed font."""
    system = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    if not load_bundled_fonts():
        return system
    font = QFont(MONO_FAMILY)
    font.setStyleHint(QFont.StyleHint.Monospace)
    if system.pointSizeF() > 0:
        font.setPointSizeF(system.pointSizeF())
    return font

"""Themes. This module: colours derived from the palette, so every widget follows light/dark
alike; ``palettes`` holds every colour of the two themes, ``syntax`` their pygments styles,
``apply`` the user's choice, ``fonts`` the bundled monospace, ``contrast`` the WCAG check."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette

# Fixed hues mixed into the palette's base colour, so tints keep the theme's brightness.
_RED = QColor(220, 50, 47)
_ORANGE = QColor(230, 140, 30)


def is_dark(palette: QPalette) -> bool:
    """Whether the palette is a dark theme: its window colour is darker than mid-grey."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def blend(a: QColor, b: QColor, t: float) -> QColor:
    """`a` moved a fraction `t` (0..1) of the way towards `b`: tints that suit any palette."""
    t = min(max(t, 0.0), 1.0)
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


@dataclass(frozen=True, slots=True)
class Colors:
    """The few colours the editor and output views paint themselves (backgrounds and muted text).

    Everything else comes from the palette directly, so Qt styles keep working.
    """

    line_number_fg: QColor
    line_number_bg: QColor
    current_line_number_fg: QColor
    current_line_bg: QColor
    bracket_match_bg: QColor
    stderr_bg: QColor
    error_bg: QColor
    muted_fg: QColor


def colors_for(palette: QPalette) -> Colors:
    """Derive the editor colours from `palette`; call again when the palette changes."""
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    highlight = palette.color(QPalette.ColorRole.Highlight)
    dark = is_dark(palette)
    return Colors(
        line_number_fg=blend(text, base, 0.55),
        line_number_bg=base,  # no shaded box beside every one-line cell: the numbers are enough
        current_line_number_fg=text,
        current_line_bg=blend(base, highlight, 0.18 if dark else 0.10),
        bracket_match_bg=blend(base, highlight, 0.45 if dark else 0.35),
        stderr_bg=blend(base, _ORANGE, 0.18 if dark else 0.10),
        error_bg=blend(base, _RED, 0.25 if dark else 0.12),
        muted_fg=blend(text, base, 0.45),
    )

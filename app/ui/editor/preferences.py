"""How code editors look app-wide: the code font's zoom and word wrap, remembered in the
user's settings (:mod:`app.ui.settings`) and announced to every editor when they change.

One :class:`EditorPreferences` per application (:func:`editor_preferences`), like the theme
controller: the View menu's actions and Ctrl+wheel change it, editors follow its signals.
The values themselves live only in the settings, so nothing here can go stale.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from app.ui import settings
from app.ui.theme.fonts import monospace_font

__all__ = [
    "MAX_POINT_SIZE",
    "MIN_POINT_SIZE",
    "EditorPreferences",
    "clamped_zoom",
    "editor_preferences",
]

#: The code font never gets smaller or larger than this (points).
MIN_POINT_SIZE = 6
MAX_POINT_SIZE = 48
#: Used when the system reports its fixed font in pixels (no point size).
_FALLBACK_POINT_SIZE = 10.0


def clamped_zoom(base_points: float, zoom: int) -> int:
    """``zoom`` (points added to ``base_points``) limited so the size stays readable."""
    low = MIN_POINT_SIZE - round(base_points)
    high = MAX_POINT_SIZE - round(base_points)
    return max(low, min(high, zoom))


class EditorPreferences(QObject):
    """The code font's zoom and word wrap (see the module docstring)."""

    font_changed = Signal()
    """The code font's size changed: read :meth:`code_font`."""
    wrap_changed = Signal(bool)
    """Word wrap was turned on (True) or off."""

    def code_font(self) -> QFont:
        """The monospace code font at the zoomed size."""
        font = monospace_font()
        base = _base_points(font)
        font.setPointSizeF(base + clamped_zoom(base, settings.code_zoom()))
        return font

    def zoom(self) -> int:
        """Points added to the normal size (0: normal)."""
        return clamped_zoom(_base_points(monospace_font()), settings.code_zoom())

    def zoom_by(self, steps: int) -> None:
        """One point larger per step (negative: smaller), within the limits."""
        self._set_zoom(self.zoom() + steps)

    def reset_zoom(self) -> None:
        self._set_zoom(0)

    def word_wrap(self) -> bool:
        return settings.word_wrap()

    def set_word_wrap(self, on: bool) -> None:
        if on == settings.word_wrap():
            return
        settings.set_word_wrap(on)
        self.wrap_changed.emit(on)

    def _set_zoom(self, zoom: int) -> None:
        zoom = clamped_zoom(_base_points(monospace_font()), zoom)
        if zoom == settings.code_zoom():
            return
        settings.set_code_zoom(zoom)
        self.font_changed.emit()


def _base_points(font: QFont) -> float:
    size = font.pointSizeF()
    return size if size > 0 else _FALLBACK_POINT_SIZE


_preferences: EditorPreferences | None = None


def editor_preferences() -> EditorPreferences:
    """The application's preferences object, made on first use."""
    global _preferences
    app = QApplication.instance()
    if _preferences is None or _preferences.parent() is not app:
        _preferences = EditorPreferences(app)
    return _preferences

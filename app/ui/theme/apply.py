"""Which theme is in use and putting it on the application: the Qt palette built from a
:class:`Theme`, the bundled fonts, and the user's choice (system / light / dark).

Widgets never ask which theme is on: they read their palette (``theme_for(palette)``) and
repaint on ``QEvent.PaletteChange``, which Qt sends to every widget when the palette changes.
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from app.ui.theme import is_dark
from app.ui.theme.fonts import load_bundled_fonts
from app.ui.theme.palettes import DARK, LIGHT, Theme
from app.ui.theme.scroll_bars import ThinScrollBars

ThemeChoice = Literal["system", "light", "dark"]
CHOICES: tuple[ThemeChoice, ...] = ("system", "light", "dark")
_SETTING = "view/theme"


def theme_for(palette: QPalette) -> Theme:
    """The theme a widget is painted in, read from its palette."""
    return DARK if is_dark(palette) else LIGHT


def system_prefers_dark() -> bool:
    """Qt's view of the desktop's colour scheme (Unknown counts as light)."""
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def qt_palette(theme: Theme) -> QPalette:
    """The whole Qt palette of ``theme``: standard widgets follow it with no stylesheet."""
    p = QPalette()
    R = QPalette.ColorRole
    roles = {
        R.Window: theme.window,
        R.WindowText: theme.text,
        R.Base: theme.editor_bg,
        R.AlternateBase: theme.surface_hover,
        R.Text: theme.text,
        R.Button: theme.surface,
        R.ButtonText: theme.text,
        R.BrightText: theme.error_text,
        R.Highlight: theme.selection_bg,
        R.HighlightedText: theme.selection_text,
        R.ToolTipBase: theme.tooltip_bg,
        R.ToolTipText: theme.tooltip_text,
        R.PlaceholderText: theme.muted,
        R.Link: theme.link,
        R.LinkVisited: theme.link,
        R.Light: theme.surface,
        R.Midlight: theme.chip_bg,
        R.Mid: theme.border,
        R.Dark: theme.muted,
        R.Shadow: theme.border,
        R.Accent: theme.accent,
    }
    for role, color in roles.items():
        p.setColor(role, QColor(color))
    for role in (R.WindowText, R.Text, R.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(theme.muted))
    return p


def stored_choice() -> ThemeChoice:
    """The choice remembered from the last time (system if none or unreadable)."""
    stored = QSettings("Cascade", "Cascade").value(_SETTING, "system")
    return next((c for c in CHOICES if c == stored), "system")


class ThemeController(QObject):
    """The user's theme choice, remembered, applied to the application; follows the
    desktop when the choice is "system"."""

    changed = Signal(object)
    """The theme now in use (a :class:`Theme`)."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self._choice = stored_choice()
        self._theme: Theme | None = None
        load_bundled_fonts()
        # Fusion (the one style that paints every role of the palette), with thin scroll bars.
        self._style = ThinScrollBars()
        app.setStyle(self._style)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._apply)
        self._apply()

    @property
    def choice(self) -> ThemeChoice:
        return self._choice

    @property
    def theme(self) -> Theme:
        assert self._theme is not None
        return self._theme

    def set_choice(self, choice: ThemeChoice, *, remember: bool = True) -> None:
        """Use ``choice`` from now on (and at the next start, if ``remember``)."""
        self._choice = choice
        if remember:
            QSettings("Cascade", "Cascade").setValue(_SETTING, choice)
        self._apply()

    def _apply(self) -> None:
        dark = system_prefers_dark() if self._choice == "system" else self._choice == "dark"
        theme = DARK if dark else LIGHT
        if theme is self._theme:
            return
        self._theme = theme
        self._app.setPalette(qt_palette(theme))
        self.changed.emit(theme)


_controller: ThemeController | None = None


def theme_controller() -> ThemeController:
    """The application's controller, made (and the theme applied) on first use."""
    global _controller
    app = QApplication.instance()
    assert isinstance(app, QApplication), "the theme needs a QApplication"
    if _controller is None or _controller.parent() is not app:
        _controller = ThemeController(app)
    return _controller

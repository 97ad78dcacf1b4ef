"""Toolbar icons from qtawesome's bundled icon fonts (Material Design Icons 6), drawn in the
theme's text colour so they follow light and dark. qtawesome is the well-kept way to get a
consistent, scalable icon set into Qt without shipping our own SVGs."""

from __future__ import annotations

import os

os.environ.setdefault("QT_API", "pyside6")  # qtpy (under qtawesome): use our binding

import qtawesome  # type: ignore[import-untyped]
from PySide6.QtGui import QIcon

from app.ui.theme.palettes import Theme

ICONS = {
    "run_all": "mdi6.play-box-multiple-outline",
    "interrupt": "mdi6.stop-circle-outline",
    "restart": "mdi6.restart",
    "database": "mdi6.database-outline",
    "autorun": "mdi6.lightning-bolt-outline",
    "lazy": "mdi6.sleep",
}


def icon(name: str, theme: Theme) -> QIcon:
    """The icon called ``name`` in :data:`ICONS`, in ``theme``'s colours."""
    return qtawesome.icon(  # type: ignore[no-any-return]
        ICONS[name],
        color=theme.text,
        color_disabled=theme.muted,
        color_active=theme.accent,
        color_on=theme.accent,  # a checked button (the switch's chosen side) is tinted
        color_on_active=theme.accent,
    )

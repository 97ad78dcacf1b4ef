"""Every colour Cascade paints, one frozen dataclass per theme (light and dark).

Plain hex strings, no Qt: the contrast test reads them directly, the Qt palette, the
pygments styles and the cell chrome are all derived from these two objects. A colour that is
not here is taken from the Qt palette built from these (``app.ui.theme.apply``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from app.core.state import Status


@dataclass(frozen=True, slots=True)
class SyntaxColors:
    """Token colours for code; designed for the theme's ``editor_bg``, none bold."""

    keyword: str
    string: str
    number: str
    comment: str
    function: str
    class_name: str
    builtin: str
    decorator: str
    heading: str  # markdown headings


@dataclass(frozen=True, slots=True)
class StatusColors:
    """The thin strip at a cell's left edge, one colour per run status (SEMANTICS.md §5)."""

    idle: str
    queued: str
    running: str
    success: str
    error: str
    blocked: str
    stale: str
    interrupted: str

    def of(self, status: Status) -> str:
        return str(getattr(self, status))


@dataclass(frozen=True, slots=True)
class Theme:
    """One theme. Text colours are named ``*_text`` or ``text``/``muted``/``link``/
    ``accent``; each is paired with the backgrounds it is drawn on in :data:`TEXT_PAIRS`."""

    name: str
    dark: bool
    window: str  # around the notebook column, panels
    surface: str  # a cell card
    surface_hover: str  # a card under the mouse
    editor_bg: str  # code inside a card
    border: str  # card outline (decoration, not text)
    text: str
    muted: str  # secondary text: chips, line numbers, placeholders
    accent: str  # selected-cell marker, focus ring, switches on
    on_accent: str  # text on an accent background (the pressed side of a switch)
    link: str
    chip_bg: str
    chip_text: str
    selection_bg: str
    selection_text: str
    error_text: str
    warning_text: str
    tooltip_bg: str
    tooltip_text: str
    status: StatusColors
    syntax: SyntaxColors


LIGHT = Theme(
    name="light",
    dark=False,
    window="#f4f5f7",
    surface="#ffffff",
    surface_hover="#fbfbfc",
    editor_bg="#f8f9fb",
    border="#d8dce2",
    text="#1f2328",
    muted="#59636e",
    accent="#0b63ce",
    on_accent="#ffffff",
    link="#0550ae",
    chip_bg="#eef1f5",
    chip_text="#3d4650",
    selection_bg="#cde2fb",
    selection_text="#1f2328",
    error_text="#b3261e",
    warning_text="#8a4b00",
    tooltip_bg="#2b3036",
    tooltip_text="#f4f5f7",
    status=StatusColors(
        idle="#8c959f",
        queued="#8c959f",
        running="#0b63ce",
        success="#1a7f37",
        error="#cf222e",
        blocked="#bc4c00",
        stale="#9a6700",
        interrupted="#8250df",
    ),
    syntax=SyntaxColors(
        keyword="#b0306a",
        string="#0a5c36",
        number="#0550ae",
        comment="#5f6b76",
        function="#6639ba",
        class_name="#8a4b00",
        builtin="#1f6f8b",
        decorator="#6639ba",
        heading="#0550ae",
    ),
)

DARK = Theme(
    name="dark",
    dark=True,
    window="#16181c",
    surface="#1f2228",
    surface_hover="#23262d",
    editor_bg="#25282f",
    border="#363b44",
    text="#e4e7eb",
    muted="#a0a9b4",
    accent="#5ca4ff",
    on_accent="#16181c",
    link="#7cb8ff",
    chip_bg="#2c313a",
    chip_text="#c9d1db",
    selection_bg="#2f4d72",
    selection_text="#ffffff",
    error_text="#ff8a80",
    warning_text="#e8b84a",
    tooltip_bg="#e4e7eb",
    tooltip_text="#1f2328",
    status=StatusColors(
        idle="#6e7681",
        queued="#8b949e",
        running="#5ca4ff",
        success="#3fb950",
        error="#f85149",
        blocked="#f0883e",
        stale="#d29922",
        interrupted="#b083f0",
    ),
    syntax=SyntaxColors(
        keyword="#ff8fa3",
        string="#9fd8a8",
        number="#7cc4ff",
        comment="#9099a4",
        function="#d2b0ff",
        class_name="#f0b36a",
        builtin="#6fd0e0",
        decorator="#d2b0ff",
        heading="#7cc4ff",
    ),
)

THEMES: dict[str, Theme] = {LIGHT.name: LIGHT, DARK.name: DARK}


def text_pairs(theme: Theme) -> list[tuple[str, str, str]]:
    """Every (what, foreground, background) pair the window draws text with: WCAG AA asks
    4.5:1 of each (tests/ui/test_theme.py)."""
    t = theme
    pairs = [
        ("text on window", t.text, t.window),
        ("text on card", t.text, t.surface),
        ("text on hovered card", t.text, t.surface_hover),
        ("code on editor", t.text, t.editor_bg),
        ("muted on window", t.muted, t.window),
        ("muted on card", t.muted, t.surface),
        ("muted on editor", t.muted, t.editor_bg),
        ("chip text", t.chip_text, t.chip_bg),
        ("inline code in prose", t.text, t.chip_bg),
        ("link on card", t.link, t.surface),
        ("link on chip", t.link, t.chip_bg),
        ("accent on card", t.accent, t.surface),
        ("text on accent", t.on_accent, t.accent),
        ("error on card", t.error_text, t.surface),
        ("warning on card", t.warning_text, t.surface),
        ("selected text", t.selection_text, t.selection_bg),
        ("tooltip", t.tooltip_text, t.tooltip_bg),
    ]
    pairs += [
        (f"syntax {f.name} on editor", getattr(t.syntax, f.name), t.editor_bg)
        for f in fields(t.syntax)
    ]
    return pairs


def strip_pairs(theme: Theme) -> list[tuple[str, str, str]]:
    """Status strips against the card: non-text graphics, WCAG 1.4.11 asks 3:1."""
    return [
        (f"{f.name} strip", getattr(theme.status, f.name), theme.surface)
        for f in fields(theme.status)
        if f.name != "idle"  # never run: deliberately quiet, it carries no news
    ]

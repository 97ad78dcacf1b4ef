"""ANSI colour codes in cell output, shown as colours (as a terminal would), never as junk.

``split_ansi`` is pure (text -> styled segments) so it is tested without Qt; ``AnsiFormatter``
turns a style into a QTextCharFormat and remembers the style across chunks, because a colour
started in one batch of output may end in the next.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor

_CSI = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])")

#: The 16 standard colours (normal, then bright), readable on light and dark backgrounds.
PALETTE = (
    "#000000", "#cd3131", "#0dbc79", "#c8a600", "#2472c8", "#bc3fbc", "#11a8cd", "#808080",
    "#666666", "#f14c4c", "#23d18b", "#dab300", "#3b8eea", "#d670d6", "#29b8db", "#b0b0b0",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Style:
    fg: str | None = None
    bg: str | None = None
    bold: bool = False
    italic: bool = False
    underline: bool = False


def _xterm256(n: int) -> str:
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        levels = (0, 95, 135, 175, 215, 255)
        return f"#{levels[n // 36]:02x}{levels[n // 6 % 6]:02x}{levels[n % 6]:02x}"
    grey = 8 + (n - 232) * 10
    return f"#{grey:02x}{grey:02x}{grey:02x}"


def _apply(style: Style, params: str) -> Style:
    codes = [int(c) if c.isdigit() else 0 for c in params.split(";")] if params else [0]
    i = 0
    while i < len(codes):
        code = codes[i]
        if code == 0:
            style = Style()
        elif code == 1:
            style = replace(style, bold=True)
        elif code == 3:
            style = replace(style, italic=True)
        elif code == 4:
            style = replace(style, underline=True)
        elif code == 22:
            style = replace(style, bold=False)
        elif code == 23:
            style = replace(style, italic=False)
        elif code == 24:
            style = replace(style, underline=False)
        elif 30 <= code <= 37 or 90 <= code <= 97:
            style = replace(style, fg=PALETTE[code - 30 if code < 90 else code - 82])
        elif 40 <= code <= 47 or 100 <= code <= 107:
            style = replace(style, bg=PALETTE[code - 40 if code < 100 else code - 92])
        elif code == 39:
            style = replace(style, fg=None)
        elif code == 49:
            style = replace(style, bg=None)
        elif code in (38, 48) and i + 1 < len(codes):
            colour: str | None = None
            if codes[i + 1] == 5 and i + 2 < len(codes):
                colour, i = _xterm256(codes[i + 2] % 256), i + 2
            elif codes[i + 1] == 2 and i + 4 < len(codes):
                r, g, b = (max(0, min(255, c)) for c in codes[i + 2 : i + 5])
                colour, i = f"#{r:02x}{g:02x}{b:02x}", i + 4
            if colour is not None:
                style = replace(style, fg=colour) if code == 38 else replace(style, bg=colour)
        i += 1
    return style


def split_ansi(text: str, style: Style = Style()) -> tuple[list[tuple[str, Style]], Style]:
    """(segments of plain text with their style, the style in force at the end). Escape
    sequences other than colours (cursor moves, erases) are dropped, never shown."""
    segments: list[tuple[str, Style]] = []
    position = 0
    for match in _CSI.finditer(text):
        if match.start() > position:
            segments.append((text[position : match.start()], style))
        if match.group(2) == "m":
            style = _apply(style, match.group(1))
        position = match.end()
    if position < len(text):
        segments.append((text[position:], style))
    return segments, style


def strip_ansi(text: str) -> str:
    return _CSI.sub("", text)


class AnsiFormatter:
    """Inserts text with ANSI colours into a QTextDocument, keeping the style across calls."""

    def __init__(self) -> None:
        self.style = Style()
        self._formats: dict[Style, QTextCharFormat] = {}

    def reset(self) -> None:
        self.style = Style()

    def _format(self, style: Style) -> QTextCharFormat:
        cached = self._formats.get(style)
        if cached is None:
            cached = QTextCharFormat()
            if style.fg:
                cached.setForeground(QColor(style.fg))
            if style.bg:
                cached.setBackground(QColor(style.bg))
            if style.bold:
                cached.setFontWeight(QFont.Weight.Bold)
            cached.setFontItalic(style.italic)
            cached.setFontUnderline(style.underline)
            self._formats[style] = cached
        return cached

    def insert(self, cursor: QTextCursor, text: str) -> None:
        if "\x1b" not in text and self.style == Style():
            cursor.insertText(text, QTextCharFormat())
            return
        segments, self.style = split_ansi(text, self.style)
        for segment, style in segments:
            cursor.insertText(segment, self._format(style))

    def segments(self, text: str) -> Iterator[tuple[str, Style]]:
        segments, self.style = split_ansi(text, self.style)
        yield from segments

"""ANSI colours in output: parsed into styles, shown as colours, never as escape junk."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QTextCursor

from app.core.state import StreamText
from app.ui.outputs.ansi import PALETTE, Style, split_ansi, strip_ansi
from app.ui.outputs.output_view import OutputArea
from app.ui.outputs.text_output import TextOutput

CASES = [
    ("plain", "hello", [("hello", Style())]),
    ("red", "\x1b[31mred\x1b[0m ok", [("red", Style(fg=PALETTE[1])), (" ok", Style())]),
    ("bold-bright", "\x1b[1;92mgo", [("go", Style(fg=PALETTE[10], bold=True))]),
    ("256", "\x1b[38;5;196mx", [("x", Style(fg="#ff0000"))]),
    ("truecolor-bg", "\x1b[48;2;1;2;3mx", [("x", Style(bg="#010203"))]),
    ("reset-empty", "\x1b[31ma\x1b[mb", [("a", Style(fg=PALETTE[1])), ("b", Style())]),
    ("cursor-moves-dropped", "a\x1b[2Kb\x1b[1Ac", [("a", Style()), ("b", Style()), ("c", Style())]),
]


@pytest.mark.parametrize(("text", "segments"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_split_ansi(text: str, segments: list[tuple[str, Style]]) -> None:
    assert split_ansi(text)[0] == segments


def test_style_carries_across_chunks() -> None:
    _, style = split_ansi("\x1b[34mstarts blue")
    segments, _ = split_ansi(" still blue\x1b[0m", style)
    assert segments == [(" still blue", Style(fg=PALETTE[4]))]
    assert strip_ansi("\x1b[1mB\x1b[0m") == "B"


def test_colours_reach_the_view_and_escapes_do_not(qtbot) -> None:  # type: ignore[no-untyped-def]
    area = OutputArea()
    qtbot.addWidget(area)
    area.set_outputs((StreamText("stdout", "\x1b[31mERROR\x1b[0m fine\n"),), None)
    piece = area.findChildren(TextOutput)[0]
    document = piece.view.document()
    assert document.toPlainText() == "ERROR fine\n"
    cursor = QTextCursor(document)

    def colour_at(position: int) -> QColor:
        cursor.setPosition(position)  # the format of the character before the cursor
        return cursor.charFormat().foreground().color()

    assert colour_at(1) == QColor(PALETTE[1])
    assert colour_at(len("ERROR")) == QColor(PALETTE[1])
    assert colour_at(len("ERROR f")) != QColor(PALETTE[1])

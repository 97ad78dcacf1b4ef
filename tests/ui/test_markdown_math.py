"""Markdown cells draw LaTeX math ($…$ inline, $$…$$ display) as pictures Qt can paint, and
show inline code (in list items too) in the code font."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter, QTextCharFormat
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QWidget

from app.outputs.latex import math_to_svg
from app.ui.outputs.markdown_view import MarkdownView
from app.ui.theme.fonts import monospace_font


@pytest.fixture
def markdown(host: QWidget) -> MarkdownView:
    view = MarkdownView(host)
    view.setGeometry(0, 0, 700, view.height())
    view.show()
    return view


def _fragments(view: MarkdownView) -> list[tuple[str, QTextCharFormat]]:
    found = []
    block = view.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            found.append((fragment.text(), fragment.charFormat()))
            it += 1
        block = block.next()
    return found


def test_inline_and_display_math_are_drawn(markdown: MarkdownView) -> None:
    markdown.set_markdown("Inline $x^2 + y$ here.\n\n$$\\frac{a}{b} = \\sum_{i=0}^n i$$\n")
    images = [f for text, f in _fragments(markdown) if f.isImageFormat()]
    assert len(images) == 2
    assert all(f.toImageFormat().name().startswith("data:image/svg+xml") for f in images)
    assert "$" not in markdown.toPlainText()


def test_math_pictures_are_svg_qt_can_paint() -> None:
    """ziamath's SVG 2 glyphs (<symbol> + <use>) paint nothing in Qt: paths must."""
    svg = math_to_svg("x^2 + y", False, 15.0, "#000000")
    assert svg is not None and "<use" not in svg
    renderer = QSvgRenderer(svg.encode("utf-8"))
    assert renderer.isValid()
    image = QImage(120, 40, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    dark = sum(
        1
        for x in range(image.width())
        for y in range(image.height())
        if QColor(image.pixel(x, y)).lightness() < 128
    )
    assert dark > 30  # the glyphs are painted


def test_inline_code_in_a_list_is_monospace(markdown: MarkdownView) -> None:
    markdown.set_markdown("- a list item with `df.head()` in it\n- and `x` here\n")
    family = monospace_font().family()
    code = [f for text, f in _fragments(markdown) if text in ("df.head()", "x")]
    assert len(code) == 2
    assert all(family in (f.fontFamilies() or []) for f in code)
    prose = [f for text, f in _fragments(markdown) if "list item" in text]
    assert prose and family not in (prose[0].fontFamilies() or [])

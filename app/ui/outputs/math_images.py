"""LaTeX math in the window: each formula an inline SVG picture (``ziamath``, its own math
font, no TeX install) in the text colour of the palette it is drawn on. Markdown cells and
``text/markdown`` / ``text/latex`` outputs share it."""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import lru_cache, partial

from PySide6.QtGui import QPalette

from app.outputs.latex import math_to_svg
from app.outputs.markdown import escape_math

#: Math in markdown and ``text/latex`` outputs, in points (about the body text's size).
MATH_POINTS = 15.0


def math_images(palette: QPalette) -> Callable[[str, bool], str]:
    """A markdown math renderer drawing each formula as an inline SVG picture in the text
    colour of ``palette`` (dark themes too). One renderer per colour: the markdown parser
    built for it is cached (``app.outputs.markdown``), not rebuilt for every cell."""
    return _renderer(text_color(palette))


@lru_cache(maxsize=8)
def _renderer(color: str) -> Callable[[str, bool], str]:
    return partial(_math_image, color)


def _math_image(color: str, source: str, display: bool) -> str:
    svg = math_to_svg(source, display, MATH_POINTS * (1.2 if display else 1.0), color)
    if svg is None:
        return escape_math(source, display)
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    image = f'<img src="data:image/svg+xml;base64,{encoded}" style="vertical-align: middle">'
    return f'<p align="center">{image}</p>' if display else image


def text_color(palette: QPalette) -> str:
    return palette.color(QPalette.ColorRole.Text).name()

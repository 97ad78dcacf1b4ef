"""LaTeX math (``text/latex`` outputs, ``$…$`` in markdown) drawn without a TeX install:
MathML for HTML (``latex2mathml``), SVG for the window (``ziamath``, its own math font). Both
are pure Python, imported on first use; a formula either cannot parse falls back to its
source text, never to an error dialog.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

#: ``$$…$$``, ``$…$``, ``\\[…\\]``, ``\\(…\\)`` around a whole ``text/latex`` payload.
_DELIMITED = re.compile(
    r"^\s*(?:\$\$(?P<d1>.*)\$\$|\\\[(?P<d2>.*)\\\]|\$(?P<i1>.*)\$|\\\((?P<i2>.*)\\\))\s*$", re.S
)
_ENVIRONMENT = re.compile(
    r"^\s*\\begin\{(?P<env>equation|align|gather|displaymath)\*?\}(?P<body>.*)"
    r"\\end\{(?P=env)\*?\}\s*$",
    re.S,
)


def latex_source(data: str) -> tuple[str, bool]:
    """The formula inside a ``text/latex`` payload, and whether it is display math."""
    match = _DELIMITED.match(data)
    if match:
        display = match["d1"] is not None or match["d2"] is not None
        body = next(
            g for g in (match["d1"], match["d2"], match["i1"], match["i2"]) if g is not None
        )
        return body.strip(), display
    environment = _ENVIRONMENT.match(data)
    if environment:
        body = environment["body"].strip()
        if environment["env"] in ("align", "gather"):
            body = rf"\begin{{aligned}}{body}\end{{aligned}}"
        return body, True
    return data.strip(), True


@lru_cache(maxsize=512)
def math_to_mathml(source: str, display: bool) -> str:
    """MathML for a formula (its escaped source if it cannot be converted)."""
    try:
        from latex2mathml.converter import convert

        return str(convert(source, display="block" if display else "inline"))
    except Exception:  # a formula latex2mathml cannot read: show what was written
        return f"<code>{html.escape(source)}</code>"


@lru_cache(maxsize=512)
def math_to_svg(source: str, display: bool, size: float = 16.0, color: str = "black") -> str | None:
    """SVG text for a formula, ``size`` in points; None if it cannot be drawn."""
    try:
        from ziamath.config import config
        from ziamath.zmath import Latex

        # SVG 1.1: glyphs as plain paths. Qt's SVG renderer (SVG Tiny) draws nothing for
        # ziamath's default SVG 2 glyphs (<symbol> reused by <use> without xlink).
        config.svg2 = False
        style = "displaystyle" if display else "textstyle"
        svg = Latex(source, size=size, color=color, mathstyle=style).svg()
    except Exception:  # ziamath cannot lay this formula out: the caller shows the source
        return None
    return str(svg)

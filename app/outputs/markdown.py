"""Markdown (cells and ``text/markdown`` outputs) as sanitised HTML, with LaTeX math.

CommonMark with tables and strikethrough through ``markdown-it-py`` (the parser MyST and
Jupyter tooling use), ``$…$`` and ``$$…$$`` math through its ``dollarmath`` plugin. How math is
drawn depends on the target, so the caller passes it: MathML for the HTML export (browsers draw
it natively, no MathJax, no network), an SVG picture in the window.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from app.outputs.latex import math_to_mathml
from app.outputs.sanitize import sanitize_html

#: (LaTeX source, display?) -> HTML for one formula.
MathRenderer = Callable[[str, bool], str]


@lru_cache(maxsize=8)
def _parser(math: MathRenderer) -> Any:
    """A parser whose renderer draws math with ``math`` (one per target, built once)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(dollarmath_plugin, allow_space=True, allow_digits=False, double_inline=True)
    renderer: Any = md.renderer  # a RendererHTML, whose rules this plugin's tokens need
    renderer.rules.update(_math_rules(math))
    return md


def _math_rules(math: MathRenderer) -> dict[str, Callable[..., str]]:
    def inline(tokens: Sequence[Any], idx: int, options: Any, env: Any) -> str:
        return math(tokens[idx].content, False)

    def block(tokens: Sequence[Any], idx: int, options: Any, env: Any) -> str:
        return f'<div class="math">{math(tokens[idx].content.strip(), True)}</div>\n'

    return {
        "math_inline": inline,
        "math_inline_double": block,
        "math_block": block,
        "math_block_label": block,
    }


def markdown_to_html(text: str, math: MathRenderer = math_to_mathml) -> str:
    """``text`` as HTML with its math drawn by ``math``; everything sanitised."""
    return sanitize_html(str(_parser(math).render(text))).strip()


def escape_math(source: str, display: bool) -> str:
    """Math shown as its source (a target that cannot draw it)."""
    text = html.escape(source)
    return f"<code>$${text}$$</code>" if display else f"<code>${text}$</code>"

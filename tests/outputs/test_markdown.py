"""Markdown to sanitised HTML with LaTeX math (markdown-it-py + dollarmath)."""

from __future__ import annotations

import pytest

from app.outputs.latex import latex_source, math_to_mathml, math_to_svg
from app.outputs.markdown import escape_math, markdown_to_html


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("# Title", "<h1>Title</h1>"),
        ("one\ntwo\n\nthree", "<p>one\ntwo</p>\n<p>three</p>"),
        ("**b** and *e*", "<p><strong>b</strong> and <em>e</em></p>"),
        ("snake_case_name and 2 * 3 * 4", "<p>snake_case_name and 2 * 3 * 4</p>"),
        ("`a < b`", "<p><code>a &lt; b</code></p>"),
        ("- `code` in a list", "<ul>\n<li><code>code</code> in a list</li>\n</ul>"),
        ("[docs](#usage)", '<p><a href="#usage">docs</a></p>'),
        ("[x](https://evil/)", "<p><a>x</a></p>"),  # nothing off the page
        ("<script>alert(1)</script>\n\nafter", "<p>after</p>"),
        ("~~gone~~", "<p><s>gone</s></p>"),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "<table>"),
        ("", ""),
    ],
)
def test_markdown(source: str, expected: str) -> None:
    assert expected in markdown_to_html(source) if expected else markdown_to_html(source) == ""


def test_math_goes_to_the_targets_renderer() -> None:
    seen: list[tuple[str, bool]] = []

    def math(source: str, display: bool) -> str:
        seen.append((source, display))
        return "<b>M</b>"

    html = markdown_to_html("Energy $E = mc^2$ and\n\n$$\\int_0^1 x\\,dx$$\n", math)
    assert seen == [("E = mc^2", False), ("\\int_0^1 x\\,dx", True)]
    assert html.count("<b>M</b>") == 2


def test_math_as_mathml_by_default_and_a_dollar_amount_stays_text() -> None:
    html = markdown_to_html("It costs $5 and $10.")
    assert "<math" not in html and "$5" in html
    html = markdown_to_html("Euler: $e^{i\\pi} + 1 = 0$")
    assert '<math display="inline">' in html and "<mi>π</mi>" in html


@pytest.mark.parametrize(
    ("payload", "source", "display"),
    [
        ("$$x^2$$", "x^2", True),
        ("$x^2$", "x^2", False),
        ("\\[a+b\\]", "a+b", True),
        ("\\(a+b\\)", "a+b", False),
        ("\\begin{equation}a = b\\end{equation}", "a = b", True),
        (
            "\\begin{align*}a &= b\\\\ c &= d\\end{align*}",
            "\\begin{aligned}a &= b\\\\ c &= d\\end{aligned}",
            True,
        ),
        ("x^2", "x^2", True),
    ],
)
def test_latex_payloads(payload: str, source: str, display: bool) -> None:
    assert latex_source(payload) == (source, display)


def test_formulas_render_or_fall_back_to_their_source() -> None:
    assert math_to_mathml("\\frac{a}{b}", True).startswith("<math")
    svg = math_to_svg("\\frac{a}{b}", True)
    assert svg is not None and svg.lstrip().startswith("<svg")
    assert escape_math("a<b", False) == "<code>$a&lt;b$</code>"

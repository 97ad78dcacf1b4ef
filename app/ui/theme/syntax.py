"""A pygments style per theme, built from the theme's :class:`SyntaxColors`.

Colour carries the meaning; only markdown headings and strong text are bold, comments are
italic, nothing else changes weight (bold-heavy code is tiring to read all day).
"""

from __future__ import annotations

from functools import cache

from pygments.style import Style  # type: ignore[import-untyped]
from pygments.token import (  # type: ignore[import-untyped]
    Comment,
    Error,
    Generic,
    Keyword,
    Name,
    Number,
    Operator,
    String,
    Token,
)

from app.ui.theme.palettes import DARK, LIGHT, Theme


@cache
def pygments_style(theme: Theme) -> type[Style]:
    """The pygments style class for ``theme`` (one class per theme, made once)."""
    s = theme.syntax
    styles = {
        Token: theme.text,
        Comment: f"italic {s.comment}",
        Comment.Preproc: s.keyword,
        Keyword: s.keyword,
        Keyword.Constant: s.number,
        Keyword.Type: s.builtin,
        Operator.Word: s.keyword,
        Name.Builtin: s.builtin,
        Name.Builtin.Pseudo: s.builtin,
        Name.Function: s.function,
        Name.Function.Magic: s.function,
        Name.Class: s.class_name,
        Name.Exception: s.class_name,
        Name.Decorator: s.decorator,
        Name.Namespace: s.class_name,
        Name.Tag: s.keyword,
        Name.Attribute: s.function,
        String: s.string,
        String.Backtick: s.string,
        Number: s.number,
        Generic.Heading: f"bold {s.heading}",
        Generic.Subheading: f"bold {s.heading}",
        Generic.Emph: "italic",
        Generic.Strong: "bold",
        Error: theme.error_text,
    }
    return type(
        f"Cascade{theme.name.title()}Style",
        (Style,),
        {"name": f"cascade-{theme.name}", "background_color": theme.editor_bg, "styles": styles},
    )


def syntax_style(dark: bool) -> type[Style]:
    """The style for a light or a dark background."""
    return pygments_style(DARK if dark else LIGHT)

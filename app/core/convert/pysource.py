"""Small helpers that write Python source text: literals, f-strings, indentation."""

from __future__ import annotations

import ast
import io
import tokenize
import warnings

__all__ = ["fstring", "indent_code", "parse_expression", "parse_module", "string_literal"]


def parse_module(code: str) -> ast.Module:
    """``ast.parse`` without the warnings Python emits while parsing (``"\\d"`` is an invalid
    escape): the user sees them when the cell runs, not while a notebook is converted."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(code)


def parse_expression(code: str) -> ast.Expression:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(code, mode="eval")


def string_literal(text: str) -> str:
    """A Python literal for ``text``: triple-quoted (raw when it holds backslashes) when that
    reads back exactly and the text has several lines, else ``repr``."""
    if (
        "\n" in text.rstrip("\n")
        and '"""' not in text
        and not text.endswith(('"', "\\"))
        and "\r" not in text
    ):
        return ('r"""' if "\\" in text else '"""') + text + '"""'
    return repr(text)


def fstring(parts: list[tuple[bool, str]]) -> str:
    """Source of a string made of literal text (``(False, text)``) and Python expressions
    (``(True, expr)``): an f-string when one can hold them, else a ``+`` of ``str()``."""
    if not any(is_expr for is_expr, _ in parts):
        return repr("".join(text for _, text in parts))
    expressions = [text for is_expr, text in parts if is_expr]
    for quote in ('"', "'"):
        if any(quote in expr or "\\" in expr or "\n" in expr for expr in expressions):
            continue
        pieces = []
        for is_expr, text in parts:
            if is_expr:
                pieces.append("{" + text + "}")
            else:
                escaped = text.replace("\\", "\\\\").replace(quote, "\\" + quote)
                escaped = escaped.replace("\n", "\\n").replace("\t", "\\t")
                pieces.append(escaped.replace("{", "{{").replace("}", "}}"))
        return "f" + quote + "".join(pieces) + quote
    return " + ".join(f"str({text})" if is_expr else repr(text) for is_expr, text in parts)


def indent_code(code: str, prefix: str) -> str:
    """``code`` with ``prefix`` before every line, except lines inside multi-line strings
    (indenting those would change the strings' values)."""
    lines = code.split("\n")
    inside: set[int] = set()  # 0-based lines that continue a string started above
    fstring_start = getattr(tokenize, "FSTRING_START", None)  # Python 3.12+ f-string tokens
    fstring_end = getattr(tokenize, "FSTRING_END", None)
    opened: list[int] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type == tokenize.STRING and token.end[0] > token.start[0]:
                inside.update(range(token.start[0], token.end[0]))
            elif token.type == fstring_start:
                opened.append(token.start[0])
            elif token.type == fstring_end and opened:
                inside.update(range(opened.pop(), token.end[0]))
    except (tokenize.TokenError, SyntaxError):
        pass
    return "\n".join(
        line if index in inside or not line else prefix + line for index, line in enumerate(lines)
    )

"""Where IPython syntax is: one logical line read as a magic, shell command or help request."""

from __future__ import annotations

import ast
import keyword
import re
from dataclasses import dataclass

from app.core.convert.pysource import parse_module

_MAGIC_LINE = re.compile(r"(?P<escape>%{1,2}|!{1,2})(?P<rest>.*)", re.DOTALL)
_HELP = re.compile(r"(\?{1,2})?[\w.*\[\]'\"]+(\?{1,2})?")
_ASSIGN = re.compile(r"(?P<target>[^=%!#'\"]+?)\s*=\s*(?P<escape>%|!)(?P<rest>.*)", re.DOTALL)
MAGIC_NAME = re.compile(r"(?P<name>[A-Za-z_][\w.]*)\s*(?P<args>.*)", re.DOTALL)


@dataclass(slots=True)
class MagicLine:
    """One magic or shell line: ``escape`` is ``%``, ``!``, ``!!`` or ``?``."""

    escape: str
    name: str
    args: str
    text: str  # as written (continuations joined)
    target: str | None = None  # ``x`` of ``x = %magic``
    last: bool = False  # the cell's last statement, at top level: its value is the result


def parse_line(text: str) -> MagicLine | None:
    """The magic on a logical line starting at a statement position, or None for Python."""
    stripped = text.strip()
    if not stripped or stripped.startswith("#"):
        return None
    match = _MAGIC_LINE.fullmatch(stripped)
    if match is not None:
        escape, rest = match.group("escape"), match.group("rest")
        if escape.startswith("!"):
            return MagicLine(escape, "", rest, stripped)
        if escape == "%%":
            name = MAGIC_NAME.match(rest)
            return MagicLine("%%", name.group("name") if name else "", rest, stripped)
        name_match = MAGIC_NAME.match(rest)
        if name_match is None:
            return None
        return MagicLine("%", name_match.group("name"), name_match.group("args"), stripped)
    if (
        "?" in stripped
        and _HELP.fullmatch(stripped)
        and (stripped.startswith("?") or stripped.endswith("?"))
    ):
        return MagicLine("?", "", stripped.strip("?"), stripped)
    assign = _ASSIGN.fullmatch(stripped)
    if assign is not None and _is_target(assign.group("target")):
        inner = parse_line(assign.group("escape") + assign.group("rest"))
        if inner is not None and inner.escape in ("%", "!"):
            inner.target = assign.group("target").strip()
            inner.text = stripped
            return inner
    return None


def _is_target(text: str) -> bool:
    try:
        tree = parse_module(f"{text} = None")
    except SyntaxError:
        return False
    return isinstance(tree.body[0], ast.Assign) and not keyword.iskeyword(text.strip())


def has_ipython_syntax(code: str) -> bool:
    """Whether converting ``code`` would change it (cheap check before the full work)."""
    return "%" in code or "!" in code or "?" in code

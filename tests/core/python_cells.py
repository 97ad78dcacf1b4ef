"""Hypothesis strategies for varied Python cells: every construct the analysis has a rule for
(SEMANTICS §1), nested, over a few names so that binds and reads meet, and some lines that do
not parse.

Code is built from templates whose holes are filled by drawing again (``{e0}`` an expression,
``{n0}`` a name, ``{t0}`` an assignment target, ``{b0}`` an indented block): one draw per
template keeps generation quick. Expressions are parenthesised where they nest, so the cells
parse unless a broken line is put in; a walrus inside calls, literals, f-strings and
conditions makes the order in which a node's children are visited matter (``f((a := 1), a)``
reads nothing, ``f(a, (a := 1))`` reads ``a``).
"""

from __future__ import annotations

import string
from collections.abc import Callable

from hypothesis import strategies as st

#: Public, private (one underscore), dunder-like, and names the statements below bind.
NAMES = ["a", "b", "x", "df", "_p", "_", "__d", "f", "C", "e", "print"]
ATOMS = [*NAMES, "1", "'s'", "None", "...", "b'x'", "2.5"]
#: What an f-string's fields hold: no quotes (an f-string cannot repeat its quote in 3.11).
F_PARTS = ["{n0}", "({n0} := {n1})", "{n0}[{n1}]", "{n0}.attr"]

EXPRESSION_TEMPLATES = [
    "({e0} + {e1})",
    "({e0} * {e1} - {e2})",
    "({e0} @ {e1})",
    "({e0}).attr",
    "({e0})[{e1}]",
    "({e0})[{e1}:{e2}:]",
    "({e0})({e1}, k={e2}, *{e1})",
    "({e0})(**{e1})",
    "({n0} := {e0})",
    "[{e0}, *{e1}]",
    "({e0}, {e1})",
    "{{{e0}, {e1}}}",
    "{{{e0}: {e1}, **{e2}}}",
    "({e0} if {e1} else {e2})",
    "({e0} < {e1} <= {e2})",
    "({e0} and {e1} or {e2})",
    "(not {e0})",
    "(-{e0})",
    "(await {e0})",
    "(yield {e0})",
    "f'{{{f0}}}:{{{f1}!r:>{{{f2}}}}}'",
    "(lambda {n0}, {n1}={e0}: {e1})",
    "[{e0} for {n0} in {e1} if {e2}]",
    "{{{e0}: {e1} for {n0}, {n1} in {e2}}}",
    "({e0} for {n0} in {e1} for {n1} in {e2})",
    "{{{e0} for {n0} in {e1}}}",
]
TARGET_TEMPLATES = ["{n0}", "{n0}, *{n1}", "({n0}, {n1})", "{n0}[{e0}]", "{n0}.attr"]
STATEMENT_TEMPLATES = [
    "{t0} = {e0}",
    "{t0} = {t1} = {e0}",
    "{n0} += {e0}",
    "{n0}.y += {e0}",
    "{n0}: {e0}",
    "{n0}: {e0} = {e1}",
    "del {n0}",
    "del {n0}, {n1}[0]",
    "import os.path",
    "import m as {n0}",
    "from m import {n0}, y as {n1}",
    "from m import *",
    "from __future__ import annotations",
    "global {n0}",
    "nonlocal {n0}",
    "{e0}",
    "print({e0})",
    "assert {e0}, {e1}",
    "raise {e0} from {e1}",
    "return {e0}",
    "pass",
]
COMPOUND_TEMPLATES = [
    "@{e0}\ndef {n0}({n1}, q: {e1} = {e2}, *args, k={e0}, **kw) -> {e1}:\n{b0}",
    "async def {n0}():\n{b0}",
    "@{e0}\nclass {n0}({e1}, metaclass={e2}):\n{b0}",
    "if {e0}:\n{b0}\nelse:\n{b1}",
    "while {e0}:\n{b0}\nelse:\n{b1}",
    "for {t0} in {e0}:\n{b0}\nelse:\n{b1}",
    "async for {t0} in {e0}:\n{b0}",
    "with {e0} as {n0}, {e1}:\n{b0}",
    "try:\n{b0}\nexcept {e0} as {n0}:\n{b1}\nfinally:\n{b0}",
    "try:\n{b0}\nexcept* {e0}:\n{b1}",
    # Two different capture names: a pattern must not bind one twice.
    "match {e0}:\n    case [{c0}, *{c1}] | {{'k': {c0}, **{c1}}}:\n{bb0}\n"
    "    case C(x={c0}) if {e1}:\n{bb1}",
]
_CAPTURES = {"c0": ["a", "x", "_p"], "c1": ["b", "e", "__d"]}
#: Lines that make a cell fail to parse, or parse only in odd ways.
BROKEN = ["x = (", "def f(:", "  y = 1", "1 <> 2", "a = '", "lambda: (", "x = 1\r", "\x00", "@dec"]


def _indent(block: str, depth: int = 1) -> str:
    pad = "    " * depth
    return "\n".join(f"{pad}{line}" if line else line for line in block.split("\n"))


def _fill(
    draw: st.DrawFn, template: str, depth: int, statement: Callable[[int], st.SearchStrategy[str]]
) -> str:
    """``template`` with each hole drawn (the same hole twice is the same text)."""
    holes: dict[str, str] = {}
    for _, field, _, _ in string.Formatter().parse(template):
        if not field or field in holes:
            continue
        kind = field.rstrip("0123456789")
        if kind == "n":
            holes[field] = draw(st.sampled_from(NAMES))
        elif kind == "c":  # pattern captures, from two pools so that the two differ
            holes[field] = draw(st.sampled_from(_CAPTURES[field]))
        elif kind == "e":
            holes[field] = draw(expressions(depth - 1))
        elif kind == "f":
            holes[field] = _fill(draw, draw(st.sampled_from(F_PARTS)), depth, statement)
        elif kind == "t":
            holes[field] = _fill(draw, draw(st.sampled_from(TARGET_TEMPLATES)), depth, statement)
        elif kind in ("b", "bb"):
            block = "\n".join(draw(st.lists(statement(depth - 1), min_size=1, max_size=3)))
            holes[field] = _indent(block, 2 if kind == "bb" else 1)
    return template.format(**holes)


@st.composite
def expressions(draw: st.DrawFn, depth: int = 2) -> str:
    """An expression nested at most ``depth`` templates deep."""
    if depth <= 0 or draw(st.integers(0, 2)) == 0:
        return draw(st.sampled_from(ATOMS))
    return _fill(draw, draw(st.sampled_from(EXPRESSION_TEMPLATES)), depth, statements)


@st.composite
def statements(draw: st.DrawFn, depth: int = 2) -> str:
    """A statement; a compound one holds statements at most ``depth`` levels deep."""
    if depth > 0 and draw(st.integers(0, 2)) == 0:
        return _fill(draw, draw(st.sampled_from(COMPOUND_TEMPLATES)), depth, statements)
    return _fill(draw, draw(st.sampled_from(STATEMENT_TEMPLATES)), depth + 1, statements)


@st.composite
def python_cells(draw: st.DrawFn) -> str:
    """A cell: a few statements, sometimes a docstring or future import first, some with a
    line that does not parse."""
    head = draw(
        st.sampled_from(["", "", "", '"""Doc."""\n', "from __future__ import annotations\n"])
    )
    lines = draw(st.lists(statements(), max_size=4))
    broken = draw(st.sampled_from([None] * 3 * len(BROKEN) + BROKEN))
    if broken is not None:
        lines.insert(draw(st.integers(0, len(lines))), broken)
    return head + "\n".join(lines)


PYTHON_CELLS: st.SearchStrategy[str] = python_cells()

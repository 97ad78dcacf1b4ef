"""A cell the coordinator's analysis says does not end with an expression is compiled by the
worker straight from its text (protocol v11): the code object must be exactly the one the
general path (parse, take the last expression apart, compile) makes, and no value is lost."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.core.analysis import analyze
from kernel_worker.compiled_cells import compile_cell

LINES = st.sampled_from(
    ["x = 1", "y = x + 1", "print(x)", "x", "x;", "x  # c", "x ;  # c", "del y", "# c", "",
     "def f():\n    return y", "@dec\nclass C:\n    z = x", "s = '''a\n# %%\nb'''",
     "from __future__ import annotations", "for i in y:\n    t = i", "x += 1", '"doc"', "42",
     "...", "None", "(w := 5)", "if x:\n    x\nelse:\n    y", "with a as b:\n    b",
     "try:\n    x\nexcept E:\n    pass", "x = 1; x", "await z", "lambda: 1", "[i for i in y]",
     "import os", "x: int = 1", "f'{x}'", "match x:\n    case 1:\n        y"]
)  # fmt: skip
CELL = st.lists(LINES, max_size=5).map("\n".join)


def _compiled(code: str, ends_with_expression: bool = True) -> object:
    try:
        return compile_cell(code, "<cell x>", ends_with_expression)
    except SyntaxError as error:  # parses, does not compile (`await` outside a function)
        return ("SyntaxError", error.msg, error.lineno)


@settings(max_examples=600, deadline=None)
@given(CELL)
def test_the_fast_compile_is_the_general_compile(code: str) -> None:
    analysis = analyze(code)
    # The others the worker parses itself, as before (hypothesis fails the test if too few
    # examples are left to check).
    assume(analysis.syntax_error is None and not analysis.ends_with_expression)
    general = _compiled(code)
    fast = _compiled(code, ends_with_expression=False)
    if isinstance(general, tuple) and general[0] == "SyntaxError":
        assert fast == general  # the same error, at the same line
        return
    body, expr = compile_cell(code, "<cell x>")
    assert expr is None  # no value to show was lost
    fast_body, fast_expr = compile_cell(code, "<cell x>", ends_with_expression=False)
    assert fast_expr is None
    if body is None:  # nothing but comments and blank lines: nothing runs either way
        assert fast_body is not None and fast_body.co_names == ()
    else:
        assert fast_body == body  # the same bytecode, constants, names and line table


@pytest.mark.parametrize(
    ("code", "ends"),
    [("x = 1", False), ("x", True), ("x;", True), ("x = 1\n# note", False), ("'doc'", True),
     ("42", True), ("if x:\n    y", False), ("", False), ("# only", False)],
)  # fmt: skip
def test_the_analysis_says_whether_the_last_statement_is_an_expression(
    code: str, ends: bool
) -> None:
    assert analyze(code).ends_with_expression is ends

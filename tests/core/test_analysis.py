"""Table-driven tests for static cell analysis (SEMANTICS §1).

Each case is ``(id, code, defs, refs)``; ``defs`` and ``refs`` are space-separated names and
are compared as exact sets, builtins included.
"""

from __future__ import annotations

import ast

import pytest

from app.core.analysis import (
    EMPTY_ANALYSIS,
    CellAnalysis,
    SyntaxProblem,
    analyze,
    analyze_cell,
    analyze_sql,
    is_private_name,
)
from app.core.notebook import Cell

PYTHON_CASES: list[tuple[str, str, str, str]] = [
    # -- assignment targets ------------------------------------------------------------------
    ("assign", "x = 1", "x", ""),
    ("assign_reads_value", "y = x + 1", "y", "x"),
    ("tuple_unpacking", "a, b = pair", "a b", "pair"),
    ("nested_unpacking", "(a, [b, c]) = data", "a b c", "data"),
    ("star_unpacking", "first, *rest = items", "first rest", "items"),
    ("chained_assignment", "a = b = compute()", "a b", "compute"),
    ("augmented_assignment", "x += 1", "x", "x"),
    ("self_referencing_assignment", "x = x + 1", "x", "x"),
    ("augmented_attribute", "obj.count += n", "", "obj n"),
    ("annotated_with_value", "x: int = 1", "x", "int"),
    ("annotated_without_value", "x: int", "", "int"),
    ("annotated_attribute", "obj.a: Foo = v", "", "obj Foo v"),
    ("subscript_target", 'df["c"] = 1', "", "df"),
    ("attribute_target", "obj.a = 1", "", "obj"),
    ("subscript_target_reads_key", "m[k] = v", "", "m k v"),
    ("del_name_reads_nothing", "del x", "", ""),
    ("del_subscript_reads", 'del df["c"]', "", "df"),
    ("starred_call", "f(*args, **kwargs)", "", "f args kwargs"),
    ("slice", "part = xs[lo:hi]", "part", "xs lo hi"),
    ("if_expression", "y = a if cond else b", "y", "a cond b"),
    # -- top-level order ---------------------------------------------------------------------
    ("defined_before_read", "x = 1\nprint(x)", "x", "print"),
    ("read_before_defined", "print(x)\nx = 1", "x", "print x"),
    ("partly_defined", "a = 1\nb = a + c", "a b", "c"),
    ("builtins_are_refs", "print(len(xs))", "", "print len xs"),
    ("dunder_read", "print(__name__)", "", "print __name__"),
    ("dunder_defined", "__all__ = ['f']", "__all__", ""),
    ("read_after_del_is_not_ref", "x = 1\ndel x\nprint(x)", "x", "print"),
    ("global_statement_at_top_level", "global x\nx = 1", "x", ""),
    ("empty_cell", "", "", ""),
    ("comment_only", "# just a comment\n", "", ""),
    # -- imports -----------------------------------------------------------------------------
    ("import", "import os", "os", ""),
    ("import_dotted", "import os.path", "os", ""),
    ("import_dotted_as", "import matplotlib.pyplot as plt", "plt", ""),
    ("import_several", "import a, b.c as d", "a d", ""),
    ("from_import", "from math import pi, tau as t", "pi t", ""),
    ("from_relative", "from . import sibling\nfrom ..pkg.mod import thing", "sibling thing", ""),
    ("star_import_defines_nothing", "from os.path import *", "", ""),
    ("import_then_use", "import numpy as np\narr = np.zeros(3)", "np arr", ""),
    ("import_in_function_is_local", "def f():\n    import os\n    return os.getcwd()", "f", ""),
    # -- functions ---------------------------------------------------------------------------
    ("def", "def f():\n    pass", "f", ""),
    ("async_def_await", "async def f():\n    await g()", "f", "g"),
    ("function_free_variable", "def f():\n    return y", "f", "y"),
    (
        "parameters_are_not_refs",
        "def f(a, b=2, *args, c, d=4, **kw):\n    return a + b + c + d + len(args) + len(kw)",
        "f",
        "len",
    ),
    ("positional_only_parameters", "def f(a, /, b):\n    return a, b", "f", ""),
    ("function_locals", "def f():\n    z = 1\n    return z", "f", ""),
    ("local_assigned_after_read", "def f():\n    print(z)\n    z = 1", "f", "print"),
    ("default_values", "def f(a=default, *, b=other):\n    pass", "f", "default other"),
    ("default_read_before_defined", "def f(a=x):\n    pass\nx = 1", "f x", "x"),
    (
        "argument_and_return_annotations",
        "def f(a: A, *args: B, c: C = None, **kw: D) -> R:\n    pass",
        "f",
        "A B C D R",
    ),
    ("string_annotation_is_text", "def f() -> 'Later':\n    pass", "f", ""),
    # PEP 563: with the future import no annotation is evaluated, so none is a read.
    (
        "future_annotations_arguments_not_read",
        "from __future__ import annotations\ndef f(a: A, *b: B, **c: C) -> R:\n    return a",
        "f",
        "",
    ),
    (
        "future_annotations_module_and_class_level",
        "from __future__ import annotations\nx: Later = 1\nclass K:\n    y: Other = 2",
        "x K",
        "",
    ),
    (
        "future_annotations_after_docstring",
        '"""Doc."""\nfrom __future__ import annotations\ndef f(a: A) -> R:\n    pass',
        "f",
        "",
    ),
    (
        "future_annotations_keeps_defaults_and_decorators",
        "from __future__ import annotations\n@deco\ndef f(a: A = default):\n    pass",
        "f",
        "deco default",
    ),
    (
        "without_future_import_annotations_are_read",
        "import os\ndef f(a: A) -> R:\n    pass",
        "os f",
        "A R",
    ),
    ("future_import_defines_nothing", "from __future__ import annotations, division", "", ""),
    ("local_annotation_not_evaluated", "def f():\n    y: Local = 1\n    return y", "f", ""),
    ("decorator", "@decorator\ndef f():\n    pass", "f", "decorator"),
    ("decorator_call", "@app.route(path)\ndef view():\n    pass", "view", "app path"),
    ("recursion", "def fact(n):\n    return 1 if n < 2 else n * fact(n - 1)", "fact", ""),
    (
        "body_reads_function_defined_later",
        "def f():\n    return helper()\ndef helper():\n    return 1",
        "f helper",
        "",
    ),
    ("body_reads_name_assigned_later", "def f():\n    return y\ny = 1", "f y", ""),
    ("del_in_function_is_local", "def f():\n    x = 1\n    del x", "f", ""),
    # -- global / nonlocal -------------------------------------------------------------------
    (
        "global_assignment",
        "def setup():\n    global config\n    config = load()",
        "setup config",
        "load",
    ),
    ("global_read", "def show():\n    global counter\n    print(counter)", "show", "print counter"),
    ("global_augmented", "def inc():\n    global n\n    n += 1", "inc n", ""),
    ("global_of_cell_name", "x = 0\ndef inc():\n    global x\n    x += 1", "x inc", ""),
    (
        "global_in_nested_function",
        "def outer():\n    def inner():\n        global g\n        g = 1\n    inner()",
        "outer g",
        "",
    ),
    (
        "closure",
        "def outer():\n    v = 1\n    def inner():\n        return v + w\n    return inner",
        "outer",
        "w",
    ),
    (
        "nonlocal",
        "def outer():\n    count = 0\n    def inc():\n        nonlocal count\n        count += 1\n"
        "    return inc",
        "outer",
        "",
    ),
    (
        "inner_local_shadows",
        "def outer(x):\n    def inner():\n        x = 2\n        return x\n    return inner() + y",
        "outer",
        "y",
    ),
    (
        "closure_over_later_local",
        "def outer():\n    def inner():\n        return v\n    v = 1\n    return inner",
        "outer",
        "",
    ),
    # -- lambdas -----------------------------------------------------------------------------
    ("lambda_free_variable", "f = lambda a: a + k", "f", "k"),
    ("lambda_default", "f = lambda a=d: a", "f", "d"),
    ("lambda_in_comprehension", "fs = [lambda: i for i in range(3)]", "fs", "range"),
    ("nested_lambda", "f = lambda a: lambda b: a + b + c", "f", "c"),
    # -- classes -----------------------------------------------------------------------------
    ("class", "class A:\n    pass", "A", ""),
    ("class_bases_keywords", "class A(Base, metaclass=Meta):\n    pass", "A", "Base Meta"),
    ("class_decorator_annotation", "@dataclass\nclass P:\n    x: int = 0", "P", "dataclass int"),
    ("class_annotation_without_value", "class A:\n    x: Foo", "A", "Foo"),
    ("class_body_local", "class A:\n    x = 1\n    y = x + 1", "A", ""),
    ("class_body_reads_module", "class A:\n    y = x + 1", "A", "x"),
    ("class_body_read_before_local", "class A:\n    y = x\n    x = 1", "A", "x"),
    ("class_body_runs_at_once", "class A:\n    y = later\nlater = 1", "A later", "later"),
    (
        "method_does_not_see_class_names",
        "class A:\n    x = 1\n    def m(self):\n        return x",
        "A",
        "x",
    ),
    (
        "method_reads_later_function",
        "class A:\n    def m(self):\n        return helper(self)\ndef helper(a):\n    return a",
        "A helper",
        "",
    ),
    (
        "comprehension_in_class_skips_class_scope",
        "class A:\n    xs = [1, 2]\n    ys = [x for x in xs]\n    zs = [x for x in range(3) if x in xs]",
        "A",
        "range xs",
    ),
    (
        "self_attributes",
        "class A:\n    def __init__(self, v):\n        self.v = v\n    def get(self):\n"
        "        return self.v",
        "A",
        "",
    ),
    ("super", "class B(A):\n    def __init__(self):\n        super().__init__()", "B", "A super"),
    ("nested_class_body", "class Outer:\n    a = 1\n    class Inner:\n        b = a", "Outer", "a"),
    (
        "class_names_visible_to_method_decorators_and_defaults",
        "class A:\n    X = 1\n    dec = staticmethod\n    @dec\n    def m(a=X):\n        return a",
        "A",
        "staticmethod",
    ),
    ("lambda_in_class_skips_class_scope", "class A:\n    x = 1\n    f = lambda self: x", "A", "x"),
    ("class_body_global", "class A:\n    global registry\n    registry = {}", "A registry", ""),
    # -- comprehensions ----------------------------------------------------------------------
    ("list_comprehension", "ys = [x * 2 for x in xs]", "ys", "xs"),
    ("comprehension_variable_not_def", "[x for x in xs]\nprint(x)", "", "xs print x"),
    ("comprehension_condition", "ys = [x for x in xs if x > limit]", "ys", "xs limit"),
    ("several_generators", "pairs = [(a, b) for a in rows for b in a if b]", "pairs", "rows"),
    ("nested_comprehension", "m = [[c for c in row] for row in grid]", "m", "grid"),
    ("dict_comprehension", "d = {k: v for k, v in items.items()}", "d", "items"),
    ("set_comprehension", "s = {f(x) for x in xs}", "s", "f xs"),
    ("generator_expression", "total = sum(x for x in xs)", "total", "sum xs"),
    ("first_iterable_defined_before", "xs = [1]\nys = [x for x in xs]", "xs ys", ""),
    ("comprehension_shadows_module_name", "x = 1\nys = [x for x in range(3)]", "x ys", "range"),
    ("walrus_in_comprehension", "ys = [y for x in xs if (y := f(x))]", "ys y", "xs f"),
    (
        "walrus_accumulator",
        "total = 0\nrunning = [(total := total + v) for v in vals]",
        "total running",
        "vals",
    ),
    ("walrus_accumulator_unset", "[(s := s + v) for v in vals]", "s", "vals s"),
    (
        "walrus_in_comprehension_in_function",
        "def f(xs):\n    [(m := x) for x in xs]\n    return m",
        "f",
        "",
    ),
    (
        "walrus_in_generator_argument",
        "if any((hit := x) > 3 for x in xs):\n    print(hit)",
        "hit",
        "any xs print",
    ),
    # -- walrus ------------------------------------------------------------------------------
    ("walrus_in_condition", "if (n := len(a)) > 10:\n    print(n)", "n", "len a print"),
    ("walrus_then_read", "print(y := 5, y)", "y", "print"),
    ("walrus_in_lambda_is_local", "f = lambda: (z := 1)", "f", ""),
    # -- control flow ------------------------------------------------------------------------
    ("for_loop", "for i in range(3):\n    total = i", "i total", "range"),
    ("for_else", "for x in xs:\n    pass\nelse:\n    done = True", "x done", "xs"),
    ("for_target_read_in_iter", "for x in x:\n    pass", "x", "x"),
    (
        "async_for",
        "async def main():\n    async for item in stream():\n        print(item)\n"
        "async for row in cursor:\n    last = row",
        "main row last",
        "stream print cursor",
    ),
    (
        "async_with",
        "async def f():\n    async with lock as held:\n        return held",
        "f",
        "lock",
    ),
    ("await_at_top_level", "data = await fetch(url)", "data", "fetch url"),
    ("while_loop", "while n > 0:\n    n -= 1", "n", "n"),
    ("conditional_defs", "if flag:\n    x = 1\nelse:\n    y = 2", "x y", "flag"),
    ("with_as", "with open(path) as fh:\n    text = fh.read()", "fh text", "open path"),
    ("with_several_items", "with a() as (x, y), b as z:\n    pass", "x y z", "a b"),
    ("with_without_as", "with lock:\n    pass", "", "lock"),
    (
        "try_except_import",
        "try:\n    import fast as impl\nexcept ImportError:\n    import slow as impl",
        "impl",
        "ImportError",
    ),
    (
        "except_as_not_a_def",
        "try:\n    risky()\nexcept ValueError as err:\n    message = str(err)",
        "message",
        "risky ValueError str",
    ),
    (
        "except_name_unbound_after",
        "try:\n    pass\nexcept E as e:\n    pass\nprint(e)",
        "",
        "E print e",
    ),
    (
        "try_else_finally",
        "try:\n    a = 1\nexcept Exception:\n    a = 2\nelse:\n    b = a\nfinally:\n    c = 3",
        "a b c",
        "Exception",
    ),
    (
        "except_star",
        "try:\n    pass\nexcept* ValueError as eg:\n    n = len(eg.exceptions)",
        "n",
        "ValueError len",
    ),
    # -- match -------------------------------------------------------------------------------
    (
        "match_sequence_capture",
        "match cmd:\n    case [action, obj]:\n        pass",
        "action obj",
        "cmd",
    ),
    ("match_class_keyword", "match p:\n    case Point(x=a, y=0):\n        pass", "a", "p Point"),
    (
        "match_class_positional",
        "match shape:\n    case Circle(r):\n        area = pi * r ** 2",
        "r area",
        "shape Circle pi",
    ),
    ("match_star", "match seq:\n    case [first, *rest]:\n        pass", "first rest", "seq"),
    ("match_mapping", 'match cfg:\n    case {"k": v, **kw}:\n        pass', "v kw", "cfg"),
    ("match_as", "match x:\n    case _ as y:\n        pass", "y", "x"),
    ("match_or", "match v:\n    case [a] | (a, _):\n        pass", "a", "v"),
    (
        "match_value_and_guard",
        "match c:\n    case Color.RED if strict:\n        hit = 1",
        "hit",
        "c Color strict",
    ),
    (
        "match_literals_and_wildcard",
        "match n:\n    case 0 | None:\n        z = 0\n    case _:\n        z = n",
        "z",
        "n",
    ),
    # -- private names -----------------------------------------------------------------------
    ("private_def", "_tmp = 1\nresult = _tmp + 1", "result", ""),
    ("private_read", "print(_hidden)", "", "print"),
    ("private_function", "def _helper():\n    return x\ny = _helper()", "y", "x"),
    ("underscore_loop_variable", "for _ in range(3):\n    pass", "", "range"),
    ("double_underscore_is_public", "__x = 1", "__x", ""),
    # -- f-strings ---------------------------------------------------------------------------
    ("f_string", 'msg = f"{name!r}: {value:{width}.2f}"', "msg", "name value width"),
    ("f_string_expressions", "s = f'{a + b}{c[d]}'", "s", "a b c d"),
    # -- syntax error ------------------------------------------------------------------------
    ("syntax_error_reads_nothing", "x = y +", "", ""),
]


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


def test_enough_cases() -> None:
    assert len(PYTHON_CASES) >= 90
    assert len({case[0] for case in PYTHON_CASES}) == len(PYTHON_CASES)


@pytest.mark.parametrize(
    ("code", "defs", "refs"),
    [pytest.param(code, defs, refs, id=case_id) for case_id, code, defs, refs in PYTHON_CASES],
)
def test_python_defs_and_refs(code: str, defs: str, refs: str) -> None:
    result = analyze(code)
    assert (result.defs, result.refs) == (_names(defs), _names(refs))


@pytest.mark.parametrize(
    ("code", "deletes"),
    [
        pytest.param("del x", "x", id="top_level"),
        pytest.param("del a, b", "a b", id="several"),
        pytest.param("del x, _y", "x", id="private_skipped"),
        pytest.param("def f():\n    global g\n    del g", "g", id="global_in_function"),
        pytest.param("def f():\n    x = 1\n    del x", "", id="function_local"),
        pytest.param('del df["c"]', "", id="subscript"),
        pytest.param("del obj.attr", "", id="attribute"),
    ],
)
def test_deletes(code: str, deletes: str) -> None:
    assert analyze(code).deletes == _names(deletes)


@pytest.mark.parametrize(
    ("code", "private_defs", "defs"),
    [
        pytest.param("_tmp = 1", "_tmp", "", id="assignment"),
        pytest.param("import numpy as _np", "_np", "", id="import"),
        pytest.param("def _f():\n    pass", "_f", "", id="function"),
        pytest.param("for _ in xs:\n    pass", "_", "", id="underscore"),
        pytest.param("__version__ = '1'", "", "__version__", id="dunder_is_public"),
        pytest.param("def f():\n    global _g\n    _g = 1", "_g", "f", id="global"),
        pytest.param("a, _b = pair", "_b", "a", id="unpacking"),
        pytest.param("def f():\n    _local = 1", "", "f", id="function_local"),
    ],
)
def test_private_defs(code: str, private_defs: str, defs: str) -> None:
    result = analyze(code)
    assert (result.private_defs, result.defs) == (_names(private_defs), _names(defs))


@pytest.mark.parametrize(
    ("name", "private"),
    [("_x", True), ("_", True), ("x", False), ("__x", False), ("__name__", False), ("x_", False)],
)
def test_is_private_name(name: str, private: bool) -> None:
    assert is_private_name(name) is private


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        pytest.param("def f(:\n    pass", SyntaxProblem("invalid syntax", 1, 7), id="invalid"),
        pytest.param("a = 1\nb = (", SyntaxProblem("'(' was never closed", 2, 5), id="unclosed"),
        pytest.param("x = 1\n  y = 2", SyntaxProblem("unexpected indent", 2, 2), id="indent"),
        pytest.param("x = 1\ny = 2 +", SyntaxProblem("invalid syntax", 2, 8), id="second_line"),
    ],
)
def test_syntax_error_position(code: str, problem: SyntaxProblem) -> None:
    result = analyze(code)
    assert result.syntax_error == problem
    assert result == CellAnalysis(frozenset(), frozenset(), syntax_error=problem)


def test_null_byte_is_a_syntax_problem() -> None:
    result = analyze("x = 1\x00")
    assert result.syntax_error is not None
    assert (result.defs, result.refs) == (frozenset(), frozenset())


def test_long_operator_chain_is_analysed() -> None:
    result = analyze("total = " + " + ".join(f"v{i}" for i in range(2000)))
    assert result.syntax_error is None
    assert result.refs == frozenset(f"v{i}" for i in range(2000))


def test_absurd_nesting_reports_instead_of_raising() -> None:
    result = analyze("x = " + "-" * 100_000 + "1")
    assert result.syntax_error is not None
    assert result.defs == frozenset()


@pytest.mark.parametrize(
    ("code", "defs", "refs"),
    [
        pytest.param("type Pair = tuple[Elem, Elem]", "Pair", "tuple Elem", id="alias"),
        pytest.param("type Tree = list[Tree]", "Tree", "list", id="recursive"),
        pytest.param("type Box[T] = list[T]", "Box", "list", id="generic_alias"),
        pytest.param("type A = B\nB = int", "A B", "int", id="lazy_value"),
        pytest.param("def f[T](x: T) -> T:\n    return x", "f", "", id="generic_function"),
        pytest.param("class C[T](Base[T]):\n    pass", "C", "Base", id="generic_class"),
    ],
)
def test_type_aliases(code: str, defs: str, refs: str) -> None:
    """PEP 695 syntax (3.12+). On an older Python the cell is a syntax error, as it would be
    when run: it defines and reads nothing and says where the problem is."""
    result = analyze(code)
    if hasattr(ast, "TypeAlias"):
        assert (result.defs, result.refs) == (_names(defs), _names(refs))
    else:
        assert result.syntax_error is not None
        assert (result.defs, result.refs) == (frozenset(), frozenset())


SQL_CASES: list[tuple[str, str, str | None, str, str]] = [
    ("placeholder", "select * from t where a = {x}", "df", "df", "x"),
    ("no_name", "select {x}", None, "", "x"),
    ("no_placeholders", "select 1", "result", "result", ""),
    ("several", "select {a}, {b}, {a}", "df", "df", "a b"),
    ("comment_ignored", "select {a} -- not {b}\n/* nor {c} */", "df", "df", "a"),
    ("quoted_placeholder", "select * from t where name = '{who}'", "df", "df", "who"),
    ("string_literal_ignored", "select '{a} and {b}'", "df", "df", ""),
    ("doubled_braces", "select '{{x}}', {{y}}", "df", "df", ""),
    ("private_placeholder", "select {_secret}, {shown}", "df", "df", "shown"),
    ("empty", "", "df", "df", ""),
]


@pytest.mark.parametrize(
    ("template", "name", "defs", "refs"),
    [pytest.param(t, n, d, r, id=case_id) for case_id, t, n, d, r in SQL_CASES],
)
def test_sql_defs_and_refs(template: str, name: str | None, defs: str, refs: str) -> None:
    result = analyze_sql(template, name)
    assert (result.defs, result.refs) == (_names(defs), _names(refs))
    assert result.syntax_error is None


def test_sql_private_result_name() -> None:
    result = analyze_sql("select {x}", "_scratch")
    assert (result.defs, result.private_defs, result.refs) == (
        frozenset(),
        frozenset({"_scratch"}),
        frozenset({"x"}),
    )


def test_analyze_cell_dispatches_on_kind() -> None:
    python = Cell(id="a", kind="python", code="y = x")
    sql = Cell(id="b", kind="sql", code="select {y}", name="df")
    markdown = Cell(id="c", kind="markdown", code="# {x} = y")
    assert analyze_cell(python) == CellAnalysis(frozenset({"y"}), frozenset({"x"}))
    assert analyze_cell(sql) == CellAnalysis(frozenset({"df"}), frozenset({"y"}))
    assert analyze_cell(markdown) is EMPTY_ANALYSIS
    assert CellAnalysis(frozenset(), frozenset()) == EMPTY_ANALYSIS


def test_results_are_cached_by_code() -> None:
    code = "cached_value = source + 1"
    assert analyze(code) is analyze(code)


def test_a_thousand_chained_cells_each_define_one_link_and_read_the_last() -> None:
    """Their speed is a benchmark figure (``python -m benchmarks.engine``: analyse every cell,
    and µs per extra cell from 1,000 to 10,000), not a wall-clock assertion here."""
    codes = [f"x_{i + 1} = x_{i} + 1  # link {i}" for i in range(1000)]
    results = [analyze(code) for code in codes]
    assert results == [
        CellAnalysis(frozenset({f"x_{i + 1}"}), frozenset({f"x_{i}"})) for i in range(1000)
    ]

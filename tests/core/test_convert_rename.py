"""Making a top-to-bottom notebook reactive: redefinitions renamed, readers rewritten, nothing
else touched — and the result, run in Cascade's order, prints what Jupyter printed.

Each case: the cells in, the cells expected out. Unless marked otherwise, both versions are
also *run* (Jupyter's way and Cascade's way, in-process) and must print the same thing, and the
converted cells must have no multiple definition and no cycle.
"""

from __future__ import annotations

import pytest

from app.core.convert import make_reactive
from app.core.convert.conflicts import conflict_notes
from tests.core.convert_helpers import Spec, run_like_cascade, run_like_jupyter, source_cells

#: (id, cells in, cells out)
CASES: list[tuple[str, list[Spec], list[Spec]]] = [
    # -- plain redefinitions -------------------------------------------------------------------
    ("second_definition", ["x = 1", "x = 2", "print(x)"], ["x = 1", "x_2 = 2", "print(x_2)"]),
    (
        "reads_the_previous_value",
        ["df = [3, 1, 2]", "df = sorted(df)", "print(df)"],
        ["df = [3, 1, 2]", "df_2 = sorted(df)", "print(df_2)"],
    ),
    (
        "readers_in_between_keep_the_first",
        ["x = 1", "print(x)", "x = 2", "print(x)"],
        ["x = 1", "print(x)", "x_2 = 2", "print(x_2)"],
    ),
    (
        "third_definition",
        ["x = 1", "x = x + 1", "x = x * 10", "print(x)"],
        ["x = 1", "x_2 = x + 1", "x_3 = x_2 * 10", "print(x_3)"],
    ),
    (
        "rebinding_in_one_cell_keeps_its_name",
        ["x = 1\nx = x + 1\nprint(x)"],
        ["x = 1\nx = x + 1\nprint(x)"],
    ),
    (
        "rebinding_twice_in_a_later_cell",
        ["x = 1", "x = x + 1\nx = x * 2", "print(x)"],
        ["x = 1", "x_2 = x + 1\nx_2 = x_2 * 2", "print(x_2)"],
    ),
    (
        "several_names_in_one_cell",
        ["a = 1\nb = 2", "a, b = a + b, a - b\nprint(a, b)"],
        ["a = 1\nb = 2", "a_2, b_2 = a + b, a - b\nprint(a_2, b_2)"],
    ),
    (
        "tuple_swap",
        ["a, b = 1, 2", "a, b = b, a\nprint(a, b)"],
        ["a, b = 1, 2", "a_2, b_2 = b, a\nprint(a_2, b_2)"],
    ),
    (
        "star_unpacking",
        ["a, b = 1, 2", "a, *rest = [b, 3, 4]\nprint(a, rest)"],
        ["a, b = 1, 2", "a_2, *rest = [b, 3, 4]\nprint(a_2, rest)"],
    ),
    (
        "chained_assignment",
        ["x = y = 0", "x = y = 5\nprint(x, y)"],
        ["x = y = 0", "x_2 = y_2 = 5\nprint(x_2, y_2)"],
    ),
    (
        "annotated_assignment",
        ["x: int = 1", "x: int = x + 1\nprint(x)"],
        ["x: int = 1", "x_2: int = x + 1\nprint(x_2)"],
    ),
    (
        "name_already_taken_is_skipped",
        ["df = 1\ndf_2 = 'taken'", "df = 3\nprint(df, df_2)"],
        ["df = 1\ndf_2 = 'taken'", "df_3 = 3\nprint(df_3, df_2)"],
    ),
    (
        "name_taken_by_a_local_elsewhere",
        ["x = 1", "def f():\n    x_2 = 5\n    return x_2", "x = 2\nprint(x, f())"],
        ["x = 1", "def f():\n    x_2 = 5\n    return x_2", "x_3 = 2\nprint(x_3, f())"],
    ),
    # -- augmented assignment --------------------------------------------------------------------
    (
        "augmented_assignment",
        ["x = 1", "x += 1", "print(x)"],
        ["x = 1", "x_2 = x\nx_2 += 1", "print(x_2)"],
    ),
    (
        "augmented_keeps_in_place_meaning",
        ["a = [1]\nb = a", "a += [2]", "print(a, b)"],
        ["a = [1]\nb = a", "a_2 = a\na_2 += [2]", "print(a_2, b)"],
    ),
    (
        "augmented_after_a_comment",
        ["x = 1", "# update\nx *= 3", "print(x)"],
        ["x = 1", "# update\nx_2 = x\nx_2 *= 3", "print(x_2)"],
    ),
    (
        "alias_after_future_import",
        ["x = 1", "from __future__ import annotations\nx += 1", "print(x)"],
        ["x = 1", "from __future__ import annotations\nx_2 = x\nx_2 += 1", "print(x_2)"],
    ),
    # -- loops, branches, context managers ---------------------------------------------------------
    (
        "for_target_not_read_later",
        ["i = 10", "for i in range(3):\n    print(i)"],
        ["i = 10", "for i_2 in range(3):\n    print(i_2)"],
    ),
    (
        "for_target_read_later_gets_alias",
        ["i = 10", "for i in range(3):\n    pass", "print(i)"],
        ["i = 10", "i_2 = i\nfor i_2 in range(3):\n    pass", "print(i_2)"],
    ),
    (
        "for_loop_accumulates",
        ["total = 0", "for v in [1, 2, 3]:\n    total = total + v", "print(total)"],
        [
            "total = 0",
            "total_2 = total\nfor v in [1, 2, 3]:\n    total_2 = total_2 + v",
            "print(total_2)",
        ],
    ),
    (
        "while_loop",
        ["n = 0", "while n < 3:\n    n += 1", "print(n)"],
        ["n = 0", "n_2 = n\nwhile n_2 < 3:\n    n_2 += 1", "print(n_2)"],
    ),
    (
        "with_as",
        ["f = None", "import io\nwith io.StringIO('text') as f:\n    print(f.read())"],
        ["f = None", "import io\nwith io.StringIO('text') as f_2:\n    print(f_2.read())"],
    ),
    (
        "if_without_else_gets_alias",
        ["x = 1", "if False:\n    x = 2", "print(x)"],
        ["x = 1", "x_2 = x\nif False:\n    x_2 = 2", "print(x_2)"],
    ),
    (
        "if_else_both_define",
        ["x = 1", "if True:\n    x = 2\nelse:\n    x = 3", "print(x)"],
        ["x = 1", "if True:\n    x_2 = 2\nelse:\n    x_2 = 3", "print(x_2)"],
    ),
    (
        "try_except_both_define",
        ["x = 0", "try:\n    x = int('5')\nexcept ValueError:\n    x = -1", "print(x)"],
        ["x = 0", "try:\n    x_2 = int('5')\nexcept ValueError:\n    x_2 = -1", "print(x_2)"],
    ),
    (
        "try_may_not_define",
        ["x = 0", "try:\n    x = int('a')\nexcept ValueError:\n    pass", "print(x)"],
        ["x = 0", "x_2 = x\ntry:\n    x_2 = int('a')\nexcept ValueError:\n    pass", "print(x_2)"],
    ),
    (
        "walrus_in_if_test",
        ["n = 1", "if (n := 5) > 3:\n    print(n)", "print(n)"],
        ["n = 1", "n_2 = n\nif (n_2 := 5) > 3:\n    print(n_2)", "print(n_2)"],
    ),
    (
        "match_capture",
        ["m = 0", "match [1, 2]:\n    case [m, _]:\n        print(m)"],
        ["m = 0", "match [1, 2]:\n    case [m_2, _]:\n        print(m_2)"],
    ),
    # -- functions and classes ---------------------------------------------------------------------
    (
        "function_redefined",
        ["def f():\n    return 1", "def f():\n    return 2", "print(f())"],
        ["def f():\n    return 1", "def f_2():\n    return 2", "print(f_2())"],
    ),
    (
        "recursive_function_redefined",
        [
            "def fact(n):\n    return 1",
            "def fact(n):\n    return 1 if n < 2 else n * fact(n - 1)",
            "print(fact(5))",
        ],
        [
            "def fact(n):\n    return 1",
            "def fact_2(n):\n    return 1 if n < 2 else n * fact_2(n - 1)",
            "print(fact_2(5))",
        ],
    ),
    (
        "class_redefined",
        ["class A:\n    pass", "class A:\n    x = 1", "print(A.x)"],
        ["class A:\n    pass", "class A_2:\n    x = 1", "print(A_2.x)"],
    ),
    (
        "class_extends_its_previous_version",
        ["class A:\n    x = 1", "class A(A):\n    y = 2", "print(A.x, A.y)"],
        ["class A:\n    x = 1", "A_2 = A\nclass A_2(A_2):\n    y = 2", "print(A_2.x, A_2.y)"],
    ),
    (
        "function_defined_after_new_binding",
        ["df = 1", "df = 2\ndef g():\n    return df", "print(g())"],
        ["df = 1", "df_2 = 2\ndef g():\n    return df_2", "print(g())"],
    ),
    (
        "function_called_before_the_new_binding",
        ["x = 1", "def f():\n    return x\nprint(f())\nx = 2\nprint(f())"],
        ["x = 1", "x_2 = x\ndef f():\n    return x_2\nprint(f())\nx_2 = 2\nprint(f())"],
    ),
    (
        "global_declaration_in_function",
        [
            "counter = 0",
            "def bump():\n    global counter\n    counter += 1",
            "bump()\nprint(counter)",
        ],
        [
            "counter = 0",
            "counter_2 = counter\ndef bump():\n    global counter_2\n    counter_2 += 1",
            "bump()\nprint(counter_2)",
        ],
    ),
    (
        "global_read_only_renamed",
        ["x = 1", "x = 2", "def f():\n    global x\n    return x\nprint(f())"],
        ["x = 1", "x_2 = 2", "def f():\n    global x_2\n    return x_2\nprint(f())"],
    ),
    (
        "default_argument_reads",
        ["k = 1", "k = 2\ndef f(a=k):\n    return a\nprint(f())"],
        ["k = 1", "k_2 = 2\ndef f(a=k_2):\n    return a\nprint(f())"],
    ),
    (
        "decorator_reads",
        [
            "def deco(f):\n    return f",
            "def deco(f):\n    print('decorated')\n    return f",
            "@deco\ndef g():\n    return 1\nprint(g())",
        ],
        [
            "def deco(f):\n    return f",
            "def deco_2(f):\n    print('decorated')\n    return f",
            "@deco_2\ndef g():\n    return 1\nprint(g())",
        ],
    ),
    (
        "lambda_reads",
        ["k = 1", "k = 2\nf = lambda: k", "print(f())"],
        ["k = 1", "k_2 = 2\nf = lambda: k_2", "print(f())"],
    ),
    # -- scopes: what is not the module-level name -----------------------------------------------
    (
        "parameter_shadows",
        ["x = 1", "x = 2\ndef f(x):\n    return x\nprint(f(5), x)"],
        ["x = 1", "x_2 = 2\ndef f(x):\n    return x\nprint(f(5), x_2)"],
    ),
    (
        "function_local_shadows",
        ["y = 1", "y = 2\ndef f():\n    y = 10\n    return y\nprint(f(), y)"],
        ["y = 1", "y_2 = 2\ndef f():\n    y = 10\n    return y\nprint(f(), y_2)"],
    ),
    (
        "nonlocal_is_not_global",
        [
            "v = 1",
            "v = 2\ndef outer():\n    v = 0\n    def inner():\n        nonlocal v\n        v += 1\n"
            "    inner()\n    return v\nprint(outer(), v)",
        ],
        [
            "v = 1",
            "v_2 = 2\ndef outer():\n    v = 0\n    def inner():\n        nonlocal v\n        v += 1\n"
            "    inner()\n    return v\nprint(outer(), v_2)",
        ],
    ),
    (
        "class_body_scope",
        ["a = 1", "a = 2\nclass K:\n    a = a + 1\n    b = a\nprint(K.a, K.b, a)"],
        ["a = 1", "a_2 = 2\nclass K:\n    a = a_2 + 1\n    b = a\nprint(K.a, K.b, a_2)"],
    ),
    (
        "comprehension_variable_is_local",
        ["x = [1]", "x = [x for x in range(3)]\nprint(x)"],
        ["x = [1]", "x_2 = [x for x in range(3)]\nprint(x_2)"],
    ),
    (
        "comprehension_reads_global",
        ["n = 2", "n = 3\nvals = [n * i for i in range(2)]", "print(vals)"],
        ["n = 2", "n_2 = 3\nvals = [n_2 * i for i in range(2)]", "print(vals)"],
    ),
    (
        "attribute_is_not_the_name",
        ["obj = type('O', (), {'df': 'attr'})()\ndf = 1", "df = 2\nprint(obj.df, df)"],
        ["obj = type('O', (), {'df': 'attr'})()\ndf = 1", "df_2 = 2\nprint(obj.df, df_2)"],
    ),
    (
        "keyword_argument_is_not_the_name",
        ["x = 1", "x = 2\nprint(dict(x=x))"],
        ["x = 1", "x_2 = 2\nprint(dict(x=x_2))"],
    ),
    (
        "strings_and_comments_untouched",
        ["x = 1", "x = 2  # x is two\nprint('x', \"x\", x)"],
        ["x = 1", "x_2 = 2  # x is two\nprint('x', \"x\", x_2)"],
    ),
    (
        "fstring_fields",
        ["x = 1", "x = 2\nprint(f'{x} {x + 1} {x!r:>4} {{x}}')"],
        ["x = 1", "x_2 = 2\nprint(f'{x_2} {x_2 + 1} {x_2!r:>4} {{x}}')"],
    ),
    (
        "fstring_self_documenting",
        ["x = 1", "x = 2\nprint(f'{x=}')"],
        ["x = 1", "x_2 = 2\nprint(f'x={x_2!r}')"],
    ),
    (
        "fstring_self_documenting_with_format",
        ["x = 1.5", "x = 2.25\nprint(f'{x = :.1f}')"],
        ["x = 1.5", "x_2 = 2.25\nprint(f'x = {x_2:.1f}')"],
    ),
    (
        "non_ascii_positions",
        ["é = 'a'", "é = 'ü' + é\nprint('ö', é)"],
        ["é = 'a'", "é_2 = 'ü' + é\nprint('ö', é_2)"],
    ),
    # -- del -------------------------------------------------------------------------------------
    ("del_of_renamed_version", ["x = 1", "x = 2", "del x"], ["x = 1", "x_2 = 2", "del x_2"]),
    (
        "del_then_define_again",
        ["x = 1", "del x\nx = 2", "print(x)"],
        ["x = 1", "x_2 = x\ndel x_2\nx_2 = 2", "print(x_2)"],
    ),
    # -- imports -----------------------------------------------------------------------------------
    (
        "identical_import_merged",
        ["import math", "import math\nprint(math.pi)"],
        ["import math", "print(math.pi)"],
    ),
    (
        "identical_import_as_merged",
        ["import collections as c", "import collections as c\nprint(c.Counter('aab')['a'])"],
        ["import collections as c", "print(c.Counter('aab')['a'])"],
    ),
    (
        "one_alias_of_several_merged",
        ["import os, sys", "import os, json\nprint(json.dumps(1), os.sep)"],
        ["import os, sys", "import json\nprint(json.dumps(1), os.sep)"],
    ),
    (
        "from_import_merged",
        ["from math import pi", "from math import pi, tau\nprint(pi, tau)"],
        ["from math import pi", "from math import tau\nprint(pi, tau)"],
    ),
    (
        "other_module_same_alias_renamed",
        ["import json as j", "import math as j\nprint(j.pi)"],
        ["import json as j", "import math as j_2\nprint(j_2.pi)"],
    ),
    (
        "from_import_over_a_variable_renamed",
        ["pi = 3", "from math import pi\nprint(pi)"],
        ["pi = 3", "from math import pi as pi_2\nprint(pi_2)"],
    ),
    (
        "submodule_after_package_keeps_loading",
        ["import os", "import os.path\nprint(os.path.sep)"],
        ["import os", "import os.path as _os_path\nprint(os.path.sep)"],
    ),
    (
        "same_submodule_import_merged",
        ["import os.path", "import os.path\nprint(os.path.sep)"],
        ["import os.path", "print(os.path.sep)"],
    ),
    (
        "import_in_if_merged_to_pass",
        ["import json", "if True:\n    import json\nprint(json.dumps([]))"],
        ["import json", "if True:\n    pass\nprint(json.dumps([]))"],
    ),
    (
        "import_with_fallback_renamed",
        [
            "import json",
            "try:\n    import json\nexcept ImportError:\n    json = None\nprint(json is None)",
        ],
        [
            "import json",
            "try:\n    import json as json_2\nexcept ImportError:\n    json_2 = None\nprint(json_2 is None)",
        ],
    ),
    # -- builtins and private names ----------------------------------------------------------------
    (
        "builtin_read_above_is_kept",
        ["print(sum([1, 2]))", "sum = 10", "print(sum)"],
        ["print(sum([1, 2]))", "sum_2 = 10", "print(sum_2)"],
    ),
    ("builtin_shadowed_first", ["list = [1]", "print(list)"], ["list = [1]", "print(list)"]),
    ("private_name_shared", ["_x = 5", "print(_x)"], ["x = 5", "print(x)"]),
    (
        "private_name_shared_public_taken",
        ["x = 1\n_x = 5", "print(_x, x)"],
        ["x = 1\nx_2 = 5", "print(x_2, x)"],
    ),
    (
        "private_names_kept_in_their_cells",
        ["_t = 1\ny = _t + 1", "_t = 2\nz = _t", "print(y, z)"],
        ["_t = 1\ny = _t + 1", "_t = 2\nz = _t", "print(y, z)"],
    ),
    (
        "future_annotations_no_cycle",
        [
            "from __future__ import annotations\ndef f(x: Later) -> Later:\n    return x",
            "class Later:\n    pass",
            "from __future__ import annotations\nprint(type(f(Later())).__name__)",
        ],
        [
            "from __future__ import annotations\ndef f(x: Later) -> Later:\n    return x",
            "class Later:\n    pass",
            "from __future__ import annotations\nprint(type(f(Later())).__name__)",
        ],
    ),
    # -- SQL cells ---------------------------------------------------------------------------------
    (
        "sql_placeholder_reads_latest",
        ["x = 1", "x = 2", ("sql", "SELECT {x} AS v", "df")],
        ["x = 1", "x_2 = 2", ("sql", "SELECT {x_2} AS v", "df")],
    ),
    (
        "sql_result_name_redefined",
        [("sql", "SELECT 1", "df"), "df = 5", "print(df)"],
        [("sql", "SELECT 1", "df"), "df_2 = 5", "print(df_2)"],
    ),
    (
        "sql_result_after_python_definition",
        ["df = 1", ("sql", "SELECT {df}", "df"), ("sql", "SELECT * FROM t WHERE a = {df}", "out")],
        [
            "df = 1",
            ("sql", "SELECT {df}", "df_2"),
            ("sql", "SELECT * FROM t WHERE a = {df_2}", "out"),
        ],
    ),
]

#: Cases whose output is not compared by running them (SQL needs a database).
NOT_RUN = {
    "sql_placeholder_reads_latest",
    "sql_result_name_redefined",
    "sql_result_after_python_definition",
}


def test_enough_cases() -> None:
    assert len(CASES) >= 60
    assert len({case[0] for case in CASES}) == len(CASES)


@pytest.mark.parametrize(("cells_in", "cells_out"), [pytest.param(i, o, id=c) for c, i, o in CASES])
def test_conversion(cells_in: list[Spec], cells_out: list[Spec]) -> None:
    result = make_reactive(source_cells(cells_in))
    assert list(result.cells) == source_cells(cells_out)
    assert conflict_notes(result.cells) == []


@pytest.mark.parametrize(
    "cells_in", [pytest.param(i, id=c) for c, i, _ in CASES if c not in NOT_RUN]
)
def test_converted_cells_print_what_jupyter_printed(cells_in: list[str]) -> None:
    converted = make_reactive(source_cells(cells_in)).cells
    assert run_like_cascade(converted) == run_like_jupyter(cells_in)


def test_renames_are_reported_with_readers() -> None:
    result = make_reactive(source_cells(["df = 1", "print(df)", "df = df + 1", "print(df)", "df"]))
    (renamed,) = result.renames
    assert (renamed.cell, renamed.old, renamed.new, renamed.previous) == (2, "df", "df_2", "df")
    assert renamed.readers == (3, 4) and not renamed.alias
    assert "first defined in cell 1" in renamed.reason


def test_alias_is_reported() -> None:
    (renamed,) = make_reactive(source_cells(["x = 1", "x += 1"])).renames
    assert renamed.alias and renamed.previous == "x" and "updates" in renamed.reason


def test_merged_import_is_reported() -> None:
    result = make_reactive(source_cells(["import math", "x = 1", "import math"]))
    (merged,) = result.merged_imports
    assert (merged.cell, merged.name, merged.first_cell) == (2, "math", 0)


@pytest.mark.parametrize(
    ("cells", "kind", "cell"),
    [
        (["print(later)", "later = 1"], "forward", 0),
        (["1 + 1", "print(_)"], "ipython", 1),
        (["x = 1", "x = (", "print(x)"], "syntax", 1),
        (["x = 1", "def show():\n    return x", "x = 2", "print(show())"], "late-read", 1),
    ],
    ids=["forward_read", "ipython_underscore", "syntax_error", "function_reads_later_definition"],
)
def test_notes(cells: list[str], kind: str, cell: int) -> None:
    notes = make_reactive(source_cells(cells)).notes
    assert [(n.kind, n.cell) for n in notes] == [(kind, cell)]
    assert notes[0].severity == "warning"


def test_function_reading_a_later_definition_keeps_the_earlier_value() -> None:
    """A documented difference (reported as ``late-read``): Jupyter's function would see the
    newest global at call time, the converted one keeps reading the version above it."""
    cells = ["x = 1", "def show():\n    return x", "x = 2", "print(show())"]
    converted = make_reactive(source_cells(cells)).cells
    assert [c.code for c in converted] == [
        "x = 1",
        "def show():\n    return x",
        "x_2 = 2",
        "print(show())",
    ]
    assert run_like_jupyter(cells) == "2\n" and run_like_cascade(converted) == "1\n"


def test_syntax_error_cell_is_left_alone() -> None:
    result = make_reactive(source_cells(["x = 1", "x = (", "x = 2", "print(x)"]))
    assert [c.code for c in result.cells] == ["x = 1", "x = (", "x_2 = 2", "print(x_2)"]


def test_import_a_dotted_module_over_a_variable_is_reported_not_corrupted() -> None:
    result = make_reactive(source_cells(["os = 1", "import os.path\nprint(os.sep)"]))
    assert result.cells[1].code == "import os.path\nprint(os.sep)"
    assert [n.kind for n in result.notes] == ["conflict"]

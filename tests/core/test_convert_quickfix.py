"""The window's quick fix for a name two cells define: "Rename to df_2 here and in the cells
below that read it" — the new code of each changed cell, a preview diff, no conflict left."""

from __future__ import annotations

import pytest

from app.core.convert import rename_here_and_below
from app.core.notebook import Notebook
from app.core.record import replace
from tests.core._helpers import CellSpec, graph_of, in_words, make_notebook

#: (id, cells, cell to fix (1-based), name, expected cells after the fix)
CASES: list[tuple[str, list[CellSpec], int, str, list[CellSpec]]] = [
    (
        "reads_previous_and_readers_below",
        ["df = [1]", "print(df)", "df = df + [2]", "print(df)", "len(df)"],
        3,
        "df",
        ["df = [1]", "print(df)", "df_2 = df + [2]", "print(df_2)", "len(df_2)"],
    ),
    (
        "augmented_gets_alias",
        ["x = 1", "x += 1", "print(x)"],
        2,
        "x",
        ["x = 1", "x_2 = x\nx_2 += 1", "print(x_2)"],
    ),
    (
        "stops_at_the_next_definition",
        ["x = 1", "x = 2", "print(x)", "x = 3", "print(x)"],
        2,
        "x",
        ["x = 1", "x_2 = 2", "print(x_2)", "x = 3", "print(x)"],
    ),
    (
        "next_definition_reading_it_reads_the_new_name",
        ["x = 1", "x = 2", "x = x * 10", "print(x)"],
        2,
        "x",
        ["x = 1", "x_2 = 2", "x = x_2 * 10", "print(x)"],
    ),
    (
        "next_definition_updating_in_place_gets_alias",
        ["x = 1", "x = 2", "x += 5"],
        2,
        "x",
        ["x = 1", "x_2 = 2", "x = x_2\nx += 5"],
    ),
    (
        "sql_reader_and_sql_definition",
        [("sql", "SELECT 1", "df"), "df = 5", ("sql", "SELECT {df}", "out")],
        2,
        "df",
        [("sql", "SELECT 1", "df"), "df_2 = 5", ("sql", "SELECT {df_2}", "out")],
    ),
    (
        "sql_result_renamed",
        ["df = 5", ("sql", "SELECT {df} AS v", "df"), "print(df)"],
        2,
        "df",
        ["df = 5", ("sql", "SELECT {df} AS v", "df_2"), "print(df_2)"],
    ),
    (
        "fixing_the_first_definer",
        ["y = 1", "print(y)", "y = 2"],
        1,
        "y",
        ["y_2 = 1", "print(y_2)", "y = 2"],
    ),
    (
        "comments_strings_attributes_untouched",
        ["t = 0", "t = 1  # t\nprint('t', o.t, f(t=t))", "t"],
        2,
        "t",
        ["t = 0", "t_2 = 1  # t\nprint('t', o.t, f(t=t_2))", "t_2"],
    ),
]


def _apply(notebook: Notebook, cell: int, name: str) -> Notebook:
    fix = rename_here_and_below(notebook, f"c{cell}", name)
    for change in fix.changes:
        updated = notebook.cell(change.cell_id).with_code(change.code)
        if change.name is not None:
            updated = replace(updated, name=change.name)
        notebook = notebook.replace_cell(updated)
    return notebook


@pytest.mark.parametrize(
    ("cells", "cell", "name", "expected"),
    [pytest.param(c, i, n, e, id=case) for case, c, i, n, e in CASES],
)
def test_quick_fix(cells: list[CellSpec], cell: int, name: str, expected: list[CellSpec]) -> None:
    before = make_notebook(cells)
    assert any(
        f"'{name}' is defined by more than one cell" in m
        for m in in_words(graph_of(before).problems).values()
    )
    after = _apply(before, cell, name)
    assert after == make_notebook(expected)
    # The fixed cell conflicts no more (a third definition elsewhere is another fix).
    assert f"'{name}'" not in in_words(graph_of(after).problems).get(f"c{cell}", "")


def test_title_diff_and_readers() -> None:
    notebook = make_notebook(["df = 1", "df = df + 1", "print(df)", "df"])
    fix = rename_here_and_below(notebook, "c2", "df")
    assert fix.title == "Rename to df_2 here and in the cells below that read it"
    assert fix.new_name == "df_2" and fix.readers == ("c3", "c4")
    assert [change.cell_id for change in fix.changes] == ["c2", "c3", "c4"]
    assert "--- cell 2 (before)\n+++ cell 2 (after)" in fix.diff
    assert "-df = df + 1\n+df_2 = df + 1" in fix.diff


def test_sql_result_name_change_is_in_the_diff() -> None:
    notebook = make_notebook(["df = 5", ("sql", "SELECT 1", "df")])
    fix = rename_here_and_below(notebook, "c2", "df")
    assert "cell 2: result name df -> df_2" in fix.diff


@pytest.mark.parametrize(
    ("cells", "cell", "name", "message"),
    [
        (["x = 1", "print(x)"], 2, "x", "does not define"),
        (["x = 1", "x = ("], 2, "x", "does not parse"),
        (["os = 1", "import os.path"], 2, "os", "binds `os` and no other name"),
    ],
)
def test_refused_with_a_reason(cells: list[CellSpec], cell: int, name: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rename_here_and_below(make_notebook(cells), f"c{cell}", name)

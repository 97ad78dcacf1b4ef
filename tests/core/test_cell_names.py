"""Cells are named by what they are (issue 12: "Cells are named, not numbered")."""

from __future__ import annotations

from app.core.analysis import analyze_cell
from app.core.cell_names import base_name, cell_names
from app.core.notebook import Cell, Notebook


def named(*cells: Cell) -> list[str]:
    notebook = Notebook(cells=cells)
    names = cell_names(notebook, {c.id: analyze_cell(c) for c in cells})
    return [names[c.id] for c in cells]


def test_python_cells_by_the_first_name_they_define_in_the_text() -> None:
    assert named(
        Cell("a", "python", "import pandas as pd\ndf = pd.DataFrame()"),
        Cell("b", "python", "total = 0\nfor row in rows:\n    total += row"),
        Cell("c", "python", "def plot(x):\n    return x"),
    ) == ["pd", "total", "plot"]


def test_cells_that_define_nothing_by_their_first_line() -> None:
    long = "print('a very long line of code that goes on and on and on')"
    assert named(
        Cell("a", "python", "# a comment\nprint(total)"),
        Cell("b", "python", long),
        Cell("c", "python", ""),
    ) == ["print(total)", long[:31].rstrip() + "…", "an empty cell"]


def test_sql_by_result_and_markdown_by_heading() -> None:
    assert named(
        Cell("a", "sql", "SELECT 1", name="orders"),
        Cell("b", "markdown", "Intro text\n\n## Orders by region ##"),
        Cell("c", "markdown", "just words"),
    ) == ["orders", "Orders by region", "just words"]


def test_same_names_are_told_apart_in_display_order() -> None:
    assert named(
        Cell("a", "python", "x = 1"), Cell("b", "python", "x = 2"), Cell("c", "python", "x = 3")
    ) == ["x", "x #2", "x #3"]


def test_a_name_inside_an_attribute_does_not_count_as_first() -> None:
    cell = Cell("a", "python", "obj.value = 1\nvalue = 2")
    assert base_name(cell, analyze_cell(cell)) == "value"


def test_a_name_is_found_where_the_regex_it_replaced_found_it() -> None:
    """The plain-text search agrees with ``(?<![\\w.])name(?!\\w)``: not inside a longer
    word (ASCII or not), not after a dot; at the very start and end of the code too."""
    import re

    from app.core.cell_names import _find_name

    codes = ("x", "x_1 = x", "éx = 1; x = 2", "a.x = 1\nx = 2", "xx x", "x2 = 1 # x", "(x)", "")
    for code in codes:
        match = re.search(r"(?<![\w.])x(?!\w)", code)
        assert _find_name(code, "x") == (match.start() if match else len(code)), code


def test_naming_again_after_an_edit_works_out_the_edited_cell_only() -> None:
    """Every snapshot names its cells; a 1,000-cell notebook after one edit must not cost
    1,000 name computations (each one searched the code with a regex compiled per name)."""
    from app.core import cell_names as module

    cells = tuple(Cell(f"c{i}", "python", f"v_{i} = {i}") for i in range(1000))
    notebook = Notebook(cells=cells)
    analyses = {c.id: analyze_cell(c) for c in cells}
    first = cell_names(notebook, analyses)
    edited = cells[500].with_code("w_500 = 0")
    notebook = Notebook(cells=(*cells[:500], edited, *cells[501:]))
    analyses["c500"] = analyze_cell(edited)
    before = module._base_name.cache_info().misses
    second = cell_names(notebook, analyses)
    assert module._base_name.cache_info().misses - before == 1
    assert second == {**first, "c500": "w_500"}

"""The notebook document: immutable edits, unique ids, SQL result names, labels."""

from __future__ import annotations

import re

import pytest

from app.core.notebook import Cell, Notebook, new_cell_id
from app.core.record import FrozenRecordError
from tests.core._helpers import make_notebook


def ids(notebook: Notebook) -> tuple[str, ...]:
    return notebook.cell_ids


@pytest.fixture
def three() -> Notebook:
    return Notebook(
        cells=(Cell("c1", code="a = 1"), Cell("c2", code="b = a"), Cell("c3", code="c = b")),
        name="demo",
        database="sqlite:///x.db",
        extra_header='requires-python = ">=3.11"\n',
    )


# -- immutable edits ------------------------------------------------------------------------------


def test_update_code_returns_a_new_notebook(three: Notebook) -> None:
    edited = three.update_code("c2", "b = a * 2")
    assert edited.cell("c2") == Cell("c2", code="b = a * 2")
    assert three.cell("c2").code == "b = a"
    assert ids(edited) == ids(three)
    assert (edited.name, edited.database, edited.extra_header) == (
        three.name,
        three.database,
        three.extra_header,
    )


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (0, ("new", "c1", "c2", "c3")),
        (1, ("c1", "new", "c2", "c3")),
        (3, ("c1", "c2", "c3", "new")),
        (99, ("c1", "c2", "c3", "new")),
        (-5, ("new", "c1", "c2", "c3")),
    ],
    ids=["start", "middle", "end", "past-end-clamps", "negative-clamps"],
)
def test_insert_cell(three: Notebook, index: int, expected: tuple[str, ...]) -> None:
    edited = three.insert_cell(index, Cell("new"))
    assert ids(edited) == expected
    assert ids(three) == ("c1", "c2", "c3")
    assert edited.position("new") == expected.index("new")


@pytest.mark.parametrize(
    ("cell_id", "expected"),
    [
        ("c1", ("c2", "c3")),
        ("c2", ("c1", "c3")),
        ("c3", ("c1", "c2")),
        ("absent", ("c1", "c2", "c3")),
    ],
)
def test_delete_cell(three: Notebook, cell_id: str, expected: tuple[str, ...]) -> None:
    edited = three.delete_cell(cell_id)
    assert ids(edited) == expected
    assert ids(three) == ("c1", "c2", "c3")
    assert cell_id not in edited


@pytest.mark.parametrize(
    ("cell_id", "index", "expected"),
    [
        ("c3", 0, ("c3", "c1", "c2")),
        ("c1", 2, ("c2", "c3", "c1")),
        ("c1", 1, ("c2", "c1", "c3")),
        ("c2", 1, ("c1", "c2", "c3")),
        ("c1", 99, ("c2", "c3", "c1")),
        ("c3", -1, ("c3", "c1", "c2")),
    ],
    ids=["to-start", "to-end", "down-one", "same-place", "past-end-clamps", "negative-clamps"],
)
def test_move_cell(three: Notebook, cell_id: str, index: int, expected: tuple[str, ...]) -> None:
    edited = three.move_cell(cell_id, index)
    assert ids(edited) == expected
    assert ids(three) == ("c1", "c2", "c3")
    assert edited.cell(cell_id) == three.cell(cell_id)


def test_replace_cell(three: Notebook) -> None:
    sql = Cell("c2", kind="sql", code="SELECT {a}", name="df")
    edited = three.replace_cell(sql)
    assert edited.cells == (three.cells[0], sql, three.cells[2])
    assert three.cell("c2").kind == "python"


def test_cells_and_notebooks_are_frozen(three: Notebook) -> None:
    with pytest.raises(FrozenRecordError):
        three.cells[0].code = "x"  # type: ignore[misc]
    with pytest.raises(FrozenRecordError):
        three.name = "other"  # type: ignore[misc]


def test_with_code_keeps_everything_else() -> None:
    cell = Cell("s1", kind="sql", code="SELECT 1", name="df", meta=(("k", "v"),))
    assert cell.with_code("SELECT 2") == Cell(
        "s1", kind="sql", code="SELECT 2", name="df", meta=(("k", "v"),)
    )
    assert cell.code == "SELECT 1"


def test_equality_ignores_the_index(three: Notebook) -> None:
    same = Notebook(
        cells=three.cells, name="demo", database="sqlite:///x.db", extra_header=three.extra_header
    )
    assert same == three
    assert three.update_code("c1", "a = 1") == three
    assert three.update_code("c1", "a = 2") != three


# -- unique ids ------------------------------------------------------------------------------------


def test_duplicate_ids_are_rejected() -> None:
    with pytest.raises(ValueError, match="unique"):
        Notebook(cells=(Cell("a"), Cell("b"), Cell("a")))


def test_inserting_an_existing_id_is_rejected(three: Notebook) -> None:
    with pytest.raises(ValueError, match="unique"):
        three.insert_cell(0, Cell("c2"))


def test_new_cell_id_avoids_taken_ids() -> None:
    taken = {"deadbeef", "00000000"}
    for _ in range(50):
        cell_id = new_cell_id(taken)
        assert re.fullmatch(r"[0-9a-f]{8}", cell_id)
        assert cell_id not in taken


@pytest.mark.parametrize(
    ("kind", "name"),
    [("python", None), ("markdown", None), ("sql", "df_2")],
)
def test_new_cell(kind: str, name: str | None) -> None:
    notebook = make_notebook(["x = 1", ("sql", "SELECT 1", "df")])
    cell = notebook.new_cell(kind, "code")  # type: ignore[arg-type]
    assert (cell.kind, cell.code, cell.name) == (kind, "code", name)
    assert cell.id not in notebook
    assert ids(notebook.insert_cell(1, cell)) == ("c1", cell.id, "c2")


# -- next_sql_name --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ((), "df"),
        ((Cell("p", code="df = 1"),), "df"),
        ((Cell("s", kind="sql", name="df"),), "df_2"),
        ((Cell("s", kind="sql", name="df"), Cell("t", kind="sql", name="df_2")), "df_3"),
        ((Cell("s", kind="sql", name="df"), Cell("t", kind="sql", name="df_3")), "df_2"),
        ((Cell("t", kind="sql", name="df_2"),), "df"),
        ((Cell("s", kind="sql", name="orders"),), "df"),
        ((Cell("p", kind="python", name="df"),), "df"),
    ],
    ids=[
        "empty",
        "python-df-is-not-an-sql-name",
        "df-taken",
        "df-and-df_2-taken",
        "gap-is-reused",
        "df-free",
        "other-name",
        "only-sql-cells-count",
    ],
)
def test_next_sql_name(cells: tuple[Cell, ...], expected: str) -> None:
    assert Notebook(cells=cells).next_sql_name() == expected


# -- queries and labels --------------------------------------------------------------------------


def test_label_is_the_one_based_position(three: Notebook) -> None:
    assert [three.label(c) for c in ids(three)] == ["cell 1", "cell 2", "cell 3"]
    moved = three.move_cell("c3", 0)
    assert moved.label("c3") == "cell 1"
    assert moved.label("c1") == "cell 2"
    assert three.label("c3") == "cell 3"
    assert three.delete_cell("c1").label("c3") == "cell 2"


def test_queries(three: Notebook) -> None:
    assert len(three) == 3
    assert "c2" in three
    assert "zz" not in three
    assert three.position("c3") == 2
    assert three.cell("c1") == Cell("c1", code="a = 1")
    with pytest.raises(KeyError):
        three.cell("zz")
    with pytest.raises(KeyError):
        three.label("zz")


def test_with_cells_rebuilds_the_index(three: Notebook) -> None:
    edited = three.with_cells(reversed(three.cells))
    assert ids(edited) == ("c3", "c2", "c1")
    assert edited.position("c1") == 2
    assert three.position("c1") == 0


def test_helper_builds_ids_and_kinds() -> None:
    notebook = make_notebook(["x = 1", ("sql", "SELECT {x}", "df"), ("markdown", "# hi")])
    assert notebook.cells == (
        Cell("c1", code="x = 1"),
        Cell("c2", kind="sql", code="SELECT {x}", name="df"),
        Cell("c3", kind="markdown", code="# hi"),
    )

"""The analysed-notebook snapshot: only edited cells are analysed again, the graph is rebuilt
only when edges change, and a move only reorders (issue 14)."""

from __future__ import annotations

import pytest

from app.core import document as document_module
from app.core.document import AnalysedNotebook
from app.core.notebook import Cell, Notebook
from app.core.problems import MultipleDefinition


def snapshot(*codes: str) -> AnalysedNotebook:
    return AnalysedNotebook.of(
        Notebook(cells=tuple(Cell(f"c{i}", "python", code) for i, code in enumerate(codes, 1)))
    )


def test_a_value_edit_keeps_the_graph_object(monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot("x = 1", "y = x")
    built: list[object] = []
    monkeypatch.setattr(document_module, "build_graph", lambda *a: built.append(a))
    after, delta = before.update(before.notebook.update_code("c1", "x = 2"), ("c1",))
    assert after.graph is before.graph and built == []
    assert delta.announce == ("c1",) and delta.problems_changed == frozenset()


def test_a_new_definition_reports_the_problem_on_every_definer() -> None:
    before = snapshot("x = 1", "y = 2", "z = x")
    after, delta = before.update(before.notebook.update_code("c2", "x = 2"), ("c2",))
    assert after.problems("c1") == (MultipleDefinition("x", ("c1", "c2")),)
    assert delta.problems_changed == {"c1", "c2"}
    assert delta.announce == ("c1", "c2")
    assert delta.old_graph.children["c1"] == {"c3"}


def test_a_move_reorders_without_rebuilding(monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot("a = 1", "b = 2", "c = a + b")
    monkeypatch.setattr(document_module, "build_graph", lambda *a: pytest.fail("rebuilt"))
    after, delta = before.update(before.notebook.move_cell("c2", 0))
    assert after.graph.order == ("c2", "c1", "c3")
    assert after.graph.parents == before.graph.parents
    assert delta.announce == ()


def test_cell_names_follow_the_snapshot() -> None:
    before = snapshot("x = 1", "x = 2")
    assert [before.cell_name(c) for c in ("c1", "c2")] == ["x", "x #2"]
    after, _ = before.update(before.notebook.move_cell("c2", 0))
    assert [after.cell_name(c) for c in ("c2", "c1")] == ["x", "x #2"]


def test_an_edit_that_keeps_every_name_does_not_name_the_cells_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = snapshot("x = 1", "y = x", "x + y")
    names = [before.cell_name(c) for c in ("c1", "c2", "c3")]
    monkeypatch.setattr(document_module, "cell_names", lambda *a: pytest.fail("named again"))
    after, _ = before.update(before.notebook.update_code("c1", "x = 2"), ("c1",))
    assert [after.cell_name(c) for c in ("c1", "c2", "c3")] == names


@pytest.mark.parametrize(
    ("cell", "code", "expected"),
    [
        ("c1", "z = 1", ["z", "y", "x + y"]),  # its name changed
        ("c2", "x = 5", ["x", "x #2", "x + y"]),  # now a second x
        ("c3", "# note\nx * y", ["x", "y", "x * y"]),  # its first line changed
    ],
)
def test_an_edit_that_changes_a_name_names_the_cells_again(
    cell: str, code: str, expected: list[str]
) -> None:
    before = snapshot("x = 1", "y = x", "x + y")
    assert [before.cell_name(c) for c in ("c1", "c2", "c3")] == ["x", "y", "x + y"]
    after, _ = before.update(before.notebook.update_code(cell, code), (cell,))
    assert [after.cell_name(c) for c in ("c1", "c2", "c3")] == expected


def test_a_new_cell_names_the_cells_again() -> None:
    before = snapshot("x = 1")
    assert before.cell_name("c1") == "x"
    grown = Notebook(cells=(*before.notebook.cells, Cell("c2", "python", "x = 2")))
    after, _ = before.update(grown, ("c2",))
    assert [after.cell_name(c) for c in ("c1", "c2")] == ["x", "x #2"]

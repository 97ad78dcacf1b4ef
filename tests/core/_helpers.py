"""Build a notebook and its graph from code strings (shared by the core tests).

Cells get the ids ``c1``, ``c2``, … in order, so ``cell N`` in a message is ``cN``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.core.analysis import analyze_cell
from app.core.graph import Graph, build_graph
from app.core.notebook import Cell, Notebook
from app.core.problems import Problem, Reason, Unrunnable, describe

#: A Python cell's code, or ``("sql", template, name)``, or ``("markdown", text)``.
CellSpec = str | tuple[str, ...]


def make_cell(cell_id: str, spec: CellSpec) -> Cell:
    if isinstance(spec, str):
        return Cell(id=cell_id, kind="python", code=spec)
    if spec[0] == "sql":
        _, template, name = spec
        return Cell(id=cell_id, kind="sql", code=template, name=name)
    if spec[0] == "markdown":
        return Cell(id=cell_id, kind="markdown", code=spec[1])
    raise ValueError(f"unknown cell spec {spec!r}")


def make_notebook(specs: Sequence[CellSpec]) -> Notebook:
    return Notebook(cells=tuple(make_cell(f"c{i}", spec) for i, spec in enumerate(specs, 1)))


def graph_of(notebook: Notebook) -> Graph:
    return build_graph(notebook, {cell.id: analyze_cell(cell) for cell in notebook.cells})


def build(specs: Sequence[CellSpec]) -> tuple[Notebook, Graph]:
    """The notebook of these cells and its dependency graph."""
    notebook = make_notebook(specs)
    return notebook, graph_of(notebook)


def chain(length: int) -> list[str]:
    """``x_1 = 1``, ``x_2 = x_1 + 1``, …: each cell reads the one before it."""
    return ["x_1 = 1", *(f"x_{i} = x_{i - 1} + 1" for i in range(2, length + 1))]


def in_words(items: Mapping[str, Reason | tuple[Problem, ...]]) -> dict[str, str]:
    """Problems and reasons as the tests' expectations spell them: cell ``cN`` is "cell N"."""

    def name(cell_id: str) -> str:
        return f"cell {cell_id.removeprefix('c')}"

    return {
        cell_id: describe(Unrunnable(item) if isinstance(item, tuple) else item, name)
        for cell_id, item in items.items()
    }

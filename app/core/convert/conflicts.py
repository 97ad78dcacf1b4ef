"""The converted cells checked by Cascade's own graph: any multiple definition or cycle left is
reported (the converter never hides one; a cycle that was already in the notebook stays)."""

from __future__ import annotations

from collections.abc import Sequence

from app.core.analysis import analyze_cells
from app.core.convert.cells import SourceCell
from app.core.convert.report import Note
from app.core.graph import build_graph
from app.core.notebook import Cell, Notebook
from app.core.problems import Unrunnable, describe

__all__ = ["conflict_notes"]


def conflict_notes(cells: Sequence[SourceCell]) -> list[Note]:
    """An error note for every cell the graph marks errable, with the graph's own message."""
    notebook = Notebook(
        tuple(
            Cell(id=f"c{index}", kind=cell.kind, code=cell.code, name=cell.name)
            for index, cell in enumerate(cells)
        )
    )
    graph = build_graph(notebook, analyze_cells(notebook.cells))

    def source_cell(cell_id: str) -> str:  # a report about the source notebook's numbered cells
        return f"cell {notebook.position(cell_id) + 1}"

    return [
        Note(
            notebook.position(cell_id),
            "conflict",
            describe(Unrunnable(problems), source_cell),
            "error",
        )
        for cell_id, problems in sorted(
            graph.problems.items(), key=lambda i: notebook.position(i[0])
        )
    ]

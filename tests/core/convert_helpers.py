"""Run cells the Jupyter way and the Cascade way, in-process, to compare what they print.

Jupyter: every cell top to bottom in one namespace. Cascade: the converted cells in the
graph's run order, private names (``_x``) removed after each cell (SEMANTICS §1) — the same
rules the worker follows, without a process.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence

from app.core.analysis import analyze_cell
from app.core.convert import SourceCell
from app.core.graph import build_graph
from app.core.notebook import Cell, Notebook

#: A Python cell's code, or ``("sql", template, name)``.
Spec = str | tuple[str, str, str]


def source_cells(specs: Sequence[Spec]) -> list[SourceCell]:
    cells = []
    for spec in specs:
        if isinstance(spec, str):
            cells.append(SourceCell("python", spec))
        else:
            cells.append(SourceCell("sql", spec[1], spec[2]))
    return cells


def notebook_of(cells: Sequence[SourceCell]) -> Notebook:
    return Notebook(
        tuple(
            Cell(id=f"c{i}", kind=c.kind, code=c.code, name=c.name if c.kind == "sql" else None)
            for i, c in enumerate(cells, 1)
        )
    )


def run_like_jupyter(codes: Sequence[str]) -> str:
    namespace: dict[str, object] = {"__name__": "__main__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for code in codes:
            exec(compile(code, "<cell>", "exec"), namespace)
    return out.getvalue()


def run_like_cascade(cells: Sequence[SourceCell]) -> str:
    notebook = notebook_of(cells)
    analyses = {cell.id: analyze_cell(cell) for cell in notebook.cells}
    graph = build_graph(notebook, analyses)
    assert not graph.problems, graph.problems
    namespace: dict[str, object] = {"__name__": "__main__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for cell_id in graph.order:
            exec(compile(notebook.cell(cell_id).code, "<cell>", "exec"), namespace)
            for name in analyses[cell_id].private_defs:
                namespace.pop(name, None)
    return out.getvalue()

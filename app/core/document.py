"""A notebook with its analyses and dependency graph, as one immutable snapshot.

Editing gives a new snapshot and a :class:`Delta` saying which cells' analyses or problems
changed (the window repaints those) and which cells are newly errable or fixed (they must run
or go stale). Only the edited cells are analysed again; the graph is rebuilt only when what a
cell defines or reads changed, and a move only recomputes the run order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from app.core.analysis import CellAnalysis, analyze_cell, analyze_cells
from app.core.cell_names import base_name, cell_names
from app.core.graph import Graph, build_graph, reorder_graph
from app.core.notebook import Notebook
from app.core.problems import Problem
from app.core.record import Record, derived


class Delta(Record):
    """What an edit changed: ``announce`` — cells whose analysis or problems are new (display
    order); ``problems_changed`` — cells that became errable or stopped being errable;
    ``old_graph`` — the graph before (its children are the edited cells' old readers)."""

    announce: tuple[str, ...]
    problems_changed: frozenset[str]
    old_graph: Graph


class AnalysedNotebook(Record):
    notebook: Notebook
    analyses: Mapping[str, CellAnalysis]
    graph: Graph
    #: What :meth:`cell_name` worked out, once (kept by :meth:`update` while still right).
    _names: dict[str, dict[str, str]] = derived()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_names", {})

    @classmethod
    def of(cls, notebook: Notebook) -> AnalysedNotebook:
        analyses = analyze_cells(notebook.cells)
        return cls(notebook, MappingProxyType(analyses), build_graph(notebook, analyses))

    def problems(self, cell_id: str) -> tuple[Problem, ...]:
        return self.graph.problems.get(cell_id, ())

    def cell_name(self, cell_id: str) -> str:
        """The cell as messages name it (:mod:`app.core.cell_names`), computed once."""
        return self.cell_names().get(cell_id, cell_id)

    def cell_names(self) -> Mapping[str, str]:
        """:meth:`cell_name` of every cell that has a name of its own, by id (a cell that has
        none is named by its id)."""
        names = self._names.get("names")
        if names is None:
            names = self._names["names"] = cell_names(self.notebook, self.analyses)
        return names

    def _names_kept_for(
        self, notebook: Notebook, analyses: Mapping[str, CellAnalysis], changed: set[str]
    ) -> dict[str, str] | None:
        """These cells' names when an edit leaves them as they were (the same cells in the
        same order, each edited cell with the same base name): a re-run of 10,000 cells
        after an edit then names its steps without naming every cell again."""
        names = self._names.get("names")
        if names is None or notebook.cell_ids != self.notebook.cell_ids:
            return None
        old = self.notebook
        for cell_id in changed:
            before = base_name(old.cell(cell_id), self.analyses.get(cell_id))
            if before != base_name(notebook.cell(cell_id), analyses.get(cell_id)):
                return None
        return names

    def update(
        self, notebook: Notebook, changed: Iterable[str] = ()
    ) -> tuple[AnalysedNotebook, Delta]:
        """The snapshot for ``notebook`` whose ``changed`` cells have new code or kind."""
        changed = set(changed)
        analyses = dict(self.analyses)
        same_order = notebook.cell_ids == self.notebook.cell_ids
        edges_same = same_order or set(notebook.cell_ids) == set(self.notebook.cell_ids)
        for cell_id in changed:
            before = analyses.get(cell_id)
            after = analyze_cell(notebook.cell(cell_id))
            analyses[cell_id] = after
            if before is None or (before.defs, before.refs, before.deletes) != (
                after.defs,
                after.refs,
                after.deletes,
            ):
                edges_same = False
        if not same_order:
            for cell_id in [c for c in analyses if c not in notebook]:
                del analyses[cell_id]
        graph = self.graph
        if not edges_same:
            graph = build_graph(notebook, analyses)
        elif not same_order:
            graph = reorder_graph(graph, notebook.cell_ids)  # a move: same edges, new ties
        snapshot = AnalysedNotebook(notebook, MappingProxyType(analyses), graph)
        names = self._names_kept_for(notebook, analyses, changed)
        if names is not None:
            snapshot._names["names"] = names
        old, new = self.graph.problems, graph.problems
        problems_changed = (
            frozenset(c for c in notebook.cell_ids if old.get(c, ()) != new.get(c, ()))
            if old is not new  # the same graph (the usual edit of a large notebook): none
            else frozenset()
        )
        if problems_changed:
            announce = tuple(c for c in notebook.cell_ids if c in changed or c in problems_changed)
        else:  # display order of the few edited cells, without a pass over every cell
            announce = tuple(sorted((c for c in changed if c in notebook), key=notebook.position))
        return snapshot, Delta(announce, problems_changed, self.graph)

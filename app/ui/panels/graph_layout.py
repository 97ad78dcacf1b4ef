"""The dependency diagram's geometry, without Qt: cells as boxes in layers, edges labelled
with the names they carry, laid out by grandalf's Sugiyama layout (layering, crossing
reduction, coordinates; cycles are broken internally so they still draw).

grandalf rather than networkx: networkx has no layered drawing with crossing reduction (only
``multipartite_layout`` on layers we would compute, and it refuses cycles), while grandalf is a
small pure-Python implementation of exactly the Sugiyama framework a dependency graph wants.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from grandalf.graphs import Edge, Graph, Vertex  # type: ignore[import-untyped]
from grandalf.layouts import SugiyamaLayout  # type: ignore[import-untyped]

from app.core.graph import Graph as CellGraph
from app.core.problems import Cycle, MultipleDefinition, Problem

NODE_W = 150.0
NODE_H = 30.0
#: Gaps between boxes in a layer and between layers (room for the edge labels).
X_SPACE = 30.0
Y_SPACE = 44.0
#: Horizontal gap between separate components.
COMPONENT_GAP = 40.0


@dataclass(frozen=True, slots=True)
class NodeBox:
    cell_id: str
    label: str
    x: float  # centre
    y: float
    problem: bool  # part of a cycle or defines a name another cell defines too


@dataclass(frozen=True, slots=True)
class EdgeLine:
    source: str
    target: str
    names: tuple[str, ...]
    cycle: bool


@dataclass(frozen=True, slots=True)
class GraphLayout:
    nodes: dict[str, NodeBox]
    edges: list[EdgeLine]


class _View:
    """What grandalf needs to know of a vertex's box (and where it puts it)."""

    def __init__(self) -> None:
        self.w = NODE_W
        self.h = NODE_H
        self.xy = (0.0, 0.0)


def _problem_cells(
    problems: Mapping[str, tuple[Problem, ...]],
) -> tuple[set[str], set[frozenset[str]]]:
    cells: set[str] = set()
    cycle_edges: set[frozenset[str]] = set()
    for cell_id, found in problems.items():
        for problem in found:
            if isinstance(problem, Cycle):
                cells.add(cell_id)
                steps = [cell for cell, _ in problem.steps]
                for a, b in zip(steps, steps[1:] + steps[:1], strict=True):
                    cycle_edges.add(frozenset((a, b)))
            elif isinstance(problem, MultipleDefinition):
                cells.add(cell_id)
    return cells, cycle_edges


def layout_graph(
    graph: CellGraph, cell_ids: list[str], name_cell: Callable[[str], str]
) -> GraphLayout:
    """Lay out ``cell_ids`` (the code cells, display order) and the edges between them."""
    vertices = {cell_id: Vertex(cell_id) for cell_id in cell_ids}
    for vertex in vertices.values():
        vertex.view = _View()
    problem_cells, cycle_edges = _problem_cells(graph.problems)
    edges: list[EdgeLine] = []
    grand_edges = []
    for target in cell_ids:
        for source in sorted(graph.parents.get(target, ()), key=cell_ids.index):
            if source not in vertices or source == target:
                continue
            names = tuple(
                sorted(graph.defs.get(source, frozenset()) & graph.refs.get(target, frozenset()))
            )
            edges.append(
                EdgeLine(source, target, names, frozenset((source, target)) in cycle_edges)
            )
            grand_edges.append(Edge(vertices[source], vertices[target]))
    nodes: dict[str, NodeBox] = {}
    left = 0.0
    for component in Graph(list(vertices.values()), grand_edges).C:
        sugiyama = SugiyamaLayout(component)
        sugiyama.xspace, sugiyama.yspace = X_SPACE, Y_SPACE
        sugiyama.init_all()
        sugiyama.draw()
        xs = [v.view.xy[0] for v in component.sV]
        shift = left - min(xs) + NODE_W / 2
        for v in component.sV:
            x, y = v.view.xy
            nodes[v.data] = NodeBox(
                v.data, name_cell(v.data), x + shift, y, v.data in problem_cells
            )
        left += max(xs) - min(xs) + NODE_W + COMPONENT_GAP
    return GraphLayout(nodes, edges)

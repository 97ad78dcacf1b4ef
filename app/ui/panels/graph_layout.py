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
from functools import lru_cache

from grandalf.graphs import Edge, Vertex, graph_core  # type: ignore[import-untyped]
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


class _Sugiyama(SugiyamaLayout):  # type: ignore[misc]
    """grandalf's layout, with its alignment conflicts in a set: grandalf keeps them in a list
    and tests membership for every aligned pair (Brandes-Köpf), which took ~80 % of a
    500-cell layout. Same algorithm, same result."""

    def _detect_alignment_conflicts(self) -> None:
        super()._detect_alignment_conflicts()
        self.conflicts: set[tuple[Vertex, Vertex]] = set(self.conflicts)


#: A component's shape: its size and its edges as (source, target) positions in it.
Shape = tuple[int, tuple[tuple[int, int], ...]]


@lru_cache(maxsize=512)
def _shape_positions(shape: Shape) -> tuple[tuple[float, float], ...]:
    """Box centres for one connected component, left edge at 0. Cached by shape: an edit that
    keeps a component's links (most edits) lays out nothing again, and the many small
    components of a notebook (lone cells, pairs) share a few shapes."""
    size, links = shape
    vertices = [Vertex(i) for i in range(size)]
    for vertex in vertices:
        vertex.view = _View()
    core = graph_core(vertices, [Edge(vertices[a], vertices[b]) for a, b in links])
    sugiyama = _Sugiyama(core)
    sugiyama.xspace, sugiyama.yspace = X_SPACE, Y_SPACE
    sugiyama.init_all()
    sugiyama.draw()
    left = min(v.view.xy[0] for v in vertices)
    return tuple((v.view.xy[0] - left, v.view.xy[1]) for v in vertices)


def _components(cell_ids: list[str], links: list[tuple[str, str]]) -> list[list[str]]:
    """The connected components, each in display order, ordered by their first cell."""
    neighbours: dict[str, set[str]] = {c: set() for c in cell_ids}
    for a, b in links:
        neighbours[a].add(b)
        neighbours[b].add(a)
    seen: set[str] = set()
    components = []
    for start in cell_ids:
        if start in seen:
            continue
        seen.add(start)
        found, frontier = [start], [start]
        while frontier:
            for other in neighbours[frontier.pop()] - seen:
                seen.add(other)
                found.append(other)
                frontier.append(other)
        components.append(found)
    position = {c: i for i, c in enumerate(cell_ids)}
    return [sorted(found, key=position.__getitem__) for found in components]


def layout_graph(
    graph: CellGraph, cell_ids: list[str], name_cell: Callable[[str], str]
) -> GraphLayout:
    """Lay out ``cell_ids`` (the code cells, display order) and the edges between them: each
    connected component by grandalf, side by side."""
    shown = set(cell_ids)
    position = {c: i for i, c in enumerate(cell_ids)}
    problem_cells, cycle_edges = _problem_cells(graph.problems)
    edges: list[EdgeLine] = []
    links: list[tuple[str, str]] = []
    for target in cell_ids:
        for source in sorted(graph.parents.get(target, ()), key=lambda c: position.get(c, -1)):
            if source not in shown or source == target:
                continue
            names = tuple(
                sorted(graph.defs.get(source, frozenset()) & graph.refs.get(target, frozenset()))
            )
            edges.append(
                EdgeLine(source, target, names, frozenset((source, target)) in cycle_edges)
            )
            links.append((source, target))
    nodes: dict[str, NodeBox] = {}
    left = 0.0
    for component in _components(cell_ids, links):
        index = {c: i for i, c in enumerate(component)}
        shape = (
            len(component),
            tuple((index[a], index[b]) for a, b in links if a in index and b in index),
        )
        placed = _shape_positions(shape)
        for cell_id, (x, y) in zip(component, placed, strict=True):
            nodes[cell_id] = NodeBox(
                cell_id, name_cell(cell_id), left + x + NODE_W / 2, y, cell_id in problem_cells
            )
        left += max(x for x, _ in placed) + NODE_W + COMPONENT_GAP
    return GraphLayout(nodes, edges)

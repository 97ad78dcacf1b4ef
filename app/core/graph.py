"""The dependency graph of a notebook: an immutable snapshot built from cell analyses.

Edge A -> B when B reads a name A defines (SEMANTICS.md §2). Cells that define a name another
cell also defines, and cells on a cycle, are *errable*: they carry their problems as data
(:mod:`app.core.problems`) and never run; the graph never raises for them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping

from app.core.analysis import CellAnalysis
from app.core.gc_pause import gc_paused
from app.core.notebook import Notebook
from app.core.ordering import acyclic_order, strongly_connected_cycles, topological_order
from app.core.problems import Cycle, MultipleDefinition, Problem
from app.core.record import Record, derived, replace

#: Root sets whose :meth:`Graph.downstream` a graph remembers.
DOWNSTREAM_KEPT = 8


class Graph(Record):
    """Who feeds whom, in which order, and which cells cannot run and why.

    ``definers``: name -> defining cells (display order). ``unresolved``: per cell, the names
    it reads that no cell defines (builtins among them; they only matter for SQL cells).
    ``problems``: errable cell -> its problems. ``order``: every cell, topological, ties by
    position.
    """

    cell_ids: tuple[str, ...]
    defs: Mapping[str, frozenset[str]]
    refs: Mapping[str, frozenset[str]]
    parents: Mapping[str, frozenset[str]]
    children: Mapping[str, frozenset[str]]
    definers: Mapping[str, tuple[str, ...]]
    unresolved: Mapping[str, frozenset[str]]
    problems: Mapping[str, tuple[Problem, ...]]
    order: tuple[str, ...]
    rank: Mapping[str, int]
    #: :meth:`downstream` of the last few root sets asked (oldest first).
    _downstream: dict[frozenset[str], tuple[frozenset[str], frozenset[str]]] = derived()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_downstream", {})

    def downstream(self, roots: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
        """The roots with every cell downstream of them, and the cells outside those that
        feed into them (their other ancestors). The last few answers are kept: a parameter
        cell or a control changed again and again re-runs from the same roots on the same
        graph, and a notebook of 10,000 cells then plans without walking it twice."""
        key = roots if isinstance(roots, frozenset) else frozenset(roots)
        found = self._downstream.get(key)
        if found is None:
            below = frozenset(_reach(key, self.children) | key)
            parents = self.parents
            border = {p for cid in below for p in parents[cid] if p not in below}
            found = (below, frozenset(_reach(border, parents) | border) - below)
            memo = self._downstream
            if len(memo) >= DOWNSTREAM_KEPT:
                del memo[next(iter(memo))]
            memo[key] = found
        return found

    def ancestors(self, cell_ids: Iterable[str]) -> set[str]:
        """All cells the given ones transitively read from (excluding the given ones)."""
        return _reach(cell_ids, self.parents)

    def descendants(self, cell_ids: Iterable[str]) -> set[str]:
        """All cells that transitively read from the given ones (excluding the given ones)."""
        return _reach(cell_ids, self.children)

    def sort(self, cell_ids: Iterable[str]) -> list[str]:
        """The given cells in run order (a large share of the notebook: picked from
        ``order`` in one pass rather than sorted)."""
        wanted = cell_ids if isinstance(cell_ids, set | frozenset) else set(cell_ids)
        if 8 * len(wanted) < len(self.order):
            return sorted(wanted, key=self.rank.__getitem__)
        return [cell_id for cell_id in self.order if cell_id in wanted]


def _reach(start: Iterable[str], edges: Mapping[str, frozenset[str]]) -> set[str]:
    seen: set[str] = set()
    starts = set(start)
    todo = deque(starts)
    while todo:
        for nxt in edges.get(todo.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen - starts


def build_graph(notebook: Notebook, analyses: Mapping[str, CellAnalysis]) -> Graph:
    """A fresh snapshot from the notebook's cells and their analyses (O(cells + names))."""
    with gc_paused():  # tens of thousands of small sets for a large notebook
        return _build_graph(notebook, analyses)


def _build_graph(notebook: Notebook, analyses: Mapping[str, CellAnalysis]) -> Graph:
    cell_ids = notebook.cell_ids
    defs: dict[str, frozenset[str]] = {}
    refs: dict[str, frozenset[str]] = {}
    definers: dict[str, tuple[str, ...]] = {}
    shared: dict[str, list[str]] = {}  # names more than one cell defines, with their cells
    for cid in cell_ids:
        analysis = analyses[cid]
        own = defs[cid] = analysis.defs
        # `del x` in a cell needs the cell that defines x to have run first: treat it as a read.
        deletes = analysis.deletes
        refs[cid] = analysis.refs | deletes if deletes else analysis.refs
        for name in own:
            found = definers.get(name)
            if found is None:
                definers[name] = (cid,)
            else:
                shared.setdefault(name, [*found]).append(cid)
    for name, cells in shared.items():
        definers[name] = tuple(cells)
    edges = _edges(cell_ids, refs, definers)
    parents, children = edges.parents, edges.children

    problems: dict[str, tuple[Problem, ...]] = {}
    for name in sorted(shared):
        multiple = MultipleDefinition(name, definers[name])
        for cell in definers[name]:
            problems[cell] = (*problems.get(cell, ()), multiple)
    if edges.forward:  # display order is a run order: the order Kahn's algorithm would give
        order, rank = cell_ids, edges.position
    else:
        found_order = acyclic_order(cell_ids, parents, children)  # the common case: no cycle
        if found_order is None:
            cycles = strongly_connected_cycles(cell_ids, children)
            for component in cycles:
                cycle = _cycle(notebook, component, children, defs, refs)
                for cell in component:
                    problems[cell] = (*problems.get(cell, ()), cycle)
            found_order = topological_order(cell_ids, parents, children, cycles)
        order, rank = found_order, {cid: i for i, cid in enumerate(found_order)}
    return Graph(
        cell_ids=cell_ids,
        defs=defs,
        refs=refs,
        parents=parents,
        children=children,
        definers=definers,
        unresolved=edges.unresolved,
        problems=problems,
        order=order,
        rank=rank,
    )


class _Edges:
    """What :func:`_edges` finds (working values of one build, not a record)."""

    __slots__ = ("children", "forward", "parents", "position", "unresolved")

    def __init__(
        self,
        parents: dict[str, frozenset[str]],
        children: dict[str, frozenset[str]],
        unresolved: dict[str, frozenset[str]],
        position: dict[str, int],
        forward: bool,
    ) -> None:
        self.parents = parents
        self.children = children
        self.unresolved = unresolved
        self.position = position
        self.forward = forward


_NONE: frozenset[str] = frozenset()


def _edges(
    cell_ids: tuple[str, ...],
    refs: Mapping[str, frozenset[str]],
    definers: Mapping[str, tuple[str, ...]],
) -> _Edges:
    """Each cell's parents and children, the names a cell reads that no cell defines, each
    cell's display position, and whether every edge goes down the notebook (``forward``).
    A cell without parents or children gets the one shared empty set."""
    parents: dict[str, frozenset[str]] = {}
    below: dict[str, list[str]] = {}  # children, each (parent, child) once
    unresolved: dict[str, frozenset[str]] = {}
    position = {cid: index for index, cid in enumerate(cell_ids)}
    forward = True
    get = definers.get
    for index, cid in enumerate(cell_ids):
        sources: tuple[str, ...] | set[str] | None = None
        missing: list[str] | None = None
        for name in refs[cid]:
            found = get(name)
            if found is None:
                if missing is None:
                    missing = [name]
                else:
                    missing.append(name)
            elif sources is None:
                sources = found  # the common case: one name read from other cells
            elif isinstance(sources, tuple):
                sources = {*sources, *found}
            else:
                sources.update(found)
        if sources is None:
            parents[cid] = _NONE
        else:
            own = frozenset(sources)
            if cid in own:  # `x = x + 1` reads its own definition: not an edge
                own = own - {cid}
            parents[cid] = own or _NONE
            for source in own:
                if forward and position[source] > index:
                    forward = False
                kids = below.get(source)
                if kids is None:
                    below[source] = [cid]
                else:
                    kids.append(cid)
        if missing is not None:
            unresolved[cid] = frozenset(missing)
    children = {cid: frozenset(kids) if (kids := below.get(cid)) else _NONE for cid in cell_ids}
    return _Edges(parents, children, unresolved, position, forward)


def _cycle(
    notebook: Notebook,
    component: tuple[str, ...],
    children: Mapping[str, frozenset[str]],
    defs: Mapping[str, frozenset[str]],
    refs: Mapping[str, frozenset[str]],
) -> Cycle:
    """One concrete loop through the component, from its first cell in display order, each
    cell with the names the next cell reads from it."""
    members = set(component)
    start = component[0]
    previous: dict[str, str] = {}
    todo = deque([start])
    end: str | None = None
    while todo and end is None:
        node = todo.popleft()
        for child in sorted(children[node] & members, key=notebook.position):
            if child == start:
                end = node
                break
            if child not in previous:
                previous[child] = node
                todo.append(child)
    path = [start]
    if end is not None and end != start:
        back = [end]
        while back[-1] != start:
            back.append(previous[back[-1]])
        path = list(reversed(back))
    steps = []
    for i, cell in enumerate(path):
        nxt = path[(i + 1) % len(path)]
        names = defs[cell] & refs[nxt] if nxt != cell else ()  # what nxt reads from cell
        steps.append((cell, tuple(sorted(names))))
    return Cycle(tuple(steps))


def reorder_graph(graph: Graph, cell_ids: tuple[str, ...]) -> Graph:
    """The same graph for the same cells in a new display order (a move): edges and problems
    hold cell ids, so only the run order, whose ties follow display order, is computed again."""
    if set(cell_ids) != set(graph.cell_ids):
        raise ValueError("reorder_graph needs the same cells")
    cycles = strongly_connected_cycles(cell_ids, graph.children)
    order = topological_order(cell_ids, graph.parents, graph.children, cycles)
    return replace(
        graph, cell_ids=cell_ids, order=order, rank={cid: i for i, cid in enumerate(order)}
    )

"""What runs, in which order, and which names go first (SEMANTICS.md §3 to §4).

A pure function of the graph, the run state and the request: the coordinator asks, sends the
resulting plan to the worker as one message, and updates the state from what comes back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from types import MappingProxyType
from typing import Literal

from app.core.gc_pause import gc_paused
from app.core.graph import Graph
from app.core.notebook import Cell, Notebook
from app.core.problems import BlockedBy, MissingNames, Problem, Reason, Unrunnable
from app.core.record import Record

Mode = Literal["autorun", "lazy"]


class PlannedStep(Record):
    """A cell to run; ``depends_on`` are its parents that run earlier in the same plan."""

    cell_id: str
    depends_on: tuple[str, ...] = ()


class Plan(Record):
    """``steps`` in run order; ``delete_names`` removed from the kernel before the first step;
    ``blocked`` cells (with the reason) are not sent; ``stale`` cells are shown stale (lazy
    mode, or downstream of a held cell); ``held`` cells would have run but do not run by
    themselves (auto-run off for the cell)."""

    steps: tuple[PlannedStep, ...] = ()
    delete_names: tuple[str, ...] = ()
    blocked: Mapping[str, Reason] = MappingProxyType({})
    stale: tuple[str, ...] = ()
    held: tuple[str, ...] = ()

    @property
    def cell_ids(self) -> tuple[str, ...]:
        return tuple(step.cell_id for step in self.steps)


def _closure(
    graph: Graph, roots: set[str], up_to_date: Set[str], ran: Set[str], mode: Mode
) -> set[str] | frozenset[str]:
    """Roots, their descendants (autorun), and every ancestor of a planned cell that is not
    up to date (SEMANTICS.md §3). A pulled-in ancestor re-runs, so whatever was computed from
    its old value must follow: in autorun its descendants that have run before (``ran``); in
    lazy mode, the cells between it and the roots. Linear: each cell is expanded at most once
    in each direction."""
    if len(roots) == len(graph.cell_ids) and roots.issuperset(graph.cell_ids):
        return set(roots)  # every cell is a root: nothing more to find (a run-all)
    if mode == "autorun":
        # The usual edit: the roots and everything downstream of them, when every other
        # ancestor of those is up to date — then nothing is pulled in and the walk would
        # find exactly this (the graph remembers both sets for the same roots).
        downstream, feeders = graph.downstream(roots)
        if all(cell in up_to_date for cell in feeders):
            return downstream
    return _walk_closure(graph, roots, up_to_date, ran, mode)


def _walk_closure(
    graph: Graph, roots: Iterable[str], up_to_date: Set[str], ran: Set[str], mode: Mode
) -> set[str]:
    """:func:`_closure`, found by walking the graph from the roots."""
    planned: set[str] = set()
    downstream: set[str] = set()  # roots and their descendants: all of their children follow
    climbed: set[str] = set()
    pulled: set[str] = set()
    autorun = mode == "autorun"
    todo = [(root, True) for root in roots]
    while todo:
        cell, down = todo.pop()
        if cell in downstream or (cell in planned and not down):
            continue
        planned.add(cell)
        if down:
            downstream.add(cell)
        if autorun:
            todo.extend((child, down) for child in graph.children[cell] if down or child in ran)
        climb = [cell]
        while climb:
            for parent in graph.parents[climb.pop()]:
                if parent in climbed:
                    continue
                climbed.add(parent)
                climb.append(parent)
                if parent not in up_to_date and not (autorun and parent in downstream):
                    # (In autorun every descendant of a downstream cell is planned already:
                    # pulling one in would add nothing, at the cost of two walks of the
                    # graph, as when an edited root's children climb back to it.)
                    pulled.add(parent)
                    todo.append((parent, False))
    if pulled:
        planned |= graph.descendants(pulled) & graph.ancestors(planned)
    return planned


def cell_problems(notebook: Notebook, graph: Graph) -> dict[str, tuple[Problem, ...]]:
    """Every cell that cannot run and why: the graph's problems (multiple definitions,
    cycles) and SQL cells whose placeholders no cell defines."""
    sources: dict[str, tuple[Problem, ...]] = dict(graph.problems)
    for cell_id, missing in graph.unresolved.items():
        if notebook.cell(cell_id).kind == "sql":
            missing_names = MissingNames(tuple(sorted(missing)))
            sources[cell_id] = (*sources.get(cell_id, ()), missing_names)
    return sources


def _blocked_reasons(notebook: Notebook, graph: Graph, cells: Set[str]) -> dict[str, Reason]:
    """Cells that cannot run: errable ones, SQL cells with an undefined placeholder, and
    everything downstream of either, each with a reason that names the cell at fault."""
    sources = cell_problems(notebook, graph)
    if not sources:
        return {}
    # The first cell at fault upstream of each cell, propagated once in topological order.
    culprit: dict[str, str] = {}
    for cell_id in graph.order:
        if cell_id in sources:
            continue
        upstream = [
            p if p in sources else culprit[p]
            for p in graph.parents[cell_id]
            if p in sources or p in culprit
        ]
        if upstream:
            culprit[cell_id] = min(upstream, key=notebook.position)
    reasons: dict[str, Reason] = {}
    for cell_id in cells:
        if cell_id in sources:
            reasons[cell_id] = Unrunnable(sources[cell_id])
        elif cell_id in culprit:
            reasons[cell_id] = BlockedBy(culprit[cell_id], failed=False)
    return reasons


def names_to_delete(
    graph: Graph, kernel_names: Mapping[str, str], affected: Set[str]
) -> tuple[str, ...]:
    """Names to remove from the kernel before a plan (SEMANTICS.md §4): every name a cell in
    ``affected`` defined at its last run or defines now, every name whose defining cell is
    gone or no longer defines it, and every name of an errable cell."""
    defs, problems = graph.defs, graph.problems
    doomed: set[str]
    if 4 * len(affected) < len(graph.definers):
        doomed = {name for cell_id in affected for name in defs.get(cell_id, ())}
    else:
        # A large share of the notebook: one pass over the names rather than one over each
        # cell's set of names (a set each, scattered in memory: seven times slower).
        doomed = {
            name
            for name, cells in graph.definers.items()
            if cells[0] in affected or (len(cells) > 1 and not affected.isdisjoint(cells))
        }
    # Most names of a large re-run are defined by a cell that runs again: a set difference
    # leaves only the others to look at.
    for name in kernel_names.keys() - doomed:
        cell_id = kernel_names[name]
        if (
            cell_id in affected
            or cell_id not in defs
            or name not in defs[cell_id]
            or cell_id in problems
        ):
            doomed.add(name)
    return tuple(sorted(doomed))


def readers_of(graph: Graph, names: Iterable[str]) -> set[str]:
    """The cells that read any of ``names``, not counting the cells that define them: when
    the *value* of a name changes without its cell running (a control the user moved,
    SEMANTICS.md §8), these are the roots of the plan."""
    wanted = set(names)
    if not wanted:
        return set()
    definers = {cid for name in wanted for cid in graph.definers.get(name, ())}
    return {cid for cid in graph.cell_ids if graph.refs[cid] & wanted and cid not in definers}


def _inputs(graph: Graph, parents: frozenset[str], running: Set[str]) -> tuple[str, ...]:
    """The parents that run earlier in the same plan, in run order."""
    inputs = [parent for parent in parents if parent in running]
    if len(inputs) > 1:
        inputs.sort(key=graph.rank.__getitem__)
    return tuple(inputs)


class _KeptSteps:
    """The step of each cell whose parents all run in its plan (the usual case: then it
    depends on the graph alone), kept for the last graph planned — a re-run of a large
    notebook plans the same steps again, and its steps are then the same objects too. (The
    last graph stays alive until another is planned: one snapshot, not a leak.)"""

    def __init__(self) -> None:
        self._graph: Graph | None = None
        self._steps: dict[str, PlannedStep] = {}

    def steps(self, graph: Graph, runnable: Sequence[str]) -> tuple[PlannedStep, ...]:
        if self._graph is not graph:
            self._graph = graph
            self._steps = {}
        kept = self._steps
        running = set(runnable)
        parents = graph.parents
        steps: list[PlannedStep] = []
        rank = graph.rank.__getitem__
        for cid in runnable:
            own = parents[cid]
            if own <= running:  # every parent runs in this plan: they are its inputs
                step = kept.get(cid)
                if step is None:
                    inputs = tuple(own) if len(own) < 2 else tuple(sorted(own, key=rank))
                    step = kept[cid] = PlannedStep(cid, inputs)
            else:
                step = PlannedStep(cid, _inputs(graph, own, running))
            steps.append(step)
        return tuple(steps)


_KEPT_STEPS = _KeptSteps()


def plan_run(
    notebook: Notebook,
    graph: Graph,
    roots: Iterable[str],
    up_to_date: Set[str],
    kernel_names: Mapping[str, str],
    mode: Mode = "autorun",
    ran: Set[str] = frozenset(),
    changed_names: Iterable[str] = (),
) -> Plan:
    """The plan for running ``roots`` (one cell, several, or all of them).

    ``up_to_date``: cells whose last run succeeded on current code and inputs. ``ran``: cells
    with results from an earlier run in this kernel (anything not idle). ``changed_names``:
    names whose values changed in the kernel without their cells running (controls): their
    readers are roots too (:func:`readers_of`); the defining cells are not.
    """
    roots = {*roots, *readers_of(graph, changed_names)}
    with gc_paused():  # a plan of every cell of a large notebook makes many small objects
        return _plan(notebook, graph, roots, up_to_date, kernel_names, mode, ran)


def _plan(
    notebook: Notebook,
    graph: Graph,
    roots: set[str],
    up_to_date: Set[str],
    kernel_names: Mapping[str, str],
    mode: Mode,
    ran: Set[str],
) -> Plan:
    """:func:`plan_run` once the roots are known."""
    closure = _closure(graph, roots, up_to_date, ran | up_to_date, mode)
    if len(closure) == len(notebook) and closure.issuperset(notebook.cell_ids):
        cells: Iterable[Cell] = notebook.cells  # every cell: no look-up by id
    else:
        cells = (notebook.cell(cid) for cid in closure)
    planned: set[str] = set()
    # A cell with auto-run off runs only as a root; what would use its old value waits too.
    held: set[str] = set()
    for cell in cells:
        if cell.kind == "markdown":
            continue  # rendered, never run
        planned.add(cell.id)
        if cell.meta and not cell.auto_runs and cell.id not in roots:
            held.add(cell.id)
    waiting = held | (graph.descendants(held) & planned) if held else set()
    planned -= waiting
    blocked = _blocked_reasons(notebook, graph, planned)
    runnable = [cid for cid in graph.sort(planned) if cid not in blocked]
    steps = _KEPT_STEPS.steps(graph, runnable)
    stale: set[str] = waiting - held
    if mode == "lazy":
        stale |= graph.descendants(planned) - planned
    return Plan(
        steps=steps,
        delete_names=names_to_delete(graph, kernel_names, planned),
        blocked=blocked,
        stale=tuple(graph.sort(stale)),
        held=tuple(graph.sort(held)),
    )


def plan_run_all(notebook: Notebook, graph: Graph, kernel_names: Mapping[str, str]) -> Plan:
    """Every cell, in topological order."""
    return plan_run(notebook, graph, graph.cell_ids, frozenset(), kernel_names, "autorun")

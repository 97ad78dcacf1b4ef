"""Topological order and cycle detection over cell ids, knowing nothing of notebooks.

Ties are broken by the position of the cells in the input sequence (notebook display order),
so the order is deterministic and matches what a reader of the notebook expects. Cycles are
returned as data (strongly connected components), never raised.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence, Set


def strongly_connected_cycles(
    nodes: Sequence[str], children: Mapping[str, Set[str]]
) -> list[tuple[str, ...]]:
    """Every cycle component (size > 1), each as a tuple in ``nodes`` order.

    Iterative Tarjan: a chain of thousands of cells must not hit the recursion limit.
    """
    position = {node: i for i, node in enumerate(nodes)}
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    cycles: list[tuple[str, ...]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [
            (root, sorted(children.get(root, ()), key=position.__getitem__))
        ]
        index[root] = lowlink[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, pending = work[-1]
            if pending:
                child = pending.pop()
                if child not in index:
                    index[child] = lowlink[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, sorted(children.get(child, ()), key=position.__getitem__)))
                elif child in on_stack:
                    lowlink[node] = min(lowlink[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                lowlink[parent] = min(lowlink[parent], lowlink[node])
            if lowlink[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(tuple(sorted(component, key=position.__getitem__)))
    return sorted(cycles, key=lambda c: position[c[0]])


def topological_order(
    nodes: Sequence[str],
    parents: Mapping[str, Set[str]],
    children: Mapping[str, Set[str]],
    cycles: Sequence[Sequence[str]] | None = None,
) -> tuple[str, ...]:
    """Kahn's algorithm with a position heap over the condensation of the graph: each cycle
    is one unit (at its first member's position, members in position order), so cells
    behind a cycle still come after it and every node appears exactly once."""
    if cycles is None:
        cycles = strongly_connected_cycles(nodes, children)
    if not cycles:
        acyclic = acyclic_order(nodes, parents, children)
        if acyclic is not None:
            return acyclic
    return condensed_order(nodes, parents, children, cycles)


def condensed_order(
    nodes: Sequence[str],
    parents: Mapping[str, Set[str]],
    children: Mapping[str, Set[str]],
    cycles: Sequence[Sequence[str]],
) -> tuple[str, ...]:
    """:func:`topological_order` given the graph's cycles, each one unit."""
    position = {node: i for i, node in enumerate(nodes)}
    unit_of = {node: node for node in nodes}
    members: dict[str, list[str]] = {node: [node] for node in nodes}
    for cycle in cycles:
        ordered = sorted(cycle, key=position.__getitem__)
        head = ordered[0]
        for node in ordered:
            unit_of[node] = head
            members.pop(node, None)
        members[head] = ordered
    remaining = dict.fromkeys(members, 0)
    for node in nodes:
        unit = unit_of[node]
        remaining[unit] += sum(1 for parent in parents.get(node, ()) if unit_of[parent] != unit)
    heap = [position[unit] for unit, count in remaining.items() if count == 0]
    heapq.heapify(heap)
    order: list[str] = []
    while heap:
        unit = nodes[heapq.heappop(heap)]
        for node in members[unit]:
            order.append(node)
            for child in children.get(node, ()):
                child_unit = unit_of[child]
                if child_unit == unit:
                    continue
                remaining[child_unit] -= 1
                if remaining[child_unit] == 0:
                    heapq.heappush(heap, position[child_unit])
    return tuple(order)


def acyclic_order(
    nodes: Sequence[str], parents: Mapping[str, Set[str]], children: Mapping[str, Set[str]]
) -> tuple[str, ...] | None:
    """:func:`topological_order` of a graph without cycles (each node its own unit; a node
    that is its own parent or child is no edge), or ``None`` when a cycle keeps some nodes out:
    the graph's common case, without a search for components first."""
    position = {node: i for i, node in enumerate(nodes)}
    remaining: dict[str, int] = {}
    heap: list[int] = []
    for i, node in enumerate(nodes):
        own = parents.get(node, ())
        count = len(own) - (node in own)
        if count:
            remaining[node] = count
        else:
            heap.append(i)
    order: list[str] = []
    while heap:
        node = nodes[heapq.heappop(heap)]
        order.append(node)
        for child in children.get(node, ()):
            if child == node:
                continue
            count = remaining[child] - 1
            remaining[child] = count
            if not count:
                heapq.heappush(heap, position[child])
    return tuple(order) if len(order) == len(nodes) else None

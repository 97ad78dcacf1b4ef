"""Topological order and cycle detection on plain dicts (SEMANTICS.md §2, "Order").

No notebooks here: nodes are strings in "display order", edges are parent -> child pairs.
"""

from __future__ import annotations

import pytest

from app.core.ordering import strongly_connected_cycles, topological_order

Edges = list[tuple[str, str]]


def maps(nodes: list[str], edges: Edges) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    parents: dict[str, set[str]] = {node: set() for node in nodes}
    children: dict[str, set[str]] = {node: set() for node in nodes}
    for source, target in edges:
        children[source].add(target)
        parents[target].add(source)
    return parents, children


TOPO_CASES: list[tuple[str, list[str], Edges, tuple[str, ...]]] = [
    ("empty", [], [], ()),
    ("no-edges-keep-position", ["a", "b", "c"], [], ("a", "b", "c")),
    ("chain-given-backwards", ["c", "b", "a"], [("a", "b"), ("b", "c")], ("a", "b", "c")),
    ("ties-by-position", ["a", "b", "c", "d"], [("d", "a")], ("b", "c", "d", "a")),
    (
        "diamond",
        ["d", "c", "b", "a"],
        [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")],
        ("a", "c", "b", "d"),
    ),
    (
        "earliest-ready-first",
        ["y", "z", "x"],
        [("x", "y")],
        ("z", "x", "y"),
    ),
    ("cycle-only", ["a", "b"], [("a", "b"), ("b", "a")], ("a", "b")),
    (
        "cycle-is-one-unit-at-its-first-position",
        ["b", "c", "a"],
        [("b", "c"), ("c", "b")],
        ("b", "c", "a"),
    ),
    (
        "node-after-a-cycle",
        ["a", "b", "c"],
        [("a", "b"), ("b", "a"), ("b", "c")],
        ("a", "b", "c"),
    ),
    (
        "two-separate-cycles",
        ["a", "b", "c", "d", "e"],
        [("a", "b"), ("b", "a"), ("d", "e"), ("e", "d")],
        ("a", "b", "c", "d", "e"),
    ),
]


@pytest.mark.parametrize(
    ("nodes", "edges", "order"), [c[1:] for c in TOPO_CASES], ids=[c[0] for c in TOPO_CASES]
)
def test_topological_order(nodes: list[str], edges: Edges, order: tuple[str, ...]) -> None:
    parents, children = maps(nodes, edges)
    assert topological_order(nodes, parents, children) == order


def test_topological_order_accepts_sparse_maps() -> None:
    """Nodes without an entry in ``parents`` / ``children`` have none."""
    assert topological_order(["b", "a", "c"], {"b": {"a"}}, {"a": {"b"}}) == ("a", "b", "c")


BEHIND_CYCLE_CASES: list[tuple[str, list[str], Edges, tuple[str, ...]]] = [
    (
        "node-behind-cycle-placed-earlier",
        ["c", "a", "b"],
        [("a", "b"), ("b", "a"), ("b", "c")],
        ("a", "b", "c"),
    ),
    (
        "chain-behind-cycle-given-backwards",
        ["w", "x", "y", "v"],
        [("x", "y"), ("y", "x"), ("y", "v"), ("v", "w")],
        ("x", "y", "v", "w"),
    ),
]


@pytest.mark.parametrize(
    ("nodes", "edges", "order"),
    [c[1:] for c in BEHIND_CYCLE_CASES],
    ids=[c[0] for c in BEHIND_CYCLE_CASES],
)
def test_topological_order_behind_a_cycle(
    nodes: list[str], edges: Edges, order: tuple[str, ...]
) -> None:
    """§2 "Order: topological": an edge that is not on a cycle is always respected, also
    downstream of a cycle (a cycle is ordered as one unit at its first member's position)."""
    parents, children = maps(nodes, edges)
    assert topological_order(nodes, parents, children) == order


CYCLE_CASES: list[tuple[str, list[str], Edges, list[tuple[str, ...]]]] = [
    ("no-edges", ["a", "b"], [], []),
    ("chain", ["a", "b", "c"], [("a", "b"), ("b", "c")], []),
    ("self-loop-is-not-a-component", ["a", "b"], [("a", "a")], []),
    ("two-cycle", ["a", "b"], [("a", "b"), ("b", "a")], [("a", "b")]),
    ("three-cycle", ["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a")], [("a", "b", "c")]),
    (
        "members-in-node-order",
        ["c", "a", "b"],
        [("a", "b"), ("b", "c"), ("c", "a")],
        [("c", "a", "b")],
    ),
    (
        "nodes-before-and-after-a-cycle",
        ["p", "a", "b", "q"],
        [("p", "a"), ("a", "b"), ("b", "a"), ("b", "q")],
        [("a", "b")],
    ),
    (
        "two-separate-cycles",
        ["a", "b", "c", "d", "e"],
        [("a", "b"), ("b", "a"), ("d", "e"), ("e", "d")],
        [("a", "b"), ("d", "e")],
    ),
    (
        "cycles-sorted-by-first-member",
        ["d", "e", "a", "b"],
        [("a", "b"), ("b", "a"), ("d", "e"), ("e", "d")],
        [("d", "e"), ("a", "b")],
    ),
    (
        "two-cycles-joined-by-an-edge",
        ["a", "b", "c", "d"],
        [("a", "b"), ("b", "a"), ("b", "c"), ("c", "d"), ("d", "c")],
        [("a", "b"), ("c", "d")],
    ),
    (
        "figure-eight-is-one-component",
        ["a", "b", "c"],
        [("a", "b"), ("b", "a"), ("b", "c"), ("c", "b")],
        [("a", "b", "c")],
    ),
]


@pytest.mark.parametrize(
    ("nodes", "edges", "cycles"), [c[1:] for c in CYCLE_CASES], ids=[c[0] for c in CYCLE_CASES]
)
def test_strongly_connected_cycles(
    nodes: list[str], edges: Edges, cycles: list[tuple[str, ...]]
) -> None:
    _, children = maps(nodes, edges)
    assert strongly_connected_cycles(nodes, children) == cycles


def test_long_ring_needs_no_recursion() -> None:
    nodes = [f"n{i}" for i in range(5000)]
    edges = [(nodes[i], nodes[(i + 1) % len(nodes)]) for i in range(len(nodes))]
    parents, children = maps(nodes, edges)
    assert strongly_connected_cycles(nodes, children) == [tuple(nodes)]
    assert topological_order(nodes, parents, children) == tuple(nodes)


def test_long_chain_needs_no_recursion() -> None:
    nodes = [f"n{i}" for i in range(5000)]
    edges = [(nodes[i], nodes[i + 1]) for i in range(len(nodes) - 1)]
    parents, children = maps(nodes, edges)
    assert strongly_connected_cycles(nodes, children) == []
    assert topological_order(list(reversed(nodes)), parents, children) == tuple(nodes)

"""The dependency graph (SEMANTICS.md §1, §2): edges, errable cells, order, reachability.

Table-driven: code strings in, exact parents / errors / order out. Cells are ``c1``, ``c2``, …
in notebook order, so "cell N" in a message is ``cN``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from app.core.graph import DOWNSTREAM_KEPT, Graph
from tests.core._helpers import CellSpec, build, chain, graph_of, in_words


def parent_sets(graph: Graph) -> dict[str, set[str]]:
    return {cid: set(graph.parents[cid]) for cid in graph.cell_ids}


def child_sets(graph: Graph) -> dict[str, set[str]]:
    return {cid: set(graph.children[cid]) for cid in graph.cell_ids}


def invert(parents: dict[str, set[str]]) -> dict[str, set[str]]:
    children: dict[str, set[str]] = {cid: set() for cid in parents}
    for cid, sources in parents.items():
        for source in sources:
            children[source].add(cid)
    return children


# -- edges (§2: edge A -> B when B reads a name A defines) ------------------------------------

EDGE_CASES: list[tuple[str, Sequence[CellSpec], dict[str, set[str]]]] = [
    (
        "sec2-chain",
        ["x = 1", "y = x + 1", "print(y)"],
        {"c1": set(), "c2": {"c1"}, "c3": {"c2"}},
    ),
    (
        "sec2-diamond",
        ["a = 1", "b = a + 1", "c = a + 2", "d = b + c"],
        {"c1": set(), "c2": {"c1"}, "c3": {"c1"}, "c4": {"c2", "c3"}},
    ),
    (
        "sec2-reader-before-definer",
        ["print(x)", "x = 1"],
        {"c1": {"c2"}, "c2": set()},
    ),
    (
        "sec1-tuple-unpacking-defines-both",
        ["a, b = 1, 2", "c = a * b"],
        {"c1": set(), "c2": {"c1"}},
    ),
    (
        "sec1-x=x+1-is-not-a-self-edge",
        ["x = 0", "y = 1\ny = y + 1", "z = x"],
        {"c1": set(), "c2": set(), "c3": {"c1"}},
    ),
    (
        "sec1-augmented-assignment-alone-is-not-a-self-edge",
        ["x += 1"],
        {"c1": set()},
    ),
    (
        "sec1-builtins-make-no-edge",
        ["print(len('abc'))", "y = 1"],
        {"c1": set(), "c2": set()},
    ),
    (
        "sec1-builtin-defined-by-a-cell-makes-an-edge",
        ["print(len('abc'))", "len = lambda s: 0"],
        {"c1": {"c2"}, "c2": set()},
    ),
    (
        "sec1-private-names-never-make-edges",
        ["_x = 1", "print(_x)", "_x = 2"],
        {"c1": set(), "c2": set(), "c3": set()},
    ),
    (
        "sec1-function-body-reads-make-edges",
        ["def f():\n    return k", "k = 1"],
        {"c1": {"c2"}, "c2": set()},
    ),
    (
        "sec1-subscript-target-reads",
        ["df = {}", "df['c'] = 1", "print(df)"],
        {"c1": set(), "c2": {"c1"}, "c3": {"c1"}},
    ),
    (
        "sec1-del-needs-the-definer-first",
        ["x = 1", "del x"],
        {"c1": set(), "c2": {"c1"}},
    ),
    (
        "sec1-sql-placeholder-and-result-name",
        ["n = 3", ("sql", "SELECT * FROM t WHERE id < {n}", "df"), "print(df)"],
        {"c1": set(), "c2": {"c1"}, "c3": {"c2"}},
    ),
    (
        "sec1-markdown-defines-and-reads-nothing",
        [("markdown", "# {x} and x"), "x = 1"],
        {"c1": set(), "c2": set()},
    ),
    (
        "sec1-syntax-error-takes-no-part",
        ["x = 1", "y = x +", "z = y"],
        {"c1": set(), "c2": set(), "c3": set()},
    ),
]


@pytest.mark.parametrize(
    ("specs", "parents"), [c[1:] for c in EDGE_CASES], ids=[c[0] for c in EDGE_CASES]
)
def test_edges(specs: Sequence[CellSpec], parents: dict[str, set[str]]) -> None:
    _, graph = build(specs)
    assert parent_sets(graph) == parents
    assert child_sets(graph) == invert(parents)
    assert graph.problems == {}


def test_definers_lists_defining_cells_in_notebook_order() -> None:
    """§2: ``definers`` maps each public name to every cell that binds it."""
    _, graph = build(["x = 1", "print(x)", "x = 2; y = 3", "_p = 1"])
    assert graph.definers == {"x": ("c1", "c3"), "y": ("c3",)}
    assert graph.defs == {
        "c1": frozenset({"x"}),
        "c2": frozenset(),
        "c3": frozenset({"x", "y"}),
        "c4": frozenset(),
    }


def test_del_counts_as_a_read() -> None:
    """§4 / graph.py: ``del x`` needs x's definer to have run first, so it is in ``refs``."""
    _, graph = build(["x = 1", "del x"])
    assert graph.refs["c2"] == frozenset({"x"})


# -- unresolved names -------------------------------------------------------------------------

UNRESOLVED_CASES: list[tuple[str, Sequence[CellSpec], dict[str, frozenset[str]]]] = [
    ("nothing-missing", ["x = 1", "y = x"], {}),
    ("builtin-and-undefined", ["print(x)", "y = 1"], {"c1": frozenset({"print", "x"})}),
    ("import-binds-in-cell", ["import os\nos.getcwd()"], {}),
    ("shadowed-builtin-resolves", ["print(1)", "print = None"], {}),
    (
        "sql-placeholder",
        [("sql", "SELECT {missing}, {n}", "df"), "n = 1"],
        {"c1": frozenset({"missing"})},
    ),
    ("private-name-never-unresolved", ["print(_hidden)"], {"c1": frozenset({"print"})}),
]


@pytest.mark.parametrize(
    ("specs", "expected"),
    [c[1:] for c in UNRESOLVED_CASES],
    ids=[c[0] for c in UNRESOLVED_CASES],
)
def test_unresolved(specs: Sequence[CellSpec], expected: dict[str, frozenset[str]]) -> None:
    """§1: names no cell defines (builtins among them) are listed per cell, not edges."""
    _, graph = build(specs)
    assert dict(graph.unresolved) == expected


# -- errable cells (§2) -----------------------------------------------------------------------

ERROR_CASES: list[tuple[str, Sequence[CellSpec], dict[str, str]]] = [
    (
        "sec2-multiple-definitions-two-cells",
        ["x = 1", "print(x)", "x = 2"],
        {
            "c1": "'x' is defined by more than one cell: cell 1, cell 3",
            "c3": "'x' is defined by more than one cell: cell 1, cell 3",
        },
    ),
    (
        "sec2-multiple-definitions-three-cells",
        ["x = 1", "def x(): pass", "y = 0", "import x"],
        {
            "c1": "'x' is defined by more than one cell: cell 1, cell 2, cell 4",
            "c2": "'x' is defined by more than one cell: cell 1, cell 2, cell 4",
            "c4": "'x' is defined by more than one cell: cell 1, cell 2, cell 4",
        },
    ),
    (
        "sec2-multiple-definitions-two-names",
        ["x = 1; y = 1", "x = 2; y = 2"],
        {
            "c1": "'x' is defined by more than one cell: cell 1, cell 2; "
            "'y' is defined by more than one cell: cell 1, cell 2",
            "c2": "'x' is defined by more than one cell: cell 1, cell 2; "
            "'y' is defined by more than one cell: cell 1, cell 2",
        },
    ),
    (
        "sec2-sql-name-clashes-with-python",
        ["df = 1", ("sql", "SELECT 1", "df")],
        {
            "c1": "'df' is defined by more than one cell: cell 1, cell 2",
            "c2": "'df' is defined by more than one cell: cell 1, cell 2",
        },
    ),
    (
        "sec2-cycle-of-two",
        ["x = y", "y = x"],
        {
            "c1": "cycle: cell 1 (x) → cell 2 (y) → cell 1",
            "c2": "cycle: cell 1 (x) → cell 2 (y) → cell 1",
        },
    ),
    (
        "sec2-cycle-of-two-with-outsiders",
        ["a = 1", "x = y + a", "print(x)", "y = x"],
        {
            "c2": "cycle: cell 2 (x) → cell 4 (y) → cell 2",
            "c4": "cycle: cell 2 (x) → cell 4 (y) → cell 2",
        },
    ),
    (
        "sec2-cycle-of-three-forward",
        ["x = z", "y = x", "z = y"],
        {
            "c1": "cycle: cell 1 (x) → cell 2 (y) → cell 3 (z) → cell 1",
            "c2": "cycle: cell 1 (x) → cell 2 (y) → cell 3 (z) → cell 1",
            "c3": "cycle: cell 1 (x) → cell 2 (y) → cell 3 (z) → cell 1",
        },
    ),
    (
        "sec2-cycle-of-three-backward",
        ["x = y", "y = z", "z = x"],
        {
            "c1": "cycle: cell 1 (x) → cell 3 (z) → cell 2 (y) → cell 1",
            "c2": "cycle: cell 1 (x) → cell 3 (z) → cell 2 (y) → cell 1",
            "c3": "cycle: cell 1 (x) → cell 3 (z) → cell 2 (y) → cell 1",
        },
    ),
    (
        "sec2-cycle-edge-with-two-names",
        ["x = y\nw = y", "y = x + w"],
        {
            "c1": "cycle: cell 1 (w, x) → cell 2 (y) → cell 1",
            "c2": "cycle: cell 1 (w, x) → cell 2 (y) → cell 1",
        },
    ),
    (
        "sec2-cycle-through-function-bodies",
        ["def f():\n    return g()", "def g():\n    return f()"],
        {
            "c1": "cycle: cell 1 (f) → cell 2 (g) → cell 1",
            "c2": "cycle: cell 1 (f) → cell 2 (g) → cell 1",
        },
    ),
    (
        "sec2-two-separate-cycles",
        ["a = b", "b = a", "c = d", "d = c", "e = a + c"],
        {
            "c1": "cycle: cell 1 (a) → cell 2 (b) → cell 1",
            "c2": "cycle: cell 1 (a) → cell 2 (b) → cell 1",
            "c3": "cycle: cell 3 (c) → cell 4 (d) → cell 3",
            "c4": "cycle: cell 3 (c) → cell 4 (d) → cell 3",
        },
    ),
    (
        "sec2-cycle-and-multiple-definition-both-reported",
        ["x = x + 1", "x = x + 1"],
        {
            "c1": "'x' is defined by more than one cell: cell 1, cell 2; "
            "cycle: cell 1 (x) → cell 2 (x) → cell 1",
            "c2": "'x' is defined by more than one cell: cell 1, cell 2; "
            "cycle: cell 1 (x) → cell 2 (x) → cell 1",
        },
    ),
]


@pytest.mark.parametrize(
    ("specs", "errors"), [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES]
)
def test_errors(specs: Sequence[CellSpec], errors: dict[str, str]) -> None:
    """Exactly the errable cells carry a message; readers and outsiders do not (§2)."""
    _, graph = build(specs)
    assert in_words(graph.problems) == errors


def test_reader_of_multiply_defined_name_reads_from_every_definer() -> None:
    """§2: the reader is not errable itself; it hangs below every definer (and so is blocked)."""
    _, graph = build(["x = 1", "print(x)", "x = 2"])
    assert graph.parents["c2"] == frozenset({"c1", "c3"})
    assert "c2" not in graph.problems


def test_reader_of_a_cycle_is_a_descendant_but_not_errable() -> None:
    _, graph = build(["x = y", "y = x", "z = x"])
    assert set(graph.problems) == {"c1", "c2"}
    assert graph.descendants(["c1"]) == {"c2", "c3"}


@pytest.mark.parametrize(
    ("specs", "cell_id", "fixed_code"),
    [
        (["x = y", "y = x"], "c2", "y = 1"),
        (["x = y", "y = z", "z = x"], "c3", "z = 0"),
        (["x = 1", "print(x)", "x = 2"], "c3", "w = 2"),
        (["x = 1", "print(x)", "x = 2"], "c1", "x2 = 1"),
    ],
    ids=["cycle-of-two", "cycle-of-three", "multiple-definitions", "rename-first-definer"],
)
def test_fixing_the_code_clears_the_error(
    specs: Sequence[CellSpec], cell_id: str, fixed_code: str
) -> None:
    """§2: "Fixing the code clears it on the next analysis; nothing else needs to happen"."""
    notebook, graph = build(specs)
    assert graph.problems
    assert graph_of(notebook.update_code(cell_id, fixed_code)).problems == {}


# -- order (§2: topological, ties broken by position) -----------------------------------------

ORDER_CASES: list[tuple[str, Sequence[CellSpec], tuple[str, ...]]] = [
    ("independent-cells-keep-position", ["a = 1", "b = 2", "c = 3"], ("c1", "c2", "c3")),
    ("chain-in-position", ["x = 1", "y = x", "z = y"], ("c1", "c2", "c3")),
    ("reads-a-later-definition", ["print(x)", "x = 1"], ("c2", "c1")),
    ("reversed-chain", ["print(y)", "y = x", "x = 1"], ("c3", "c2", "c1")),
    ("ready-cells-by-position", ["y = x + 1", "z = 0", "x = 1"], ("c2", "c3", "c1")),
    (
        "reversed-diamond",
        ["d = b + c", "c = a", "b = a", "a = 1"],
        ("c4", "c2", "c3", "c1"),
    ),
    ("late-definer-in-the-middle", ["a = 1", "c = b", "b = a", "d = 1"], ("c1", "c3", "c2", "c4")),
    (
        "markdown-and-sql-by-position",
        [("markdown", "intro"), ("sql", "SELECT {n}", "df"), "n = 1", "print(df)"],
        ("c1", "c3", "c2", "c4"),
    ),
    (
        "cycle-is-one-unit-in-position-order",
        ["x = y", "y = x", "a = 1", "b = x"],
        ("c1", "c2", "c3", "c4"),
    ),
]


@pytest.mark.parametrize(
    ("specs", "order"), [c[1:] for c in ORDER_CASES], ids=[c[0] for c in ORDER_CASES]
)
def test_order(specs: Sequence[CellSpec], order: tuple[str, ...]) -> None:
    _, graph = build(specs)
    assert graph.order == order
    assert dict(graph.rank) == {cid: i for i, cid in enumerate(order)}


def test_order_behind_a_cycle_is_still_topological() -> None:
    """§2 "Order: topological": cells downstream of a cycle keep their own edges in order.

    ``c4`` (``v = x``) reads the cycle, ``c1`` (``w = v``) reads ``c4``; ``c1`` must come
    after ``c4`` even though both are behind the cycle.
    """
    _, graph = build(["w = v", "x = y", "y = x", "v = x"])
    assert graph.order == ("c2", "c3", "c4", "c1")


def test_sort_uses_run_order() -> None:
    _, graph = build(["print(y)", "y = x", "x = 1", "z = 0"])
    assert graph.sort({"c1", "c2", "c3", "c4"}) == ["c3", "c2", "c1", "c4"]
    assert graph.sort(["c1", "c3"]) == ["c3", "c1"]
    assert graph.sort([]) == []


# -- ancestors / descendants -------------------------------------------------------------------

DIAMOND = ["a = 1", "b = a + 1", "c = a + 2", "d = b + c"]
CHAIN5 = chain(5)

REACH_CASES: list[tuple[str, Sequence[CellSpec], list[str], set[str], set[str]]] = [
    ("diamond-top", DIAMOND, ["c1"], set(), {"c2", "c3", "c4"}),
    ("diamond-left", DIAMOND, ["c2"], {"c1"}, {"c4"}),
    ("diamond-right", DIAMOND, ["c3"], {"c1"}, {"c4"}),
    ("diamond-bottom", DIAMOND, ["c4"], {"c1", "c2", "c3"}, set()),
    ("diamond-excludes-given", DIAMOND, ["c2", "c4"], {"c1", "c3"}, set()),
    ("diamond-both-branches", DIAMOND, ["c2", "c3"], {"c1"}, {"c4"}),
    ("chain-middle", CHAIN5, ["c3"], {"c1", "c2"}, {"c4", "c5"}),
    ("chain-end", CHAIN5, ["c5"], {"c1", "c2", "c3", "c4"}, set()),
    ("chain-two-starts", CHAIN5, ["c1", "c3"], {"c2"}, {"c2", "c4", "c5"}),
    ("nothing", CHAIN5, [], set(), set()),
]


@pytest.mark.parametrize(
    ("specs", "start", "ancestors", "descendants"),
    [c[1:] for c in REACH_CASES],
    ids=[c[0] for c in REACH_CASES],
)
def test_ancestors_and_descendants(
    specs: Sequence[CellSpec], start: list[str], ancestors: set[str], descendants: set[str]
) -> None:
    _, graph = build(specs)
    assert graph.ancestors(start) == ancestors
    assert graph.descendants(start) == descendants


def test_downstream_is_remembered_for_the_last_few_root_sets_only() -> None:
    """The same roots again get the very sets asked before (no walk); a graph asked about
    ever new roots keeps a bounded number of answers, the most recent ones."""
    _, graph = build(chain(40))
    first = graph.downstream({"c1"})
    assert first == (frozenset(graph.cell_ids), frozenset())
    assert graph.downstream(["c1"]) is first
    for index in range(2, 40):
        below, feeders = graph.downstream({f"c{index}"})
        assert below == frozenset(graph.cell_ids[index - 1 :])
        assert feeders == frozenset(graph.cell_ids[: index - 1])
    assert len(graph._downstream) == DOWNSTREAM_KEPT
    assert graph.downstream({"c39"}) is graph.downstream({"c39"})
    assert graph.downstream({"c1"}) is not first  # forgotten long ago: found again
    assert graph.downstream({"c1"}) == first


# -- scale -------------------------------------------------------------------------------------


def test_long_chain_builds_without_recursion_error() -> None:
    notebook, graph = build(chain(3000))
    ids = notebook.cell_ids
    assert graph.order == ids
    assert graph.problems == {}
    assert graph.parents["c3000"] == frozenset({"c2999"})
    assert graph.ancestors(["c3000"]) == set(ids[:-1])
    assert graph.descendants(["c1"]) == set(ids[1:])


def test_long_cycle_is_one_errable_component() -> None:
    """A 3000-cell ring: every cell errable with one message; no RecursionError."""
    specs = ["x_1 = x_3000", *(f"x_{i} = x_{i - 1} + 1" for i in range(2, 3001))]
    _, graph = build(specs)
    assert set(graph.problems) == {f"c{i}" for i in range(1, 3001)}
    words = in_words(graph.problems)
    assert set(words.values()) == {
        "cycle of 3,000 cells: cell 1 (x_1) → cell 2 (x_2) → cell 3 (x_3) → cell 4 (x_4) → "
        "cell 5 (x_5) → … 2,990 more cells … → cell 2996 (x_2996) → cell 2997 (x_2997) → "
        "cell 2998 (x_2998) → cell 2999 (x_2999) → cell 3000 (x_3000) → cell 1"
    }


@pytest.mark.parametrize("length", [12, 13])
def test_a_cycle_of_more_than_twelve_cells_is_named_by_its_ends(length: int) -> None:
    """SEMANTICS.md: up to 12 cells every step is named; beyond, the first and last five."""
    specs = [f"x_1 = x_{length}", *(f"x_{i} = x_{i - 1} + 1" for i in range(2, length + 1))]
    _, graph = build(specs)
    message = in_words(graph.problems)["c1"]
    steps = " → ".join(f"cell {i} (x_{i})" for i in range(1, length + 1))
    if length <= 12:
        assert message == f"cycle: {steps} → cell 1"
    else:
        head = " → ".join(f"cell {i} (x_{i})" for i in range(1, 6))
        tail = " → ".join(f"cell {i} (x_{i})" for i in range(length - 4, length + 1))
        assert message == f"cycle of {length} cells: {head} → … 3 more cells … → {tail} → cell 1"

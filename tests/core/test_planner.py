"""What runs, in which order, what is blocked, which names go first (SEMANTICS.md §3 to §5).

The diamond used throughout: ``c1`` (A) → ``c2`` (B), ``c1`` → ``c3`` (C), B, C → ``c4`` (D).
``up_to_date`` holds the ids of cells whose last run succeeded and is still current.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest

from app.core.planner import (
    Mode,
    Plan,
    PlannedStep,
    names_to_delete,
    plan_run,
    plan_run_all,
    readers_of,
)
from tests.core._helpers import CellSpec, build, chain, in_words

DIAMOND = ["a = 1", "b = a + 1", "c = a + 2", "d = b + c"]
DIAMOND_IDS = {"c1", "c2", "c3", "c4"}
DIAMOND_KERNEL = {"a": "c1", "b": "c2", "c": "c3", "d": "c4"}


def run(
    specs: Sequence[CellSpec],
    roots: Sequence[str],
    up_to_date: set[str] | frozenset[str] = frozenset(),
    kernel_names: Mapping[str, str] | None = None,
    mode: Mode = "autorun",
) -> Plan:
    notebook, graph = build(specs)
    return plan_run(notebook, graph, roots, up_to_date, kernel_names or {}, mode)


# -- §3 run cell X: X + descendants + not-up-to-date ancestors, topological, each once ----------

RUN_CASES: list[tuple[str, Sequence[CellSpec], list[str], set[str], tuple[str, ...]]] = [
    ("diamond-first-run-of-D", DIAMOND, ["c4"], set(), ("c1", "c2", "c3", "c4")),
    ("diamond-up-to-date-run-B", DIAMOND, ["c2"], DIAMOND_IDS, ("c2", "c4")),
    (
        "diamond-C-not-up-to-date-run-B",
        DIAMOND,
        ["c2"],
        DIAMOND_IDS - {"c3"},
        ("c2", "c3", "c4"),
    ),
    ("diamond-up-to-date-run-A", DIAMOND, ["c1"], DIAMOND_IDS, ("c1", "c2", "c3", "c4")),
    ("diamond-up-to-date-run-D", DIAMOND, ["c4"], DIAMOND_IDS, ("c4",)),
    (
        "diamond-A-not-up-to-date-run-D",
        DIAMOND,
        ["c4"],
        DIAMOND_IDS - {"c1"},
        ("c1", "c2", "c3", "c4"),
    ),
    ("diamond-two-roots-once-each", DIAMOND, ["c2", "c3", "c2"], DIAMOND_IDS, ("c2", "c3", "c4")),
    (
        "unrelated-cells-stay-out",
        ["a = 1", "b = a", "z = 0"],
        ["c1"],
        {"c1", "c2", "c3"},
        ("c1", "c2"),
    ),
    ("reader-before-definer", ["print(x)", "x = 1"], ["c2"], {"c1", "c2"}, ("c2", "c1")),
    (
        "stale-grandparent-behind-up-to-date-parent",
        chain(3),
        ["c3"],
        {"c2", "c3"},
        ("c1", "c2", "c3"),
    ),
    (
        "never-run-sibling-of-a-stale-ancestor-stays-out",
        ["a = 1", "b = a", "e = a"],
        ["c2"],
        set(),
        ("c1", "c2"),
    ),
]


@pytest.mark.parametrize(
    ("specs", "roots", "up_to_date", "steps"),
    [c[1:] for c in RUN_CASES],
    ids=[c[0] for c in RUN_CASES],
)
def test_run_cell_plans(
    specs: Sequence[CellSpec], roots: list[str], up_to_date: set[str], steps: tuple[str, ...]
) -> None:
    """§3 "Run cell X". A stale ancestor brought in re-runs; its descendants that never ran
    hold nothing computed from its old value, so they stay out (next test for those that did)."""
    plan = run(specs, roots, up_to_date)
    assert plan.cell_ids == steps
    assert plan.blocked == {}
    assert plan.stale == ()


def test_sibling_that_ran_follows_a_rerun_stale_ancestor() -> None:
    """§3/§4: once a stale ancestor re-runs, a sibling that already ran holds results computed
    from the old value: in autorun it re-runs too, so nothing is left outdated."""
    notebook, graph = build(["a = 1", "b = a", "e = a"])
    plan = plan_run(notebook, graph, ["c2"], set(), {}, "autorun", ran={"c1", "c3"})
    assert plan.cell_ids == ("c1", "c2", "c3")
    lazy = plan_run(notebook, graph, ["c2"], set(), {}, "lazy", ran={"c1", "c3"})
    assert lazy.cell_ids == ("c1", "c2")
    assert lazy.stale == ("c3",)


def test_depends_on_first_run_of_diamond() -> None:
    """Each step's ``depends_on`` are its parents that are in the plan, in run order."""
    plan = run(DIAMOND, ["c4"])
    assert plan.steps == (
        PlannedStep("c1", ()),
        PlannedStep("c2", ("c1",)),
        PlannedStep("c3", ("c1",)),
        PlannedStep("c4", ("c2", "c3")),
    )


def test_depends_on_leaves_out_parents_outside_the_plan() -> None:
    plan = run(DIAMOND, ["c2"], DIAMOND_IDS)
    assert plan.steps == (PlannedStep("c2", ()), PlannedStep("c4", ("c2",)))


def test_depends_on_follows_run_order_not_position() -> None:
    plan = run(["z = x + y", "y = 1", "x = 1"], ["c3", "c2"], {"c1"})
    assert plan.steps == (
        PlannedStep("c2", ()),
        PlannedStep("c3", ()),
        PlannedStep("c1", ("c2", "c3")),
    )


# -- §3 run all -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("specs", "steps"),
    [
        (DIAMOND, ("c1", "c2", "c3", "c4")),
        (["print(y)", "y = x", "x = 1", "z = 0"], ("c3", "c2", "c1", "c4")),
        ([("markdown", "# title"), ("sql", "SELECT {n}", "df"), "n = 1"], ("c3", "c2")),
        ([], ()),
    ],
    ids=["diamond", "reversed-chain", "markdown-and-sql", "empty"],
)
def test_run_all_is_every_cell_in_order(specs: Sequence[CellSpec], steps: tuple[str, ...]) -> None:
    notebook, graph = build(specs)
    plan = plan_run_all(notebook, graph, {})
    assert plan.cell_ids == steps
    assert plan.blocked == {}
    assert plan.stale == ()


# -- §2 / §5 / §6 blocked cells -----------------------------------------------------------------

MULTI = ["x = 1", "y = x", "x = 2", "z = y", "w = 0"]
MULTI_ERROR = "'x' is defined by more than one cell: cell 1, cell 3"
CYCLE = ["a = 0", "x = y + a", "y = x", "z = x", "print(z)"]
CYCLE_ERROR = "cycle: cell 2 (x) → cell 3 (y) → cell 2"

BLOCKED_CASES: list[
    tuple[str, Sequence[CellSpec], list[str] | None, tuple[str, ...], dict[str, str]]
] = [
    (
        "sec2-multiple-definitions-run-all",
        MULTI,
        None,
        ("c5",),
        {
            "c1": MULTI_ERROR,
            "c3": MULTI_ERROR,
            "c2": "blocked by cell 1, which cannot run",
            "c4": "blocked by cell 1, which cannot run",
        },
    ),
    (
        "sec2-multiple-definitions-run-reader",
        MULTI,
        ["c2"],
        (),
        {
            "c1": MULTI_ERROR,
            "c3": MULTI_ERROR,
            "c2": "blocked by cell 1, which cannot run",
            "c4": "blocked by cell 1, which cannot run",
        },
    ),
    ("sec2-unrelated-cell-is-not-blocked", MULTI, ["c5"], ("c5",), {}),
    (
        "sec2-cycle-run-all",
        CYCLE,
        None,
        ("c1",),
        {
            "c2": CYCLE_ERROR,
            "c3": CYCLE_ERROR,
            "c4": "blocked by cell 2, which cannot run",
            "c5": "blocked by cell 2, which cannot run",
        },
    ),
    (
        "sec2-cycle-run-upstream-cell",
        CYCLE,
        ["c1"],
        ("c1",),
        {
            "c2": CYCLE_ERROR,
            "c3": CYCLE_ERROR,
            "c4": "blocked by cell 2, which cannot run",
            "c5": "blocked by cell 2, which cannot run",
        },
    ),
    (
        "sec2-blocked-by-the-first-culprit",
        ["p = q", "q = p", "x = 1", "x = 2", "r = p + x"],
        None,
        (),
        {
            "c1": "cycle: cell 1 (p) → cell 2 (q) → cell 1",
            "c2": "cycle: cell 1 (p) → cell 2 (q) → cell 1",
            "c3": "'x' is defined by more than one cell: cell 3, cell 4",
            "c4": "'x' is defined by more than one cell: cell 3, cell 4",
            "c5": "blocked by cell 1, which cannot run",
        },
    ),
    (
        "sec6-sql-undefined-placeholder",
        [("sql", "SELECT * FROM t LIMIT {limit_rows}", "df"), "print(df)", "k = 1"],
        None,
        ("c3",),
        {
            "c1": "'limit_rows' is not defined by any cell",
            "c2": "blocked by cell 1, which cannot run",
        },
    ),
    (
        "sec6-sql-two-undefined-placeholders",
        [("sql", "SELECT {b}, {a}", "df")],
        None,
        (),
        {"c1": "'a', 'b' are not defined by any cell"},
    ),
    (
        "sec6-sql-undefined-placeholder-run-descendant",
        [("sql", "SELECT {missing}", "df"), "n = len(df)", "print(n)"],
        ["c3"],
        (),
        {
            "c1": "'missing' is not defined by any cell",
            "c2": "blocked by cell 1, which cannot run",
            "c3": "blocked by cell 1, which cannot run",
        },
    ),
    (
        "sec6-sql-defined-placeholder-runs",
        ["n = 1", ("sql", "SELECT {n}", "df")],
        None,
        ("c1", "c2"),
        {},
    ),
    (
        "sec6-sql-builtin-placeholder-is-undefined",
        [("sql", "SELECT {len}", "df")],
        None,
        (),
        {"c1": "'len' is not defined by any cell"},
    ),
    (
        "sec1-python-undefined-name-is-not-blocked",
        ["print(undefined_name)"],
        None,
        ("c1",),
        {},
    ),
    (
        "sec2-chain-behind-a-cycle",
        ["w = v", "x = y", "y = x", "v = x"],
        None,
        (),
        {
            "c1": "blocked by cell 2, which cannot run",
            "c2": "cycle: cell 2 (x) → cell 3 (y) → cell 2",
            "c3": "cycle: cell 2 (x) → cell 3 (y) → cell 2",
            "c4": "blocked by cell 2, which cannot run",
        },
    ),
]


@pytest.mark.parametrize(
    ("specs", "roots", "steps", "blocked"),
    [c[1:] for c in BLOCKED_CASES],
    ids=[c[0] for c in BLOCKED_CASES],
)
def test_blocked(
    specs: Sequence[CellSpec],
    roots: list[str] | None,
    steps: tuple[str, ...],
    blocked: dict[str, str],
) -> None:
    """Errable cells carry their graph error; their descendants "blocked by cell N, which
    cannot run"; none of them is a step (roots ``None`` = run all, nothing up to date)."""
    notebook, graph = build(specs)
    if roots is None:
        plan = plan_run_all(notebook, graph, {})
    else:
        plan = plan_run(notebook, graph, roots, frozenset(), {})
    assert plan.cell_ids == steps
    assert in_words(plan.blocked) == blocked


def test_blocked_descendant_of_up_to_date_errable_cell() -> None:
    """An errable cell that still counts as up to date (it ran before the clash appeared) is
    not planned, but its readers are blocked and its names are deleted (§2, §4)."""
    plan = run(MULTI, ["c2"], {"c1", "c2", "c4", "c5"}, {"x": "c1", "y": "c2", "z": "c4"})
    assert plan.cell_ids == ()
    assert in_words(plan.blocked) == {
        "c2": "blocked by cell 1, which cannot run",
        "c3": MULTI_ERROR,
        "c4": "blocked by cell 1, which cannot run",
    }
    assert plan.delete_names == ("x", "y", "z")


# -- §3 lazy mode ----------------------------------------------------------------------------

LAZY_CASES: list[
    tuple[str, Sequence[CellSpec], list[str], set[str], tuple[str, ...], tuple[str, ...]]
] = [
    ("diamond-up-to-date-run-B", DIAMOND, ["c2"], DIAMOND_IDS, ("c2",), ("c4",)),
    ("diamond-up-to-date-run-A", DIAMOND, ["c1"], DIAMOND_IDS, ("c1",), ("c2", "c3", "c4")),
    ("diamond-first-run-of-B", DIAMOND, ["c2"], set(), ("c1", "c2"), ("c3", "c4")),
    ("diamond-first-run-of-D", DIAMOND, ["c4"], set(), ("c1", "c2", "c3", "c4"), ()),
    ("diamond-stale-C-run-D", DIAMOND, ["c4"], DIAMOND_IDS - {"c3", "c4"}, ("c3", "c4"), ()),
    ("leaf-has-no-stale-cells", chain(3), ["c3"], {"c1", "c2", "c3"}, ("c3",), ()),
    (
        "stale-grandparent-behind-up-to-date-parent",
        chain(3),
        ["c3"],
        {"c2", "c3"},
        ("c1", "c2", "c3"),
        (),
    ),
]


@pytest.mark.parametrize(
    ("specs", "roots", "up_to_date", "steps", "stale"),
    [c[1:] for c in LAZY_CASES],
    ids=[c[0] for c in LAZY_CASES],
)
def test_lazy_mode(
    specs: Sequence[CellSpec],
    roots: list[str],
    up_to_date: set[str],
    steps: tuple[str, ...],
    stale: tuple[str, ...],
) -> None:
    """§3 "Lazy mode": descendants are marked stale instead of run; a cell's ancestors that
    are not up to date are brought up to date first — including the cells between such an
    ancestor and the cell, which would otherwise hand it a value computed from the old
    ancestor (the promise at the top of SEMANTICS.md: "nothing runs on a stale input")."""
    plan = run(specs, roots, up_to_date, mode="lazy")
    assert plan.cell_ids == steps
    assert plan.stale == stale
    assert plan.blocked == {}


# -- §4 names deleted before a plan -------------------------------------------------------------


DELETE_CASES: list[
    tuple[str, Sequence[CellSpec], list[str] | None, set[str], dict[str, str], tuple[str, ...]]
] = [
    (
        "sec4-planned-cells-only",
        DIAMOND,
        ["c2"],
        DIAMOND_IDS,
        DIAMOND_KERNEL,
        ("b", "d"),
    ),
    (
        "sec4-deleted-cell",
        DIAMOND,
        ["c2"],
        DIAMOND_IDS,
        {**DIAMOND_KERNEL, "old": "gone"},
        ("b", "d", "old"),
    ),
    (
        "sec4-renamed-variable-outside-the-plan",
        ["c = 1", "print(a)", "z = 0"],
        ["c3"],
        {"c2", "c3"},
        {"a": "c1", "z": "c3"},
        ("a", "z"),
    ),
    (
        "sec4-renamed-variable-in-the-plan",
        ["c = 1", "print(a)", "z = 0"],
        ["c1"],
        {"c2", "c3"},
        {"a": "c1", "z": "c3"},
        ("a", "c"),
    ),
    (
        "sec4-name-moved-to-another-cell",
        ["pass", "x = 2", "y = 0"],
        ["c3"],
        {"c1", "c3"},
        {"x": "c1", "y": "c3"},
        ("x", "y"),
    ),
    (
        "sec2-errable-cell-outside-the-plan",
        ["x = 1", "x = 2", "y = 0"],
        ["c3"],
        {"c1", "c3"},
        {"x": "c1", "y": "c3"},
        ("x", "y"),
    ),
    (
        "sec4-current-defs-of-never-run-cells",
        ["x = 1", "y = x", "k = 0"],
        ["c1"],
        set(),
        {"k": "c3"},
        ("x", "y"),
    ),
    (
        "sec4-run-all-deletes-everything",
        DIAMOND,
        None,
        set(),
        {**DIAMOND_KERNEL, "old": "gone"},
        ("a", "b", "c", "d", "old"),
    ),
    (
        "sec5-blocked-cells-names-are-deleted",
        ["x = 1", "y = x", "x = 2"],
        None,
        set(),
        {"x": "c1", "y": "c2"},
        ("x", "y"),
    ),
    (
        "sec1-private-names-are-not-deleted-here",
        ["_tmp = 1\nx = 1"],
        ["c1"],
        set(),
        {},
        ("x",),
    ),
]


@pytest.mark.parametrize(
    ("specs", "roots", "up_to_date", "kernel_names", "delete_names"),
    [c[1:] for c in DELETE_CASES],
    ids=[c[0] for c in DELETE_CASES],
)
def test_delete_names(
    specs: Sequence[CellSpec],
    roots: list[str] | None,
    up_to_date: set[str],
    kernel_names: dict[str, str],
    delete_names: tuple[str, ...],
) -> None:
    """§4 "No hidden state": names of planned cells (as last run, and as now), names no cell
    defines any more, and names of errable cells — never names of up-to-date cells outside
    the plan."""
    notebook, graph = build(specs)
    if roots is None:
        plan = plan_run_all(notebook, graph, kernel_names)
    else:
        plan = plan_run(notebook, graph, roots, up_to_date, kernel_names)
    assert plan.delete_names == delete_names


@pytest.mark.parametrize(
    ("kernel_names", "affected", "expected"),
    [
        ({}, set(), ()),
        (DIAMOND_KERNEL, set(), ()),
        (DIAMOND_KERNEL, {"c3"}, ("c",)),
        ({"a": "c1", "b": "c1"}, set(), ("b",)),
        ({"gone_name": "c99"}, set(), ("gone_name",)),
        ({}, {"c1", "c4"}, ("a", "d")),
    ],
    ids=["empty", "nothing-affected", "one-cell", "no-longer-defined", "cell-gone", "now-defs"],
)
def test_names_to_delete(
    kernel_names: dict[str, str], affected: set[str], expected: tuple[str, ...]
) -> None:
    _, graph = build(DIAMOND)
    assert names_to_delete(graph, kernel_names, affected) == expected


# -- scale ---------------------------------------------------------------------------------------


def test_rerun_root_of_long_chain() -> None:
    """Planning is linear: re-running the root of a 2000-cell chain plans every cell once."""
    notebook, graph = build(chain(2000))
    ids = notebook.cell_ids
    kernel = {f"x_{i}": f"c{i}" for i in range(1, 2001)}
    plan = plan_run(notebook, graph, ["c1"], frozenset(ids), kernel)
    assert plan.cell_ids == ids
    assert plan.steps[0] == PlannedStep("c1", ())
    assert plan.steps[-1] == PlannedStep("c2000", ("c1999",))
    assert plan.delete_names == tuple(sorted(kernel))
    assert plan.blocked == {}


def test_an_edited_root_is_not_pulled_back_in_by_its_children(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After an edit, the root is the one cell not up to date: its children climbing back to
    it must not pull it in as an ancestor (two extra walks of the whole graph per plan,
    a third of planning a 10,000-cell re-run). Counted: the walk reaches over the graph no
    more; and the planner does not walk at all, everything downstream of the root being the
    closure when no other ancestor is out of date (two reaches, down then up)."""
    from app.core import graph as graph_module
    from app.core import planner

    walks: list[int] = []
    real_reach = graph_module._reach

    def counting_reach(start: object, edges: object) -> set[str]:
        walks.append(1)
        return real_reach(start, edges)  # type: ignore[arg-type]

    notebook, graph = build(chain(500))
    ids = notebook.cell_ids
    fresh, ran = frozenset(ids[1:]), frozenset(ids)
    monkeypatch.setattr(graph_module, "_reach", counting_reach)
    assert planner._walk_closure(graph, ["c1"], fresh, ran, "autorun") == set(ids)
    assert walks == []
    walked: list[int] = []
    real_walk = planner._walk_closure
    monkeypatch.setattr(planner, "_walk_closure", lambda *a: walked.append(1) or real_walk(*a))
    plan = plan_run(notebook, graph, ["c1"], fresh, {}, "autorun", ran)
    assert plan.cell_ids == ids
    assert walks == [1, 1] and walked == []


def test_run_leaf_of_long_chain_with_nothing_up_to_date() -> None:
    notebook, graph = build(chain(2000))
    plan = plan_run(notebook, graph, ["c2000"], frozenset(), {}, "lazy")
    assert plan.cell_ids == notebook.cell_ids
    assert plan.stale == ()


def test_markdown_cells_are_never_planned() -> None:
    """§1: markdown cells define and read nothing and are rendered, not run."""
    notebook, graph = build([("markdown", "# Title\nsome *prose*"), "x = 1"])
    assert plan_run_all(notebook, graph, {}).cell_ids == ("c2",)
    assert plan_run(notebook, graph, ["c1"], set(), {}).cell_ids == ()


# -- §8 a control's value changed: its readers (not its definer) and their descendants ---------

CONTROLS = ["import cascade as cs\nn = cs.slider(0, 9)", "m = n.value * 2", "print(m)", "z = 1"]
CONTROLS_IDS = {"c1", "c2", "c3", "c4"}


def changed(
    specs: Sequence[CellSpec],
    names: Sequence[str],
    up_to_date: set[str] | frozenset[str],
    mode: Mode = "autorun",
    kernel_names: Mapping[str, str] | None = None,
) -> Plan:
    notebook, graph = build(specs)
    return plan_run(
        notebook, graph, (), up_to_date, kernel_names or {}, mode, up_to_date, changed_names=names
    )


def test_a_changed_value_runs_its_readers_and_their_descendants_not_its_definer() -> None:
    plan = changed(CONTROLS, ["n"], CONTROLS_IDS, kernel_names={"n": "c1", "m": "c2", "z": "c4"})
    assert plan.cell_ids == ("c2", "c3")
    assert plan.delete_names == ("m",)  # the control itself stays in the kernel


def test_a_changed_value_in_lazy_mode_runs_the_readers_and_stales_the_rest() -> None:
    plan = changed(CONTROLS, ["n"], CONTROLS_IDS, mode="lazy")
    assert plan.cell_ids == ("c2",)
    assert plan.stale == ("c3",)


def test_a_changed_value_pulls_in_a_definer_that_is_not_up_to_date() -> None:
    plan = changed(CONTROLS, ["n"], CONTROLS_IDS - {"c1"})
    assert plan.cell_ids == ("c1", "c2", "c3")


def test_a_name_nobody_reads_plans_nothing() -> None:
    assert changed(CONTROLS, ["z"], CONTROLS_IDS).cell_ids == ()
    assert changed(CONTROLS, ["unknown"], CONTROLS_IDS).cell_ids == ()


def test_readers_of_a_sql_placeholder_and_of_several_names() -> None:
    specs = ["city = 1", "n = 2", ("sql", "select * from t where c = {city}", "rows"), "n + 1"]
    _notebook, graph = build(specs)
    assert readers_of(graph, ["city"]) == {"c3"}
    assert readers_of(graph, ["city", "n"]) == {"c3", "c4"}


# -- §3 a cell with auto-run off runs only when asked ----------------------------------------------
def manual_plan(roots: Sequence[str], up_to_date: set[str], manual: str = "c2") -> Plan:
    """The diamond with one cell set to ``autorun=false``."""
    notebook, graph = build(DIAMOND)
    cell = notebook.cell(manual)
    notebook = notebook.replace_cell(cell.with_meta("autorun", "false"))
    return plan_run(notebook, graph, roots, up_to_date, DIAMOND_KERNEL, "autorun", DIAMOND_IDS)


def test_a_cell_with_auto_run_off_waits_and_so_does_what_reads_it() -> None:
    plan = manual_plan(["c1"], {"c2", "c3", "c4"})
    assert plan.cell_ids == ("c1", "c3")  # B waits; D reads B's old value, so D waits too
    assert plan.held == ("c2",)
    assert plan.stale == ("c4",)
    assert "b" not in plan.delete_names  # B's value stays in the kernel, shown as stale


def test_a_cell_with_auto_run_off_runs_when_asked_and_its_readers_follow() -> None:
    plan = manual_plan(["c2"], {"c1", "c3", "c4"})
    assert plan.cell_ids == ("c2", "c4")
    assert plan.held == () and plan.stale == ()


def test_running_a_reader_of_a_stale_held_cell_waits_for_it() -> None:
    # B is stale (its input changed, it was held): running D cannot use B's old value.
    plan = manual_plan(["c4"], {"c1", "c3"})
    assert plan.cell_ids == ()
    assert plan.held == ("c2",) and plan.stale == ("c4",)


def test_run_all_runs_cells_with_auto_run_off() -> None:
    notebook, graph = build(DIAMOND)
    notebook = notebook.replace_cell(notebook.cell("c2").with_meta("autorun", "false"))
    assert plan_run_all(notebook, graph, {}).cell_ids == ("c1", "c2", "c3", "c4")

"""The core's fast paths for opening large notebooks give exactly what the general paths give.

Each fast path (a common marker read by one regex, the header Cascade writes read by one
regex instead of tomlkit, the spacing after a cell decided by the line after its
marker, triple quotes looked up once when finding markers, many cells parsed by one
``ast.parse``, a run order without a search for cycles, a run-all planned without walking the
graph) is compared with its general path on generated input.
"""

from __future__ import annotations

import ast
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import analysis, joint_parse, scope_visitor
from app.core.analysis import analyze_cells
from app.core.fileformat.header import (
    HeaderProblem,
    check_rewritable,
    merge_header,
    own_settings,
    split_header,
)
from app.core.fileformat.marker_reading import parse_marker
from app.core.fileformat.markers import MAX_MARKER_CHARS, MarkerProblem
from app.core.fileformat.pep8 import NextHasCode, NextIsDefinition
from app.core.fileformat.percent import find_markers
from app.core.fileformat.strings import StringParser
from app.core.fileformat.syntax import MARKER_LINE, split_lines
from app.core.graph import build_graph
from app.core.notebook import Cell, Notebook
from app.core.ordering import (
    acyclic_order,
    condensed_order,
    strongly_connected_cycles,
    topological_order,
)
from app.core.planner import _closure, _walk_closure, names_to_delete
from app.core.scope_visitor import ScopeVisitor
from tests.core._helpers import build
from tests.core.fileformat_reference import markers as reference_markers
from tests.core.python_cells import PYTHON_CELLS

#: The marker reader as it was before the bulk paths (the oracle).
parse_marker_text = reference_markers.parse_marker_text

# -- markers -----------------------------------------------------------------------------------

MARKER_PIECES = st.sampled_from(
    [" ", "  ", "\t", "[sql]", "[markdown]", "[md]", "[raw]", "[python]", 'id="', "id=", '"',
     'name="', "name=", "df", "null", "true", "1e5", "-1", "007", "0a1", "x_y", "é", "\\", "=",
     "{", "}", "[", "]", "title", ".cls", "%", "a=b", 'n="1"']
)  # fmt: skip
SIMPLE_REST = st.from_regex(
    r' (\[(markdown|sql|md|raw)\] )?id="[0-9A-Za-z_-]{1,10}"( name="[A-Za-z_0-9]{0,6}")?',
    fullmatch=True,
)


def _read(rest: str, read: object) -> object:
    try:
        return tuple(read(rest))  # type: ignore[operator]
    except (MarkerProblem, reference_markers.MarkerProblem) as problem:
        return ("MarkerProblem", str(problem))


@settings(max_examples=500, deadline=None)
@given(st.one_of(SIMPLE_REST, st.lists(MARKER_PIECES, max_size=8).map("".join)))
def test_a_marker_reads_the_same_by_the_fast_path(rest: str) -> None:
    assert _read(rest, parse_marker) == _read(rest, parse_marker_text)


@pytest.mark.parametrize(
    "rest",
    [' id="00000001"', ' [markdown] id="ab"', ' [sql] id="12" name="df"', ' [sql] id="a"'],
)
def test_the_markers_cascade_writes_take_the_fast_path(rest: str) -> None:
    assert tuple(parse_marker(rest)) == tuple(parse_marker_text(rest))
    assert parse_marker(rest).meta == ()


def test_a_marker_too_long_is_refused_by_the_fast_path_too() -> None:
    rest = f' id="{"a" * MAX_MARKER_CHARS}"'
    with pytest.raises(MarkerProblem, match="longer than"):
        parse_marker(rest)


# -- the header's TOML ------------------------------------------------------------------------

SETTING_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
HEADER_LINES = st.sampled_from(
    ["[tool.cascade]", "format = 1", "format = 2", "format = 0", "format = 01", 'format = "1"',
     'name = "n"', 'name = ""', "name = 'n'", 'name = "a\\"b"', 'name = "é"', 'name = "x',
     'database = "sqlite://"', "database = 1", 'requires-python = ">=3.11"', "# a comment", "",
     "[tool]", "x = 1", 'name = "n" # note', " format = 1", "format  = 1", "format = 1_0",
     "format = +1", "format = 10", 'name = "\t"', 'name = "a b"', 'database = ""']
)  # fmt: skip


def _split(toml: str) -> object:
    """What the general path reads: (name, database, extra) or the problem's message."""
    try:
        name, database, extra = split_header(toml)
        check_rewritable(extra, name, database)
    except HeaderProblem as problem:
        return ("HeaderProblem", problem.message)
    return name, database, extra


def _own(toml: str) -> object:
    try:
        own = own_settings(toml)
    except HeaderProblem as problem:
        return ("HeaderProblem", problem.message)
    return None if own is None else (*own, "")


@settings(max_examples=300, deadline=None)
@given(SETTING_TEXT, st.one_of(st.none(), SETTING_TEXT))
def test_the_header_cascade_writes_reads_the_same_without_tomlkit(
    name: str, database: str | None
) -> None:
    toml = merge_header("", name, database)
    own = _own(toml)
    assert own is None or own == _split(toml)
    plain = not any(c in '"\\' or ord(c) < 0x20 or ord(c) == 0x7F for c in name + (database or ""))
    assert (own is not None) == plain  # every header Cascade writes with plain strings


@settings(max_examples=800, deadline=None)
@given(st.lists(HEADER_LINES, max_size=5))
def test_any_header_read_without_tomlkit_reads_as_tomlkit_reads_it(lines: list[str]) -> None:
    toml = "".join(f"{line}\n" for line in lines)
    own = _own(toml)
    assert own is None or own == _split(toml)


@pytest.mark.parametrize(
    "toml",
    [
        '[tool.cascade]\nformat = 1\nname = "chain"\n',
        '[tool.cascade]\nformat = 1\nname = "n"\ndatabase = "postgresql://u@h/db"\n',
        "[tool.cascade]\nformat = 1\n",
    ],
)
def test_the_headers_cascade_writes_take_the_fast_path(toml: str) -> None:
    assert own_settings(toml) is not None
    assert _own(toml) == _split(toml)


def test_a_newer_format_is_refused_by_the_fast_path_too() -> None:
    toml = '[tool.cascade]\nformat = 2\nname = "x"\n'
    assert _own(toml) == _split(toml)
    assert _own(toml) == ("HeaderProblem", _split(toml)[1])  # type: ignore[index]


# -- PEP 8 spacing: the scan of what follows a cell --------------------------------------------


class _FullScan(NextIsDefinition):
    _scan = NextIsDefinition._scan_lines  # the general scan only


class _FullCodeScan(NextHasCode):
    _scan = NextHasCode._scan_lines


SCAN_LINES = st.sampled_from(
    ["# %%", "\t# %%", "  # %%", "# %% [markdown]", "def f():", "    return 1", "x = 1", "",
     "  ", "# c", "@dec", ")", 's = """', '"""', "class C:", "async def g(): pass", "\tx"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(SCAN_LINES, max_size=5), max_size=6))
def test_the_scan_of_what_follows_a_cell_is_the_full_scan(cells: list[list[str]]) -> None:
    for fast, full in ((NextIsDefinition, _FullScan), (NextHasCode, _FullCodeScan)):
        fast_scan, full_scan = fast(cells), full(cells)
        assert [fast_scan(k) for k in reversed(range(len(cells)))] == [
            full_scan(k) for k in reversed(range(len(cells)))
        ]


def test_a_tab_before_a_marker_decides_as_the_full_scan() -> None:
    cells = [["x = 1"], ["\t# %%", "def f():", "    pass"]]
    assert NextIsDefinition(cells)(1) is _FullScan(cells)(1) is False


# -- finding markers ---------------------------------------------------------------------------


def _find_markers_line_by_line(text: str) -> list[int]:
    """The rule itself: a marker line starts a cell unless it is inside a string of the text
    read since the last cell's marker."""
    found: list[int] = []
    parser = StringParser()
    fed = 0
    for match in MARKER_LINE.finditer(text):
        parser.read_lines(split_lines(text[fed : match.start()]))
        fed = match.start()
        if not parser.is_quoted():
            found.append(match.start())
            parser = StringParser()
    return found


FILE_LINES = st.sampled_from(
    ["# %%", '# %% id="a"', "x = 1", 's = """', '"""', "'''", "t = '''a", "a = '\"\"\"'",
     "# '''", 'r"""x"""', "", "  # %%", '"""# %%', "\\"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(FILE_LINES, max_size=16))
def test_markers_are_found_as_by_reading_every_line(lines: list[str]) -> None:
    text = "\n".join(lines) + "\n"
    assert [m.start() for m in find_markers(text, 0)] == _find_markers_line_by_line(text)


# -- analysis: one parse for many cells --------------------------------------------------------

CODE_LINES = st.sampled_from(
    ["x = 1", "y = x + 1", "x = 1 \\", "\\", "(", ")", "x = (", "1)", "if x:", "    y = 2",
     "  z = 3", "@dec", "def f():", "    return y", "class C:", "    pass", '"""', "'''",
     's = """', 'doc"""', "# c", "", "   ", "from __future__ import annotations",
     "def g(a: T) -> U: pass", "del x", "print(x)", "x += 1", "\tq = 1", "lambda: (",
     "\ufeffx = 1", "x = 1\r", "a = '", "f'{x}'", "x = [i for i in y]", "global x",
     "for i in y:", "else:", "try:", "except E as e:", "\x00", "1 <> 2", "match x:",
     "    case 1:", "        pass", "async def h(): await z", "await z", "x: int = 1",
     "(w := 5)", "return 1", "z = '\\d'", ";", "x = 1;", "    ", "@dec2"]
)  # fmt: skip
VALID_LINES = st.sampled_from(
    ["x = 1", "y = x + 1", "print(x)", "del y", "# c", "", "def f():\n    return y",
     "@dec\nclass C:\n    z = x", "s = '''a\n# %%\nb'''", "from __future__ import annotations",
     "def g(a: T) -> U: pass", "for i in y:\n    t = i", "x += 1", '"doc"']
)  # fmt: skip
#: Mostly lines that parse (so that many cells are parsed together), some that do not.
CELL_CODE = st.lists(st.one_of(VALID_LINES, VALID_LINES, VALID_LINES, CODE_LINES), max_size=4).map(
    "\n".join
)


def _alone(codes: list[str]) -> list[analysis.CellAnalysis]:
    analysis._MEMO.cache_clear()
    return [analysis._analyze_alone(code) for code in codes]


@settings(max_examples=800, deadline=None)
@given(st.lists(CELL_CODE, max_size=8))
def test_cells_parsed_together_analyse_as_each_alone(codes: list[str]) -> None:
    cells = [Cell(id=f"c{i}", code=code) for i, code in enumerate(codes)]
    expected = _alone(codes)
    analysis._MEMO.cache_clear()
    found = analyze_cells(cells)
    assert [found[cell.id] for cell in cells] == expected


def test_a_cell_after_a_line_continuation_is_read_alone() -> None:
    """Joined, `x = 1 \\` takes the next cell's first line (`;`) into its statement."""
    codes = ["x = 1 \\", ";", "y = 2"]
    analysis._MEMO.cache_clear()
    found = analyze_cells(Cell(id=f"c{i}", code=code) for i, code in enumerate(codes))
    assert [found[f"c{i}"] for i in range(3)] == _alone(codes)
    assert found["c1"].syntax_error is not None


def test_syntax_errors_keep_their_place_in_the_cell() -> None:
    codes = ["a = 1", "b = a +", "c = 2", "def f(:\n    pass", "d = c"]
    analysis._MEMO.cache_clear()
    found = analyze_cells(Cell(id=f"c{i}", code=code) for i, code in enumerate(codes))
    assert [found[f"c{i}"] for i in range(5)] == _alone(codes)
    assert found["c1"].syntax_error is not None and found["c1"].syntax_error.line == 1
    assert found["c3"].syntax_error is not None and found["c3"].syntax_error.line == 1


def test_valid_cells_are_parsed_once_a_chunk_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each cell's text is in exactly one parse, of about CHUNK_LINES lines."""
    calls: list[str] = []
    real = ast.parse

    def counting(source: str, *args: object, **kwargs: object) -> ast.Module:
        calls.append(source)
        return real(source)

    monkeypatch.setattr(ast, "parse", counting)
    analysis._MEMO.cache_clear()
    codes = [f"x_{i} = x_{i - 1} + 1" for i in range(1, 1000)]
    found = analyze_cells(Cell(id=str(i), code=code) for i, code in enumerate(codes))
    assert "\n".join(calls) == "\n".join(codes)
    assert len(calls) == -(-len(codes) // joint_parse.CHUNK_LINES)
    assert found["5"].refs == {"x_5"} and found["5"].defs == {"x_6"}


def test_a_cell_across_the_statement_of_its_neighbour_is_read_alone() -> None:
    codes = ["@dec", "def f():\n    pass", "x = (", "1)", "y = 1 \\", "# c"]
    analysis._MEMO.cache_clear()
    found = analyze_cells(Cell(id=f"c{i}", code=code) for i, code in enumerate(codes))
    assert [found[f"c{i}"] for i in range(6)] == _alone(codes)
    assert all(found[f"c{i}"].syntax_error is not None for i in (0, 2, 3, 4))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(CELL_CODE, PYTHON_CELLS), max_size=10), st.integers(1, 6))
def test_cells_parsed_in_chunks_of_any_size_analyse_as_each_alone(
    codes: list[str], chunk_lines: int
) -> None:
    """A chunk of a few lines ends inside a statement, at a line continuation, at a cell that
    does not parse: each cell still analyses as it does alone."""
    cells = [Cell(id=f"c{i}", code=code) for i, code in enumerate(codes)]
    expected = _alone(codes)
    analysis._MEMO.cache_clear()
    with patch.object(joint_parse, "CHUNK_LINES", chunk_lines):
        found = analyze_cells(cells)
    assert [found[cell.id] for cell in cells] == expected


#: Cells whose reads depend on the order a common node's children are visited in.
ORDERED_CELLS = [
    "f((a := 1), a)",
    "f(a, (a := 1))",
    "f(k=(a := 1), j=a)",
    "{(a := 1): a}",
    "{a: (a := 1)}",
    "{(a := 1), a}",
    "[(a := 1), a]",
    "((a := 1), *a)",
    "(a := 1) < a",
    "a < (a := 1)",
    "(a := 1) and a",
    "-(a := 1) + a",
    "x[(a := 1)][a]",
    "x[a][(a := 1)]",
    "(x := 1).y; x",
    "f'{(a := 1)}{a:>{a}}'",
    "f'{a!r:{(a := 1)}}'",
    "b if (a := 1) else a",
    "(a := 1) if a else b",
    "if (a := 1):\n    a\nelse:\n    b",
    "while (a := 1):\n    b = a\nelse:\n    c = b",
    "async def g():\n    return await (a := 1), a",
    "def g():\n    yield (a := 1)\n    return a",
    "print(a)",
]


def _analyses_without_field_walks(code: str) -> analysis.CellAnalysis:
    """The analysis with every common node walked field by field, as the general walk does."""
    general = dict.fromkeys(scope_visitor._FIELD_WALKS, ScopeVisitor.visit_children)
    with patch.dict(scope_visitor._HANDLERS, general):
        return analysis._analyze_alone(code)


@pytest.mark.parametrize("code", ORDERED_CELLS)
def test_a_common_node_visits_its_children_in_field_order(code: str) -> None:
    assert analysis._analyze_alone(code) == _analyses_without_field_walks(code)


def test_the_ordered_cells_reach_every_field_walk() -> None:
    seen = {type(node) for code in ORDERED_CELLS for node in ast.walk(ast.parse(code))}
    assert set(scope_visitor._FIELD_WALKS) <= seen


@settings(max_examples=500, deadline=None)
@given(PYTHON_CELLS)
def test_any_cell_analyses_as_by_the_field_by_field_walk(code: str) -> None:
    assert analysis._analyze_alone(code) == _analyses_without_field_walks(code)


# -- run order and run-all ---------------------------------------------------------------------

EDGES = st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=14)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 8), EDGES)
def test_the_order_without_a_cycle_search_is_the_general_order(
    size: int, edges: list[tuple[int, int]]
) -> None:
    nodes = [f"n{i}" for i in range(size)]
    parents: dict[str, set[str]] = {node: set() for node in nodes}
    children: dict[str, set[str]] = {node: set() for node in nodes}
    for source, target in edges:
        if source < size and target < size:
            children[nodes[source]].add(nodes[target])
            parents[nodes[target]].add(nodes[source])
    cycles = strongly_connected_cycles(nodes, children)
    found = acyclic_order(nodes, parents, children)
    if cycles:
        assert found is None
    else:
        assert found == condensed_order(nodes, parents, children, cycles)


GRAPH_CODE = st.sampled_from(
    ["a = 1", "b = a + 1", "c = a + b", "a = c", "d = 1", "print(d)", "del b", "e = e + d",
     "f = g", "g = 2", "x = 1\ny = x", "h = y"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(GRAPH_CODE, max_size=9))
def test_the_graph_in_display_order_is_the_general_graph(codes: list[str]) -> None:
    """Edges found by lookup, and the run order taken as the display order when every edge
    goes down the notebook, are those of the definitions: each edge from every other cell
    that defines a name the cell reads (or deletes), the order Kahn's algorithm gives."""
    notebook = Notebook(cells=tuple(Cell(id=f"c{i}", code=code) for i, code in enumerate(codes)))
    analyses = {cell.id: analysis.analyze_cell(cell) for cell in notebook.cells}
    graph = build_graph(notebook, analyses)
    ids = notebook.cell_ids
    reads = {cid: analyses[cid].refs | analyses[cid].deletes for cid in ids}
    parents = {c: {p for p in ids if p != c and analyses[p].defs & reads[c]} for c in ids}
    assert graph.parents == parents
    assert graph.children == {p: {c for c in ids if p in parents[c]} for p in ids}
    defined = {name for cid in ids for name in analyses[cid].defs}
    assert graph.unresolved == {c: reads[c] - defined for c in ids if reads[c] - defined}
    assert graph.order == topological_order(ids, graph.parents, graph.children)
    assert graph.rank == {cid: i for i, cid in enumerate(graph.order)}


CHAIN_CODE = st.sampled_from(["a = 1", "b = a + 1", "c = a + b", "a = c", "d = 1", "print(d)"])


@settings(max_examples=200, deadline=None)
@given(st.lists(CHAIN_CODE, max_size=7), st.sets(st.integers(0, 6)), st.sets(st.integers(0, 6)))
def test_a_run_all_plans_what_a_walk_of_the_graph_finds(
    codes: list[str], fresh: set[int], ran: set[int]
) -> None:
    notebook, graph = build(codes)
    ids = set(notebook.cell_ids)
    up_to_date = {f"c{i + 1}" for i in fresh} & ids
    done = {f"c{i + 1}" for i in ran} & ids
    for mode in ("autorun", "lazy"):
        assert _closure(graph, set(ids), up_to_date, done, mode) == _walk_closure(
            graph, ids, up_to_date, done, mode
        )


@settings(max_examples=400, deadline=None)
@given(
    st.lists(CHAIN_CODE, max_size=7),
    st.sets(st.integers(0, 6), min_size=1),
    st.sets(st.integers(0, 6)),
    st.sets(st.integers(0, 6)),
)
def test_the_closure_of_any_roots_is_what_a_walk_of_the_graph_finds(
    codes: list[str], roots: set[int], fresh: set[int], ran: set[int]
) -> None:
    """The closure's shortcut (autorun: everything downstream of the roots, when every other
    ancestor is up to date) never differs from walking the graph, whatever the state."""
    notebook, graph = build(codes)
    ids = set(notebook.cell_ids)
    picked = {f"c{i + 1}" for i in roots} & ids
    up_to_date = {f"c{i + 1}" for i in fresh} & ids
    done = ({f"c{i + 1}" for i in ran} & ids) | up_to_date  # as the planner passes it
    for mode in ("autorun", "lazy"):
        assert _closure(graph, set(picked), up_to_date, done, mode) == _walk_closure(
            graph, picked, up_to_date, done, mode
        )


@settings(max_examples=300, deadline=None)
@given(st.lists(CHAIN_CODE, max_size=7), st.lists(st.sets(st.integers(0, 6)), max_size=12))
def test_what_a_graph_remembers_downstream_of_roots_is_what_its_reaches_find(
    codes: list[str], asked: list[set[int]]
) -> None:
    """``Graph.downstream`` (kept per root set) is the roots with their descendants, and the
    other ancestors of those — whatever was asked before, and however many root sets."""
    notebook, graph = build(codes)
    ids = set(notebook.cell_ids)
    for roots in asked:
        picked = {f"c{i + 1}" for i in roots} & ids
        below = graph.descendants(picked) | picked
        expected = (below, graph.ancestors(below) - below)
        assert graph.downstream(picked) == expected
        assert graph.downstream(frozenset(picked)) == expected  # asked again: remembered


NAMED_CODE = st.sampled_from(["a = 1", "b = a + 1", "a, c = 1, 2", "d = c", "e = 1", "pass", "b"])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(NAMED_CODE, max_size=9),
    st.sets(st.integers(0, 10)),
    st.dictionaries(st.sampled_from("abcdefg"), st.integers(0, 10)),
)
def test_names_to_delete_of_any_share_of_the_notebook_follow_the_rule(
    codes: list[str], affected: set[int], held: dict[str, int]
) -> None:
    """Whether the affected cells are few (a pass over their names) or most of the notebook
    (a pass over every name), the names to delete are what SEMANTICS §4 says."""
    _, graph = build(codes)
    cells = {f"c{i + 1}" for i in affected}  # some of them need not exist
    kernel_names = {name: f"c{i + 1}" for name, i in held.items()}
    expected = {name for cell in cells for name in graph.defs.get(cell, ())}
    for name, cell in kernel_names.items():
        if (
            cell in cells
            or cell not in graph.defs
            or name not in graph.defs[cell]
            or cell in graph.problems
        ):
            expected.add(name)
    assert names_to_delete(graph, kernel_names, cells) == tuple(sorted(expected))


def test_marker_line_pattern_is_the_one_the_fast_path_assumes() -> None:
    # The fast path reads `rest` as the marker writes it: one space after "# %%".
    match = MARKER_LINE.fullmatch('# %% id="ab12"')
    assert match is not None and match["rest"] == ' id="ab12"'

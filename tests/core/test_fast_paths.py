"""The core's fast paths for opening large notebooks give exactly what the general paths give.

Each fast path (a common marker read by one regex, the header Cascade writes read by one
regex instead of tomlkit, the spacing after a cell decided by the line after its
marker, triple quotes looked up once when finding markers, many cells parsed by one
``ast.parse``, a run order without a search for cycles, a run-all planned without walking the
graph) is compared with its general path on generated input.
"""

from __future__ import annotations

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import analysis
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
from app.core.notebook import Cell
from app.core.ordering import acyclic_order, condensed_order, strongly_connected_cycles
from app.core.planner import _closure, _walk_closure
from tests.core._helpers import build
from tests.core.fileformat_reference import markers as reference_markers

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


def test_valid_cells_are_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = ast.parse

    def counting(source: str, *args: object, **kwargs: object) -> ast.Module:
        calls.append(source)
        return real(source)

    monkeypatch.setattr(ast, "parse", counting)
    analysis._MEMO.cache_clear()
    codes = [f"x_{i} = x_{i - 1} + 1" for i in range(1, 200)]
    found = analyze_cells(Cell(id=str(i), code=code) for i, code in enumerate(codes))
    assert len(calls) == 1
    assert found["5"].refs == {"x_5"} and found["5"].defs == {"x_6"}


def test_a_cell_across_the_statement_of_its_neighbour_is_read_alone() -> None:
    codes = ["@dec", "def f():\n    pass", "x = (", "1)", "y = 1 \\", "# c"]
    analysis._MEMO.cache_clear()
    found = analyze_cells(Cell(id=f"c{i}", code=code) for i, code in enumerate(codes))
    assert [found[f"c{i}"] for i in range(6)] == _alone(codes)
    assert all(found[f"c{i}"].syntax_error is not None for i in (0, 2, 3, 4))


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


def test_marker_line_pattern_is_the_one_the_fast_path_assumes() -> None:
    # The fast path reads `rest` as the marker writes it: one space after "# %%".
    match = MARKER_LINE.fullmatch('# %% id="ab12"')
    assert match is not None and match["rest"] == ' id="ab12"'

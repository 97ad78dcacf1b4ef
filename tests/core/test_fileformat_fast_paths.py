"""The file format's fast paths give exactly what its general paths give.

Each fast path of the loader (a marker of many ``key=value`` pairs read by splitting it, integer
values taken without a JSON round trip, ...) is compared with the general path it stands for,
on generated input built from the pieces that decide between them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.fileformat import (
    MAX_CELLS,
    NotebookFormatError,
    finish,
    foreign,
    header,
    parse,
    pep8,
    percent,
    syntax,
    values,
)
from app.core.fileformat.layout import Spacing, content_end, cut_cell
from app.core.fileformat.marker_reading import pairs_path, parse_marker, read_markers
from app.core.fileformat.markers import MarkerProblem
from app.core.fileformat.model import Draft
from app.core.fileformat.syntax import split_lines
from tests.core.fileformat_reference import markers as reference_markers
from tests.core.fileformat_reference import percent as reference_percent

#: The marker reader as it was before the bulk paths (the oracle).
parse_marker_text = reference_markers.parse_marker_text

# -- markers of many pairs ---------------------------------------------------------------------

PAIR_KEYS = st.sampled_from(["a", "id", "name", "b.c", "x-y", "@k/v", "cell_marker", "A_1", "é"])
PAIR_VALUES = st.sampled_from(
    ["b", "0", "17", "-3", "-0", "007", "1e5", ".5", "+1", "1.0", "true", "False", "None", "null",
     '"x"', '""', '"10"', '"true"', '"a{b"', '"a b"', '"\\n"', "'a'", "(1,)", "[1]", "{}", "é",
     "x\\y", "a=b", "b[1]", 'b"', "", "%", "#", "\x0b", "12345678901234567890"]
)  # fmt: skip
#: Values the pairs path takes, and others.
PLAIN_VALUES = st.sampled_from(["b", "0", "17", "-0", '"x"', '"10"', "true", "1e5", "None", "é"])
SEPARATORS = st.one_of(st.just(" "), st.sampled_from(["  ", "\t", " \t", "\xa0", ""]))
TAGS = st.sampled_from(
    ["", "", " [markdown]", " [md]", " [raw]", " [sql]", " [python]", " [x]", "%", " t"]
)


@st.composite
def pairs_markers(draw: st.DrawFn) -> str:
    """Marker text that is mostly a kind tag and ``key=value`` pairs (the pairs path's shape),
    with what makes it leave that path mixed in."""
    value = st.one_of(PLAIN_VALUES, PAIR_VALUES)
    pairs = draw(st.lists(st.tuples(SEPARATORS, PAIR_KEYS, value), min_size=1, max_size=6))
    text = "".join(f"{separator or ' '}{key}={value}" for separator, key, value in pairs)
    return draw(TAGS) + text + draw(st.sampled_from(["", "", " ", "\t", " w"]))


def _read(rest: str, read: object) -> object:
    try:
        return tuple(read(rest))  # type: ignore[operator]
    except (MarkerProblem, reference_markers.MarkerProblem) as problem:
        return ("MarkerProblem", str(problem))


def _read_together(rests: list[str]) -> object:
    """A file's markers read together (as the reader reads them), or the first problem."""
    try:
        return [tuple(marker) for marker in read_markers([(rest, None, None) for rest in rests])]
    except MarkerProblem as problem:
        return ("MarkerProblem", str(problem), problem.index)


def _read_alone(rests: list[str]) -> object:
    """Each marker read by the oracle, up to the first problem."""
    found: list[object] = []
    for index, rest in enumerate(rests):
        read = _read(rest, parse_marker_text)
        if read[0] == "MarkerProblem":
            return (*read, index)  # type: ignore[misc]
        found.append(read)
    return found


@settings(max_examples=1000, deadline=None)
@given(st.lists(pairs_markers(), min_size=1, max_size=4))
def test_markers_of_pairs_read_the_same_by_the_pairs_path(rests: list[str]) -> None:
    assert _read_together(rests) == _read_alone(rests)
    for rest in rests:
        assert _read(rest, parse_marker) == _read(rest, parse_marker_text)


@pytest.mark.parametrize(
    "rest",
    [
        " id=0" + " a=b" * 125,  # the benchmark's shape
        ' [markdown] id="ab" tags=x n=10 s="10" f=false t="a{b" k=1.5',
        ' [sql] id=1 name="q" a=b',
        " [raw] a=b id=7",
        ' [md] id="x" a=b',
    ],
)
def test_markers_of_pairs_take_the_pairs_path(rest: str) -> None:
    assert pairs_path(rest) is not None
    assert tuple(parse_marker(rest)) == tuple(parse_marker_text(rest))


@given(
    st.lists(st.sampled_from(["1", "0", '"x"', '""', '"10"', "-0", "007", "true", "é"]), max_size=5)
)
def test_markers_that_differ_in_their_ids_alone_read_as_each_alone(ids: list[str]) -> None:
    for template in (" [sql] {} a=b name=q", " {} a=b", "\t{}", " [md] a=1 {}"):
        rests = [template.format(f"id={cell_id}") for cell_id in ids]
        assert _read_together(rests) == _read_alone(rests)


@pytest.mark.parametrize(
    ("rest", "message"),
    [(" id=1 a=b id=2", "more than one id"), (' [sql] name="a" id=1 name=b', "more than one name")],
)
def test_the_pairs_path_refuses_what_the_general_path_refuses(rest: str, message: str) -> None:
    assert pairs_path(rest) is not None
    with pytest.raises(MarkerProblem, match=message):
        parse_marker(rest)
    with pytest.raises(reference_markers.MarkerProblem, match=message):
        parse_marker_text(rest)


# -- integer values ----------------------------------------------------------------------------

NUMBER_TEXT = st.one_of(
    st.integers().map(str),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.from_regex(r"-?[0-9]{1,25}(\.[0-9]*)?", fullmatch=True),
    st.text(st.sampled_from("-+0123456789 e."), max_size=6),
)


@settings(max_examples=1000, deadline=None)
@given(NUMBER_TEXT)
def test_integers_read_as_by_a_json_round_trip(text: str) -> None:
    assert values.is_typed(text) == values.is_typed_json(text)
    assert values.bare_value(text) == values.bare_value_json(text)
    if values.is_typed(text):
        assert json.dumps(json.loads(text)) == text


# -- finding lines: markers, and lines that start with a literal --------------------------------

LINE_PIECES = st.sampled_from(
    ["# %%", "#%%", "  # %% x", "\t# %%", "# %%%", "# %%time", "%%", "x = '%%'", "# <codecell>",
     "# In[3]:", "In[", "# /// script", "# /// scripts", " # /// script", "app = marimo.App(",
     "import marimo", "import marimo ", "x", "", " "]
)  # fmt: skip
LINE_TEXT = st.tuples(st.lists(LINE_PIECES, max_size=12), st.sampled_from(["", "\n"])).map(
    lambda parts: "\n".join(parts[0]) + parts[1]
)


def _spans(matches: Iterable[re.Match[str]]) -> list[tuple[tuple[int, int], dict[str, str]]]:
    return [(match.span(), match.groupdict()) for match in matches]


@settings(max_examples=800, deadline=None)
@given(LINE_TEXT, st.integers(0, 40), st.integers(0, 3))
def test_marker_lines_are_the_general_scan(text: str, start: int, hints: int) -> None:
    start = min(start, len(text))
    found = _spans(syntax.marker_lines(text, start, hints))  # the switch to the scan, early too
    assert found == _spans(syntax.MARKER_LINE.finditer(text, start))
    assert _spans(syntax.marker_lines(text, start)) == found


@settings(max_examples=800, deadline=None)
@given(LINE_TEXT, st.integers(0, 40), st.integers(0, 60))
def test_a_line_found_by_its_literal_is_the_general_search(
    text: str, start: int, stop: int
) -> None:
    start, stop = min(start, len(text)), min(max(start, stop), len(text))
    for pattern, literal in (
        (syntax.HEADER_OPEN_LINE, syntax.HEADER_OPEN),
        (foreign._MARIMO_APP, foreign._MARIMO_APP_LINE),
        (foreign._MARIMO_IMPORT, foreign._MARIMO_IMPORT_LINE),
    ):
        found = syntax.search_line(pattern, literal, text, start, stop)
        expected = pattern.search(text, start, stop)
        assert _spans([found] if found else []) == _spans([expected] if expected else [])


# -- uncommenting ------------------------------------------------------------------------------

COMMENT_LINES = st.sampled_from(
    ["#", "# ", "#  x", "# x", "#x", "##", "# # x", "#\t", "", " # x", "x", "#ESC # x"]
)


@settings(max_examples=800, deadline=None)
@given(st.lists(COMMENT_LINES, max_size=8).map("\n".join))
def test_uncommenting_is_the_rule_line_by_line(text: str) -> None:
    assert syntax.uncomment(text) == syntax.uncomment_lines(text)


# -- PEP 8 spacing: no look at the lines after the last definition -------------------------------

SCAN_LINES = st.sampled_from(
    ["# %%", "\t# %%", "  # %%", "def f():", "    return 1", "x = 1", "", "  ", "# c", "@dec",
     ")", 's = """', '"""', "class C:", "async def g(): pass", "\tx", "defx = 1"]
)  # fmt: skip


@settings(max_examples=800, deadline=None)
@given(st.lists(st.lists(SCAN_LINES, max_size=5), max_size=6))
def test_spacing_bounded_by_the_last_definition_is_the_full_spacing(
    cells: list[list[str]],
) -> None:
    last = max(
        (k for k, lines in enumerate(cells) if any(map(pep8.starts_definition, lines))), default=-1
    )
    bounded, full = Spacing(cells, last), Spacing(cells)
    for k in reversed(range(len(cells))):
        content = cells[k][1:]
        assert bounded.expected(k, content) == full.expected(k, content)


@settings(max_examples=500, deadline=None)
@given(st.lists(SCAN_LINES, max_size=10).map("\n".join), st.integers(0, 10))
def test_the_last_definition_line_is_found_as_by_reading_every_line(text: str, line: int) -> None:
    starts = [0, *(index + 1 for index, char in enumerate(text) if char == "\n")]
    start = starts[min(line, len(starts) - 1)]
    expected = max(
        (offset for offset in starts if offset >= start and pep8.starts_definition(text[offset:])),
        default=-1,
    )
    assert pep8.last_definition_line(text, start) == expected


# -- the header: a table-free header is not parsed again ----------------------------------------

HEADER_TOML = st.sampled_from(
    ["", 'requires-python = ">=3.11"\n', "dependencies = []\n", "# c\n", "tool = 1\n", "[tool]\n",
     'x = "y"', "[tool.other]\na = 1\n", "tool.cascade.x = 1\n", "[[tool]]\n", "\n"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(HEADER_TOML, max_size=4).map("".join), st.text(max_size=5), st.none() | st.text())
def test_a_table_free_header_merges_as_when_parsed_again(
    toml: str, name: str, database: str | None
) -> None:
    try:
        _, _, extra, has_table = header._split_header(toml)
    except header.HeaderProblem:
        return
    if not has_table:
        assert header.merge_header(extra, name, database, table_free=True) == (
            header.merge_header(extra, name, database)
        )


# -- the markers of a file Cascade wrote, found by one search ------------------------------------

#: The lines of a file Cascade wrote, and (less often) lines that take it off the one search.
WRITTEN_LINES = st.sampled_from(
    ['# %% id="a1"', '# %% [sql] id="b" name="q"', '# %% [markdown] id="c"', '# %% [sql] id="d"',
     "x = 1", "", "# c", "# SELECT 1"]
)  # fmt: skip
OTHER_LINES = st.sampled_from(
    ['# %% id="a1"', '# %% [sql] id="b" name="q"', '# %% [markdown] id="c"', '# %% [sql] id="d"',
     '# %% [markdown] id="e" name="q"', '# %% id="f" name="q"', " # %% id=\"g\"", '#%% id="h"',
     '# %% id="i" k=v', "# %%", "# %%time", "x = '%%'", "x = 1", "", '"""', "'''", 's = """a',
     "# <codecell>", "# In[1]:", '# %% id="j" ', '# %% id="k"%']
)  # fmt: skip
SIMPLE_FILE_LINES = st.one_of(WRITTEN_LINES, WRITTEN_LINES, WRITTEN_LINES, OTHER_LINES)


def _rests(matches: Iterable[re.Match[str]]) -> list[tuple[tuple[int, int], str | None]]:
    """What the reader takes of a marker's match: where it is, and what follows ``# %%``."""
    return [(match.span(), match["rest"]) for match in matches]


def _fields(found: Iterable[tuple[object, ...]]) -> list[tuple[object, ...]]:
    return [tuple(marker) for marker in found]


def _general_markers(text: str, start: int) -> object:
    try:
        matches = reference_percent.find_markers(text, start)
        return _rests(matches), _fields(reference_percent._parse_markers(text, matches))
    except (NotebookFormatError, reference_percent.NotebookFormatError) as error:
        return str(error)


@settings(max_examples=1000, deadline=None)
@given(st.lists(SIMPLE_FILE_LINES, max_size=10), st.integers(0, 12), st.sampled_from(["", "\n"]))
def test_markers_of_a_file_cascade_wrote_are_the_general_markers(
    lines: list[str], first: int, end: str
) -> None:
    text = "\n".join(lines) + end
    start = sum(len(line) + 1 for line in lines[:first])  # a line's start, as the reader gives
    start = min(start, len(text))
    simple = percent.simple_markers(text, start)
    if simple is not None:
        assert (_rests(simple[0]), _fields(simple[1])) == _general_markers(text, start)


def test_a_file_cascade_wrote_takes_the_one_search() -> None:
    text = (
        '# %% id="a"\nx = 1\n\n# %% [sql] id="b" name="q"\n# SELECT 1\n\n# %% [markdown] id="c"\n'
    )
    simple = percent.simple_markers(text, 0)
    assert simple is not None
    assert (_rests(simple[0]), _fields(simple[1])) == _general_markers(text, 0)


def test_too_many_cells_are_refused_at_the_same_line() -> None:
    text = "".join(f'# %% id="c{i}"\n' for i in range(MAX_CELLS + 1))
    with pytest.raises(NotebookFormatError, match="more than 10,000 cells") as refused:
        parse(text)
    assert refused.value.line == MAX_CELLS + 1


# -- settling ids and names: nothing to do ----------------------------------------------------

DRAFTS = st.lists(
    st.builds(
        Draft,
        st.sampled_from(["python", "sql", "markdown"]),
        st.just(""),
        st.sampled_from([None, "a", "b", "c"]),
        st.sampled_from([None, "df", "q"]),
        st.just(()),
        st.booleans(),
    ),
    max_size=6,
)


@settings(max_examples=500, deadline=None)
@given(DRAFTS)
def test_ids_and_names_settled_are_what_settling_gives(drafts: list[Draft]) -> None:
    ids = [draft.cell_id for draft in drafts]
    if finish.ids_settled(ids):
        notices: list[str] = []
        assert finish._settle_ids(drafts, notices) == ids and not notices
    names = [draft.name for draft in drafts]
    if finish.names_settled([draft.kind for draft in drafts], names):
        notices = []
        assert finish._settle_names(drafts, notices) == names and not notices


# -- a cell's text and layout, cut without splitting it into lines -------------------------------

MARKERS = ["# %%", '# %% id="a"', "  # %% [markdown]"]
CELL_LINES = st.sampled_from(["x = 1", "", " ", "\t", "\u2028", "\x0c", "  y  ", "# c", "def f():"])


@settings(max_examples=1000, deadline=None)
@given(st.lists(CELL_LINES, max_size=7), st.sampled_from(["", "\n"]), st.sampled_from(MARKERS))
def test_a_cell_is_cut_as_its_lines_say(lines: list[str], end: str, marker: str) -> None:
    cell = "\n".join([marker, *lines]) + end
    split = split_lines(cell)
    content = content_end(split)
    expected = ("\n".join(split[1:content]), content, len(split))
    assert cut_cell(cell, split_below=0) == expected  # by searches, however short the cell
    assert cut_cell(cell) == expected

"""The loader's bulk paths read every file as the loader read it before them.

The loader as it was is frozen in ``tests/core/fileformat_reference`` (the oracle). Here each
bulk path (a file's markers read together, its values sorted into kinds and read at once, the
string tokenizer, PEP 8's spacing by searches, the preamble and header searches) is held to
the oracle on generated input, and every hostile shape of ``benchmarks.hostile_files`` (each
once slow) is loaded and its result compared with the oracle's: the same cells, ids, titles,
metadata, notices and errors. No test here times anything.
"""

from __future__ import annotations

import ast
import contextlib
import json
import re
import secrets
from collections.abc import Callable, Iterator
from itertools import compress
from unittest import mock

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.core import fileformat
from app.core.fileformat import json_bulk, marker_tokens, value_batch, value_kinds
from app.core.fileformat.header import _last_close_line
from app.core.fileformat.layout import TextSpacing
from app.core.fileformat.marker_reading import read_markers
from app.core.fileformat.markers import MarkerProblem
from app.core.fileformat.pep8 import text_ends_with_definition
from app.core.fileformat.preamble import preamble_end
from app.core.fileformat.strings import scan_outside_strings, unquoted_lines
from app.core.fileformat.syntax import blank_lines_end
from benchmarks.hostile_files import SHAPES
from tests.core import fileformat_reference as reference
from tests.core.fileformat_reference import header as reference_header
from tests.core.fileformat_reference import layout as reference_layout
from tests.core.fileformat_reference import markers as reference_markers
from tests.core.fileformat_reference import pep8 as reference_pep8
from tests.core.fileformat_reference import percent as reference_percent
from tests.core.fileformat_reference import reader as reference_reader
from tests.core.fileformat_reference import strings as reference_strings
from tests.core.fileformat_reference import values as reference_values

# -- reading whole files as the oracle does -------------------------------------------------------


@contextlib.contextmanager
def _numbered_ids() -> Iterator[None]:
    """New ids as counted hex numbers (both loaders draw them from ``secrets.token_hex``)."""
    drawn = 0

    def token_hex(count: int = 32) -> str:
        nonlocal drawn
        drawn += 1
        return f"{drawn:0{2 * count}x}"

    with mock.patch.object(secrets, "token_hex", token_hex):
        yield


def _reading(parse: Callable[[str], object], text: str) -> object:
    """What loading ``text`` gives: the notebook and all that goes with it, or the error."""
    with _numbered_ids():
        try:
            loaded = parse(text)
        except ValueError as error:  # (the one parse error, the app's or the oracle's)
            return (type(error).__name__, str(error), getattr(error, "line", None))
    return (
        loaded.notebook,  # type: ignore[attr-defined]
        loaded.source_format,  # type: ignore[attr-defined]
        dict(loaded.secrets),  # type: ignore[attr-defined]
        loaded.notices,  # type: ignore[attr-defined]
    )


def assert_reads_as_before(text: str) -> None:
    assert _reading(fileformat.parse, text) == _reading(reference.parse, text)


VALUES = st.sampled_from(
    ["1", "-0", "007", "+1", ".5", "1e5", "1.50", "0x1f", "1_0", "1j", "True", "None", "null",
     "x", "é", "[1]", "[1,2]", "[1, 2]", "[1.5]", "[1,]", "[x]", "['a']", "(1,)", "'a'", "{}",
     '{"a": 1}', '{"a":1,"a":2}', '["a b"]', '"q"', '"10"', '"x\\ty"', '"\\x"', "[[[[", "]]",
     "-x", "set()", "1e999", "[1e999]", '"[1]"', '"[1,2]"', '"a\\"b"', "", '"', "a=b", "\\"]
)  # fmt: skip
KEYS = st.sampled_from(["a", "b", "id", "name", "tags", "cell_marker", "lines_to_next_cell", "x.y"])
WORDS = st.sampled_from(["Title", ".cls", "w", "[md]", "[markdown]", "[sql]", "[raw]", "é", "1x"])


@st.composite
def marker_texts(draw: st.DrawFn) -> str:
    """What follows ``# %%``: a mix of titles, kind tags, pairs and JSON objects."""
    parts = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["pair", "pair", "pair", "word", "json"]))
        if kind == "pair":
            parts.append(f"{draw(KEYS)}={draw(VALUES)}")
        elif kind == "word":
            parts.append(draw(WORDS))
        else:
            parts.append(draw(st.sampled_from(['{"a": [1, 2]}', '{"t": "x y"}', "{"])))
    depth = draw(st.sampled_from(["", "", "%", "%%"]))
    return depth + "".join(draw(st.sampled_from([" ", "  ", "\t"])) + part for part in parts)


CODE_LINES = st.sampled_from(
    ["x = 1", "", " ", "# c", "#", "def f():", "    return 1", "    x", "@dec", ")", "\tx",
     "class C:", "async def g(): pass", 's = """', '"""', "'''", '    s = """', "x = '\"\"\"'",
     '# """', 'a\\"""b', '""""""', 'f("""', "#ESC # %%", "# %% [markdown]", "SELECT 1", "é",
     '"\\""""', 's = "\\"""a"""']
)  # fmt: skip
HEAD_LINES = st.sampled_from(
    ["#!/usr/bin/env python", "# -*- coding: utf-8 -*-", "# ---", "# title: x", "#", "",
     "# /// script", '# requires-python = ">=3.11"', "# ///", "# ///x", "# Notebook: n"]
)  # fmt: skip


@st.composite
def files(draw: st.DrawFn) -> str:
    """A file: head lines, then cells of markers (percent or seed ones) and lines."""
    lines = draw(st.lists(HEAD_LINES, max_size=4))
    for index in range(draw(st.integers(0, 6))):
        if draw(st.booleans()):
            seed = draw(st.booleans()) and draw(st.booleans())
            kind = draw(st.sampled_from(["python", "sql"]))
            lead = f"# %% {kind} [c{index % 3}]" if seed else "# %%"
            lines.append(lead + draw(marker_texts()))
        lines.extend(draw(st.lists(CODE_LINES, max_size=5)))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))


@settings(max_examples=600, deadline=None)
@given(files())
def test_a_file_reads_as_the_loader_read_it(text: str) -> None:
    assert_reads_as_before(text)


# -- markers read together ----------------------------------------------------------------------


def _together(rests: list[str]) -> object:
    try:
        return [tuple(marker) for marker in read_markers([(rest, None, None) for rest in rests])]
    except MarkerProblem as problem:
        return (str(problem), problem.index)


def _one_by_one(rests: list[str]) -> object:
    found = []
    for index, rest in enumerate(rests):
        try:
            found.append(tuple(reference_markers.parse_marker_text(rest)))
        except reference_markers.MarkerProblem as problem:
            return (str(problem), index)
    return found


@st.composite
def files_of_markers(draw: st.DrawFn) -> list[str]:
    """A file's markers: some that differ in their first pair, an id, alone (read once)."""
    if draw(st.booleans()):
        return draw(st.lists(marker_texts(), min_size=1, max_size=5))
    before, after = draw(marker_texts()), draw(marker_texts())
    ids = draw(st.lists(st.sampled_from(["1", '"a"', '"b c"', "x", "007", "[1]", ""]), min_size=1))
    return [f"{before} id={cell_id}{after}" for cell_id in ids]


@settings(max_examples=800, deadline=None)
@given(files_of_markers())
@example([" id=1 a=1 id=1 [sql] name=1 name=1"])  # (the first problem is the second id)
def test_markers_read_together_read_as_each_alone(rests: list[str]) -> None:
    assert _together(rests) == _one_by_one(rests)


RUNS = st.sampled_from(
    ["w", "a.b", ".d", "_", "A9", "1a", "é", "-", "x=1", "k=", "a=b=c", "=v", "é=1", "a/b=1",
     "[md]", "[sql]", "[raw]", "[x]", "a=[1]", "b={}", "c=[[1]]", "[1]", "]", "a=[", "id=1",
     "name=q", "null", "Title"]
)  # fmt: skip


@settings(max_examples=800, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([" ", "  ", "\t"]), RUNS), max_size=12))
def test_a_marker_split_at_its_spaces_as_by_the_token_pattern(runs: list[tuple[str, str]]) -> None:
    """Text whose tokens are its runs (no ``=``, or no quote and brackets closed in their
    runs) is split at its spaces: the same structure as the pattern finds token by token."""
    text = "".join(space + run for space, run in runs)

    def split(read: Callable[[str], marker_tokens.Structure]) -> object:
        found = read(text)
        return found.tag, found.title, found.keys, found.written

    assert split(marker_tokens.structure) == split(marker_tokens._structure_of_tokens)


# -- values read at once ------------------------------------------------------------------------


def _json_values(depth: int = 0) -> st.SearchStrategy[object]:
    leaves = st.one_of(
        st.integers(-(10**20), 10**20),
        st.floats(allow_nan=False),
        st.sampled_from([1e999, -0.0, 2.5, True, False, None]),
        st.text(max_size=4),
    )
    if depth >= 3:
        return leaves
    inner = st.deferred(lambda: _json_values(depth + 1))
    return st.one_of(
        leaves, st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=2), inner, max_size=3)
    )


@st.composite
def written_values(draw: st.DrawFn) -> str:
    """A value as a marker holds it: bare or ``"quoted"``, JSON (in any layout) or not."""
    if draw(st.booleans()):
        value = draw(_json_values())
        separators = draw(st.sampled_from([(", ", ": "), (",", ":"), (" , ", " : ")]))
        text = json.dumps(value, separators=separators, ensure_ascii=draw(st.booleans()))
    else:
        text = draw(VALUES)
    text = text.replace("\n", " ")
    if draw(st.booleans()) and '"' not in text.replace('\\"', ""):
        return f'"{text}"'
    return text if text[:1] != '"' else text[1:]


def _one_value(written: str) -> str:
    if written[:1] == '"':
        return reference_values.quoted_value(written[1:-1])
    starts_reading = written[:1] in "-+.0123456789[{('\"" or written in ("True", "False", "None")
    return reference_values.bare_value(written) if starts_reading else written


@settings(max_examples=400, deadline=None)
@given(st.lists(written_values(), max_size=12))
def test_values_read_at_once_read_as_one_at_a_time(written: list[str]) -> None:
    assert value_batch.read_values(written) == [_one_value(text) for text in written]
    strings = [text.strip('"') for text in written]
    assert value_batch.typed_flags(strings) == [reference_values.is_typed(s) for s in strings]


@settings(max_examples=25, deadline=None)
@given(st.lists(written_values(), min_size=30, max_size=40))
def test_values_read_a_chunk_at_a_time_read_as_one_at_a_time(written: list[str]) -> None:
    """(Files of more than 50,000 values are read in chunks: here chunks of 7.)"""
    with mock.patch.object(value_batch, "_READ_CHUNK", 7):
        assert value_batch.read_values(written) == [_one_value(text) for text in written]


@settings(max_examples=400, deadline=None)
@given(st.lists(_json_values(), max_size=8))
def test_json_values_as_text_as_one_at_a_time(items: list[object]) -> None:
    assert json_bulk.encode_each(items) == list(map(json.dumps, items))
    assert value_batch.to_texts(items) == [reference_values.to_text(item) for item in items]


#: The text between a value's quotes: pieces that are escapes (``\\x`` is not one JSON reads).
ESCAPED = st.lists(
    st.sampled_from(["\\n", "\\t", '\\"', "\\\\", "\\u00e9", "\\x", "a", "é", "[1]", "1", ", "]),
    max_size=4,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(ESCAPED, min_size=1, max_size=70), st.lists(ESCAPED, max_size=3))
def test_values_all_quoted_read_in_place_as_one_at_a_time(
    escaped: list[str], more: list[str]
) -> None:
    """Values all quoted, most holding escapes (read in one decode), some repeated."""
    written = [f'"{inner}\\n"' for inner in escaped] + [f'"{inner}"' for inner in more]
    written += written[: len(written) // 2]
    assert value_batch.read_values(written) == [_one_value(text) for text in written]


INTEGER_FORMS = ["+{}", "+{:03}", "+{:_}", "{}", "+{:x}"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 10**20), min_size=1, max_size=70),
    st.lists(st.sampled_from(INTEGER_FORMS), min_size=1, max_size=3),
)
def test_integers_read_in_one_pass_as_one_at_a_time(numbers: list[int], forms: list[str]) -> None:
    """Integer literals (``+12``, ``+007``, ``+1_000``): after a ``+`` and canonical, cut."""
    written = [forms[i % len(forms)].format(n) for i, n in enumerate(numbers)]
    assert value_batch.read_values(written) == [_one_value(text) for text in written]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(st.sampled_from(["a", ",", " ", "é", '"', "\\"]), max_size=4),
            st.integers(),
            st.floats(),
            st.booleans(),
            st.none(),
        ),
        max_size=12,
    )
)
def test_json_scalars_encoded_at_once_as_one_at_a_time(items: list[object]) -> None:
    """Scalars alone are encoded as one list split at its separators (a string may hold one)."""
    assert json_bulk.encode_each(items) == list(map(json.dumps, items))
    assert value_batch.to_texts(items) == [reference_values.to_text(item) for item in items]


@settings(max_examples=1000, deadline=None)
@given(st.text(st.sampled_from("0123456789_+-.eExXoObBaAfFj"), min_size=1, max_size=9))
def test_python_numbers_read_by_int_and_float_as_by_literal_eval(text: str) -> None:
    """The kinds ``int(text, 0)`` and ``float(text)`` read are Python's own literals."""
    if re.fullmatch(value_kinds.PY_INT, text):
        assert ast.literal_eval(text) == int(text, 0)
    elif re.fullmatch(value_kinds.PY_FLOAT, text):
        assert repr(ast.literal_eval(text)) == repr(float(text))


# The kinds read in bulk are never read one at a time: 10,001 distinct values of each load
# without reaching the limit (a value read one at a time counts towards it).
BULK_KINDS = {
    "plain": lambda i: f"v{i}",
    "integer": lambda i: f"+{i}",
    "float": lambda i: f"{i}.5e1",
    "json as written": lambda i: f'[{i}, "a", {{"k": null}}]',
    "json otherwise": lambda i: f"[{i},1.50]",
    "failing word": lambda i: f"[x{i}]",
    "python string": lambda i: f"'s{i}'",
    "quoted escapes": lambda i: f'"x\\t{i}"',
    "quoted json": lambda i: f'"[{i},2]"',
}


@pytest.mark.parametrize("kind", BULK_KINDS)
def test_a_kind_read_in_bulk_is_not_read_one_at_a_time(kind: str) -> None:
    written = [BULK_KINDS[kind](i) for i in range(value_batch.MAX_SLOW_VALUES + 1)]
    read = value_batch.read_values(written)  # (TooManySlowValues if one at a time)
    sample = range(0, len(written), 997)
    assert [read[i] for i in sample] == [_one_value(written[i]) for i in sample]


def test_more_python_literals_than_the_limit_are_refused_at_the_marker_past_it() -> None:
    per_marker = 50
    markers = value_batch.MAX_SLOW_VALUES // per_marker + 1
    text = "".join(
        "# %% "
        + " ".join(f"a=('{i}',)" for i in range(m * per_marker, (m + 1) * per_marker))
        + "\nx = 1\n"
        for m in range(markers)
    )
    with pytest.raises(fileformat.NotebookFormatError, match="more than 10,000") as refused:
        fileformat.parse(text)
    assert refused.value.line == 2 * (markers - 1) + 1  # the marker with the 10,001st


def test_a_file_of_too_many_literals_is_refused_before_all_are_sorted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Values are sorted into kinds a chunk at a time and reading stops at the refusal: of
    200,000 values JSON refuses, one chunk is sorted (all of them took 0.8 s before)."""
    sorted_counts: list[int] = []
    kinds = value_batch._Kinds

    def counted(texts: list[str], *args: object) -> value_batch._Kinds:
        sorted_counts.append(len(texts))
        return kinds(texts, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(value_batch, "_Kinds", counted)
    with pytest.raises(value_batch.TooManySlowValues):
        value_batch.read_values([f"[{i},]" for i in range(200_000)])
    assert sorted_counts == [value_batch._READ_CHUNK]


def test_as_many_python_literals_as_the_limit_read_as_before() -> None:
    text = "".join(
        "# %% " + " ".join(f"a=('{i}',)" for i in range(m * 50, (m + 1) * 50)) + "\n"
        for m in range(value_batch.MAX_SLOW_VALUES // 50)
    )
    assert_reads_as_before(text)


# -- strings, PEP 8 spacing, preamble, header ----------------------------------------------------

STRING_LINES = st.sampled_from(
    ["x = 1", 's = """', '"""', "'''", "s = '''a'''", '"a"', "'b'", '# """', 'x = "\\""',
     "\\'''", '""""', '"""""', '""""""', "x = 'a # b'", "'", '"', 'a\\"""b', '  # """', "#",
     "", " ", 'f("""', '""" + """', "r'''x", "'''a''' '''", 'x = "a\\', "def f():", ")",
     # An escaped quote, the closing quote and one more: three quotes in a row to Jupytext,
     # which opens a string in triple quotes at the third.
     '"\\""""', "x = '\\''''", 'y = "a\\"""', 'z = "\\\\"""', '"\\"""" + 1',
     's = "\\"""a"""', "'\\''''b'''", '"\\"""""']
)  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(st.lists(STRING_LINES, max_size=10))
def test_strings_found_by_one_search_as_line_by_line(lines: list[str]) -> None:
    text = "".join(line + "\n" for line in lines)
    parser = reference_strings.StringParser()
    parser.read_lines(lines)
    assert (scan_outside_strings(text, 0, len(text)) < len(text)) == parser.is_quoted()
    kept = unquoted_lines("\n".join(lines)).split("\n") if lines else []
    expected = reference_pep8._unquoted_lines(lines)
    assert len(kept) == len(expected)
    for line, whole in zip(kept, expected, strict=True):  # (a string that spans lines: \x00)
        assert whole.startswith(line.split("\x00")[0])
        assert (not line.strip()) == (not whole.strip())


@settings(max_examples=800, deadline=None)
@given(st.lists(st.lists(STRING_LINES, max_size=6), min_size=1, max_size=5))
def test_spacing_decided_by_searches_as_by_reading_lines(cells: list[list[str]]) -> None:
    cells = [["# %%", *lines] for lines in cells]
    text = "".join(line + "\n" for lines in cells for line in lines)
    starts = [
        sum(len(line) + 1 for lines in cells[:k] for line in lines) for k in range(len(cells))
    ]
    found = reference_percent.find_markers(text, 0)
    if [match.start() for match in found] != starts:
        return  # (a marker line in a string: not a cell of this file)
    stops = [*starts[1:], len(text)]
    expected = reference_layout.Spacing(cells)
    spacing = TextSpacing(text, starts, stops, len(cells))
    for k in reversed(range(len(cells))):
        content = cells[k][1:]
        assert spacing.expected(k, "\n".join(content)) == expected.expected(k, content or [""])
        assert text_ends_with_definition("\n".join(content)) == (
            reference_pep8.ends_with_definition(content or [""])
        )


@settings(max_examples=1000, deadline=None)
@given(st.lists(HEAD_LINES | CODE_LINES, max_size=9), st.sampled_from(["", "\n"]))
def test_preamble_found_by_searches_as_line_by_line(lines: list[str], end: str) -> None:
    text = "\n".join(lines) + end
    assert preamble_end(text) == reference_reader.preamble_offset(text)


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(st.sampled_from(["# ///", "# ///x", "# //", "x", "", "#", " # ///"]), max_size=8),
    st.sampled_from(["", "\n"]),
    st.integers(0, 60),
    st.integers(0, 60),
)
def test_the_header_end_found_by_one_search(lines: list[str], end: str, a: int, b: int) -> None:
    text = "\n".join(lines) + end
    start, stop = min(a, b, len(text)), min(max(a, b), len(text))
    assert _last_close_line(text, start, stop) == reference_header._last_close_line(
        text, start, stop
    )


@settings(max_examples=1000, deadline=None)
@given(st.text(st.sampled_from("\n \t\x0b\u2028\xa0x#"), max_size=12), st.integers(0, 12))
def test_blank_lines_end_as_the_pattern_says(text: str, line: int) -> None:
    starts = [0, *(index + 1 for index, char in enumerate(text) if char == "\n")]
    pos = starts[min(line, len(starts) - 1)]
    expected = re.compile(r"(?:[^\S\n]*\n)*").match(text, pos).end()  # type: ignore[union-attr]
    assert blank_lines_end(text, pos) == expected


# -- the hostile shapes --------------------------------------------------------------------------


#: Pieces of text near JSON: JSON's own, Python's, broken strings and commas in odd places.
NEAR_JSON = st.lists(
    st.sampled_from(
        [
            '"',
            '\\"',
            "\\",
            "\\q",
            "\x01",
            "[",
            "]",
            "{",
            "}",
            ",",
            ":",
            " ",
            "\n",
            "1",
            "-",
            "e",
            "1.5",
            "true",
            "null",
            "NaN",
            "Infinity",
            "None",
            "'",
            "(",
            ")",
            "é",
            "a",
        ]
    ),
    max_size=12,
).map("".join)


def _decodes(text: str, decoder: json.JSONDecoder) -> bool:
    try:
        decoder.decode(text)
    except (ValueError, RecursionError):
        return False
    return True


@settings(max_examples=2000, deadline=None)
@given(NEAR_JSON)
@example('["a,]"]')
@example('{"a": "b (c)"}')
@example('"tab\there"')
def test_text_refused_without_decoding_never_decodes(text: str) -> None:
    """NOT_JSON spares a failed decode (an error raised, ~10 µs) only where it is sure."""
    if json_bulk.NOT_JSON.match(text):
        assert not _decodes(text, json_bulk.DECODER)
        assert not _decodes(text, json_bulk.STRING_DECODER)


@settings(max_examples=300, deadline=None)
@given(st.lists(NEAR_JSON, min_size=1, max_size=12))
@example(["NaN", "[NaN,]", "[Infinity]"])
def test_texts_decoded_one_by_one_as_by_scanning_each(texts: list[str]) -> None:
    """The refusal changes no result of the scan it spares: on every text, and in groups of
    two, each read one way or the other by how many of the group before failed."""
    for decoder in (json_bulk.DECODER, json_bulk.STRING_DECODER):
        scanned, scanned_ok = json_bulk._scan_each(texts, decoder)
        with mock.patch.object(json_bulk, "_GROUP", 2):
            grouped = json_bulk._decode_one_by_one(texts, decoder)
        for values, ok in (json_bulk._refused_or_scanned(texts, decoder), grouped):
            assert ok == scanned_ok
            shown = list(map(repr, compress(values, ok)))
            assert shown == list(map(repr, compress(scanned, ok)))


def test_the_common_mistakes_are_refused_without_decoding() -> None:
    refused = ("[1,]", '{"a": 1, }', "[1,\n]", "None", "(1, 2)", "['a']", "[True]")
    refused += ("[1 0]", '["a" "b"]', "[true\tnull]", '{"a": 1 "b": 2}')
    for text in refused:
        assert json_bulk.NOT_JSON.match(text), text
    kept = ("[1, 2]", '{"a": [true, false, null]}', "-1.5E+3", '["x,]"]', "\"('N')\"")
    kept += ('{ "a" : [ 1 , 2 ] }', '["1 0"]', "[1e5 ]", "[ NaN , -Infinity ]")
    for text in kept:
        assert not json_bulk.NOT_JSON.match(text), text


def test_many_quoted_values_that_are_not_json_load_as_before() -> None:
    """Quoted strings that look like JSON but do not decode are read in bulk, not one at a
    time: more than 10,000 of them are no reason to refuse the file (they once were)."""
    text = "".join(
        "# %% " + " ".join(f'a="[{i * 5000 + k} 0]"' for k in range(5000)) + "\n" for i in range(3)
    )
    assert len(fileformat.parse(text).notebook.cells) == 3  # (read, not refused)
    assert_reads_as_before(text)


#: Each shape at a size the oracle reads in a moment (markers of 100,000 characters excepted:
#: below). Files of two shapes of 100,000-character markers it read in quadratic time.
SMALL = {shape: 30 for shape in SHAPES}
SMALL.update(long_markers=2, million_markers=3, open_preamble=3, long_preamble=3)
QUADRATIC_BEFORE = {"long_word", "trailing_spaces"}


@pytest.mark.parametrize("shape", sorted(set(SHAPES) - QUADRATIC_BEFORE))
def test_each_hostile_shape_reads_as_before(shape: str) -> None:
    assert_reads_as_before(SHAPES[shape](SMALL[shape]))


def test_a_long_word_after_a_pair_reads_as_a_title() -> None:
    """A 99,000-character word that is no identifier joins the title (the oracle reads a
    shorter one so, in quadratic time)."""
    assert_reads_as_before("# %% a=1 " + "a" * 3_000 + "!\n")
    cells = fileformat.parse(SHAPES["long_word"](2)).notebook.cells
    assert [cell.meta[:2] for cell in cells] == [(("title", "a" * 99_000 + "!"), ("a", "1"))] * 2


def test_a_marker_of_trailing_spaces_reads_as_its_words() -> None:
    assert_reads_as_before("# %% x" + " " * 3_000 + "\n# %% x" + " " * 3_000 + "y\n")
    cells = fileformat.parse(SHAPES["trailing_spaces"](2)).notebook.cells
    assert [cell.meta[:1] for cell in cells] == [(("title", "x"),)] * 2

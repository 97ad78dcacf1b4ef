"""The file format's fast paths give exactly what its general paths give.

Each fast path of the loader (a marker of many ``key=value`` pairs read by splitting it, integer
values taken without a JSON round trip, ...) is compared with the general path it stands for,
on generated input built from the pieces that decide between them.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.fileformat import markers, values
from app.core.fileformat.markers import MarkerProblem, parse_marker, parse_marker_text

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
        return read(rest)  # type: ignore[operator]
    except MarkerProblem as problem:
        return ("MarkerProblem", str(problem))


@settings(max_examples=1000, deadline=None)
@given(pairs_markers())
def test_a_marker_of_pairs_reads_the_same_by_the_pairs_path(rest: str) -> None:
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
    assert markers._PAIRS_MARKER.fullmatch(rest) is not None
    assert parse_marker(rest) == parse_marker_text(rest)


@pytest.mark.parametrize(
    ("rest", "message"),
    [(" id=1 a=b id=2", "more than one id"), (' [sql] name="a" id=1 name=b', "more than one name")],
)
def test_the_pairs_path_refuses_what_the_general_path_refuses(rest: str, message: str) -> None:
    assert markers._PAIRS_MARKER.fullmatch(rest) is not None
    with pytest.raises(MarkerProblem, match=message):
        parse_marker(rest)
    with pytest.raises(MarkerProblem, match=message):
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

"""Property: for any sequence of cells of simple assignments, augmented assignments, loops,
branches and reads, the converted notebook has no multiple definition and no cycle, and run in
Cascade's order it prints exactly what the original printed run top to bottom."""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.convert import make_reactive
from app.core.convert.conflicts import conflict_notes
from tests.core.convert_helpers import run_like_cascade, run_like_jupyter, source_cells

NAMES = st.sampled_from(["a", "b", "c"])  # numbers
LISTS = st.sampled_from(["p", "q"])  # lists, to see in-place changes through other names
NUMBERS = st.integers(min_value=0, max_value=3)

STATEMENTS = st.one_of(
    st.builds(lambda n, k: f"{n} = {k}", NAMES, NUMBERS),
    st.builds(lambda n, m, k: f"{n} = {m} + {k}", NAMES, NAMES, NUMBERS),
    st.builds(lambda n, m: f"{n} += {m}", NAMES, NAMES),
    st.builds(lambda n: f"print({n})", NAMES),
    st.builds(lambda n, m: f"{n}, {m} = {m}, {n}", NAMES, NAMES),
    st.builds(lambda n, m, k: f"for {n} in range({k}):\n    {m} = {m} + 1", NAMES, NAMES, NUMBERS),
    st.builds(lambda n, k: f"if {k} > 1:\n    {n} = {k}", NAMES, NUMBERS),
    st.builds(lambda xs, m: f"{xs} = [{m}]", LISTS, NAMES),
    st.builds(lambda xs, m: f"{xs} += [{m}]", LISTS, NAMES),
    st.builds(lambda xs, ys: f"{xs} = {ys}", LISTS, LISTS),
    st.builds(lambda xs, ys: f"print({xs}, {ys})", LISTS, LISTS),
    st.builds(lambda n: f"def show():\n    return {n}\nprint(show())", NAMES),
    st.builds(
        lambda n, m, k: f"try:\n    {n} = {m} // {k}\nexcept ZeroDivisionError:\n    pass",
        NAMES,
        NAMES,
        NUMBERS,
    ),
    st.builds(lambda n: f"while {n} < 3:\n    {n} += 1", NAMES),
    st.builds(lambda n, m, k: f"{n} = {m} if {k} else {n}", NAMES, NAMES, NUMBERS),
    st.builds(lambda n, m, k: f"{n} = sum([{m} for _ in range({k})])", NAMES, NAMES, NUMBERS),
    st.builds(lambda n: f"def bump():\n    global {n}\n    {n} += 1\nbump()", NAMES),
)
CELLS = st.lists(
    st.lists(STATEMENTS, min_size=1, max_size=3).map("\n".join), min_size=1, max_size=8
)


@settings(max_examples=int(os.environ.get("CONVERT_EXAMPLES", "300")), deadline=None)
@given(CELLS)
def test_converted_notebook_is_valid_and_prints_the_same(cells: list[str]) -> None:
    codes = ["a = 1\nb = 2\nc = 3\np = []\nq = [0]", *cells]  # every name exists before it is read
    converted = make_reactive(source_cells(codes)).cells
    assert conflict_notes(converted) == []
    assert run_like_cascade(converted) == run_like_jupyter(codes)

"""Carriage returns settle the way a terminal shows them (a progress bar is one line)."""

from __future__ import annotations

import pytest

from app.core.state import CellRunState, OutputAdded, StreamText, reduce
from app.core.terminal import append_stream, settle

CASES = [
    ("plain", "a\nb\n", "a\nb\n"),
    ("rewrite", "10%\r20%\r30%", "30%"),
    ("rewrite-then-newline", "10%\r100%\ndone\n", "100%\ndone\n"),
    ("crlf-is-a-newline", "a\r\nb\r\n", "a\nb\n"),
    ("shorter-rewrite-keeps-tail", "abcdef\rXY", "XYcdef"),
    ("leading-cr", "\rbar", "bar"),
    ("trailing-cr", "bar\r", "bar"),
    ("only-last-line-rewritten", "keep\n1\r2\r3", "keep\n3"),
]


@pytest.mark.parametrize(("raw", "shown"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_settle(raw: str, shown: str) -> None:
    assert settle(raw) == shown


def test_append_stream_matches_settling_everything() -> None:
    chunks = ["start\n", "  0%|", "\r 50%|#####", "\r100%|##########", "\n", "end\n"]
    text = ""
    for chunk in chunks:
        text = append_stream(text, chunk)
    assert text == settle("".join(chunks)) == "start\n100%|##########\nend\n"


def test_a_thousand_step_progress_bar_leaves_one_line_in_the_cell_state() -> None:
    state = CellRunState(status="running")
    for i in range(1000):
        state = reduce(state, OutputAdded(StreamText("stderr", f"\r{i / 10:5.1f}%|")))
    state = reduce(state, OutputAdded(StreamText("stderr", "\n")))
    assert state.text("stderr") == " 99.9%|\n"
    assert len(state.outputs) == 1

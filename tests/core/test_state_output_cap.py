"""Per-cell output caps in the run state: what the app keeps of a cell that prints too much."""

from __future__ import annotations

from app.core import state as s


def started() -> s.CellRunState:
    return s.reduce(s.CellRunState(), s.Started(0.0))


def add(state: s.CellRunState, text: str, stream: s.StreamName = "stdout") -> s.CellRunState:
    return s.reduce(state, s.OutputAdded(s.StreamText(stream, text)))


def test_stream_text_beyond_the_cap_drops_the_oldest_and_counts_it() -> None:
    state = started()
    line = "y" * 99 + "\n"
    chunk = line * 10_000  # 1,000,000 characters
    for _ in range(20):
        state = add(state, chunk)
    held = sum(len(o.text) for o in state.outputs if isinstance(o, s.StreamText))
    assert held <= s.MAX_STREAM_CHARS
    assert held + state.omitted_chars == 20_000_000
    assert state.text("stdout").startswith("y" * 99)  # cut at a line start


def test_rich_outputs_survive_the_cap() -> None:
    state = add(started(), "x" * 1000)
    state = s.reduce(state, s.OutputAdded(s.RichOutput({"text/plain": "kept"})))
    state = add(state, "z" * s.MAX_STREAM_CHARS)
    assert s.RichOutput({"text/plain": "kept"}) in state.outputs
    assert state.omitted_chars == 1000


def test_skipped_output_drops_what_was_held_keeps_rich_outputs_and_names_the_file() -> None:
    state = add(started(), "head\n")
    state = s.reduce(state, s.OutputAdded(s.RichOutput({"text/plain": "figure"})))
    state = add(state, "more\n", "stderr")
    state = s.reduce(state, s.OutputOmitted(500, "/tmp/cascade-output-1.txt"))
    state = add(state, "tail\n")
    assert state.text("stdout") == "tail\n"
    assert state.text("stderr") == ""
    assert state.omitted_chars == len("head\n") + len("more\n") + 500
    assert state.full_output == "/tmp/cascade-output-1.txt"
    assert s.RichOutput({"text/plain": "figure"}) in state.outputs


def test_a_file_without_a_gap_keeps_the_text() -> None:
    state = add(started(), "head\n")
    state = s.reduce(state, s.OutputOmitted(0, "/tmp/cascade-output-2.txt"))
    assert state.text("stdout") == "head\n"
    assert state.omitted_chars == 0
    assert state.full_output == "/tmp/cascade-output-2.txt"


def test_a_new_run_starts_without_omissions() -> None:
    state = s.reduce(started(), s.OutputOmitted(10, "/tmp/cascade-output-3.txt"))
    state = s.reduce(state, s.Started(1.0))
    assert state.omitted_chars == 0
    assert state.full_output is None

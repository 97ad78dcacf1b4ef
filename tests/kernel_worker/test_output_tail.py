"""A spilling run's tail travels as one piece per stream run, however many writes made it."""

from __future__ import annotations

import pytest

from kernel_worker import output_cap
from kernel_worker.output_cap import RunOutput


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output_cap, "RUN_LIMIT_CHARS", 100)
    monkeypatch.setattr(output_cap, "TAIL_CHARS", 1_000)


@pytest.mark.usefixtures("small_limits")
def test_a_tail_of_many_prints_is_one_piece_per_stream_run() -> None:
    run = RunOutput()
    try:
        for i in range(5_000):  # print(i) is two writes: the number and the newline
            run.accept("stdout", str(i))
            run.accept("stdout", "\n")
        run.accept("stderr", "warning\n")
        run.accept("stdout", "last\n")
        skipped, pieces = run.take_tail(now=0.0)
        assert [stream for stream, _ in pieces] == ["stdout", "stderr", "stdout"]
        shown = "".join(text for _, text in pieces)
        assert shown.endswith("4999\nwarning\nlast\n")
        assert len(shown) <= 1_000 and skipped > 0
        written = sum(len(str(i)) + 1 for i in range(5_000)) + len("warning\nlast\n")
        assert skipped + len(shown) == written - run.sent  # every character counted once
    finally:
        run.finish()

"""The loader stays linear on hostile input and raises nothing but its one error (issue 9 §4).

Linearity is shown twice: structurally (the Python lines the loader executes grow in proportion
to the input, for every shape of file, counted with a tracer — no clock involved), and for the
work done inside C (``str.count``, regex scans) by comparing CPU-time growth with a generous
factor: linear growth is 5×, a quadratic scan hiding in C would be about 25×.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core import fileformat
from app.core.fileformat import NotebookFormatError, dumps, load, loads, parse
from benchmarks.hostile_files import SHAPES as HOSTILE_SHAPES
from tests.core.test_fileformat import FILE_TEXT

PACKAGE = str(Path(fileformat.__file__).parent)


def _id(i: int) -> str:
    return f"{i:08x}"


# Each shape makes a file from a size n; together they reach every reader, every marker form,
# the header, the escape, loose text, passwords and the error paths.
SHAPES: dict[str, Callable[[int], str]] = {
    "bare markers": lambda n: "# %%\n" * n,
    "cascade cells": lambda n: "".join(f'# %% id="{_id(i)}"\nx{i} = {i}\n\n' for i in range(n)),
    "markers with metadata": lambda n: "".join(
        f'# %% t{i} [markdown] k={i} q="v\\"{i}" tags=["a", {i}]\n# text {i}\n\n' for i in range(n)
    ),
    "sql cells without names": lambda n: "".join(f"# %% [sql]\n# SELECT {i}\n\n" for i in range(n)),
    "duplicate ids": lambda n: '# %% id="same"\n\n' * n,
    "seed": lambda n: (
        "# Notebook: n\n# DB: postgresql://u:secret@h/db\n\n"
        + "".join(
            f"# %% sql [c{i}] q{i}\nSELECT {i}\n\n# %% python [p{i}]\nx = {i}\n" for i in range(n)
        )
    ),
    "header and cells": lambda n: (
        '# /// script\n# requires-python = ">=3.11"\n# [tool.cascade]\n'
        '# name = "x"\n# ///\n\n' + "".join(f'# %% id="{_id(i)}"\n\n' for i in range(n))
    ),
    "escaped lines": lambda n: '# %% id="a"\n' + "#ESC # %%\n#ESC #ESC x\n" * n,
    "markdown lines": lambda n: '# %% [markdown] id="a"\n' + "# x\n#\n" * n,
    "loose text": lambda n: "x = 1\n\n" * n + "# %%\n",
    "no markers": lambda n: "print(1)\n" * n,
    "blank lines": lambda n: "# %%\n" + " \n\t\n" * n,
    "one long marker": lambda n: "# %%" + " a=b w" * n + "\n",
    "one nested value": lambda n: "# %% k=[" + '{"a": [1, "]"]}, ' * n + "]\n",
    "raw @ in a password": lambda n: "# DB: postgresql://u:" + "p@" * n + "h/db\n",
    "unterminated header": lambda n: "# /// script\n" + "# x = 1\n" * n,
    "bad marker at the end": lambda n: "# %%\n" * n + '# %% k="x\n',
    "too many cells": lambda n: "# %%\n" * (fileformat.MAX_CELLS + n),
    # The benchmark's hostile files (but those made of 100,000-character markers: a count of
    # them is megabytes), each once slow to load.
    **{
        f"hostile {shape}": make
        for shape, make in HOSTILE_SHAPES.items()
        if shape not in ("long_markers", "long_word", "trailing_spaces")
    },
}


def _lines_executed(text: str) -> int:
    """Python lines run in the fileformat package while parsing ``text``."""
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename.startswith(PACKAGE) else None

    sys.settrace(tracer)
    try:
        with contextlib.suppress(NotebookFormatError):
            parse(text)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("shape", SHAPES)
def test_work_grows_in_proportion_to_the_input(shape: str) -> None:
    small, large = _lines_executed(SHAPES[shape](150)), _lines_executed(SHAPES[shape](1200))
    assert large <= 8.5 * small, (small, large)


def _cpu_seconds(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        with contextlib.suppress(NotebookFormatError):
            parse(text)
        best = min(best, time.process_time() - start)
    return best


def test_time_inside_c_grows_in_proportion_too() -> None:
    """Distinct markers over megabytes of text: a per-marker scan from the start of the text
    (a line number counted for every marker, say) would make this quadratic."""

    def notebook(n: int) -> str:
        body = "x = 1  # " + "." * 480 + "\n"
        return "".join(f'# %% id="{_id(i)}" t={i}\n{body}\n' for i in range(n))

    small, large = notebook(2_000), notebook(10_000)
    assert len(large) > 5_000_000
    ratio = _cpu_seconds(large) / max(_cpu_seconds(small), 1e-3)
    assert ratio < 12, ratio


@pytest.mark.parametrize(
    "shape", ["quoted_bad_escapes", "quoted_broken_json", "bracketed_trailing_comma"]
)
def test_values_that_fail_to_decode_cost_in_proportion(shape: str) -> None:
    """Each value that JSON refuses was once followed by a copy of the rest of the file's
    values (one line of Python, quadratic in C: minutes at 5 MB)."""
    make = HOSTILE_SHAPES[shape]
    ratio = _cpu_seconds(make(1000)) / max(_cpu_seconds(make(200)), 1e-3)
    assert ratio < 12, ratio


def test_lines_holding_percent_but_no_marker_are_stepped_through_once_per_file() -> None:
    """At most MAX_MARKER_HINTS such lines take a step of Python in a whole file, then a scan
    in C takes the rest, however many markers strings hide (each restarted the count)."""
    make = HOSTILE_SHAPES["percent_lines_and_strings"]
    small, large = _lines_executed(make(150)), _lines_executed(make(1200))
    assert large < 2 * small, (small, large)


# -- fuzzing: every input loads or raises the one parse error -------------------------------------


def _corrupt(data: bytes, position: int, junk: bytes) -> bytes:
    position %= len(data) + 1
    return data[:position] + junk + data[position:]


FILE_BYTES = st.one_of(
    st.binary(max_size=300),
    FILE_TEXT.map(lambda text: text.encode("utf-8")),
    st.builds(
        _corrupt,
        FILE_TEXT.map(lambda text: text.encode("utf-8")),
        st.integers(min_value=0),
        st.sampled_from([b"\x00", b"\xff", b"\xc3", b"\xef\xbb\xbf", b"\r", b'{"nbformat": 4}']),
    ),
    st.sampled_from([b'{"nbformat": 4, "cells": []}', b"\xef\xbb\xbf# %%\r\nx\r", b"\n" * 5]),
)


def _line_count(data: bytes) -> int:
    text = data.decode("utf-8", errors="replace")
    return fileformat.syntax.normalize_newlines(text).count("\n") + 1


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(FILE_BYTES)
def test_load_of_any_bytes_opens_or_says_which_line(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "nb.py"
    path.write_bytes(data)
    try:
        loaded = load(path)
    except NotebookFormatError as error:
        assert 1 <= error.line <= _line_count(data), (error.line, data)
        assert error.message and "\n" not in str(error)
        return
    assert loads(dumps(loaded.notebook)) == loaded.notebook  # what opens can be saved

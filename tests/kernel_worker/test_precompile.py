"""Cells compiled while the worker waits (protocol v10, ``Precompile``): a plan then finds
them compiled, and nothing a user sees changes — a cell that warns or fails to compile still
says so when it runs, and a traceback still shows the cell's lines."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from kernel_worker import protocol as p
from tests.integration.cli_helpers import ROOT
from tests.kernel_worker.worker_client import WorkerClient, displays, finished, stream_text

CELLS = (
    ("w", "cell 1", "x = 1 is 1"),  # a SyntaxWarning when compiled
    ("s", "cell 2", "x = ("),  # a SyntaxError
    ("e", "cell 3", "x = 1\n1/0"),
    ("v", "cell 4", "x + 1"),
)


def test_a_plan_after_precompile_shows_what_it_always_showed() -> None:
    worker = WorkerClient()
    try:
        worker.send(p.Precompile(CELLS))
        steps = tuple(p.Step(cell_id, "python", code, label) for cell_id, label, code in CELLS)
        messages = worker.run_plan_request(p.RunPlan(1, steps))
    finally:
        worker.close()
    ends = finished(messages)
    assert 'SyntaxWarning: "is" with a literal' in stream_text(messages, "w", "stderr")
    syntax = ends["s"].error
    assert syntax is not None and syntax.ename == "SyntaxError"
    error = ends["e"].error
    assert error is not None and error.ename == "ZeroDivisionError"
    assert '  File "<cell 3>", line 2, in <module>\n    1/0' in error.traceback
    assert displays(messages, "v") == [{"text/plain": "2"}]


#: Drives an executor in a fresh interpreter and counts how often it compiles a cell.
_SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    from kernel_worker import compiled_cells as cc, executor as ex, protocol as p
    from kernel_worker.capture import FdCapture, install_streams
    from kernel_worker.router import OutputRouter
    from kernel_worker.transport import FrameWriter

    compiled = []
    flags = []
    original = cc.compile_cell
    cc.compile_cell = lambda code, filename, *flag: compiled.append(filename) or flags.append(
        [filename, *flag]
    ) or original(code, filename, *flag)
    out = os.dup(1)
    writer = FrameWriter(os.open(os.devnull, os.O_WRONLY), p.new_nonce())
    router = OutputRouter(writer)
    capture = FdCapture(router)
    executor = ex.Executor(writer, router, capture, install_streams(router))
    cells = {cells!r}
    executor.cells.precompile(p.Precompile(cells, {plain!r}))
    calls = []
    executor.cells.compile_ahead(lambda: calls.append(1) or len(calls) > 2)
    after_two = list(compiled)
    still_queued = executor.cells.compiling_ahead
    executor.cells.compile_ahead(lambda: False)
    ahead = list(compiled)
    steps = tuple(p.Step(cell_id, "python", code, label) for cell_id, label, code in cells)
    executor.run_plan(p.RunPlan(1, steps))
    report = {{
        "after_two": after_two,
        "queued": still_queued,
        "ahead": ahead,
        "all": compiled,
        "flags": flags,
    }}
    os.write(out, json.dumps(report).encode())
    """
)


def test_cells_compiled_ahead_are_not_compiled_again_unless_they_warned() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT.format(cells=CELLS, plain=("e",))],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    report = json.loads(result.stdout)
    # compile_ahead stops as soon as it is told to (a request came), the rest stays queued.
    assert report["after_two"] == ["<cell 1>", "<cell 2>"]
    assert report["queued"] is True
    assert report["ahead"] == ["<cell 1>", "<cell 2>", "<cell 3>", "<cell 4>"]
    # The plan compiles again only the cells that warned or failed (their step reports it).
    assert report["all"] == [*report["ahead"], "<cell 1>", "<cell 2>"]
    # A cell said not to end with an expression is compiled ahead without being parsed (v11).
    assert report["flags"][:4] == [
        ["<cell 1>", True],
        ["<cell 2>", True],
        ["<cell 3>", False],
        ["<cell 4>", True],
    ]

"""Compiled cells handed back to the coordinator and on to the next worker (protocol v12): a
worker loads them instead of compiling, and what the user sees never depends on it — a cell
whose compile warned is compiled (and warns) again, a blob that does not fit is ignored, and a
traceback still shows the cell's lines."""

from __future__ import annotations

import binascii
import marshal
import warnings

import pytest

from kernel_worker import compiled_cells as cc
from kernel_worker import protocol as p
from tests.kernel_worker.worker_client import WorkerClient, displays, finished, stream_text


def _blob(code: str, filename: str) -> str:
    data = marshal.dumps(cc.compile_cell(code, filename))
    return binascii.b2a_base64(data, newline=False).decode("ascii")


class _Counted:
    """A CompiledCells whose compiles are counted and whose hand-backs are kept."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sent: list[p.CompiledCode] = []
        self.compiled: list[str] = []
        original = cc.compile_cell

        def counting(code: str, filename: str, ends: bool = True) -> cc.CompiledCell:
            self.compiled.append(filename)
            return original(code, filename, ends)

        monkeypatch.setattr(cc, "compile_cell", counting)
        self.cells = cc.CompiledCells(self.sent.append)

    @property
    def handed_back(self) -> list[tuple[str, str, str]]:
        return [entry for message in self.sent for entry in message.cells]


def test_nothing_is_handed_back_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    worker = _Counted(monkeypatch)
    worker.cells.get("<cell 1>", "x = 1", True)
    worker.cells.send_new()
    assert worker.sent == []
    worker.cells.precompile(p.Precompile(hand_back=True))
    worker.cells.get("<cell 2>", "y = 2", True)
    worker.cells.send_new()
    assert [(f, c) for f, c, _ in worker.handed_back] == [("<cell 2>", "y = 2")]
    worker.cells.send_new()  # each cell once
    assert len(worker.sent) == 1


def test_a_handed_back_cell_is_loaded_not_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    first = _Counted(monkeypatch)
    first.cells.precompile(p.Precompile(hand_back=True))
    first.cells.get("<cell 1>", "x = 40\nx + 2", True)
    first.cells.send_new()
    second = _Counted(monkeypatch)
    second.cells.precompile(p.Precompile(compiled=tuple(first.handed_back)))
    body, expr = second.cells.get("<cell 1>", "x = 40\nx + 2", True)
    assert second.compiled == []
    namespace: dict[str, object] = {}
    assert body is not None and expr is not None
    exec(body, namespace)
    assert eval(expr, namespace) == 42


def test_a_cell_whose_compile_warned_is_not_handed_back(monkeypatch: pytest.MonkeyPatch) -> None:
    worker = _Counted(monkeypatch)
    worker.cells.precompile(p.Precompile(hand_back=True))
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        worker.cells.get("<cell 1>", "x = 1 is 1", True)
    assert [w.category for w in shown] == [SyntaxWarning]
    worker.cells.get("<cell 2>", "x = 1", True)
    worker.cells.send_new()
    assert [f for f, _, _ in worker.handed_back] == ["<cell 2>"]


@pytest.mark.parametrize(
    "blob",
    [
        "not base64 at all!",
        binascii.b2a_base64(b"\x00\x01garbage", newline=False).decode(),
        binascii.b2a_base64(marshal.dumps((1, 2)), newline=False).decode(),
        binascii.b2a_base64(marshal.dumps([None, None]), newline=False).decode(),
        _blob("x = 2", "<another cell>"),  # made for another cell name
    ],
)
def test_a_blob_that_does_not_fit_is_compiled_from_the_text(
    monkeypatch: pytest.MonkeyPatch, blob: str
) -> None:
    worker = _Counted(monkeypatch)
    worker.cells.precompile(p.Precompile(compiled=(("<cell 1>", "x = 1", blob),)))
    body, expr = worker.cells.get("<cell 1>", "x = 1", True)
    assert worker.compiled == ["<cell 1>"]
    namespace: dict[str, object] = {}
    assert body is not None and expr is None
    exec(body, namespace)
    assert namespace["x"] == 1


def test_cells_handed_over_are_loaded_while_the_worker_waits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Loaded ahead like cells compiled ahead, stopping when a request comes; a blob that
    does not load is left for its step, which compiles the text."""
    handed = (
        ("<cell 1>", "x = 1", _blob("x = 1", "<cell 1>")),
        ("<cell 2>", "y = 2", "garbage"),
        ("<cell 3>", "z = 3", _blob("z = 3", "<cell 3>")),
    )
    worker = _Counted(monkeypatch)
    worker.cells.precompile(p.Precompile(compiled=handed))
    calls: list[int] = []
    worker.cells.compile_ahead(lambda: calls.append(1) or len(calls) > 1)  # stopped after one
    assert worker.cells.compiling_ahead
    worker.cells.compile_ahead(lambda: False)
    assert not worker.cells.compiling_ahead
    for filename, code, _ in handed:
        worker.cells.get(filename, code, True)
    assert worker.compiled == ["<cell 2>"]


def test_compiling_ahead_hands_back_once_the_queue_is_empty(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    worker = _Counted(monkeypatch)
    cells = (("a", "cell 1", "x = 1"), ("w", "cell 2", "y = 1 is 1"), ("b", "cell 3", "z = 3"))
    worker.cells.precompile(p.Precompile(cells, hand_back=True))
    calls: list[int] = []
    worker.cells.compile_ahead(lambda: calls.append(1) or len(calls) > 1)  # stopped after one
    assert worker.sent == []
    worker.cells.compile_ahead(lambda: False)
    # The cell that warns is left to its step (which shows the warning), and not handed back.
    assert [f for f, _, _ in worker.handed_back] == ["<cell 1>", "<cell 3>"]


def test_the_next_worker_runs_cells_handed_back_by_the_last() -> None:
    """Through real worker processes: the blobs a worker sends are what the next one runs —
    proved with a blob for ``x = 1`` that holds the code of ``x = 2`` — and a traceback from
    a loaded cell shows its lines."""
    cells = (("a", "cell 1", "x = 1"), ("e", "cell 2", "y = 1\n1/0"), ("v", "cell 3", "x + 1"))
    steps = tuple(p.Step(cell_id, "python", code, label) for cell_id, label, code in cells)
    first = WorkerClient()
    try:
        first.send(p.Precompile(hand_back=True))
        messages = first.run_plan_request(p.RunPlan(1, steps))
    finally:
        first.close()
    handed = [m for m in messages if isinstance(m, p.CompiledCode)]
    assert [type(m).__name__ for m in messages[-2:]] == ["CompiledCode", "PlanFinished"]
    entries = {filename: (code, blob) for m in handed for filename, code, blob in m.cells}
    assert sorted(entries) == ["<cell 1>", "<cell 2>", "<cell 3>"]

    forged = list(entries.items())
    forged = [
        (f, code, _blob("x = 2", f) if f == "<cell 1>" else blob) for f, (code, blob) in forged
    ]
    second = WorkerClient()
    try:
        second.send(p.Precompile(compiled=tuple(forged)))
        messages = second.run_plan_request(p.RunPlan(1, steps))
    finally:
        second.close()
    assert displays(messages, "v") == [{"text/plain": "3"}]  # x = 2: the blob ran
    error = finished(messages)["e"].error
    assert error is not None and error.ename == "ZeroDivisionError"
    assert '  File "<cell 2>", line 2, in <module>\n    1/0' in error.traceback
    assert not any(isinstance(m, p.CompiledCode) for m in messages)  # not asked to


def test_a_real_worker_shows_a_cells_warning_and_does_not_hand_the_cell_back() -> None:
    """So the next worker compiles it and shows the warning again."""
    step = p.Step("w", "python", "x = 1 is 1", "cell 1")
    first = WorkerClient()
    try:
        first.send(p.Precompile(hand_back=True))
        messages = first.run_plan_request(p.RunPlan(1, (step,)))
    finally:
        first.close()
    assert 'SyntaxWarning: "is" with a literal' in stream_text(messages, "w", "stderr")
    assert not any(isinstance(m, p.CompiledCode) for m in messages)

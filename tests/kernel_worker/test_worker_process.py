"""The real worker process, driven frame by frame (no Qt, no coordinator)."""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kernel_worker import protocol as p
from tests.kernel_worker.worker_client import (
    WorkerClient,
    displays,
    finished,
    stream_text,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def worker() -> Iterator[WorkerClient]:
    client = WorkerClient()
    yield client
    client.close()


def test_ready_handshake(worker: WorkerClient) -> None:
    assert worker.ready.protocol_version == p.PROTOCOL_VERSION
    assert worker.ready.pid == worker.process.pid
    assert worker.ready.python.startswith("3.")


def test_the_channel_pipes_are_widened(worker: WorkerClient) -> None:
    """A 10,000-step plan (~0.8 MB) fits the requests pipe at once, and a busy coordinator
    does not stall the worker after 64 KiB of results (the pipes are the same objects at
    both ends: their size is read at ours; F_SETPIPE_SZ is Linux's, as this test is)."""
    from kernel_worker.transport import CHANNEL_PIPE_BYTES

    with open("/proc/sys/fs/pipe-max-size", encoding="ascii") as limit:
        wanted = min(CHANNEL_PIPE_BYTES, int(limit.read()))
    assert worker.process.stdin is not None and worker.process.stdout is not None
    for end in (worker.process.stdin, worker.process.stdout):
        assert fcntl.fcntl(end.fileno(), fcntl.F_GETPIPE_SZ) >= wanted


def test_events_of_one_step_arrive_in_order(worker: WorkerClient) -> None:
    messages = worker.run("print('a')\n1 + 1")
    kinds = [type(m).__name__ for m in messages]
    assert kinds == ["StepStarted", "StreamOutput", "DisplayData", "StepFinished", "PlanFinished"]
    assert displays(messages, "c1") == [{"text/plain": "2"}]
    assert finished(messages)["c1"].status == "success"
    assert finished(messages)["c1"].duration_ms >= 0


def test_a_steps_duration_is_reported_to_the_microsecond(worker: WorkerClient) -> None:
    """More digits say nothing and were the largest part of a quiet step's frame."""
    messages = worker.run("import time\ntime.sleep(0.0123456)")
    duration = finished(messages)["c1"].duration_ms
    assert duration >= 12.3
    assert duration == round(duration, 3)


def test_print_stderr_child_process_and_c_level_writes_are_captured(worker: WorkerClient) -> None:
    code = (
        "import os, sys\n"
        "print('py-out')\n"
        "print('py-err', file=sys.stderr)\n"
        "os.system('echo child-out; echo child-err 1>&2')\n"
        "os.write(1, b'fd-out\\n')\n"
        "sys.__stdout__.write('dunder-out\\n')\n"
    )
    messages = worker.run(code)
    out = stream_text(messages, "c1", "stdout").splitlines()
    err = stream_text(messages, "c1", "stderr").splitlines()
    # Python-level writes keep their exact order; fd-level writes (children, C code) arrive
    # through a pipe reader, so their place relative to Python-level writes within the same
    # millisecond may differ — but all of them arrive before the step's end.
    assert sorted(out) == ["child-out", "dunder-out", "fd-out", "py-out"]
    assert out.index("py-out") < out.index("dunder-out")
    assert sorted(err) == ["child-err", "py-err"]
    assert finished(messages)["c1"].status == "success"


def test_writing_protocol_like_bytes_to_fd1_cannot_corrupt_frames(worker: WorkerClient) -> None:
    evil = p.encode(p.PlanFinished(999), worker.nonce)
    messages = worker.run(f"import os\nos.write(1, {evil!r})\nprint('still fine')")
    assert finished(messages)["c1"].status == "success"
    assert not any(isinstance(m, p.PlanFinished) and m.plan_id == 999 for m in messages)
    assert "still fine" in stream_text(messages, "c1")


def test_input_reads_nothing_from_the_protocol(worker: WorkerClient) -> None:
    messages = worker.run("input()")
    result = finished(messages)["c1"]
    assert result.status == "error"
    assert result.error is not None and result.error.ename == "EOFError"


def test_hundred_thousand_lines_all_arrive_in_order_and_batched(worker: WorkerClient) -> None:
    messages = worker.run("for i in range(100_000):\n    print(i)")
    text = stream_text(messages, "c1")
    assert text == "".join(f"{i}\n" for i in range(100_000))
    chunks = [m for m in messages if isinstance(m, p.StreamOutput)]
    assert len(chunks) < 1_000  # batched, not one frame per line


def test_traceback_shows_the_cells_lines_only(worker: WorkerClient) -> None:
    messages = worker.run("x = 1\n\ndef f():\n    return 1 / 0\n\nprint('before')\nf()")
    result = finished(messages)["c1"]
    assert result.status == "error" and result.error is not None
    assert result.error.ename == "ZeroDivisionError"
    assert result.error.line == 4
    assert 'File "<cell 1>", line 7, in <module>' in result.error.traceback
    assert 'File "<cell 1>", line 4, in f' in result.error.traceback
    assert "kernel_worker" not in result.error.traceback
    assert "return 1 / 0" in result.error.traceback
    assert stream_text(messages, "c1") == "before\n"  # printed before the error: kept


def test_syntax_error_reports_line(worker: WorkerClient) -> None:
    result = finished(worker.run("x = 1\ndef f(:\n  pass"))["c1"]
    assert result.status == "error" and result.error is not None
    assert result.error.ename == "SyntaxError"
    assert result.error.line == 2


@pytest.mark.parametrize(
    "code, ename",
    [
        ("raise SystemExit(3)", "SystemExit"),
        ("import sys; sys.exit('bye')", "SystemExit"),
        ("raise KeyboardInterrupt", "KeyboardInterrupt"),
        ("raise GeneratorExit", "GeneratorExit"),
        ("class B(BaseException): pass\nraise B()", "B"),
    ],
)
def test_base_exceptions_are_contained(worker: WorkerClient, code: str, ename: str) -> None:
    result = finished(worker.run(code))["c1"]
    assert result.status == "error" and result.error is not None
    assert result.error.ename == ename
    # the worker is alive and keeps serving
    assert finished(worker.run("1"))["c1"].status == "success"


def test_failed_dependency_blocks_and_plan_goes_on(worker: WorkerClient) -> None:
    messages = worker.run("a = 1", "1/0", "c = 2", chain=False)
    assert [finished(messages)[c].status for c in ("c1", "c2", "c3")] == [
        "success",
        "error",
        "success",
    ]
    messages = worker.run("a = 1", "1/0", "b = 2", chain=True)
    result = finished(messages)
    assert result["c2"].status == "error"
    assert result["c3"].status == "blocked"
    assert result["c3"].blocked_by == ("c2",)
    assert not any(isinstance(m, p.StepStarted) and m.cell_id == "c3" for m in messages)


def test_delete_names_before_the_plan(worker: WorkerClient) -> None:
    worker.run("gone = 1")
    result = finished(worker.run("gone", delete=("gone",)))["c1"]
    assert result.error is not None and result.error.ename == "NameError"


def test_private_names_are_removed_after_the_cell(worker: WorkerClient) -> None:
    worker.send(
        p.RunPlan(
            100,
            (
                p.Step("c1", "python", "_tmp = 5\nkept = _tmp", "cell 1", (), ("_tmp",)),
                p.Step("c2", "python", "print(kept, '_tmp' in globals())", "cell 2"),
            ),
        )
    )
    messages = worker.read_until(p.PlanFinished)
    assert stream_text(messages, "c2") == "5 False\n"


def test_display_shows_several_values_in_order_with_prints(worker: WorkerClient) -> None:
    messages = worker.run("print('one')\ndisplay(1, 'two')\nprint('three')")
    kinds = [(type(m).__name__) for m in messages if isinstance(m, p.StreamOutput | p.DisplayData)]
    assert kinds == ["StreamOutput", "DisplayData", "DisplayData", "StreamOutput"]
    assert displays(messages, "c1") == [{"text/plain": "1"}, {"text/plain": "'two'"}]


def test_interrupt_stops_the_cell_keeps_state_and_skips_the_rest(worker: WorkerClient) -> None:
    worker.run("kept = 41")
    worker.start_plan("import time\nkept += 1\nwhile True: time.sleep(0.001)", "after = 1")
    worker.read_until(p.StepStarted)
    time.sleep(0.2)
    worker.interrupt()
    messages = worker.read_until(p.PlanFinished, timeout=5)
    result = finished(messages)
    assert result["c1"].status == "interrupted"
    assert result["c2"].status == "not_run"
    assert isinstance(messages[-1], p.PlanFinished) and messages[-1].interrupted
    assert stream_text(worker.run("print(kept)"), "c1") == "42\n"


def test_interrupt_a_pure_python_busy_loop(worker: WorkerClient) -> None:
    worker.start_plan("while True: pass")
    worker.read_until(p.StepStarted)
    worker.interrupt()
    messages = worker.read_until(p.PlanFinished, timeout=5)
    assert finished(messages)["c1"].status == "interrupted"
    tb = finished(messages)["c1"].error
    assert tb is not None and "kernel_worker" not in tb.traceback


def test_interrupt_between_plans_does_not_leak_into_the_next(worker: WorkerClient) -> None:
    worker.interrupt()
    time.sleep(0.1)
    assert finished(worker.run("x_after = 1"))["c1"].status == "success"


def test_os_exit_ends_the_process_with_its_code() -> None:
    client = WorkerClient()
    client.start_plan("import os\nos._exit(3)")
    with pytest.raises(EOFError):
        client.read_until(p.PlanFinished, timeout=10)
    assert client.process.wait(5) == 3


def test_the_workers_own_objects_are_frozen_and_the_cells_are_collected(
    worker: WorkerClient,
) -> None:
    """The worker freezes what it is made of (full collections skip it); a cell's objects
    are not frozen: its cyclic garbage is collected as in any Python."""
    code = (
        "import gc, weakref\n"
        "class Node: pass\n"
        "a, b = Node(), Node()\n"
        "a.other, b.other = b, a\n"
        "alive = weakref.ref(a)\n"
        "del a, b\n"
        "gc.collect()\n"
        "print(gc.get_freeze_count() > 0, alive() is None)"
    )
    assert stream_text(worker.run(code), "c1").split() == ["True", "True"]


def test_a_brief_silent_step_is_one_entry_of_a_batch(worker: WorkerClient) -> None:
    """A fast cell costs no frame of its own: it is an entry of a StepsFinished batch."""
    messages = worker.run("quick = 1")
    assert [type(m).__name__ for m in messages] == ["StepsFinished", "PlanFinished"]
    batch = messages[0]
    assert isinstance(batch, p.StepsFinished)
    assert [(s.cell_id, s.status) for s in batch.steps] == [("c1", "success")]
    assert finished(messages)["c1"].unannounced


def test_a_longer_step_is_announced_while_it_runs(worker: WorkerClient) -> None:
    worker.start_plan("import time\ntime.sleep(0.2)")
    first = worker.read_until(p.StepStarted)  # sent by the flusher while the cell sleeps
    assert not any(isinstance(m, p.StepFinished) for m in first)
    rest = worker.read_until(p.PlanFinished)
    assert not finished(rest)["c1"].unannounced


def test_output_announces_the_step_first(worker: WorkerClient) -> None:
    messages = worker.run("print('x')")
    kinds = [type(m).__name__ for m in messages]
    assert kinds == ["StepStarted", "StreamOutput", "StepFinished", "PlanFinished"]
    assert not finished(messages)["c1"].unannounced


def test_a_new_sqlite_file_is_configured_without_sqlalchemy_until_a_sql_cell_runs(
    tmp_path: Path,
) -> None:
    """Every kernel start configures the database: for a notebook's SQLite file that does not
    exist yet, that costs no SQLAlchemy import; the first SQL cell makes the engine."""
    client = WorkerClient(notebook_dir=tmp_path)
    try:
        database = tmp_path / "nb.sqlite"
        client.send(p.ConfigureDatabase(1, f"sqlite:///{database}"))
        (status,) = [
            m for m in client.read_until(p.DatabaseStatus) if isinstance(m, p.DatabaseStatus)
        ]
        assert status.ok and "the file is created when a SQL cell first runs" in status.message
        assert status.server.startswith("SQLite ") and str(database) in status.server
        messages = client.run("import sys\n'sqlalchemy' in sys.modules")
        assert displays(messages, "c1") == [{"text/plain": "False"}]
        assert not database.exists()
        client.send(
            p.RunPlan(
                99,
                (
                    p.Step(
                        "q",
                        "sql",
                        "SELECT 1 AS one",
                        sql=((1, (("text", "SELECT 1 AS one"),)),),
                        name="df",
                    ),
                ),
            )
        )
        ran = client.read_until(p.PlanFinished)
        assert finished(ran)["q"].status == "success", finished(ran)["q"]
        assert database.exists()
    finally:
        client.close()

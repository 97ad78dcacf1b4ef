"""User code cannot wedge the worker: the real worker process, driven frame by frame.

Each test is a way a cell once broke the worker (issue 9, part 3): closing fds 1/2, writing to
every fd, forking, threads printing after their cell, huge outputs, non-blocking stdout,
processes that outlive the kernel, a notebook folder that shadows the worker's imports.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kernel_worker import protocol as p
from kernel_worker.output_cap import RUN_LIMIT_CHARS, TAIL_CHARS
from tests.kernel_worker.worker_client import (
    WorkerClient,
    finished,
    process_gone,
    stream_text,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def worker() -> Iterator[WorkerClient]:
    """A fresh worker per test: these tests break things on purpose."""
    client = WorkerClient()
    yield client
    client.close()
    if client.process.poll() is None:
        client.process.kill()
        client.process.wait()


def run_plan(worker: WorkerClient, plan_id: int, *steps: tuple[str, str]) -> list[p.Message]:
    """Run ``(cell_id, code)`` steps as one plan; the messages up to its PlanFinished."""
    worker.send(p.RunPlan(plan_id, tuple(p.Step(c, "python", code, c) for c, code in steps)))
    return worker.read_until(p.PlanFinished)


def texts(messages: list[p.Message]) -> list[tuple[int, str, str]]:
    """(plan, cell, text) of every stream frame."""
    return [(m.plan_id, m.cell_id, m.text) for m in messages if isinstance(m, p.StreamOutput)]


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        time.sleep(0.01)


# CPU ticks used by the worker's threads other than the main one while the cell sleeps 0.5 s:
# an idle worker uses none; a thread spinning on an end of file uses most of them.
_BACKGROUND_TICKS = """\
import os, threading, time
def background_ticks():
    total = 0
    for tid in os.listdir('/proc/self/task'):
        if int(tid) == threading.get_native_id():
            continue
        with open(f'/proc/self/task/{tid}/stat') as f:
            fields = f.read().rsplit(')', 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total
before = background_ticks()
time.sleep(0.5)
ticks = background_ticks() - before
ticks
"""


# -- 1. closing fds 1 and 2 ---------------------------------------------------------------------


@pytest.mark.parametrize("fd", [1, 2])
def test_closing_stdout_or_stderr_neither_spins_nor_loses_later_output(
    worker: WorkerClient, fd: int
) -> None:
    messages = run_plan(worker, 1, ("close", f"import os\nos.close({fd})"))
    assert finished(messages)["close"].status == "success"
    messages = run_plan(worker, 2, ("idle", _BACKGROUND_TICKS))
    shown = [m for m in messages if isinstance(m, p.DisplayData)]
    assert int(shown[-1].data["text/plain"]) <= 10, "a worker thread spins after os.close"
    code = (
        "import os, sys\n"
        "print('py-out')\n"
        "print('py-err', file=sys.stderr)\n"
        "os.system('echo child-out; echo child-err 1>&2')\n"
        "os.write(1, b'fd-out\\n')\n"
    )
    messages = run_plan(worker, 3, ("after", code))
    assert sorted(stream_text(messages, "after", "stdout").splitlines()) == [
        "child-out",
        "fd-out",
        "py-out",
    ]
    assert sorted(stream_text(messages, "after", "stderr").splitlines()) == ["child-err", "py-err"]


def test_fds_pointed_elsewhere_are_captured_again_at_the_next_step(
    worker: WorkerClient, tmp_path: Path
) -> None:
    target = tmp_path / "elsewhere.txt"
    code = f"import os\nf = os.open({str(target)!r}, os.O_WRONLY | os.O_CREAT)\nos.dup2(f, 1)"
    run_plan(worker, 1, ("redirect", code))
    messages = run_plan(worker, 2, ("after", "import os\nos.system('echo captured')"))
    assert stream_text(messages, "after") == "captured\n"
    assert target.read_text() == ""


# -- 2. the protocol channel --------------------------------------------------------------------


def test_the_channel_is_out_of_the_low_fd_range_and_not_inherited(worker: WorkerClient) -> None:
    code = (
        "import os, fcntl\n"
        "low = sorted(int(fd) for fd in os.listdir('/proc/self/fd') if int(fd) < 100)\n"
        "print(low)\n"
        "print(os.popen('ls /proc/self/fd').read().split())\n"
    )
    messages = run_plan(worker, 1, ("fds", code))
    low, inherited = stream_text(messages, "fds").splitlines()
    # 0 /dev/null, 1 and 2 the capture pipes, and the fd listdir itself opened.
    assert len(eval(low)) <= 4
    # A child process gets fds 0, 1, 2 (and the one ls opens): nothing of the worker's.
    assert all(int(fd) < 4 for fd in eval(inherited))


def test_writing_bytes_to_every_low_fd_cannot_reach_the_channel(worker: WorkerClient) -> None:
    code = (
        "import os\n"
        "for fd in range(3, 20):\n"
        "    try:\n"
        "        os.write(fd, b'\\x00\\x00\\x10')\n"
        "    except OSError:\n"
        "        pass\n"
        "print('done')"
    )
    messages = run_plan(worker, 1, ("evil", code))
    assert finished(messages)["evil"].status == "success"
    assert stream_text(messages, "evil") == "done\n"
    messages = run_plan(worker, 2, ("next", "1 + 1"))
    assert finished(messages)["next"].status == "success"


def test_a_forged_frame_on_every_open_fd_is_detected_not_believed(worker: WorkerClient) -> None:
    """Even written to the channel itself, a frame without the session's nonce is refused."""
    forged = p.encode(p.PlanFinished(1), bytes(8))
    code = (
        "import os\n"
        "for fd in sorted(int(fd) for fd in os.listdir('/proc/self/fd')):\n"
        "    try:\n"
        f"        os.write(fd, {forged!r})\n"
        "    except OSError:\n"
        "        pass\n"
    )
    worker.send(p.RunPlan(1, (p.Step("evil", "python", code, "evil"),)))
    with pytest.raises(p.ProtocolError, match="nonce"):
        worker.read_until(p.PlanFinished)


# -- 3. fork --------------------------------------------------------------------------------------


def test_a_forked_child_never_returns_into_the_worker(worker: WorkerClient) -> None:
    code = (
        "import os\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    print('in child')\n"
        "else:\n"
        "    _, status = os.waitpid(pid, 0)\n"
        "    print('child exit', os.waitstatus_to_exitcode(status))\n"
    )
    messages = run_plan(worker, 1, ("fork", code), ("after", "print('after')"))
    assert [type(m).__name__ for m in messages].count("StepFinished") == 2
    assert [type(m).__name__ for m in messages].count("PlanFinished") == 1
    # The child's print reaches the capture pipe as two writes ("in child", "\n"); the
    # parent's line (captured in-process) may come between them: compare words, not lines.
    text = stream_text(messages, "fork")
    assert text.count("\n") == 2
    assert text.replace("child exit 0", "", 1).split() == ["in", "child"]
    assert stream_text(messages, "after") == "after\n"
    messages = run_plan(worker, 2, ("next", "print('still one worker')"))
    assert stream_text(messages, "next") == "still one worker\n"
    assert [type(m).__name__ for m in messages].count("PlanFinished") == 1


def test_a_forked_child_that_raises_exits_with_its_traceback(worker: WorkerClient) -> None:
    code = (
        "import os\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    raise ValueError('boom in child')\n"
        "_, status = os.waitpid(pid, 0)\n"
        "print('child exit', os.waitstatus_to_exitcode(status))\n"
    )
    messages = run_plan(worker, 1, ("fork", code))
    assert finished(messages)["fork"].status == "success"
    assert stream_text(messages, "fork") == "child exit 1\n"
    assert "ValueError: boom in child" in stream_text(messages, "fork", "stderr")


def test_multiprocessing_with_fork_works(worker: WorkerClient) -> None:
    code = (
        "import multiprocessing as mp\n"
        "def square(x):\n"
        "    return x * x\n"
        "with mp.get_context('fork').Pool(2) as pool:\n"
        "    result = pool.map(square, range(5))\n"
        "result"
    )
    messages = run_plan(worker, 1, ("pool", code))
    assert finished(messages)["pool"].status == "success"
    shown = [m for m in messages if isinstance(m, p.DisplayData)]
    assert shown[-1].data["text/plain"] == "[0, 1, 4, 9, 16]"


# -- 4. threads -------------------------------------------------------------------------------------


def test_a_threads_late_output_belongs_to_the_cell_that_started_it(worker: WorkerClient) -> None:
    start = (
        "import threading\n"
        "go, done = threading.Event(), threading.Event()\n"
        "def talk():\n"
        "    go.wait()\n"
        "    print('late from the thread')\n"
        "    done.set()\n"
        "threading.Thread(target=talk).start()\n"
    )
    first = run_plan(worker, 1, ("starter", start))
    assert finished(first)["starter"].status == "success"
    second = run_plan(worker, 2, ("other", "go.set()\ndone.wait()\nprint('mine')"))
    assert (1, "starter", "late from the thread\n") in texts(second)
    assert stream_text(second, "other") == "mine\n"


def test_interrupt_stops_the_cell_while_a_thread_prints(worker: WorkerClient) -> None:
    """The output flusher writes frames all the time here: an interrupt that arrives while it
    does must still stop the main thread (it once ended up raised in the flusher)."""
    code = (
        "import threading, time\n"
        "stop = threading.Event()\n"
        "def chatter():\n"
        "    while not stop.is_set():\n"
        "        print('.', end='')\n"
        "        time.sleep(0.001)\n"
        "threading.Thread(target=chatter, daemon=True).start()\n"
        "try:\n"
        "    while True:\n"
        "        pass\n"
        "finally:\n"
        "    stop.set()\n"
    )
    for plan_id in range(1, 6):
        worker.send(p.RunPlan(plan_id, (p.Step("loop", "python", code, "loop"),)))
        worker.read_until(p.StepStarted)
        worker.interrupt()
        messages = worker.read_until(p.PlanFinished, timeout=20)
        assert finished(messages)["loop"].status == "interrupted"


# -- 5. huge outputs ------------------------------------------------------------------------------


def _peak_rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM")


def _reset_peak_rss(pid: int) -> None:
    with open(f"/proc/{pid}/clear_refs", "w", encoding="ascii") as clear:
        clear.write("5")


def test_one_huge_write_is_capped_spilled_and_never_copied_whole(worker: WorkerClient) -> None:
    size = 200_000_000
    run_plan(worker, 1, ("warm", "import os, sys"))
    _reset_peak_rss(worker.process.pid)
    before = _peak_rss_kib(worker.process.pid)
    messages = run_plan(worker, 2, ("huge", f"print('x' * {size})"))
    grown_mb = (_peak_rss_kib(worker.process.pid) - before) / 1024
    assert finished(messages)["huge"].status == "success"
    frames = [m for m in messages if isinstance(m, p.StreamOutput)]
    sent = sum(len(m.text) for m in frames)
    assert sent <= 2 * TAIL_CHARS  # a tail sent while it ran, and the rest at its end
    assert sum(m.dropped for m in frames) + sent == size + 1
    path = Path(frames[-1].full_output)
    try:
        assert path.stat().st_size == size + 1
        assert stream_text(messages, "huge").endswith("x\n")
    finally:
        path.unlink()
    # The string itself (size bytes) plus a few MB: no JSON, frame or join copy of it.
    assert grown_mb < size / 1e6 + 64, f"peak grew by {grown_mb:.0f} MB"


def test_many_small_writes_past_the_cap_send_a_bounded_tail(worker: WorkerClient) -> None:
    lines = 100_000
    code = f"for i in range({lines}):\n    print(f'{{i:07d}}' + 'y' * 92)"  # 100 chars a line
    messages = run_plan(worker, 1, ("chatty", code))
    frames = [m for m in messages if isinstance(m, p.StreamOutput)]
    total = lines * 100
    sent = sum(len(m.text) for m in frames)
    dropped = sum(m.dropped for m in frames)
    assert total > RUN_LIMIT_CHARS
    assert sent + dropped == total
    assert sent <= RUN_LIMIT_CHARS + 8 * TAIL_CHARS
    assert stream_text(messages, "chatty").endswith(f"{lines - 1:07d}" + "y" * 92 + "\n")
    path = Path(frames[-1].full_output)
    try:
        text = path.read_text()
        assert len(text) == total
        assert text.startswith("0000000y") and text.endswith("y\n")
    finally:
        path.unlink()


# -- 6. processes a cell starts ---------------------------------------------------------------------


def test_the_worker_leads_its_own_session(worker: WorkerClient) -> None:
    pid = worker.process.pid
    assert os.getpgid(pid) == pid
    assert os.getsid(pid) == pid


def test_processes_a_cell_started_end_when_the_app_goes_away(worker: WorkerClient) -> None:
    """The app dies while a cell runs: the worker sees its request channel hang up and ends
    its whole group, the child it started included."""
    messages = run_plan(
        worker,
        1,
        ("spawn", "import subprocess\nchild = subprocess.Popen(['sleep', '300'])\nchild.pid"),
    )
    child = int([m for m in messages if isinstance(m, p.DisplayData)][-1].data["text/plain"])
    assert not process_gone(child)
    worker.send(p.RunPlan(2, (p.Step("busy", "python", "import time\ntime.sleep(300)", "busy"),)))
    worker.read_until(p.StepStarted)
    assert worker.process.stdin is not None
    worker.process.stdin.close()  # what the OS does when the app dies
    assert worker.process.wait(timeout=30) == -signal.SIGKILL
    wait_until(lambda: process_gone(child))


def test_a_shutdown_sent_as_a_plan_ends_lets_the_worker_exit_cleanly(
    worker: WorkerClient,
) -> None:
    """The app sends Shutdown and closes the channel while the worker still finishes a
    request (as a headless run does once a plan's last frame is in): the worker exits with 0
    when the request ends, not killed by its own hang-up watch (it once was, now and then)."""
    assert worker.process.stdin is not None
    worker.send(p.RunPlan(1, (p.Step("nap", "python", "import time\ntime.sleep(0.5)", "nap"),)))
    worker.read_until(p.StepStarted)
    worker.send(p.Shutdown())
    worker.process.stdin.close()
    assert worker.process.wait(timeout=30) == 0


def test_a_request_left_behind_does_not_save_a_runaway_cell(worker: WorkerClient) -> None:
    """A request waiting in a closed channel buys a running cell a moment, no more."""
    assert worker.process.stdin is not None
    worker.send(p.RunPlan(1, (p.Step("busy", "python", "import time\ntime.sleep(300)", "b"),)))
    worker.read_until(p.StepStarted)
    worker.send(p.Shutdown())
    worker.process.stdin.close()
    assert worker.process.wait(timeout=30) == -signal.SIGKILL


def test_shutdown_asks_the_group_to_stop(worker: WorkerClient) -> None:
    messages = run_plan(
        worker,
        1,
        ("spawn", "import subprocess\nchild = subprocess.Popen(['sleep', '300'])\nchild.pid"),
    )
    child = int([m for m in messages if isinstance(m, p.DisplayData)][-1].data["text/plain"])
    worker.send(p.Shutdown())
    assert worker.process.wait(timeout=30) == 0
    wait_until(lambda: process_gone(child))


# -- 7. non-blocking stdout -------------------------------------------------------------------------


def test_non_blocking_stdout_is_made_blocking_again_for_the_next_cell(
    worker: WorkerClient,
) -> None:
    code = "import os\nos.set_blocking(1, False)\nos.set_blocking(2, False)"
    messages = run_plan(worker, 1, ("nonblock", code))
    assert finished(messages)["nonblock"].status == "success"
    size = 3_000_000
    child = f"import os\nos.system('head -c {size} /dev/zero | tr \"\\\\\\\\0\" x')"
    messages = run_plan(worker, 2, ("child", child))
    assert finished(messages)["child"].status == "success"
    assert stream_text(messages, "child") == "x" * size


# -- 10. the notebook's folder --------------------------------------------------------------------


@pytest.fixture
def hostile_folder(tmp_path: Path) -> Path:
    """A notebook folder whose modules would shadow the stdlib's and the worker's."""
    marker = tmp_path / "imported.txt"
    plant = f"open({str(marker)!r}, 'a').write(__name__ + '\\n')\n"
    (tmp_path / "json.py").write_text(plant)
    (tmp_path / "codecs.py").write_text(plant)
    package = tmp_path / "kernel_worker"
    package.mkdir()
    for name in ("__init__.py", "__main__.py", "executor.py", "sql.py", "tables.py"):
        (package / name).write_text(plant)
    (tmp_path / "helpers.py").write_text("def answer():\n    return 42\n")
    return tmp_path


def test_nothing_in_the_notebook_folder_is_imported_at_start_or_shadows_later(
    hostile_folder: Path,
) -> None:
    client = WorkerClient(notebook_dir=hostile_folder)
    try:
        code = (
            "import json, os, sys\n"
            "import kernel_worker.tables, kernel_worker.sql\n"
            "from helpers import answer\n"
            "print(os.getcwd())\n"
            "print(json.__file__)\n"
            "print(answer())\n"
        )
        messages = run_plan(client, 1, ("probe", code))
        assert finished(messages)["probe"].status == "success", finished(messages)
        cwd, json_file, answer = stream_text(messages, "probe").splitlines()
        assert cwd == str(hostile_folder)
        assert Path(json_file).parent != hostile_folder
        assert answer == "42"
        assert not (hostile_folder / "imported.txt").exists()
        environment = run_plan(client, 2, ("env", "import os\nsorted(os.environ)"))
        names = [m for m in environment if isinstance(m, p.DisplayData)][-1].data["text/plain"]
        for private in (p.NONCE_ENV, p.NOTEBOOK_DIR_ENV, "PYTHONSAFEPATH"):
            assert private not in names
    finally:
        client.close()


def test_the_notebook_folder_comes_after_the_stdlib_on_sys_path(hostile_folder: Path) -> None:
    client = WorkerClient(notebook_dir=hostile_folder)
    try:
        code = "import os, sys\nsys.path.index(os.getcwd()) > sys.path.index(os.path.dirname(os.__file__))"
        messages = run_plan(client, 1, ("order", code))
        shown = [m for m in messages if isinstance(m, p.DisplayData)]
        assert shown[-1].data["text/plain"] == "True"
    finally:
        client.close()


def test_a_worker_without_a_session_nonce_refuses_to_start() -> None:
    from app.coordinator.launch import worker_launch

    launch = worker_launch()
    env = {k: v for k, v in launch.env.items() if k != p.NONCE_ENV}
    result = subprocess.run(
        [launch.program, *launch.args],
        env=env,
        cwd=launch.cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert p.NONCE_ENV in result.stderr.decode()
    assert result.stdout == b""


def test_a_message_too_large_for_a_frame_is_replaced_by_a_note(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kernel_worker import transport

    monkeypatch.setattr(transport, "MAX_FRAME_BYTES", 1000)
    read_end, write_end = os.pipe()
    try:
        writer = transport.FrameWriter(write_end, b"\x01" * 8)
        writer.send(p.DisplayData(3, "big", {"text/plain": "x" * 5000}))
        (message,) = p.FrameDecoder(b"\x01" * 8).feed(os.read(read_end, 65536))
    finally:
        os.close(read_end)
        os.close(write_end)
    assert isinstance(message, p.DisplayData) and message.cell_id == "big"
    assert "too large to show" in message.data["text/plain"]

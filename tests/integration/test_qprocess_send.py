"""The window's connection writes a request at once, and Qt's signals never run inside
``send``: output Qt reads while it writes is handled from the event loop afterwards."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.coordinator.qprocess_kernel import QProcessKernel
from kernel_worker import protocol as p
from tests.integration.test_kernel_connections import BIG_CELL, Kernel, _until_file

pytestmark = pytest.mark.slow
Run = Callable[..., Any]


def test_output_read_while_sending_is_delivered_from_the_loop(arun: Run, tmp_path: Path) -> None:
    connection = QProcessKernel(cwd=tmp_path)
    kernel = Kernel(connection)

    async def body() -> tuple[int, int]:
        await connection.start()
        first = kernel.run("print('first')\n" + BIG_CELL)  # large: written at once
        assert _until_file(tmp_path / "ran")  # its frames wait, unread, in the pipe
        process = connection._process
        assert process is not None
        write = process.waitForBytesWritten

        def reads_while_writing(msecs: int) -> bool:
            # What Qt does when the pipe to the worker is full: it reads the worker's output
            # and emits readyReadStandardOutput from inside this call.
            connection._on_stdout(process)
            return bool(write(msecs))

        process.waitForBytesWritten = reads_while_writing  # type: ignore[method-assign]
        seen = len(kernel.events)
        second = kernel.run(BIG_CELL.replace("'ran'", "'second'"))  # large: written at once
        during_send = len(kernel.events) - seen
        await kernel.plan_finished(first)
        await kernel.plan_finished(second)
        return during_send, len(kernel.events) - seen

    try:
        during_send, after = arun(body())
    finally:
        arun(connection.shutdown())
    assert during_send == 0
    assert after > 0
    streams = [e.text for e in kernel.events if isinstance(e, p.StreamOutput)]
    assert streams == ["first\n"]
    finished = [e.plan_id for e in kernel.events if isinstance(e, p.PlanFinished)]
    assert finished == [1, 2]


def test_a_small_request_waits_for_the_loop_as_before(arun: Run, tmp_path: Path) -> None:
    """Only a large frame is written at once: a small one keeps the window's usual order."""
    connection = QProcessKernel(cwd=tmp_path)
    kernel = Kernel(connection)

    async def body() -> tuple[int, int]:
        await connection.start()
        process = connection._process
        assert process is not None
        plan = kernel.run("1")
        waiting = int(process.bytesToWrite())
        await kernel.plan_finished(plan)
        return waiting, int(process.bytesToWrite())

    try:
        waiting, after = arun(body())
    finally:
        arun(connection.shutdown())
    assert waiting > 0 and after == 0

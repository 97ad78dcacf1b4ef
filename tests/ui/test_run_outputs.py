"""A re-run's outputs replace the last run's when they come: updated in place when they have
the same shape (no widget rebuilt, no blank cell in between), cleared when the run shows none,
and kept on screen while the run has not shown anything yet."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from app.ui.outputs.text_output import TextOutput
from tests.ui.conftest import idle, until
from tests.ui.test_window import cell, make_file, open_window, output_text, status

pytestmark = pytest.mark.slow
Run = Callable[[Awaitable[Any]], Any]


def lines(window: Any, index: int) -> list[str]:
    return [line for line in output_text(cell(window, index)).splitlines() if line]


def text_pieces(window: Any, index: int) -> list[TextOutput]:
    return [p for p in cell(window, index).outputs.pieces() if isinstance(p, TextOutput)]


def test_a_rerun_updates_its_outputs_in_place(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "x = 1", "print(x * 2)\nx * 3"))

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(window, lambda: lines(window, 1) == ["2", "3"])
        await idle(window)
        before = text_pieces(window, 1)
        assert len(before) == 2  # the printed line, the value
        assert window.coordinator is not None
        await window.coordinator.update_cell(cell(window, 0).cell_id, "x = 5")
        await until(window, lambda: lines(window, 1) == ["10", "15"])
        assert text_pieces(window, 1) == before  # the same widgets, new text
        await window.coordinator.update_cell(cell(window, 1).cell_id, "y = x")
        await until(
            window, lambda: status(window, 1) == "success" and output_text(cell(window, 1)) == ""
        )
        assert cell(window, 1).outputs.isHidden()

    arun(body())


def test_the_last_runs_outputs_stay_until_the_new_run_shows_its_own(
    arun: Run, tmp_path: Path
) -> None:
    flag = tmp_path / "go"
    code = (
        "import os, time\n"
        f"while round > 1 and not os.path.exists({str(flag)!r}):\n"
        "    time.sleep(0.01)\n"
        "print('round', round)"
    )
    window = open_window(make_file(tmp_path, "round = 1", code))

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(window, lambda: lines(window, 1) == ["round 1"])
        await idle(window)
        assert window.coordinator is not None
        await window.coordinator.set_mode("autorun")
        task = window.coordinator.update_cell(cell(window, 0).cell_id, "round = 2")
        import asyncio

        running = asyncio.ensure_future(task)
        await until(window, lambda: status(window, 1) == "running")
        assert lines(window, 1) == ["round 1"]  # not blanked while it runs
        flag.write_text("go")
        await until(window, lambda: lines(window, 1) == ["round 2"])
        await running

    arun(body())


def test_the_strip_shows_busy_only_for_a_run_that_lasts(arun: Run, tmp_path: Path) -> None:
    import asyncio

    flag = tmp_path / "go"
    slow = (
        f"import os, time\nwhile v > 1 and not os.path.exists({str(flag)!r}):\n    time.sleep(0.01)"
    )
    window = open_window(make_file(tmp_path, "v = 1", "w = v + 1", slow))

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(window, lambda: all(status(window, i) == "success" for i in range(3)))
        await idle(window)
        quick, waiting = cell(window, 1), cell(window, 2)
        repaints: list[str] = []
        original = quick._strip._repaint

        def counted() -> None:
            repaints.append(quick._state.status)
            original()

        quick._strip._repaint = counted  # type: ignore[method-assign]
        assert window.coordinator is not None
        running = asyncio.ensure_future(
            window.coordinator.update_cell(cell(window, 0).cell_id, "v = 2")
        )
        await until(window, lambda: status(window, 2) == "running")
        await until(window, lambda: waiting._strip.shown == "running")  # it lasts: shown
        assert status(window, 1) == "success"
        assert repaints == []  # queued, ran and done within the delay: never flashed
        flag.write_text("go")
        await until(window, lambda: status(window, 2) == "success")
        await until(window, lambda: waiting._strip.shown == "success")
        await running

    arun(body())

"""Interrupt stops a long SQL statement through the driver (SQLite and PostgreSQL), at once,
without restarting the kernel (issue 9 §3)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.coordinator.coordinator import Coordinator
from app.coordinator.qprocess_kernel import QProcessKernel
from app.core.state import RichOutput
from tests.sql.conftest import Database

pytestmark = pytest.mark.slow
Run = Callable[..., Any]

#: Statements that run far longer than the test may wait (the run must end by Interrupt).
LONG_QUERY = {
    # A recursive CTE with no end: SQLite computes it in C, never returning to Python.
    "sqlite": (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
    ),
    "postgresql": "SELECT pg_sleep(300)",
}


@pytest.fixture
def nb(
    arun: Run, tmp_path: Path, database: Database, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Coordinator]:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    c = Coordinator(QProcessKernel(cwd=tmp_path))
    c.new(tmp_path / "notebook.py")
    status = arun(c.set_database(database.url_without_password, database.password))
    assert status.ok, status.message
    yield c
    arun(c.shutdown())


async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


def test_one_interrupt_stops_a_long_query_and_the_kernel_lives_on(
    nb: Coordinator, arun: Run, database: Database
) -> None:
    async def body() -> None:
        await nb.set_mode("lazy")
        warm = await nb.add_cell("sql", code="SELECT 1 AS one")  # the SQL stack is imported
        query = await nb.add_cell("sql", code=LONG_QUERY[database.kind])
        kept = await nb.add_cell("python", code="kept = 41")
        await nb.run_cell(warm)
        await nb.run_cell(kept)
        pid = nb.kernel_pid
        task = asyncio.ensure_future(nb.run_cell(query))
        await until(lambda: nb.states[query].status == "running")
        await nb.interrupt()
        await asyncio.wait_for(task, 30)  # the query alone would run for minutes
        assert nb.states[query].status == "interrupted", nb.states[query]
        assert nb.kernel_pid == pid  # no restart
        probe = await nb.add_cell("python", code="kept + 1")
        await nb.run_cell(probe)
        rich = [o for o in nb.states[probe].outputs if isinstance(o, RichOutput)]
        assert rich[-1].data["text/plain"] == "42"  # the namespace survived
        again = await nb.add_cell("sql", code="SELECT 7 AS seven")
        await nb.run_cell(again)
        assert nb.states[again].status == "success", nb.states[again].error

    arun(body())

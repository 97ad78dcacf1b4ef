"""Completion in SQL cells through the coordinator: the idle kernel describes the database,
the coordinator keeps the last description for while a plan runs, asking twice refreshes,
and a Python name inside ``{…}`` completes as Python."""

from __future__ import annotations

import asyncio

from app.coordinator.completion import CompletionResult
from app.coordinator.coordinator import Coordinator
from kernel_worker import protocol as p
from tests.coordinator.fake_kernel import FakeKernel, Outcome

SHOP = {"users": ("id", "name"), "orders": ("id", "user_id", "total")}


async def _notebook(kernel: FakeKernel, *cells: tuple[str, str]) -> tuple[Coordinator, list[str]]:
    coordinator = Coordinator(kernel)
    coordinator.new()
    await coordinator.set_mode("lazy")
    ids = [await coordinator.add_cell(kind, code=code) for kind, code in cells]  # type: ignore[arg-type]
    return coordinator, ids


def _shown(result: CompletionResult) -> list[tuple[str, str]]:
    return [(item.name, item.kind) for item in result.items]


def _schema_requests(kernel: FakeKernel) -> list[p.DescribeSchema]:
    return [r for r in kernel.requests if isinstance(r, p.DescribeSchema)]


async def _hanging(kernel: FakeKernel) -> None:
    """Until the hanging cell has started (SQL completion while busy never yields: the
    interrupt would otherwise come before the plan)."""
    while not any(isinstance(e, p.StepStarted) for e in kernel.sent):
        await asyncio.sleep(0)


async def _complete_at_end(c: Coordinator, cell_id: str, code: str) -> CompletionResult:
    lines = code.split("\n")
    return await c.complete(cell_id, code, len(lines), len(lines[-1]))


def test_an_idle_kernel_offers_the_databases_tables_and_the_columns_of_from_tables() -> None:
    async def body() -> None:
        kernel = FakeKernel(schema=dict(SHOP))
        c, (sql,) = await _notebook(kernel, ("sql", "SELECT 1"))
        await c.start_kernel()
        tables = await _complete_at_end(c, sql, "SELECT * FROM u")
        assert tables.source == "kernel"
        assert _shown(tables)[0] == ("users", "table")
        code = "SELECT to FROM orders o JOIN users ON users.id = o.user_id"
        columns = await c.complete(sql, code, 1, len("SELECT to"))
        assert _shown(columns)[0] == ("total", "column")
        assert set(_schema_requests(kernel)[-1].tables) == {"orders", "users"}
        assert _shown(await _complete_at_end(c, sql, "SELECT o.")) == []  # o names no table
        dotted = await c.complete(sql, "SELECT o. FROM orders o", 1, len("SELECT o."))
        assert _shown(dotted) == [("id", "column"), ("user_id", "column"), ("total", "column")]
        keywords = await _complete_at_end(c, sql, "sel")
        assert ("select", "keyword") in _shown(keywords)

    asyncio.run(body())


def test_while_a_plan_runs_keywords_and_the_names_last_seen_are_offered() -> None:
    async def body() -> None:
        kernel = FakeKernel(schema=dict(SHOP), script={"import time": Outcome(hang=True)})
        c, (slow, sql) = await _notebook(kernel, ("python", "import time"), ("sql", "SELECT 1"))
        await c.start_kernel()
        await c.complete(sql, "SELECT * FROM users WHERE ", 1, 26)  # the kernel is asked once
        asked = len(_schema_requests(kernel))
        running = asyncio.ensure_future(c.run_cell(slow))
        await _hanging(kernel)
        tables = await _complete_at_end(c, sql, "SELECT * FROM ord")
        assert tables.source == "static"
        assert _shown(tables)[0] == ("orders", "table")
        columns = await _complete_at_end(c, sql, "SELECT users.na")
        assert _shown(columns) == [("name", "column")]
        keywords = await _complete_at_end(c, sql, "SELECT * FROM users WH")
        assert ("WHERE", "keyword") in _shown(keywords)
        assert len(_schema_requests(kernel)) == asked  # nothing waits on the busy kernel
        await c.interrupt()
        await running

    asyncio.run(body())


def test_asking_twice_in_the_same_place_reads_the_schema_again() -> None:
    async def body() -> None:
        kernel = FakeKernel(schema=dict(SHOP))
        c, (sql,) = await _notebook(kernel, ("sql", "SELECT 1"))
        await c.start_kernel()
        first = await _complete_at_end(c, sql, "SELECT * FROM n")
        assert ("new_table", "table") not in _shown(first)
        kernel.schema["new_table"] = ("x",)  # made by a Python cell, say
        second = await _complete_at_end(c, sql, "SELECT * FROM n")
        assert ("new_table", "table") in _shown(second)
        assert [r.refresh for r in _schema_requests(kernel)] == [False, True]
        await _complete_at_end(c, sql, "SELECT * FROM ne")  # moved on: no refresh
        assert _schema_requests(kernel)[-1].refresh is False

    asyncio.run(body())


def test_names_kept_for_one_database_are_not_offered_for_another() -> None:
    async def body() -> None:
        kernel = FakeKernel(schema=dict(SHOP), script={"import time": Outcome(hang=True)})
        c, (slow, sql) = await _notebook(kernel, ("python", "import time"), ("sql", "SELECT 1"))
        await c.start_kernel()
        await _complete_at_end(c, sql, "SELECT * FROM u")
        await c.set_database("sqlite:///other.db")
        running = asyncio.ensure_future(c.run_cell(slow))
        await _hanging(kernel)
        result = await _complete_at_end(c, sql, "SELECT * FROM u")
        assert ("users", "table") not in _shown(result)
        assert ("UPDATE", "keyword") not in _shown(result)  # typed in lower case...
        assert ("update", "keyword") in _shown(result)  # ...so offered in lower case
        await c.interrupt()
        await running

    asyncio.run(body())


def test_a_python_name_inside_braces_completes_as_python() -> None:
    async def body() -> None:
        kernel = FakeKernel(schema=dict(SHOP))
        c, (_py, sql) = await _notebook(
            kernel, ("python", "revenue_floor = 3"), ("sql", "SELECT 1")
        )
        static = await _complete_at_end(c, sql, "SELECT * FROM orders WHERE total > {reve")
        assert ("revenue_floor", "statement") in _shown(static)  # a cell not run yet
        await c.start_kernel()
        live = await _complete_at_end(c, sql, "SELECT * FROM orders WHERE total > {live")
        assert live.source == "kernel" and [i.name for i in live.items] == ["live_name"]
        complete = [r for r in kernel.requests if isinstance(r, p.Complete)][-1]
        assert (complete.code, complete.line, complete.column) == ("live", 1, 4)
        assert not any(i.kind == "keyword" for i in static.items)

    asyncio.run(body())


def test_inside_a_string_nothing_is_asked_or_offered() -> None:
    async def body() -> None:
        kernel = FakeKernel(schema=dict(SHOP))
        c, (sql,) = await _notebook(kernel, ("sql", "SELECT 1"))
        await c.start_kernel()
        result = await _complete_at_end(c, sql, "SELECT * FROM users WHERE name = 'us")
        assert result.items == () and _schema_requests(kernel) == []

    asyncio.run(body())

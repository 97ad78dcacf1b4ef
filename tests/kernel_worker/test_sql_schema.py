"""The database's tables and columns for SQL completion: read by the worker with SQLAlchemy's
inspector, cached per connection, forgotten on reconfiguration and after DDL, bounded."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy

from kernel_worker import protocol as p
from kernel_worker import sql_schema
from kernel_worker.sql_schema import SchemaCache, changes_schema
from tests.kernel_worker.worker_client import WorkerClient, finished


def make_db(path: Path, *statements: str) -> str:
    with sqlite3.connect(path) as connection:
        for statement in statements:
            connection.execute(statement)
    return f"sqlite:///{path}"


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[WorkerClient]:
    client = WorkerClient(tmp_path)
    yield client
    client.close()


def configure(worker: WorkerClient, url: str) -> None:
    worker.send(p.ConfigureDatabase(1, url))
    status = worker.read_until(p.DatabaseStatus)[-1]
    assert isinstance(status, p.DatabaseStatus) and status.ok, status


def describe(worker: WorkerClient, *tables: str, refresh: bool = False) -> p.DatabaseSchema:
    worker.send(p.DescribeSchema(9, tables, refresh))
    answer = worker.read_until(p.DatabaseSchema)[-1]
    assert isinstance(answer, p.DatabaseSchema) and answer.request_id == 9
    return answer


def run_sql(worker: WorkerClient, sql: str) -> None:
    step = p.Step("s1", "sql", sql, "cell 1", sql=((1, (("text", sql),)),))
    worker.send(p.RunPlan(1, (step,)))
    assert finished(worker.read_until(p.PlanFinished))["s1"].status == "success"


@pytest.mark.slow
def test_the_worker_lists_tables_and_reads_columns_of_the_tables_asked_for(
    worker: WorkerClient, tmp_path: Path
) -> None:
    url = make_db(
        tmp_path / "shop.db",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)",
        "CREATE TABLE orders (id INTEGER, user_id INTEGER, total REAL)",
        "CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100",
    )
    configure(worker, url)
    answer = describe(worker, "users", "nowhere")
    assert answer.error == ""
    assert answer.tables == ("orders", "users")
    assert answer.views == ("big_orders",)
    assert answer.columns == (p.TableColumns("users", ("id", "name"), ("INTEGER", "TEXT")),)


@pytest.mark.slow
def test_ddl_in_a_sql_cell_and_reconfiguring_forget_the_cache(
    worker: WorkerClient, tmp_path: Path
) -> None:
    configure(worker, make_db(tmp_path / "a.db", "CREATE TABLE first_table (x INTEGER)"))
    before = describe(worker)
    assert before.tables == ("first_table",)
    # A table made behind the worker's back is not seen until something says so...
    make_db(tmp_path / "a.db", "CREATE TABLE made_elsewhere (y INTEGER)")
    assert describe(worker).tables == ("first_table",)
    # ...asking again on purpose (refresh)...
    refreshed = describe(worker, refresh=True)
    assert refreshed.tables == ("first_table", "made_elsewhere")
    assert refreshed.generation > before.generation
    # ...a SQL cell running DDL (after a comment, in lower case)...
    run_sql(worker, "-- a new table\ncreate table from_a_cell (z TEXT)")
    assert "from_a_cell" in describe(worker).tables
    # ...or another database.
    configure(worker, make_db(tmp_path / "b.db", "CREATE TABLE other_db (w INTEGER)"))
    assert describe(worker).tables == ("other_db",)


@pytest.mark.slow
def test_a_default_sqlite_file_not_created_yet_stays_uncreated(
    worker: WorkerClient, tmp_path: Path
) -> None:
    path = tmp_path / "notebook.db"
    configure(worker, f"sqlite:///{path}")
    answer = describe(worker, "anything")
    assert (answer.tables, answer.error) == ((), "")
    assert not path.exists()


def test_listing_is_bounded_and_columns_are_read_for_a_few_tables_per_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sql_schema, "MAX_TABLES", 5)
    monkeypatch.setattr(sql_schema, "MAX_COLUMN_TABLES", 2)
    names = [f"t{i:02}" for i in range(12)]
    url = make_db(tmp_path / "many.db", *(f"CREATE TABLE {n} (c_{n} INTEGER)" for n in names))
    engine = sqlalchemy.create_engine(url)
    cache = SchemaCache()
    answer = cache.describe(engine, p.DescribeSchema(1, ("t00", "t01", "t02")))
    assert answer.tables == tuple(names[:5]) and answer.truncated
    assert [c.table for c in answer.columns] == ["t00", "t01"]
    # Columns read once are answered from the cache: no query reaches the database.
    queries: list[str] = []
    sqlalchemy.event.listen(engine, "before_cursor_execute", lambda *a: queries.append(a[2]))
    again = cache.describe(engine, p.DescribeSchema(2, ("t01", "t00")))
    assert [c.table for c in again.columns] == ["t01", "t00"]
    assert queries == []
    engine.dispose()


def test_a_database_that_refuses_says_why_and_keeps_the_worker_going(tmp_path: Path) -> None:
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'missing' / 'x.db'}")
    answer = SchemaCache().describe(engine, p.DescribeSchema(3))
    assert answer.tables == () and "unable to open database file" in answer.error


@pytest.mark.parametrize(
    ("sql", "ddl"),
    [
        ("CREATE TABLE t (x int)", True),
        ("  /* note */ drop view v", True),
        ("-- comment\nALTER TABLE t ADD y int", True),
        ("SELECT 'CREATE TABLE' AS s", False),
        ("INSERT INTO t VALUES (1)", False),
        ("created_at", False),
    ],
)
def test_ddl_is_recognised_after_comments_and_in_any_case(sql: str, ddl: bool) -> None:
    assert changes_schema(sql) is ddl

"""SQL results as DataFrames, straight through ``SqlEngine``, on SQLite and PostgreSQL.

Results are read and converted a chunk of rows at a time (through a server-side cursor on
PostgreSQL); these tests hold that to what ``pandas.read_sql`` gives for the same query: every
row exactly once and in order, the same dtypes, the same values.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa

from kernel_worker import sql as sql_module
from kernel_worker.sql import SqlCellError, SqlEngine, SqlResult
from tests.sql.conftest import Database
from tests.sql.postgres import ThrowawayPostgres

#: More rows than one chunk holds, so the result spans several chunks.
MANY = 120_000
#: Rows 1..NULL_UNTIL are NULL in the "late_*" columns: the whole first chunk.
NULL_UNTIL = 60_000


@pytest.fixture
def engine(database: Database) -> Iterator[SqlEngine]:
    sql_engine = SqlEngine()
    ok, message, _ = sql_engine.configure(database.url_without_password, database.password)
    assert ok, message
    yield sql_engine
    if sql_engine._engine is not None:
        sql_engine._engine.dispose()


def run(engine: SqlEngine, *statements: str, **namespace: Any) -> SqlResult:
    """Each statement on its own line; ``{name}`` in a statement is a bound parameter."""
    specs = []
    for line, statement in enumerate(statements, start=1):
        parts: list[tuple[str, str]] = []
        rest = statement
        while "{" in rest:
            before, _, after = rest.partition("{")
            name, _, rest = after.partition("}")
            parts += [("text", before), ("param", name)]
        parts.append(("text", rest))
        specs.append((line, tuple(parts)))
    return engine.run(tuple(specs), namespace)


def frame(engine: SqlEngine, *statements: str, **namespace: Any) -> pd.DataFrame:
    result = run(engine, *statements, **namespace)
    assert result.frame is not None, result
    return result.frame


def read_sql(url: str, query: str) -> pd.DataFrame:
    reference = sa.create_engine(url)
    try:
        return pd.read_sql(query, reference)
    finally:
        reference.dispose()


def numbers(count: int, kind: str) -> str:
    """Rows n = 1..count in order (a recursive CTE: the same SQL on both databases)."""
    ts = (
        "timestamp '2024-01-01' + n * interval '1 second'"
        if kind == "postgresql"
        else "datetime('2024-01-01', '+' || n || ' seconds')"
    )
    return f"""WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {count})
SELECT n AS id,
       CAST(n AS DOUBLE PRECISION) / 4 AS f,
       n * 0.5 AS dec,
       'row ' || n AS t,
       {ts} AS ts,
       CASE WHEN n > {NULL_UNTIL} THEN n END AS late_int,
       CASE WHEN n > {NULL_UNTIL} THEN 'x' || n END AS late_text,
       CASE WHEN n > {NULL_UNTIL} THEN {ts} END AS late_ts,
       CASE WHEN n < {count} THEN n END AS last_null
FROM g ORDER BY n"""


@pytest.mark.slow
def test_a_result_of_many_chunks_is_read_sql_row_for_row(
    engine: SqlEngine, database: Database
) -> None:
    query = numbers(MANY, database.kind)
    df = frame(engine, query)
    assert sql_module._chunk_rows(df.shape[1]) * 2 < MANY  # really several chunks
    assert df["id"].tolist() == list(range(1, MANY + 1))  # every row once, in order
    expected = read_sql(database.url, query)
    pd.testing.assert_frame_equal(df, expected)
    assert df.dtypes.to_dict() == expected.dtypes.to_dict()
    assert str(df["id"].dtype) == "int64"
    assert str(df["f"].dtype) == str(df["dec"].dtype) == "float64"
    assert str(df["t"].dtype) == str(df["late_text"].dtype) == "str"
    assert str(df["late_int"].dtype) == str(df["last_null"].dtype) == "float64"  # NULLs
    assert df["late_int"].isna().sum() == NULL_UNTIL
    if database.kind == "postgresql":
        assert str(df["ts"].dtype) == str(df["late_ts"].dtype) == "datetime64[us]"
        assert df["late_ts"].iloc[NULL_UNTIL] == pd.Timestamp("2024-01-01") + pd.Timedelta(
            seconds=NULL_UNTIL + 1
        )


@pytest.mark.parametrize("count", [1, 6, 7, 8, 14, 15, 36])
def test_chunk_boundaries_lose_and_repeat_nothing(
    engine: SqlEngine, database: Database, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    monkeypatch.setattr(sql_module, "_CHUNK_VALUES", 7)
    monkeypatch.setattr(sql_module, "_MIN_CHUNK_ROWS", 7)
    monkeypatch.setattr(sql_module, "_MAX_CHUNK_ROWS", 7)
    query = numbers(count, database.kind).replace(f"> {NULL_UNTIL}", "> 7")
    df = frame(engine, query)
    assert df["id"].tolist() == list(range(1, count + 1))
    pd.testing.assert_frame_equal(df, read_sql(database.url, query))


def test_an_empty_result_is_an_empty_frame_with_the_columns(
    engine: SqlEngine, database: Database
) -> None:
    query = "SELECT id, name, signup FROM users WHERE id < 0"
    df = frame(engine, query)
    assert list(df.columns) == ["id", "name", "signup"]
    assert len(df) == 0
    pd.testing.assert_frame_equal(df, read_sql(database.url, query))


def test_small_results_and_duplicate_column_names(engine: SqlEngine, database: Database) -> None:
    query = "SELECT id, name, id AS x, name AS x FROM users ORDER BY id"
    df = frame(engine, query)
    assert list(df.columns) == ["id", "name", "x", "x"]
    assert df["id"].tolist() == [1, 2, 3, 42]
    pd.testing.assert_frame_equal(df, read_sql(database.url, query))


def test_bound_parameters_and_in_lists(engine: SqlEngine) -> None:
    df = frame(
        engine,
        "SELECT id, name FROM users WHERE id IN {ids} AND id > {low} ORDER BY id",
        ids=[1, 2, 42],
        low=1,
    )
    assert df["id"].tolist() == [2, 42]


def test_several_statements_the_last_result_counts(engine: SqlEngine) -> None:
    result = run(
        engine,
        "CREATE TABLE notes (id INTEGER, body TEXT)",
        "INSERT INTO notes VALUES (1, 'a'), (2, 'b'), (3, 'c')",
        "SELECT id FROM notes",  # read, then dropped
        "UPDATE notes SET body = 'z' WHERE id >= 2",
    )
    assert result == SqlResult(None, 2)
    df = frame(engine, "SELECT id FROM users WHERE id = 1", "SELECT body FROM notes ORDER BY id")
    assert df["body"].tolist() == ["a", "z", "z"]


def test_errors_name_the_line_and_leave_the_engine_usable(
    engine: SqlEngine, database: Database
) -> None:
    with pytest.raises(SqlCellError) as raised:
        run(engine, "SELECT 1 AS one", "SELECT id\nFROM users\nWHERE nosuchcolumn = 1")
    assert "nosuchcolumn" in raised.value.message
    assert "DECLARE" not in raised.value.message  # the statement's own error, not a cursor's
    if database.kind == "postgresql":
        assert raised.value.line == 4  # statement 2 starts on line 2; its third line
        assert "LINE 3: WHERE nosuchcolumn = 1" in raised.value.message
    assert gc.isenabled()
    assert frame(engine, "SELECT count(*) AS n FROM users")["n"].tolist() == [4]


# -- PostgreSQL: the server-side cursor ------------------------------------------------------
@pytest.fixture
def pg(postgres: ThrowawayPostgres) -> Iterator[SqlEngine]:
    """An engine on the (reset) PostgreSQL test database."""
    if not postgres.running:
        postgres.start_server()
    postgres.reset()
    sql_engine = SqlEngine()
    ok, message, _ = sql_engine.configure(postgres.url(password=False), postgres.password)
    assert ok, message
    yield sql_engine
    if sql_engine._engine is not None:
        sql_engine._engine.dispose()


def test_queries_stream_through_a_cursor_planned_for_all_rows(pg: SqlEngine) -> None:
    df = frame(
        pg,
        "SELECT (SELECT count(*) FROM pg_cursors WHERE statement LIKE 'DECLARE%') AS cursors,"
        " current_setting('cursor_tuple_fraction') AS fraction",
    )
    assert df.to_dict("records") == [{"cursors": 1, "fraction": "1"}]
    # SET LOCAL ended with the cell's transaction (SHOW runs plainly: not a query)
    assert frame(pg, "SHOW cursor_tuple_fraction").iloc[0, 0] == "0.1"


def test_statements_a_cursor_refuses_run_plainly_once(pg: SqlEngine) -> None:
    df = frame(
        pg,
        "CREATE TABLE notes (id INTEGER)",
        "WITH added AS (INSERT INTO notes VALUES (1), (2) RETURNING id) SELECT id FROM added",
    )
    assert sorted(df["id"].tolist()) == [1, 2]
    assert run(pg, "SELECT id INTO copied FROM notes") == SqlResult(None, 2)
    assert frame(pg, "SELECT count(*) AS n FROM copied")["n"].tolist() == [2]  # inserted once


def test_an_error_in_a_later_chunk_is_the_statements_error(pg: SqlEngine) -> None:
    with pytest.raises(SqlCellError) as raised:
        run(
            pg,
            "SELECT 1",
            f"SELECT n, 1 / (n - {MANY - 10}) AS boom FROM generate_series(1, {MANY}) AS g(n)",
        )
    assert raised.value.message.startswith("division by zero")
    assert (raised.value.line, raised.value.ename) == (2, "DivisionByZero")
    assert gc.isenabled()
    assert frame(pg, "SELECT 1 AS one")["one"].tolist() == [1]


# -- chunks of different dtypes: the dtype of the whole column -------------------------------
NOW = dt.datetime(2024, 5, 1, 12, 30)
UTC = dt.UTC


@pytest.mark.parametrize(
    "values",
    [
        pytest.param([None, None, 1, 2, None, 3], id="int-null-first"),
        pytest.param([1, 2, 3, None], id="int-null-last"),
        pytest.param([1, 2, 2.5, None], id="int-then-float"),
        pytest.param([None, None, 0.5, 1.5], id="float"),
        pytest.param([None, None, Decimal("1.5"), 3], id="decimal"),
        pytest.param([None, None, "a", "b", None], id="text"),
        pytest.param([None, None, NOW, NOW], id="datetime"),
        pytest.param([None, None, NOW.replace(tzinfo=UTC)], id="datetime-tz"),
        pytest.param([None, None, dt.timedelta(seconds=3)], id="timedelta"),
        pytest.param([None, None, NOW.date()], id="date"),
        pytest.param([True, False, None], id="bool-null-last"),
        pytest.param([None, None, True, False], id="bool-null-first"),
        pytest.param([1, 2, "a", None], id="int-then-text"),
        pytest.param([NOW, NOW, "a"], id="datetime-then-text"),
        pytest.param([b"x", None, None], id="bytes"),
        pytest.param([None, None, None, None], id="all-null"),
    ],
)
def test_chunks_join_to_the_dtype_of_all_rows(values: list[Any]) -> None:
    rows = [(index, value) for index, value in enumerate(values)]
    builder = sql_module._FrameBuilder(2, pd)
    for start in range(0, len(rows), 2):
        builder.add(rows[start : start + 2])
    joined = builder.frame(["i", "v"])
    expected = pd.DataFrame.from_records(rows, columns=["i", "v"], coerce_float=True)
    pd.testing.assert_frame_equal(joined, expected)
    assert [type(v) for v in joined["v"]] == [type(v) for v in expected["v"]]


def test_ints_then_null_then_text_in_other_chunks_are_objects() -> None:
    """The one lossy case: ints in a chunk with NULLs became floats before the text came."""
    rows = [(1,), (None,), ("a",), (2,)]
    builder = sql_module._FrameBuilder(1, pd)
    builder.add(rows[:2])
    builder.add(rows[2:])
    joined = builder.frame(["v"])
    assert str(joined["v"].dtype) == "object"
    assert joined["v"].tolist() == [1.0, None, "a", 2]

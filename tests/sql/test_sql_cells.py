"""SQL cells end to end (coordinator + real worker), each case on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.coordinator.coordinator import Coordinator
from app.coordinator.qprocess_kernel import QProcessKernel
from app.core.problems import describe
from app.core.state import RichOutput
from tests.sql.conftest import Database
from tests.sql.postgres import ThrowawayPostgres

pytestmark = pytest.mark.slow
Run = Callable[..., Any]


@pytest.fixture
def secrets_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Passwords go to a private file under a temporary config folder, not the user's."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    return tmp_path / "config"


@pytest.fixture
def nb(arun: Run, tmp_path: Path, database: Database, secrets_home: Path) -> Iterator[Coordinator]:
    """A saved notebook whose SQL cells use the test database."""
    c = Coordinator(QProcessKernel(cwd=tmp_path))
    c.new(tmp_path / "notebook.py")
    status = arun(c.set_database(database.url_without_password, database.password))
    assert status.ok, status.message
    yield c
    arun(c.shutdown())


async def cells(c: Coordinator, *specs: str | tuple[str, str]) -> list[str]:
    """Add cells without running them: a string is Python, (sql, name) a SQL cell."""
    await c.set_mode("lazy")
    ids = []
    for spec in specs:
        if isinstance(spec, tuple):
            cell_id = await c.add_cell("sql", code=spec[0])
            await c.set_sql_name(cell_id, spec[1])
        else:
            cell_id = await c.add_cell("python", code=spec)
        ids.append(cell_id)
    await c.set_mode("autorun")
    return ids


def value(c: Coordinator, cell_id: str) -> str:
    state = c.states[cell_id]
    rich = [o for o in state.outputs if isinstance(o, RichOutput)]
    assert rich, f"no output: {state}"
    return rich[-1].data["text/plain"]


def test_basic_select_becomes_a_dataframe(nb: Coordinator, arun: Run) -> None:
    async def body() -> None:
        q, py = await cells(
            nb,
            ("SELECT id, name FROM users ORDER BY id", "users_df"),
            "list(users_df.id), list(users_df.columns)",
        )
        await nb.run_all()
        assert nb.states[q].status == "success"
        assert value(nb, py) == "([1, 2, 3, 42], ['id', 'name'])"
        table = [o for o in nb.states[q].outputs if isinstance(o, RichOutput)][-1]
        assert "4 rows × 2 columns" in table.data["text/html"]
        assert "<table" in table.data["text/html"]

    arun(body())


@pytest.mark.parametrize(
    ("python_value", "check"),
    [
        ("42", "int(df.v[0]) == 42"),
        ("2.5", "float(df.v[0]) == 2.5"),
        ("'grace'", "df.v[0] == 'grace'"),
        ("None", "df.v[0] is None"),
        ("datetime.date(2024, 2, 29)", "str(df.v[0])[:10] == '2024-02-29'"),
    ],
    ids=["int", "float", "str", "none", "date"],
)
def test_placeholders_are_bound_parameters(
    nb: Coordinator, arun: Run, python_value: str, check: str
) -> None:
    async def body() -> None:
        _, q, py = await cells(
            nb, f"import datetime\nvalue = {python_value}", ("SELECT {value} AS v", "df"), check
        )
        await nb.run_all()
        assert nb.states[q].status == "success", nb.states[q].error
        assert value(nb, py) == "True"

    arun(body())


def test_typed_placeholder_and_where_clause(nb: Coordinator, arun: Run, db_kind: str) -> None:
    cast = "{user_id}::INTEGER" if db_kind == "postgresql" else "CAST({user_id} AS INTEGER)"

    async def body() -> None:
        _, _q, py = await cells(
            nb,
            "user_id = '42'",
            (f"SELECT name FROM users WHERE id = {cast}", "who"),
            "list(who.name)",
        )
        await nb.run_all()
        assert value(nb, py) == "['guido']"

    arun(body())


@pytest.mark.parametrize(
    "template", ["id IN {ids}", "id IN ({ids})"], ids=["bare", "parenthesised"]
)
def test_lists_expand_to_an_in_list(nb: Coordinator, arun: Run, template: str) -> None:
    async def body() -> None:
        _, _q, py = await cells(
            nb,
            "ids = [1, 42]",
            (f"SELECT id FROM users WHERE {template} ORDER BY id", "picked"),
            "list(picked.id)",
        )
        await nb.run_all()
        assert value(nb, py) == "[1, 42]"

    arun(body())


def test_injection_string_stays_data(nb: Coordinator, arun: Run) -> None:
    async def body() -> None:
        _, q, py = await cells(
            nb,
            'name = "\'; DROP TABLE users; --"',
            ("SELECT * FROM users WHERE name = {name}", "found"),
            "len(found)",
        )
        await nb.run_all()
        assert nb.states[q].status == "success"
        assert value(nb, py) == "0"
        check = await nb.add_cell("sql", code="SELECT count(*) AS n FROM users")
        await nb.set_sql_name(check, "still")
        probe = await nb.add_cell("python", code="int(still.n[0])")
        await nb.run_cell(probe)
        assert value(nb, probe) == "4"

    arun(body())


def test_undefined_placeholder_blocks_the_cell(nb: Coordinator, arun: Run) -> None:
    async def body() -> None:
        (q,) = await cells(nb, ("SELECT {nowhere} AS x", "df"))
        await nb.run_all()
        assert nb.states[q].status == "blocked"
        reason = nb.states[q].reason
        assert reason is not None
        assert describe(reason, nb.cell_name) == "'nowhere' is not defined by any cell"

    arun(body())


def test_syntax_error_reports_the_database_message_and_line(
    nb: Coordinator, arun: Run, db_kind: str
) -> None:
    async def body() -> None:
        (q,) = await cells(nb, ("SELECT id\nFROM users\nWHERE nosuchcolumn = 1", "df"))
        await nb.run_all()
        state = nb.states[q]
        assert state.status == "error"
        assert state.error is not None
        assert "nosuchcolumn" in state.error.evalue
        if db_kind == "postgresql":
            assert state.error.line == 3  # psycopg reports the position: the cell's line 3

    arun(body())


def test_non_row_statements_report_counts_and_last_statement_wins(
    nb: Coordinator, arun: Run
) -> None:
    async def body() -> None:
        ins, sel, py = await cells(
            nb,
            (
                "CREATE TABLE notes (id INTEGER, body TEXT);\nINSERT INTO notes VALUES (1, 'a'), (2, 'b')",
                "made",
            ),
            ("INSERT INTO notes VALUES (3, 'c'); SELECT count(*) AS n FROM notes", "counted"),
            "int(counted.n[0])",
        )
        await nb.run_cell(ins)
        assert value(nb, ins) == "2 rows affected"
        await nb.run_cell(sel)
        assert value(nb, py) == "3"

    arun(body())


def test_python_reader_reruns_when_the_sql_input_changes(nb: Coordinator, arun: Run) -> None:
    async def body() -> None:
        t, _q, py = await cells(
            nb, "threshold = 2", ("SELECT id FROM users WHERE id > {threshold}", "big"), "len(big)"
        )
        await nb.run_all()
        assert value(nb, py) == "2"
        await nb.update_cell(t, "threshold = 10")
        assert value(nb, py) == "1"

    arun(body())


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ("not a url at all", "Not a database URL"),
        (
            "postgresql://cascade:wrong-password@127.0.0.1:{port}/cascade_test",
            "Wrong user name or password",
        ),
        ("postgresql://cascade@127.0.0.1:1/cascade_test", "connection refused"),
        ("nosuchdialect://x/y", "driver"),
    ],
    ids=["garbage", "wrong-password", "refused-port", "unknown-dialect"],
)
def test_bad_connections_explain_and_keep_the_previous_one(
    nb: Coordinator, arun: Run, postgres: ThrowawayPostgres, bad: str, expected: str, tmp_path: Path
) -> None:
    async def body() -> None:
        before = nb.notebook.database
        (q,) = await cells(nb, ("SELECT count(*) AS n FROM users", "df"))
        status = await nb.set_database(bad.format(port=postgres.port))
        assert not status.ok
        assert expected.lower() in status.message.lower()
        assert "wrong-password" not in status.message
        assert nb.notebook.database == before
        await nb.run_cell(q)
        assert nb.states[q].status == "success"  # the previous connection is in force
        assert "wrong-password" not in (tmp_path / "notebook.py").read_text()

    arun(body())


def test_password_never_reaches_the_notebook_file(
    nb: Coordinator, arun: Run, database: Database, tmp_path: Path, secrets_home: Path
) -> None:
    async def body() -> None:
        await cells(nb, ("SELECT 1 AS one", "df"))
        data = (tmp_path / "notebook.py").read_bytes()
        if database.password:
            assert database.password.encode() not in data
            stored = (secrets_home / "cascade" / "secrets.json").stat().st_mode & 0o777
            assert stored == 0o600
        assert (
            database.url_without_password.split("://")[0].encode() in data
            or database.kind == "sqlite"
        )

    arun(body())


def test_password_typed_into_the_url_moves_to_the_secret_store(
    arun: Run, tmp_path: Path, postgres: ThrowawayPostgres, secrets_home: Path
) -> None:
    async def body() -> None:
        c = Coordinator(QProcessKernel(cwd=tmp_path))
        c.new(tmp_path / "nb.py")
        status = await c.set_database(postgres.url(password=True))
        assert status.ok, status.message
        text = (tmp_path / "nb.py").read_text()
        assert postgres.password not in text
        assert "postgresql" in text
        await c.shutdown()
        # A fresh session finds the password again in the secret store.
        again = Coordinator(QProcessKernel(cwd=tmp_path))
        await again.open(tmp_path / "nb.py")
        q = await again.add_cell("sql", code="SELECT count(*) AS n FROM users")
        await again.run_cell(q)
        assert again.states[q].status == "success", again.states[q].error
        assert again.database_status is not None and again.database_status.ok
        await again.shutdown()

    arun(body())


def test_server_restart_mid_session_errors_then_recovers(
    arun: Run, tmp_path: Path, postgres: ThrowawayPostgres, secrets_home: Path
) -> None:
    async def body() -> None:
        c = Coordinator(QProcessKernel(cwd=tmp_path))
        c.new(tmp_path / "nb.py")
        assert (await c.set_database(postgres.url(password=False), postgres.password)).ok
        q = await c.add_cell("sql", code="SELECT count(*) AS n FROM users")
        assert c.states[q].status == "success"
        postgres.stop_server()
        try:
            await c.run_cell(q)
            assert c.states[q].status == "error"
            assert c.states[q].error is not None and c.states[q].error.evalue
        finally:
            postgres.start_server()
        await c.run_cell(q)
        assert c.states[q].status == "success"
        await c.shutdown()

    arun(body())


def test_default_database_is_sqlite_beside_the_notebook(arun: Run, tmp_path: Path) -> None:
    async def body() -> None:
        c = Coordinator(QProcessKernel(cwd=tmp_path))
        c.new(tmp_path / "sales.py")
        q = await c.add_cell("sql", code="CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (7)")
        assert c.states[q].status == "success", c.states[q].error
        assert (tmp_path / "sales.sqlite").exists()
        assert c.database_status is not None and "SQLite" in c.database_status.server
        await c.shutdown()

    arun(body())


def test_completion_reads_the_databases_tables_and_columns_and_sees_ddl(
    nb: Coordinator, arun: Run, db_kind: str
) -> None:
    """The inspector path on both databases (PostgreSQL: the ``public`` schema's tables)."""

    async def body() -> None:
        (query,) = await cells(nb, ("SELECT 1 AS one", "one"))
        await nb.run_cell(query)  # the kernel is started and connected
        tables = await nb.complete(query, "SELECT * FROM us", 1, 16)
        assert (tables.source, tables.items[0].name, tables.items[0].kind) == (
            "kernel",
            "users",
            "table",
        )
        columns = await nb.complete(query, "SELECT users.", 1, 13)
        assert [i.name for i in columns.items] == ["id", "name", "signup"]
        assert all(i.kind == "column" for i in columns.items)
        ddl = "CREATE TABLE audit_log (id INTEGER, note TEXT)"
        if db_kind == "postgresql":  # a table outside the default schema is not listed
            ddl += ";\nCREATE SCHEMA elsewhere;\nCREATE TABLE elsewhere.audit_hidden (x INTEGER)"
        await nb.update_cell(query, ddl)  # autorun: the DDL runs
        assert nb.states[query].status == "success", nb.states[query]
        after = await nb.complete(query, "SELECT * FROM aud", 1, 17)
        assert [i.name for i in after.items if i.kind == "table"] == ["audit_log"]

    arun(body())

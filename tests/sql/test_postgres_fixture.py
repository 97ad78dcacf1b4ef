"""The SQL test fixtures themselves: a real server, identical fixture data, real auth.

If these fail, every SQL test built on ``db_url`` is suspect, so they check the fixtures'
promises directly rather than through the app.
"""

from __future__ import annotations

import socket

import psycopg
import pytest
import sqlalchemy as sa

from tests.sql.conftest import Database
from tests.sql.postgres import PostgresError, ThrowawayPostgres, load_fixture_schema


def _scalar(url: str, sql: str) -> object:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql)).scalar_one()
    finally:
        engine.dispose()


def test_server_answers_through_psycopg(postgres: ThrowawayPostgres) -> None:
    with psycopg.connect(**postgres.connect_kwargs()) as conn:
        row = conn.execute("SELECT version(), current_user, current_database()").fetchone()
    assert row is not None
    version, user, database = row
    assert version.startswith("PostgreSQL ")
    assert (user, database) == ("cascade", "cascade_test")


def test_server_answers_through_sqlalchemy(postgres: ThrowawayPostgres) -> None:
    url = postgres.url()
    assert url.startswith(f"postgresql+psycopg://cascade:{postgres.password}@127.0.0.1:")
    version = _scalar(url, "SELECT version()")
    assert isinstance(version, str) and version.startswith("PostgreSQL ")


def test_url_without_password_leaves_the_secret_out(postgres: ThrowawayPostgres) -> None:
    url = postgres.url(password=False)
    assert url == f"postgresql+psycopg://cascade@127.0.0.1:{postgres.port}/cascade_test"
    assert postgres.password not in url
    assert postgres.url(driver="postgresql").startswith("postgresql://cascade:")


def test_fixture_tables_have_the_promised_rows(database: Database) -> None:
    engine = sa.create_engine(database.url)
    try:
        with engine.connect() as conn:
            ids = conn.execute(sa.text("SELECT id FROM users ORDER BY id")).scalars().all()
            iris_total = conn.execute(sa.text("SELECT count(*) FROM iris")).scalar_one()
            grouped = conn.execute(
                sa.text("SELECT species, count(*) FROM iris GROUP BY species ORDER BY species")
            )
            per_species = {species: count for species, count in grouped}
    finally:
        engine.dispose()
    assert ids == [1, 2, 3, 42]
    assert iris_total == 150
    assert per_species == {"setosa": 50, "versicolor": 50, "virginica": 50}


def test_database_fixture_describes_the_database(database: Database, db_kind: str) -> None:
    assert database.kind == db_kind
    if db_kind == "sqlite":
        assert database.url.startswith("sqlite:///")
        assert database.password is None
    else:
        assert database.password is not None
        assert database.password in database.url
        assert database.password not in database.url_without_password


def test_sqlite_and_postgresql_hold_identical_data(
    sqlite_url: str, postgres: ThrowawayPostgres
) -> None:
    """One loader feeds both, so results may only differ where the databases really differ."""

    Rows = list[tuple[object, ...]]

    def contents(url: str) -> tuple[Rows, Rows]:
        engine = sa.create_engine(url)
        try:
            with engine.connect() as conn:
                # SQLite hands DATE back as text through sa.text(): compare as ISO strings.
                user_rows: Rows = [
                    (i, name, str(signup))
                    for i, name, signup in conn.execute(
                        sa.text("SELECT id, name, signup FROM users ORDER BY id")
                    )
                ]
                # REAL is 4 bytes in PostgreSQL, 8 in SQLite: compare at the data's precision.
                iris_rows: Rows = sorted(
                    tuple(round(v, 1) if isinstance(v, float) else v for v in row)
                    for row in conn.execute(sa.text("SELECT * FROM iris"))
                )
        finally:
            engine.dispose()
        return user_rows, iris_rows

    sqlite_users, sqlite_iris = contents(sqlite_url)
    pg_users, pg_iris = contents(postgres.url())
    assert sqlite_users == pg_users
    assert sqlite_users[-1] == (42, "guido", "2023-11-30")
    assert sqlite_iris == pg_iris


def test_loading_the_fixture_schema_twice_is_harmless(sqlite_url: str) -> None:
    load_fixture_schema(sqlite_url)
    assert _scalar(sqlite_url, "SELECT count(*) FROM iris") == 150
    assert _scalar(sqlite_url, "SELECT count(*) FROM users") == 4


def test_wrong_password_is_rejected(postgres: ThrowawayPostgres) -> None:
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(**postgres.connect_kwargs(password="not-" + postgres.password))


def test_reset_restores_the_fixture_schema(postgres: ThrowawayPostgres) -> None:
    with psycopg.connect(autocommit=True, **postgres.connect_kwargs()) as conn:
        conn.execute("DELETE FROM users WHERE id = 42")
        conn.execute("CREATE TABLE leftover (x int)")
        postgres.reset()  # terminates this very session, as it would a leaked one
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 1")
    with psycopg.connect(**postgres.connect_kwargs()) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone() == (4,)
        leftover = conn.execute("SELECT to_regclass('public.leftover')").fetchone()
    assert leftover == (None,)


def test_restart_keeps_data_and_port(postgres: ThrowawayPostgres) -> None:
    port = postgres.port
    with psycopg.connect(autocommit=True, **postgres.connect_kwargs()) as conn:
        conn.execute("DROP TABLE IF EXISTS survives_restart")
        conn.execute("CREATE TABLE survives_restart AS SELECT 7 AS n")
    postgres.restart()
    try:
        assert postgres.port == port
        assert postgres.running
        with psycopg.connect(autocommit=True, **postgres.connect_kwargs()) as conn:
            assert conn.execute("SELECT n FROM survives_restart").fetchone() == (7,)
            assert conn.execute("SELECT count(*) FROM iris").fetchone() == (150,)
    finally:
        with psycopg.connect(autocommit=True, **postgres.connect_kwargs()) as conn:
            conn.execute("DROP TABLE IF EXISTS survives_restart")


def test_stopped_server_refuses_and_comes_back(postgres: ThrowawayPostgres) -> None:
    postgres.stop_server()
    try:
        assert not postgres.running
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(**postgres.connect_kwargs(connect_timeout=3))
    finally:
        postgres.start_server()
    with psycopg.connect(**postgres.connect_kwargs()) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone() == (4,)


def test_server_listens_on_loopback_only(postgres: ThrowawayPostgres) -> None:
    with psycopg.connect(**postgres.connect_kwargs()) as conn:
        row = conn.execute("SHOW listen_addresses").fetchone()
    assert row == ("127.0.0.1",)
    listening = [line for line in postgres.log().splitlines() if "listening on IP" in line]
    assert listening and all('address "127.0.0.1"' in line for line in listening)
    assert (postgres.folder / f".s.PGSQL.{postgres.port}").is_socket()

    # The rest of 127/8 is loopback too, but the server is bound to 127.0.0.1 alone.
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.2", postgres.port), timeout=3).close()
    for address in _other_local_addresses():
        with pytest.raises(OSError):
            socket.create_connection((address, postgres.port), timeout=3).close()


def _other_local_addresses() -> list[str]:
    """This machine's non-127.0.0.1 addresses worth probing (IPv6 loopback, outbound IPv4)."""
    addresses = ["::1"] if socket.has_ipv6 else []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: no packet is sent for UDP connect
            outbound = probe.getsockname()[0]
        except OSError:
            outbound = None
    if outbound and not outbound.startswith("127."):
        addresses.append(outbound)
    return addresses


def test_starting_twice_is_refused(postgres: ThrowawayPostgres) -> None:
    with pytest.raises(PostgresError, match="already started"):
        postgres.start()


@pytest.mark.usefixtures("postgres")  # for its skip-locally / fail-in-CI rule
def test_stop_removes_everything() -> None:
    """A second, short-lived server: stop() must leave no process and no files behind."""
    server = ThrowawayPostgres()
    server.start()
    folder, port = server.folder, server.port
    try:
        assert _scalar(server.url(), "SELECT 1") == 1
    finally:
        server.stop()
    assert not folder.exists()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=3).close()
    server.stop()  # idempotent

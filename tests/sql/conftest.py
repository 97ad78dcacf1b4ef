"""Fixtures that run SQL tests on both SQLite and a real, throwaway PostgreSQL.

Write SQL tests against ``db_url`` (or ``database`` when you need more than the URL) and they
run twice, with ids ``[sqlite]`` and ``[postgresql]``. Both databases start with the same
fixture schema (see ``tests/sql/postgres.py``)::

    users(id INTEGER PRIMARY KEY, name TEXT, signup DATE)   ids 1, 2, 3, 42
    iris(sepal_length, sepal_width, petal_length, petal_width REAL, species TEXT)
                                                           150 rows, 50 per species

Fixtures:

``postgres`` (session)
    A started :class:`~tests.sql.postgres.ThrowawayPostgres` (one per pytest session, about
    a second to start) with the fixture schema loaded. Missing PostgreSQL skips the test
    locally ("apt-get install postgresql") but fails it when ``CI`` is set, so CI can never
    silently skip SQL tests. Tests that ``restart()``/``stop_server()`` it should leave it
    running (``database`` restarts it if one did not).
``sqlite_url`` (function)
    ``sqlite:///<tmp_path>/cascade.db``, a fresh file with the fixture schema.
``database`` (function, parametrized ``sqlite``/``postgresql``)
    A :class:`Database` ``(kind, url, url_without_password, password)``. For PostgreSQL the
    database is reset (other sessions terminated, ``public`` schema dropped, fixture schema
    reloaded) before each test, so tests cannot affect one another.
``db_url`` (function, parametrized through ``database``)
    Just ``database.url``: an SQLAlchemy URL string for ``create_engine``.
``db_kind`` (function, parametrized through ``database``)
    ``"sqlite"`` or ``"postgresql"``, for the rare assertion that must differ.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pytest

from tests.sql.postgres import PostgresError, ThrowawayPostgres, load_fixture_schema

DatabaseKind = Literal["sqlite", "postgresql"]


@dataclass(frozen=True)
class Database:
    """One test database: what it is and how to reach it (with and without the secret)."""

    kind: DatabaseKind
    url: str
    url_without_password: str
    password: str | None


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def postgres() -> Iterator[ThrowawayPostgres]:
    """The session's PostgreSQL server; started on first use, removed at session end."""
    if ThrowawayPostgres.find_binaries() is None:
        if _in_ci():
            pytest.fail(
                "PostgreSQL is not installed, and SQL tests may not be skipped in CI: "
                "run `scripts/bootstrap.sh dev` as root (or apt-get install postgresql)",
                pytrace=False,
            )
        pytest.skip("PostgreSQL is not installed: apt-get install postgresql")
    server = ThrowawayPostgres()
    try:
        server.start()
        load_fixture_schema(server.url())
    except PostgresError as error:
        server.stop()
        pytest.fail(f"PostgreSQL is installed but could not be started:\n{error}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite file with the fixture schema."""
    url = f"sqlite:///{tmp_path / 'cascade.db'}"
    load_fixture_schema(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"], ids=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> Database:
    """Each database in turn; PostgreSQL is requested lazily so SQLite runs even without it."""
    if request.param == "sqlite":
        url: str = request.getfixturevalue("sqlite_url")
        return Database(kind="sqlite", url=url, url_without_password=url, password=None)
    server: ThrowawayPostgres = request.getfixturevalue("postgres")
    if not server.running:  # an earlier test stopped it and failed before starting it again
        server.start_server()
    server.reset()
    return Database(
        kind="postgresql",
        url=server.url(),
        url_without_password=server.url(password=False),
        password=server.password,
    )


@pytest.fixture
def db_url(database: Database) -> str:
    """The SQLAlchemy URL of the current database (runs the test on SQLite and PostgreSQL)."""
    return database.url


@pytest.fixture
def db_kind(database: Database) -> DatabaseKind:
    """``"sqlite"`` or ``"postgresql"``: which database this run of the test uses."""
    return database.kind

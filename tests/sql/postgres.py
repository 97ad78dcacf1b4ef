"""A real, throwaway PostgreSQL server for the test suite, plus the fixture schema loader.

The SQL features must behave the same on SQLite and PostgreSQL, and PostgreSQL's real
behaviour (types, authentication, a server going away) is what users hit, so the tests run
against a genuine server rather than a mock. The server lives in a temporary folder, listens
on 127.0.0.1 only, on a free port, and is gone when stopped. PostgreSQL refuses to run as
root, so when the tests run as root (CI containers) the server runs as ``nobody``.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import pwd
import random
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa

DEBIAN_ROOT = Path("/usr/lib/postgresql")
BINARIES = ("initdb", "pg_ctl", "postgres")
SERVER_USER_WHEN_ROOT = "nobody"
# The Unix socket path (folder + "/.s.PGSQL.NNNNN") must fit in sun_path (108 bytes).
_MAX_FOLDER_LENGTH = 80
_START_ATTEMPTS = 5


class PostgresError(RuntimeError):
    """The throwaway server could not be set up or controlled; the message carries the log."""


class ThrowawayPostgres:
    """One disposable PostgreSQL cluster: ``start()`` it, use ``url()``, ``stop()`` it.

    ``stop_server()``/``start_server()``/``restart()`` keep the data and the port, so tests
    can simulate a server that goes away and comes back mid-session.
    """

    def __init__(self, bin_dir: Path | None = None) -> None:
        self._bin_dir = bin_dir
        self._password = secrets.token_urlsafe(12)
        self._folder: Path | None = None
        self._port: int | None = None

    # -- connection details ---------------------------------------------------------------

    @property
    def host(self) -> str:
        """Loopback only: the server must never be reachable from the network."""
        return "127.0.0.1"

    @property
    def port(self) -> int:
        if self._port is None:
            raise PostgresError("the server has not been started")
        return self._port

    @property
    def user(self) -> str:
        return "cascade"

    @property
    def password(self) -> str:
        return self._password

    @property
    def database(self) -> str:
        return "cascade_test"

    @property
    def folder(self) -> Path:
        """The temporary folder holding the data directory, the socket and the log."""
        if self._folder is None:
            raise PostgresError("the server has not been started")
        return self._folder

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    @property
    def log_file(self) -> Path:
        return self.folder / "postgres.log"

    def url(self, password: bool = True, driver: str = "postgresql+psycopg") -> str:
        """An SQLAlchemy URL; ``password=False`` leaves it out (for secret-handling tests)."""
        return sa.URL.create(
            driver,
            username=self.user,
            password=self.password if password else None,
            host=self.host,
            port=self.port,
            database=self.database,
        ).render_as_string(hide_password=False)

    def connect_kwargs(self, **overrides: Any) -> dict[str, Any]:
        """Keyword arguments for ``psycopg.connect`` (TCP, so the password is checked)."""
        kwargs: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password,
            "dbname": self.database,
            "connect_timeout": 10,
        }
        kwargs.update(overrides)
        return kwargs

    def log(self) -> str:
        """The server log so far (empty when there is none), for failure messages."""
        try:
            return self.log_file.read_text(errors="replace")
        except (OSError, PostgresError):
            return ""

    # -- binaries -------------------------------------------------------------------------

    @staticmethod
    def find_binaries() -> Path | None:
        """The folder with initdb, pg_ctl and postgres, or None when PostgreSQL is missing.

        Debian keeps them out of PATH under /usr/lib/postgresql/<version>/bin, so look there
        first (newest version wins), then follow ``initdb`` on PATH to its real folder.
        """
        candidates = sorted(
            (path for path in DEBIAN_ROOT.glob("*/bin") if path.is_dir()),
            key=lambda path: _version_key(path.parent.name),
            reverse=True,
        )
        on_path = shutil.which("initdb")
        if on_path is not None and not _is_script(Path(on_path)):
            candidates.append(Path(on_path).resolve().parent)
        for folder in candidates:
            if all(_is_executable(folder / name) for name in BINARIES):
                return folder
        return None

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        """Create a fresh cluster with the ``cascade`` superuser and ``cascade_test`` database."""
        if self._folder is not None:
            raise PostgresError("the server is already started")
        bin_dir = self._bin_dir or self.find_binaries()
        if bin_dir is None:
            raise PostgresError("PostgreSQL is not installed: apt-get install postgresql")
        self._bin_dir = bin_dir
        self._folder = _make_folder()
        atexit.register(self.stop)  # never leave a server behind, even on a crash
        try:
            self._initdb()
            self._start_on_free_port()
            with psycopg.connect(autocommit=True, **self.connect_kwargs(dbname="postgres")) as conn:
                conn.execute(f'CREATE DATABASE "{self.database}"')
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Kill the server without ceremony (nothing here is worth keeping) and delete it all."""
        if self._folder is None:
            return
        atexit.unregister(self.stop)
        try:
            if (self.data_dir / "postmaster.pid").exists():
                self._pg_ctl("stop", "-m", "immediate", check=False)
        finally:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
            self._port = None

    @property
    def running(self) -> bool:
        """Whether the server process is up (``pg_ctl status``)."""
        if self._folder is None:
            return False
        return self._pg_ctl("status", check=False) == 0

    def stop_server(self, mode: str = "fast") -> None:
        """Stop the server process but keep its data and port (``start_server()`` resumes)."""
        self._pg_ctl("stop", "-m", mode)

    def start_server(self) -> None:
        """Start the server on its data directory and port and wait until it accepts."""
        options = [
            "-F",  # no fsync: the data is thrown away anyway
            "-h",
            self.host,
            "-p",
            str(self.port),
            "-k",
            str(self.folder),
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
        ]
        # pg_ctl hands -o to /bin/sh, hence the quoting.
        self._pg_ctl("start", "-l", str(self.log_file), "-t", "30", "-o", shlex.join(options))

    def restart(self) -> None:
        """Stop (fast) and start again: same port, same data, all connections dropped."""
        self.stop_server("fast")
        self.start_server()

    def reset(self) -> None:
        """Give the next test a pristine database: drop everything, reload the fixture schema.

        Sessions left open by earlier tests are terminated first so their locks can't block.
        """
        with psycopg.connect(autocommit=True, **self.connect_kwargs()) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
            conn.execute("CREATE SCHEMA public")
        load_fixture_schema(self.url())

    # -- internals ------------------------------------------------------------------------

    def _initdb(self) -> None:
        pwfile = self.folder / "pwfile"
        pwfile.write_text(self.password + "\n")
        pwfile.chmod(0o600)
        _give_to_server_user(pwfile)
        try:
            self._run(
                [
                    str(self._binary("initdb")),
                    "-D",
                    str(self.data_dir),
                    "-U",
                    self.user,
                    f"--pwfile={pwfile}",
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    "-E",
                    "UTF8",
                    "--locale=C",
                    "-N",  # --no-sync: nothing here has to survive a power cut
                ],
                what="initdb",
            )
        finally:
            pwfile.unlink(missing_ok=True)

    def _start_on_free_port(self) -> None:
        """Pick a free port and start; retry if another process grabbed it in between."""
        for attempt in range(1, _START_ATTEMPTS + 1):
            self._port = _free_port()
            log_before = len(self.log())
            try:
                self.start_server()
                return
            except PostgresError:
                clash = re.search(r"could not bind|already in use", self.log()[log_before:])
                if attempt == _START_ATTEMPTS or not clash:
                    raise

    def _binary(self, name: str) -> Path:
        assert self._bin_dir is not None
        return self._bin_dir / name

    def _pg_ctl(self, *args: str, check: bool = True) -> int:
        command = [str(self._binary("pg_ctl")), "-D", str(self.data_dir), "-w", *args]
        return self._run(command, what=f"pg_ctl {args[0]}", check=check)

    def _run(self, command: list[str], what: str, check: bool = True) -> int:
        """Run a PostgreSQL program as the unprivileged server user, from the temp folder."""
        done = subprocess.run(
            _as_server_user(command),
            cwd=self.folder,  # the server user may not be allowed into the current folder
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if check and done.returncode != 0:
            raise PostgresError(
                f"{what} failed with exit code {done.returncode}:\n"
                f"{done.stdout}{done.stderr}\n--- server log ---\n{self.log()}"
            )
        return done.returncode


# -- fixture schema -----------------------------------------------------------------------

FIXTURE_USERS: tuple[tuple[int, str, dt.date], ...] = (
    (1, "ada", dt.date(2021, 3, 14)),
    (2, "grace", dt.date(2021, 7, 1)),
    (3, "linus", dt.date(2022, 1, 9)),
    (42, "guido", dt.date(2023, 11, 30)),
)
IRIS_SPECIES = ("setosa", "versicolor", "virginica")
IRIS_ROWS_PER_SPECIES = 50
# (mean, standard deviation) of sepal length/width and petal length/width per species,
# close to Fisher's data, so the generated rows look like the real thing.
_IRIS_PROFILE: dict[str, tuple[tuple[float, float], ...]] = {
    "setosa": ((5.0, 0.35), (3.4, 0.38), (1.5, 0.17), (0.25, 0.1)),
    "versicolor": ((5.9, 0.52), (2.8, 0.31), (4.3, 0.47), (1.3, 0.2)),
    "virginica": ((6.6, 0.64), (3.0, 0.32), (5.6, 0.55), (2.0, 0.27)),
}

_metadata = sa.MetaData()
users_table = sa.Table(
    "users",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.Text),
    sa.Column("signup", sa.Date),
)
iris_table = sa.Table(
    "iris",
    _metadata,
    sa.Column("sepal_length", sa.REAL),
    sa.Column("sepal_width", sa.REAL),
    sa.Column("petal_length", sa.REAL),
    sa.Column("petal_width", sa.REAL),
    sa.Column("species", sa.Text),
)


def iris_rows() -> list[dict[str, Any]]:
    """150 iris-like rows, 50 per species; seeded, so every run and database gets the same."""
    rng = random.Random(1936)
    columns = ("sepal_length", "sepal_width", "petal_length", "petal_width")
    rows: list[dict[str, Any]] = []
    for species in IRIS_SPECIES:
        for _ in range(IRIS_ROWS_PER_SPECIES):
            values = [
                max(0.1, round(rng.gauss(mean, sd), 1)) for mean, sd in _IRIS_PROFILE[species]
            ]
            rows.append({**dict(zip(columns, values, strict=True)), "species": species})
    return rows


def load_fixture_schema(url: str | sa.URL) -> None:
    """(Re)create the ``users`` and ``iris`` tables with their rows in any SQLAlchemy database.

    One loader for SQLite and PostgreSQL keeps the two test databases identical; existing
    tables are dropped first so loading twice is harmless.
    """
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            _metadata.drop_all(conn, checkfirst=True)
            _metadata.create_all(conn)
            conn.execute(
                users_table.insert(),
                [{"id": i, "name": name, "signup": signup} for i, name, signup in FIXTURE_USERS],
            )
            conn.execute(iris_table.insert(), iris_rows())
    finally:
        engine.dispose()


# -- helpers ------------------------------------------------------------------------------


def _version_key(name: str) -> tuple[int, ...]:
    """'15' -> (15,), '9.6' -> (9, 6); anything else sorts last."""
    try:
        return tuple(int(part) for part in name.split("."))
    except ValueError:
        return (-1,)


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _is_script(path: Path) -> bool:
    """Wrapper scripts (e.g. pg_wrapper-style) on PATH are not the binaries we want."""
    try:
        with path.open("rb") as file:
            return file.read(2) == b"#!"
    except OSError:
        return True


def _is_root() -> bool:
    return os.geteuid() == 0


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: drop to ``nobody`` when we are root."""
    if not _is_root():
        return command
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    return [runuser, "-u", SERVER_USER_WHEN_ROOT, "--", *command]


def _give_to_server_user(path: Path) -> None:
    if _is_root():
        entry = pwd.getpwnam(SERVER_USER_WHEN_ROOT)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def _reachable_by_others(folder: Path) -> bool:
    """Whether another user can get to ``folder`` (execute permission all the way down)."""
    return all(part.stat().st_mode & 0o001 for part in (folder, *folder.parents))


def _make_folder() -> Path:
    """A private temp folder the server user owns, with a path short enough for the socket."""
    base = Path(tempfile.gettempdir())
    if (_is_root() and not _reachable_by_others(base)) or len(str(base)) > _MAX_FOLDER_LENGTH:
        base = Path("/tmp")
    folder = Path(tempfile.mkdtemp(prefix="cascade-pg-", dir=base))
    _give_to_server_user(folder)
    return folder


def _free_port() -> int:
    """Let the kernel pick a free loopback port (small race until the server binds it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])

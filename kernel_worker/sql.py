"""SQL cells in the worker: one SQLAlchemy engine, bound parameters, results as DataFrames.

Imported lazily (SQLAlchemy and pandas are optional in a user's kernel environment). The
coordinator has already split and parsed the cell's template; this module only binds each
``("param", name)`` part to the Python value of ``name`` — values never become SQL text.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from kernel_worker import interrupts
from kernel_worker.protocol import DatabaseSchema, DescribeSchema, SqlStatementSpec
from kernel_worker.sql_schema import SchemaCache, changes_schema

TYPE_CHECKING = False  # typing costs a worker's first ConfigureDatabase ~7 ms (see protocol)
if TYPE_CHECKING:
    from typing import Any, NamedTuple

#: How long a connection attempt may take before the user is told the server does not answer.
CONNECT_TIMEOUT_S = 5

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class SqlCellError(Exception):
    """A SQL cell failed; ``line`` is the cell line the database pointed at, when it did."""

    def __init__(self, message: str, line: int | None = None, ename: str = "DatabaseError") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.ename = ename


if TYPE_CHECKING:

    class SqlResult(NamedTuple):
        """What a cell's last statement produced: a DataFrame, or an affected-row count."""

        frame: Any | None
        rowcount: int | None

else:
    from collections import namedtuple

    SqlResult = namedtuple("SqlResult", "frame rowcount")


def expand_env(url: str) -> str:
    """``${NAME}`` references in a URL take their value from the kernel's environment."""
    return _ENV_REF.sub(lambda m: os.environ.get(m.group(1), ""), url)


def normalise_url(url: str) -> str:
    """A plain ``postgresql://`` (or ``postgres://``) URL means psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _missing(module: str) -> SqlCellError:
    return SqlCellError(
        f"SQL cells need {module} in the kernel's Python environment "
        f"(pip install sqlalchemy pandas psycopg[binary]).",
        ename="ModuleNotFoundError",
    )


class SqlEngine:
    """The notebook's database connection, replaced only by a URL that works."""

    def __init__(self) -> None:
        self._engine: Any = None
        self._password: str | None = None
        self._describe = ""
        #: Why the last configuration failed, told to SQL cells while no engine works.
        self._problem = ""
        #: A URL accepted without SQLAlchemy (see :meth:`configure`): the engine is made
        #: when the first SQL cell runs.
        self._deferred: str | None = None
        #: The connection's tables and columns, for completion (kernel_worker.sql_schema).
        self.schema = SchemaCache()

    # -- configuration -------------------------------------------------------------------
    @staticmethod
    def prepare_for_sqlite() -> None:
        """Import what naming a SQLite database takes (:func:`_sqlite_server`), ahead of the
        first :meth:`configure`; a Python without SQLite loses nothing by it."""
        with suppress(ImportError):
            import sqlite3  # noqa: F401

    def configure(self, url: str, password: str | None) -> tuple[bool, str, str]:
        """(ok, message, server). On failure the previous engine stays in force.

        The coordinator configures every kernel it starts, and most notebooks have no SQL
        cell: an SQLite file that does not exist yet (a notebook's default database before its
        first SQL cell) is answered for without importing SQLAlchemy — a tenth of a second of
        every start otherwise — and its engine is made by the first SQL cell. Connecting
        would create the file, so the answer is the same as after a full check."""
        path = _new_sqlite_file(url) if password is None else None
        self.schema.forget()
        if path is not None:
            if self._engine is not None:
                self._engine.dispose()
            self._engine, self._password, self._deferred = None, None, url
            self._problem = ""
            server = _sqlite_server(path)
            return True, f"{server}: the file is created when a SQL cell first runs", server
        ok, message, server = self._configure(url, password)
        self._problem = "" if ok else message
        if ok:
            self._deferred = None
        return ok, message, server

    def _engine_now(self) -> Any:
        """The engine, made now for a URL accepted without it."""
        if self._engine is None and self._deferred is not None:
            url, self._deferred = self._deferred, None
            ok, message, _server = self._configure(url, None)
            if not ok:
                self._problem = message
        return self._engine

    def _configure(self, url: str, password: str | None) -> tuple[bool, str, str]:
        try:
            import sqlalchemy
            from sqlalchemy.engine import make_url
        except ImportError:
            return False, str(_missing("SQLAlchemy")), ""
        try:
            parsed = make_url(normalise_url(expand_env(url)))
            if password:
                parsed = parsed.set(password=password)
        except Exception as exc:  # ArgumentError and friends: not a URL
            return False, f"Not a database URL: {self._redact(str(exc), password)}", ""
        connect_args: dict[str, Any] = {}
        new_file = ""
        if parsed.get_backend_name() == "postgresql":
            connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
        elif parsed.get_backend_name() == "sqlite" and parsed.database:
            folder = os.path.dirname(os.path.abspath(parsed.database))
            if not os.path.isdir(folder):
                return False, f"The folder for the SQLite file does not exist: {folder}", ""
            new_file = _sqlite_file_to_create(parsed)
        try:
            engine = sqlalchemy.create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
        except Exception as exc:  # unknown dialect or driver
            return False, self._friendly(exc, parsed, password), ""
        try:
            # Connecting would create the file: a notebook that never runs SQL leaves none.
            server = _sqlite_server(new_file) if new_file else self._check(engine)
        except Exception as exc:
            engine.dispose()
            return False, self._friendly(exc, parsed, password), ""
        if self._engine is not None:
            self._engine.dispose()
        self._engine, self._password = engine, password
        where = parsed.render_as_string(hide_password=True)
        self._describe = where
        if new_file:
            return True, f"{server}: the file is created when a SQL cell first runs", server
        return True, f"Connected to {server}", server

    @staticmethod
    def _check(engine: Any) -> str:
        with engine.connect() as connection:
            dialect = engine.dialect.name
            if dialect == "postgresql":
                version = connection.exec_driver_sql("SHOW server_version").scalar()
                return f"PostgreSQL {str(version).split()[0]}"
            if dialect == "sqlite":
                version = connection.exec_driver_sql("select sqlite_version()").scalar()
                return f"SQLite {version} ({engine.url.database or 'memory'})"
            return f"{dialect} {getattr(engine.dialect, 'server_version_info', '') or ''}".strip()

    # -- errors in words ---------------------------------------------------------------------
    def _redact(self, text: str, password: str | None = None) -> str:
        for secret in (password, self._password):
            if secret:
                text = text.replace(secret, "***")
        return text

    def _friendly(self, exc: BaseException, url: Any, password: str | None) -> str:
        """The database's error in words a person understands (never the password)."""
        raw = self._redact(str(getattr(exc, "orig", None) or exc), password)
        host = url.host or "localhost"
        port = url.port or 5432
        user = url.username or "(default user)"
        text = raw.lower()
        if "password authentication failed" in text or "no password supplied" in text:
            return f"Wrong user name or password for {user} on {host}:{port}."
        if "could not translate host name" in text or "name or service not known" in text:
            return f"Unknown host {host}: check the server name."
        if "connection refused" in text:
            return f"Nothing is listening on {host}:{port} (connection refused). Is the server running?"
        if "timeout expired" in text or "timed out" in text:
            return f"No answer from {host}:{port} within {CONNECT_TIMEOUT_S} s."
        if "does not exist" in text and "database" in text:
            return f"Database {url.database!r} does not exist on {host}:{port}."
        if "can't load plugin" in text or "no module named" in text:
            return f"No driver for this kind of database URL: {raw.splitlines()[0]}"
        return raw.strip().splitlines()[0] if raw.strip() else type(exc).__name__

    # -- the schema, for completion -------------------------------------------------------------
    def describe_schema(self, request: DescribeSchema) -> DatabaseSchema:
        """Tables and columns of the database in force (nothing for a SQLite file that does
        not exist yet: reading it would create it)."""
        if self._deferred is not None and _new_sqlite_file(self._deferred) is not None:
            return self.schema.describe(None, request)
        engine = self._engine_now()
        if (
            engine is not None
            and engine.dialect.name == "sqlite"
            and _sqlite_file_to_create(engine.url)
        ):
            engine = None
        if engine is None and self._problem:
            return DatabaseSchema(request.request_id, error=self._problem)
        return self.schema.describe(engine, request)

    # -- running -------------------------------------------------------------------------------
    def run(self, statements: tuple[SqlStatementSpec, ...], namespace: dict[str, Any]) -> SqlResult:
        """Run every statement in order, in one transaction; the last one's result counts."""
        try:
            return self._run(statements, namespace)
        finally:
            if any(changes_schema(_leading_text(parts)) for _line, parts in statements):
                self.schema.forget()  # even a failed cell may have changed some of it

    def _run(
        self, statements: tuple[SqlStatementSpec, ...], namespace: dict[str, Any]
    ) -> SqlResult:
        if self._engine_now() is None:
            if self._problem:
                raise SqlCellError(self._problem, ename="DatabaseNotConnected")
            raise SqlCellError("No database is configured for this notebook.")
        try:
            import pandas
            from sqlalchemy import bindparam, text
            from sqlalchemy.exc import DBAPIError, SQLAlchemyError
        except ImportError as exc:
            raise _missing(exc.name or "pandas") from None
        result = SqlResult(None, None)
        last = len(statements) - 1
        # Rows become Python objects by the hundred thousand: the cyclic GC would walk them
        # again and again (a third of the time) while it can find no garbage among them.
        with self._engine.begin() as connection, _gc_paused():
            # Interrupt stops a statement through the driver: the main thread is blocked in C.
            canceller = _canceller(connection)
            for index, (line, parts) in enumerate(statements):
                sql, params, expanding = _render(parts, namespace)
                statement = text(sql)
                if expanding:
                    statement = statement.bindparams(
                        *(bindparam(n, expanding=True) for n in expanding)
                    )
                try:
                    with interrupts.cancellable(canceller):
                        cursor = None
                        if index == last and _may_stream(connection, sql):
                            cursor = _execute_streamed(connection, statement, params)
                        if cursor is None:
                            cursor = connection.execute(statement, params)
                        if not cursor.returns_rows:
                            result = SqlResult(None, cursor.rowcount)
                        elif index == last:
                            result = SqlResult(_read_frame(cursor, pandas), None)
                        else:  # an earlier statement's rows are read, then dropped
                            _drain(cursor)
                            result = SqlResult(None, None)
                except DBAPIError as exc:
                    raise self._statement_error(exc, parts, line) from None
                except SQLAlchemyError as exc:
                    raise SqlCellError(self._redact(str(exc).splitlines()[0]), line) from None
        return result

    def _statement_error(
        self, exc: Any, parts: tuple[tuple[str, str], ...], line: int
    ) -> SqlCellError:
        """The database's message, pointing at the cell line the driver's position names."""
        orig = getattr(exc, "orig", exc)
        message = self._redact(str(orig).strip()) or type(orig).__name__
        position = getattr(getattr(orig, "diag", None), "statement_position", None)
        error_line: int | None = line
        if position:
            # Placeholders never span lines, so counting newlines in the template text
            # (placeholders as written) up to the position gives the exact cell line.
            shown = "".join(value if kind == "text" else f"{{{value}}}" for kind, value in parts)
            error_line = line + shown.count("\n", 0, max(0, int(position) - 1))
        name = type(orig).__name__
        first = message.splitlines()[0]
        if error_line is not None:
            message = f"{first}\n(at line {error_line} of the cell)" + (
                "\n" + "\n".join(message.splitlines()[1:]) if len(message.splitlines()) > 1 else ""
            )
        return SqlCellError(message, error_line, name)


def _leading_text(parts: tuple[tuple[str, str], ...]) -> str:
    """A statement's literal text up to its first placeholder."""
    return parts[0][1] if parts and parts[0][0] == "text" else ""


def _sqlite_file_to_create(url: Any) -> str:
    """The SQLite file a connection to ``url`` would create (empty: it exists, or the URL
    names no plain file — memory, a ``file:`` URI)."""
    database = str(url.database or "")
    if database in ("", ":memory:") or "uri" in url.query or database.startswith("file:"):
        return ""
    return "" if os.path.exists(database) else os.path.abspath(database)


def _new_sqlite_file(url: str) -> str | None:
    """The absolute path of the SQLite file a plain ``sqlite:///PATH`` URL names when that file
    does not exist yet, its folder does, and SQLAlchemy is installed; else None (the URL is
    then checked with SQLAlchemy). Anything unusual — a driver, a query, an escape, memory, a
    ``file:`` URI — is left to SQLAlchemy."""
    prefix = "sqlite:///"
    database = url[len(prefix) :] if url.startswith(prefix) else ""
    if not database or any(c in database for c in "?%#") or database.startswith("file:"):
        return None
    if database == ":memory:" or os.path.exists(database):
        return None
    path = os.path.abspath(database)
    if not os.path.isdir(os.path.dirname(path)):
        return None  # SQLAlchemy's path says the folder is missing
    import importlib.util

    return path if importlib.util.find_spec("sqlalchemy") is not None else None


def _sqlite_server(path: str) -> str:
    """How a not-yet-created SQLite database is named (as :meth:`SqlEngine._check` would)."""
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version} ({path})"


def _canceller(connection: Any) -> Callable[[], None]:
    """What stops a statement running on ``connection`` from another thread: the driver's own
    interrupt (``sqlite3.Connection.interrupt``, psycopg's cancel)."""
    raw = connection.connection.dbapi_connection
    for name in ("interrupt", "cancel_safe", "cancel"):
        method = getattr(raw, name, None)
        if callable(method):
            return method  # type: ignore[no-any-return]
    return lambda: None


def _unwrap_control(data: Any) -> Any:
    """A control bound to a placeholder (``{city}`` for ``city = cs.dropdown(...)``) binds
    its value (SEMANTICS.md §8)."""
    from kernel_worker.cascade_api import Control  # the controls' module: tiny, stdlib-only

    return data.value if isinstance(data, Control) else data


def _render(
    parts: tuple[tuple[str, str], ...], namespace: dict[str, Any]
) -> tuple[str, dict[str, Any], list[str]]:
    """SQLAlchemy ``text()`` source with ``:pN`` binds, the values, and which binds expand.

    A list or tuple becomes an expanding bind (an IN list); ``IN ({ids})`` with the value in
    parentheses works too — the redundant parentheses are dropped. Colons in literal SQL are
    escaped so ``::INTEGER`` casts and ``'12:30'`` stay literal.
    """
    items = list(parts)
    pieces: list[str] = []
    params: dict[str, Any] = {}
    expanding: list[str] = []
    names: dict[str, str] = {}
    for index, (kind, value) in enumerate(items):
        if kind == "text":
            pieces.append(value.replace(":", "\\:"))
            continue
        if value not in namespace:
            raise SqlCellError(f"`{value}` is not defined by any cell", ename="NameError")
        data = _unwrap_control(namespace[value])
        bind = names.setdefault(value, f"p{len(names)}")
        params[bind] = data
        if isinstance(data, list | tuple | set | frozenset):
            params[bind] = list(data)
            if bind not in expanding:
                expanding.append(bind)
            nxt = items[index + 1] if index + 1 < len(items) else ("param", "")
            if (
                pieces
                and pieces[-1].rstrip().endswith("(")
                and nxt[0] == "text"
                and nxt[1].lstrip().startswith(")")
            ):
                pieces[-1] = pieces[-1].rstrip()[:-1]
                items[index + 1] = ("text", nxt[1].lstrip()[1:])
        pieces.append(f":{bind}")
    return "".join(pieces), params, expanding


# -- results ----------------------------------------------------------------------------------
#: Rows are turned into DataFrame columns about this many values (rows × columns) at a time,
#: so only one chunk of a result is ever held as Python objects.
_CHUNK_VALUES = 100_000
_MIN_CHUNK_ROWS = 1_000
_MAX_CHUNK_ROWS = 50_000

#: Statements PostgreSQL may run as a cursor (``DECLARE … CURSOR FOR``): queries, possibly
#: after comments and opening parentheses. Anything else a cursor refuses (``SELECT … INTO``,
#: a ``WITH`` that writes, a typo) falls back to running plainly.
_QUERY = re.compile(
    r"(?:\s+|--[^\n]*|/\*.*?\*/|\()*(?:SELECT|WITH|VALUES|TABLE)\b", re.IGNORECASE | re.DOTALL
)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the block (if it was on), on again after it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _may_stream(connection: Any, sql: str) -> bool:
    """Whether to read the result through a server-side cursor: PostgreSQL queries only.

    PostgreSQL hands a client-side cursor the whole result at once (as big as the DataFrame
    again, in libpq's memory), a server-side one as many rows as are asked for. SQLite and
    other databases read their ordinary cursor in chunks.
    """
    dialect = connection.dialect
    return (
        dialect.name == "postgresql"
        and bool(dialect.supports_server_side_cursors)
        and _QUERY.match(sql) is not None
    )


def _execute_streamed(connection: Any, statement: Any, params: dict[str, Any]) -> Any:
    """Execute ``statement`` as a PostgreSQL server-side cursor; None if it cannot be one.

    The cursor is declared in a savepoint: if PostgreSQL refuses it (a statement no cursor
    can hold, or an error in the statement), the savepoint is rolled back and the caller runs
    the statement plainly, so it behaves and fails exactly as it always did (error positions
    count from the statement, not from ``DECLARE``). ``cursor_tuple_fraction`` = 1 tells the
    planner every row will be read, as for a plain statement (a cursor's default, 0.1, favours
    plans fast to the first rows). ``SET LOCAL`` lasts until the end of the cell's transaction,
    and this is always its last statement.
    """
    from sqlalchemy.exc import DBAPIError

    savepoint = connection.begin_nested()
    try:
        connection.exec_driver_sql("SET LOCAL cursor_tuple_fraction = 1")
        cursor = connection.execute(statement, params, execution_options={"stream_results": True})
    except DBAPIError as exc:
        if exc.connection_invalidated or interrupts.state.requested:
            raise  # an interrupted statement is not run again plainly
        savepoint.rollback()
        return None
    # No RELEASE (one round trip fewer): the savepoint ends with the cell's transaction,
    # which SQLAlchemy commits with it.
    return cursor


def _chunk_rows(width: int) -> int:
    return max(_MIN_CHUNK_ROWS, min(_MAX_CHUNK_ROWS, _CHUNK_VALUES // max(width, 1)))


def _drain(result: Any) -> None:
    """Read every row of ``result`` (and forget them), a chunk at a time."""
    try:
        while result.fetchmany(_MAX_CHUNK_ROWS):
            pass
    finally:
        result.close()


def _read_frame(result: Any, pandas: Any) -> Any:
    """``result``'s rows as a DataFrame, read and converted a chunk at a time.

    Same frame as ``DataFrame.from_records(rows, columns, coerce_float=True)`` on all the rows
    (and the same dtypes as ``pandas.read_sql``), without ever holding every row as Python
    objects.
    """
    columns = list(result.keys())
    builder = _FrameBuilder(len(columns), pandas)
    size = _chunk_rows(len(columns))
    try:
        while True:
            rows = result.fetchmany(size)
            if rows:
                builder.add([tuple(row) for row in rows])
            if len(rows) < size:  # DB-API: fewer rows than asked for only at the end
                break
            del rows
    finally:
        result.close()
    return builder.frame(columns)


class _FrameBuilder:
    """A DataFrame assembled column by column from chunks of rows (tuples)."""

    def __init__(self, width: int, pandas: Any) -> None:
        self._pandas = pandas
        self._width = width
        #: Per column, one Series per chunk.
        self._pieces: list[list[Any]] = [[] for _ in range(width)]

    def add(self, rows: list[tuple[Any, ...]]) -> None:
        chunk = self._pandas.DataFrame.from_records(
            rows, columns=range(self._width), coerce_float=True
        )
        for index, pieces in enumerate(self._pieces):
            # A copy: an object (or str) column can be a view into from_records' rows ×
            # columns object array, which would keep every value of the chunk alive.
            pieces.append(chunk[index].copy())

    def frame(self, columns: list[str]) -> Any:
        pandas = self._pandas
        if not self._pieces or not self._pieces[0]:
            return pandas.DataFrame.from_records([], columns=columns, coerce_float=True)
        joined = {}
        for index in range(self._width):
            pieces, self._pieces[index] = self._pieces[index], []  # chunks go as columns come
            joined[index] = _join(pieces, pandas)
        frame = pandas.DataFrame(joined, copy=False)
        frame.columns = pandas.Index(columns)
        return frame


def _join(pieces: list[Any], pandas: Any) -> Any:
    """One column from its chunks, with the dtype inference gives the whole column."""
    if len(pieces) == 1:
        return pieces[0]
    if len({piece.dtype for piece in pieces}) > 1:
        pieces = _common_dtype(pieces, pandas)
    return pandas.concat(pieces, ignore_index=True)


def _common_dtype(pieces: list[Any], pandas: Any) -> list[Any]:
    """Chunks of one column whose values were inferred to different dtypes, cast to the
    dtype all the values together get (chunk by chunk where that is known, else at once).

    A chunk whose values are all NULL is object dtype: it takes the others' dtype (ints
    with NULLs become float64, booleans with NULLs stay objects, as in ``from_records``).
    """
    import numpy

    empty = [piece.dtype == object and bool(piece.isna().all()) for piece in pieces]
    found = {piece.dtype for piece, blank in zip(pieces, empty, strict=True) if not blank}
    target: Any = None
    if found and found <= {numpy.dtype("int64"), numpy.dtype("float64")}:
        target = numpy.dtype("float64")
    elif len(found) == 1:
        (only,) = found
        if only.kind in "mM" or isinstance(only, pandas.StringDtype):
            target = only
        elif only == numpy.dtype("bool"):
            target = numpy.dtype("object")
    if target is not None:
        return [piece.astype(target) for piece in pieces]
    # Anything else (values of different types, SQLite's dynamic typing): infer again from
    # all the values at once, as Python objects again (NULL as None, datetimes as datetime).
    # Only ints in a chunk with NULLs stay the floats that chunk made of them.
    values = numpy.concatenate([_objects(piece, pandas) for piece in pieces])
    column = pandas.DataFrame.from_records(list(zip(values)), columns=[0], coerce_float=True)
    return [column[0].copy()]


def _objects(piece: Any, pandas: Any) -> Any:
    """A chunk's values as an object array of plain Python values, None for missing ones."""
    import numpy

    values = piece.to_numpy(dtype=object, na_value=None)
    if piece.dtype.kind == "M":
        return numpy.array(
            [None if pandas.isna(v) else v.to_pydatetime() for v in values], dtype=object
        )
    if piece.dtype.kind == "m":
        return numpy.array(
            [None if pandas.isna(v) else v.to_pytimedelta() for v in values], dtype=object
        )
    return values

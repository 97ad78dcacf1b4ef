"""The database's tables and columns for completion in SQL cells, read with SQLAlchemy's inspector.

The worker owns the connection (the app never connects), so it answers
:class:`~kernel_worker.protocol.DescribeSchema`. What it reads is cached per connection: the
table names once, each table's columns when first asked for. The cache is forgotten when the
database is reconfigured and after a SQL cell runs DDL (:func:`changes_schema`), and read again
on request (``refresh``, the user asking twice in the same place).

Bounded so a huge schema never holds the worker for long: at most :data:`MAX_TABLES` names are
listed (one catalogue query each for tables and views), and at most
:data:`MAX_COLUMN_TABLES` tables' columns are read per request (one query each, on demand).

Stdlib-only at import, like the rest of the worker: SQLAlchemy is imported by the caller.
"""

from __future__ import annotations

import re

from kernel_worker.protocol import DatabaseSchema, DescribeSchema, TableColumns

TYPE_CHECKING = False  # typing is for the type checker only (see kernel_worker.protocol)
if TYPE_CHECKING:
    from typing import Any

#: Table (and view) names listed at most; more are dropped and the answer says ``truncated``.
MAX_TABLES = 5000
#: Tables whose columns are read per request (those named in the statement being typed).
MAX_COLUMN_TABLES = 8

#: A statement that changes the schema: after a cell runs one, the cache is stale.
_DDL = re.compile(
    r"(?:\s+|--[^\n]*|/\*.*?\*/)*(?:CREATE|DROP|ALTER|RENAME|TRUNCATE|ATTACH|DETACH)\b",
    re.IGNORECASE | re.DOTALL,
)


def changes_schema(sql: str) -> bool:
    """Whether a statement's text starts with a DDL keyword (after comments)."""
    return _DDL.match(sql) is not None


class SchemaCache:
    """What the inspector read from the current connection (see the module docstring)."""

    def __init__(self) -> None:
        #: Bumped whenever the cache is forgotten: receivers drop what they kept.
        self.generation = 0
        self._names: tuple[tuple[str, ...], tuple[str, ...], bool] | None = None
        self._columns: dict[str, TableColumns | None] = {}

    def forget(self) -> None:
        """The connection changed, or its schema did: read everything again when asked."""
        self.generation += 1
        self._names = None
        self._columns.clear()

    def describe(self, engine: Any, request: DescribeSchema) -> DatabaseSchema:
        """The answer to ``request`` from ``engine`` (None: no database to read)."""
        if request.refresh:
            self.forget()
        if engine is None:
            return self._answer(request, (), (), False, ())
        try:
            import sqlalchemy

            with engine.connect() as connection:
                inspector = sqlalchemy.inspect(connection)
                if self._names is None:
                    self._names = _names(inspector)
                tables, views, truncated = self._names
                known = set(tables) | set(views)
                wanted = [t for t in dict.fromkeys(request.tables) if t in known]
                for table in wanted[:MAX_COLUMN_TABLES]:
                    if table not in self._columns:
                        self._columns[table] = _columns(inspector, table)
        except Exception as exc:  # the database went away, a permission, a driver error
            first = str(getattr(exc, "orig", None) or exc).strip().splitlines()
            return DatabaseSchema(
                request.request_id,
                generation=self.generation,
                error=first[0] if first else type(exc).__name__,
            )
        found = tuple(c for t in wanted if (c := self._columns.get(t)) is not None)
        return self._answer(request, tables, views, truncated, found)

    def _answer(
        self,
        request: DescribeSchema,
        tables: tuple[str, ...],
        views: tuple[str, ...],
        truncated: bool,
        columns: tuple[TableColumns, ...],
    ) -> DatabaseSchema:
        return DatabaseSchema(
            request.request_id, tables, views, columns, truncated, self.generation
        )


def _names(inspector: Any) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """(tables, views, truncated) of the default schema, sorted, at most MAX_TABLES in all."""
    tables = sorted(inspector.get_table_names())
    views = sorted(inspector.get_view_names())
    truncated = len(tables) + len(views) > MAX_TABLES
    tables = tables[:MAX_TABLES]
    views = views[: MAX_TABLES - len(tables)]
    return tuple(tables), tuple(views), truncated


def _columns(inspector: Any, table: str) -> TableColumns | None:
    """A table's columns and types (None: it cannot be read, e.g. dropped meanwhile)."""
    try:
        found = inspector.get_columns(table)
    except Exception:  # NoSuchTableError, a view the driver cannot reflect
        return None
    names = tuple(str(column["name"]) for column in found)
    types = tuple(_type_name(column.get("type")) for column in found)
    return TableColumns(table, names, types)


def _type_name(kind: Any) -> str:
    try:
        return str(kind) if kind is not None else ""
    except Exception:  # a type SQLAlchemy cannot compile without a dialect (NullType, ...)
        return type(kind).__name__

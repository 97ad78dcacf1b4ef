"""The typed answers the kernel client gives for requests that run no user code (database
status, table pages and exports, the namespace summary, the table viewer's table, completions,
the database schema, signature help): plain values, so nothing above the client sees the
worker's protocol. Importable from :mod:`app.coordinator.kernel_client` as before."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from app.core.record import Record


class DatabaseAnswer(Record):
    ok: bool
    message: str
    server: str = ""


class PageRequest(Record):
    """Rows ``start``… (``count`` of them) of kernel table ``table_id``, in the order of
    ``sort_column`` (None: the frame's own order): one value from the table view to the worker."""

    table_id: str
    start: int
    count: int
    sort_column: int | None = None
    ascending: bool = True


class TablePage(Record):
    """Rows ``start``… of a kernel table (``error`` set when it cannot be read any more)."""

    table_id: str
    start: int
    rows: tuple[tuple[str, ...], ...] = ()
    total: int = 0
    error: str | None = None


class VariableSummary(Record):
    """One name in the kernel as the Variables panel shows it (see kernel_worker.variables)."""

    name: str
    type_name: str
    summary: str
    size: int = -1


class VariableTable(Record):
    """A name's value as a kernel table for the viewer: ``table``, the ``TABLE_MIME`` JSON, or
    "" and ``problem`` in words; ``defined`` False when the kernel has no such name."""

    name: str
    table: str = ""
    problem: str = ""
    defined: bool = True


class TableExport(Record):
    ok: bool
    message: str


class CompletionItem(Record):
    """One completion: ``name`` as listed, ``insert`` what to add after the typed prefix,
    ``kind`` (module, class, function, keyword, instance, path…) and a one-line ``detail``."""

    name: str
    insert: str
    kind: str = ""
    detail: str = ""


class KernelCompletions(Record):
    """The kernel's completions; ``unavailable``: its Python lacks ``jedi``."""

    items: tuple[CompletionItem, ...] = ()
    unavailable: bool = False
    error: str = ""


class SchemaAnswer(Record):
    """The database's tables and views, the columns of the tables asked for (table ->
    ((name, type), …)), whether more tables exist than were listed, the kernel's cache
    generation (a new one: anything kept before is stale) and why nothing could be read."""

    tables: tuple[str, ...] = ()
    views: tuple[str, ...] = ()
    columns: Mapping[str, tuple[tuple[str, str], ...]] = MappingProxyType({})
    truncated: bool = False
    generation: int = 0
    error: str = ""


class KernelInspection(Record):
    """The call around a position (``signature``, its ``params``, the ``parameter`` being
    typed or -1) and, when asked, the ``doc`` of the name there and its ``module``."""

    name: str = ""
    signature: str = ""
    params: tuple[str, ...] = ()
    parameter: int = -1
    doc: str = ""
    module: str = ""
    unavailable: bool = False
    error: str = ""
    #: The name's source file and line (docs asked, source known), for go to definition.
    path: str = ""
    line: int = 0

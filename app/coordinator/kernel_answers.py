"""The typed answers the kernel client gives for requests that run no user code (database
status, table pages and exports, the namespace summary, the table viewer's table, completions,
the database schema, signature help): plain values, so nothing above the client sees the
worker's protocol. Importable from :mod:`app.coordinator.kernel_client` as before."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class DatabaseAnswer:
    ok: bool
    message: str
    server: str = ""


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Rows ``start``… (``count`` of them) of kernel table ``table_id``, in the order of
    ``sort_column`` (None: the frame's own order): one value from the table view to the worker."""

    table_id: str
    start: int
    count: int
    sort_column: int | None = None
    ascending: bool = True


@dataclass(frozen=True, slots=True)
class TablePage:
    """Rows ``start``… of a kernel table (``error`` set when it cannot be read any more)."""

    table_id: str
    start: int
    rows: tuple[tuple[str, ...], ...] = ()
    total: int = 0
    error: str | None = None


@dataclass(frozen=True, slots=True)
class VariableSummary:
    """One name in the kernel as the Variables panel shows it (see kernel_worker.variables)."""

    name: str
    type_name: str
    summary: str
    size: int = -1


@dataclass(frozen=True, slots=True)
class VariableTable:
    """A name's value as a kernel table for the viewer: ``table``, the ``TABLE_MIME`` JSON, or
    "" and ``problem`` in words; ``defined`` False when the kernel has no such name."""

    name: str
    table: str = ""
    problem: str = ""
    defined: bool = True


@dataclass(frozen=True, slots=True)
class TableExport:
    ok: bool
    message: str


@dataclass(frozen=True, slots=True)
class CompletionItem:
    """One completion: ``name`` as listed, ``insert`` what to add after the typed prefix,
    ``kind`` (module, class, function, keyword, instance, path…) and a one-line ``detail``."""

    name: str
    insert: str
    kind: str = ""
    detail: str = ""


@dataclass(frozen=True, slots=True)
class KernelCompletions:
    """The kernel's completions; ``unavailable``: its Python lacks ``jedi``."""

    items: tuple[CompletionItem, ...] = ()
    unavailable: bool = False
    error: str = ""


@dataclass(frozen=True, slots=True)
class SchemaAnswer:
    """The database's tables and views, the columns of the tables asked for (table ->
    ((name, type), …)), whether more tables exist than were listed, the kernel's cache
    generation (a new one: anything kept before is stale) and why nothing could be read."""

    tables: tuple[str, ...] = ()
    views: tuple[str, ...] = ()
    columns: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    truncated: bool = False
    generation: int = 0
    error: str = ""


@dataclass(frozen=True, slots=True)
class KernelInspection:
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

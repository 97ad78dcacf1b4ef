"""Completion in SQL cells: tables, columns and keywords, and Python names inside ``{…}``.

The kernel owns the database connection, so the schema comes from it (``DescribeSchema``,
answered by ``kernel_worker.sql_schema`` from its per-connection cache) while it is idle. The
last answer is kept here, per database URL, so that while a plan runs (or before a kernel
runs) completion still offers the keywords and the names last seen, without waiting.

Asking twice in the same place (Ctrl+Space, Ctrl+Space: the same cell, text and cursor)
reads the schema again: this is how a table made outside a SQL cell (``df.to_sql`` in
Python, another program) is seen, with no menu action to find. DDL run by a SQL cell and a new
connection refresh it by themselves (the worker forgets its cache then).

What to offer is decided by :mod:`app.core.sql_completion` from the text alone; a Python name
inside a placeholder is completed as Python (live namespace, else the notebook's code).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from app.coordinator.kernel_client import (
    CompletionItem,
    KernelClient,
    KernelUnavailable,
    SchemaAnswer,
)
from app.core.sql_completion import Schema, SchemaColumn, sql_context, sql_items

log = logging.getLogger(__name__)

#: Python completion of (cell id, code, line, column): the items and whether they are live.
PythonSource = Callable[[str, str, int, int], Awaitable[tuple[tuple[CompletionItem, ...], bool]]]


@dataclass
class SchemaMemory:
    """The last schema the kernel described, for one database URL and cache generation;
    columns accumulate as tables are asked about."""

    url: str = ""
    generation: int = -1
    schema: Schema = field(default_factory=Schema)

    def remember(self, url: str, answer: SchemaAnswer) -> Schema:
        """Take in an answer (what was kept goes if the URL or generation changed)."""
        if answer.error:
            return self.schema if url == self.url else Schema()
        same = (url, answer.generation) == (self.url, self.generation)
        columns = dict(self.schema.columns) if same else {}
        for table, pairs in answer.columns.items():
            columns[table] = tuple(SchemaColumn(name, kind) for name, kind in pairs)
        self.url, self.generation = url, answer.generation
        self.schema = Schema(answer.tables, answer.views, columns)
        return self.schema

    def kept(self, url: str) -> Schema:
        """The schema kept for ``url`` (empty for another database)."""
        return self.schema if url == self.url else Schema()


class SqlCompleter:
    """One notebook's SQL completion (see the module docstring)."""

    def __init__(
        self,
        client: Callable[[], KernelClient],
        idle: Callable[[], bool],
        database_url: Callable[[], str],
        python: PythonSource,
    ) -> None:
        self._client = client
        self._idle = idle
        self._database_url = database_url
        self._python = python
        self.memory = SchemaMemory()
        #: The previous request (cell, code, line, column): the same again means "refresh".
        self._last: tuple[str, str, int, int] | None = None

    async def complete(
        self, cell_id: str, code: str, line: int, column: int
    ) -> tuple[tuple[CompletionItem, ...], bool]:
        """The items at a position of a SQL cell, and whether the kernel answered now."""
        request = (cell_id, code, line, column)
        refresh, self._last = request == self._last, request
        context = sql_context(code, line, column)
        if context.where == "placeholder":
            items, live = await self._python(cell_id, context.typed, 1, len(context.typed))
            return tuple(i for i in items if i.kind != "keyword"), live
        if context.where == "none":
            return (), False
        schema, live = await self._schema(context.tables, refresh)
        found = sql_items(context, schema)
        return tuple(CompletionItem(i.name, i.insert, i.kind, i.detail) for i in found), live

    async def _schema(self, tables: tuple[str, ...], refresh: bool) -> tuple[Schema, bool]:
        url = self._database_url()
        if not self._idle():
            return self.memory.kept(url), False
        try:
            answer = await self._client().describe_schema(tables, refresh)
        except KernelUnavailable:
            return self.memory.kept(url), False
        if answer.error:
            log.debug("the kernel could not describe the database: %s", answer.error)
        return self.memory.remember(url, answer), not answer.error

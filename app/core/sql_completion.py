"""What to complete in a SQL cell, from the text and a snapshot of the database's schema.

Pure: the coordinator asks the kernel for the schema (``kernel_worker.sql_schema``) or uses the
last one it kept, and this module decides, from the cell's text alone:

* where the cursor is (:func:`sql_context`): typing a word, a column after ``table.`` or
  ``alias.``, a Python name inside a ``{…}`` placeholder, or inside a string or comment
  (nothing to offer there);
* which tables the statement names in its FROM / JOIN / UPDATE / INTO clauses (with their
  aliases), so their columns are offered first and ``alias.`` completes;
* the items (:func:`sql_items`): tables and views, columns, and SQL keywords written in the
  case the user types (``SEL`` -> ``SELECT``, ``sel`` -> ``select``).

Regular expressions over the statement around the cursor, not a SQL parser: the statement
being typed is usually incomplete, which real parsers (sqlglot, sqlparse) reject or guess at.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "KEYWORDS",
    "Schema",
    "SchemaColumn",
    "SqlCompletion",
    "SqlContext",
    "sql_context",
    "sql_items",
]

#: Keywords and functions offered, the everyday ones of SQLite and PostgreSQL (a word list,
#: in the order shown when several match).
KEYWORDS: tuple[str, ...] = (
    "SELECT", "FROM", "WHERE", "GROUP BY", "ORDER BY", "HAVING", "LIMIT", "OFFSET", "JOIN",
    "LEFT JOIN", "RIGHT JOIN", "INNER JOIN", "FULL JOIN", "CROSS JOIN", "ON", "USING", "AS",
    "AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "ILIKE", "BETWEEN", "EXISTS", "DISTINCT",
    "CASE", "WHEN", "THEN", "ELSE", "END", "UNION", "UNION ALL", "INTERSECT", "EXCEPT", "WITH",
    "ASC", "DESC", "INSERT INTO", "VALUES", "UPDATE", "SET", "DELETE FROM", "CREATE TABLE",
    "CREATE VIEW", "CREATE INDEX", "DROP TABLE", "DROP VIEW", "ALTER TABLE", "ADD COLUMN",
    "PRIMARY KEY", "FOREIGN KEY", "REFERENCES", "DEFAULT", "UNIQUE", "CHECK", "RETURNING",
    "OVER", "PARTITION BY", "WINDOW", "FILTER", "TRUE", "FALSE", "CAST", "COUNT", "SUM", "AVG",
    "MIN", "MAX", "COALESCE", "NULLIF", "ROUND", "ABS", "LOWER", "UPPER", "LENGTH", "SUBSTR",
    "TRIM", "REPLACE", "DATE", "NOW", "CURRENT_DATE", "CURRENT_TIMESTAMP", "EXTRACT",
    "ROW_NUMBER", "RANK", "DENSE_RANK", "LAG", "LEAD", "INTEGER", "BIGINT", "REAL", "TEXT",
    "VARCHAR", "BOOLEAN", "NUMERIC", "TIMESTAMP", "EXPLAIN", "ANALYZE", "BEGIN", "COMMIT",
    "ROLLBACK",
)  # fmt: skip

#: Words after which a table name comes.
_TABLE_WORDS = frozenset({"FROM", "JOIN", "INTO", "UPDATE", "TABLE", "VIEW"})
#: Words that end a FROM / JOIN list (an alias is never one of them).
_CLAUSE_END = (
    r"WHERE|GROUP|ORDER|HAVING|LIMIT|OFFSET|ON|USING|JOIN|INNER|LEFT|RIGHT|FULL|CROSS|NATURAL"
    r"|OUTER|UNION|EXCEPT|INTERSECT|SET|VALUES|RETURNING|WINDOW|FETCH|SELECT|AS\s+SELECT"
)
_SOURCES = re.compile(
    rf"\b(?:FROM|JOIN|UPDATE|INTO)\s+(.+?)(?=\b(?:{_CLAUSE_END})\b|[;()]|$)",
    re.IGNORECASE | re.DOTALL,
)
_NAME = r"[A-Za-z_][\w$]*"
_QUALIFIED = re.compile(rf"(?<![\w$.])({_NAME}(?:\.{_NAME})?)\.(\w*)$")
_WORD = re.compile(r"(?<![\w$.])(\w*)$")
_PLACEHOLDER = re.compile(r"(?<!\{)\{\s*([A-Za-z_]\w*)?$")
_PREVIOUS_WORD = re.compile(r"(\w+)\s+$")


@dataclass(frozen=True, slots=True)
class SchemaColumn:
    name: str
    type: str = ""


@dataclass(frozen=True, slots=True)
class Schema:
    """What is known of the database: table and view names, and the columns read so far
    (by table name)."""

    tables: tuple[str, ...] = ()
    views: tuple[str, ...] = ()
    columns: Mapping[str, tuple[SchemaColumn, ...]] = field(default_factory=dict)

    def table_named(self, name: str) -> str | None:
        """The table or view ``name`` refers to (case-insensitive, a schema prefix dropped)."""
        wanted = name.lower()
        short = wanted.rsplit(".", 1)[-1]
        for table in (*self.tables, *self.views):
            if table.lower() in (wanted, short):
                return table
        return None

    def columns_of(self, name: str) -> tuple[SchemaColumn, ...]:
        table = self.table_named(name) or name
        return self.columns.get(table, ())


@dataclass(frozen=True, slots=True)
class SqlContext:
    """Where the cursor is. ``where``: ``word`` (a keyword, table or column), ``column``
    (after ``qualifier.``), ``placeholder`` (a Python name inside ``{``) or ``none``.
    ``typed``: the part of the word before the cursor. ``sources``: the statement's tables as
    written, by alias (a table without alias is its own)."""

    where: Literal["word", "column", "placeholder", "none"]
    typed: str = ""
    qualifier: str = ""
    sources: Mapping[str, str] = field(default_factory=dict)
    wants_table: bool = False

    @property
    def tables(self) -> tuple[str, ...]:
        """The tables whose columns matter here: the qualified one, else the statement's."""
        if self.where == "column":
            return (self.sources.get(self.qualifier.lower(), self.qualifier),)
        return tuple(dict.fromkeys(self.sources.values()))


@dataclass(frozen=True, slots=True)
class SqlCompletion:
    """One item: ``name`` shown and inserted, ``insert`` what follows the typed part."""

    name: str
    insert: str
    kind: str
    detail: str = ""


def sql_context(code: str, line: int, column: int) -> SqlContext:
    """The context at 1-based ``line``, 0-based ``column`` (code points) of a SQL cell."""
    lines = code.split("\n")
    if not 0 < line <= len(lines):
        return SqlContext("none")
    offset = sum(len(text) + 1 for text in lines[: line - 1]) + min(column, len(lines[line - 1]))
    before_line = lines[line - 1][:column]
    placeholder = _PLACEHOLDER.search(before_line)
    if placeholder is not None:
        return SqlContext("placeholder", placeholder.group(1) or "")
    start = code.rfind(";", 0, offset) + 1
    end = code.find(";", offset)
    statement = code[start : len(code) if end < 0 else end]
    head = statement[: offset - start]
    if _in_literal(head):
        return SqlContext("none")
    sources = _sources(_blank_literals(statement))
    qualified = _QUALIFIED.search(head)
    if qualified is not None:
        return SqlContext("column", qualified.group(2), qualified.group(1), sources)
    word = _WORD.search(head)
    if word is None or word.group(1)[:1].isdigit():
        return SqlContext("none")  # after a dot that follows no name, inside a number
    typed = word.group(1)
    previous = _PREVIOUS_WORD.search(head[: len(head) - len(typed)])
    wants_table = previous is not None and previous.group(1).upper() in _TABLE_WORDS
    return SqlContext("word", typed, "", sources, wants_table)


def sql_items(context: SqlContext, schema: Schema, limit: int = 200) -> tuple[SqlCompletion, ...]:
    """The completions for a ``word`` or ``column`` context (placeholders are Python's)."""
    typed = context.typed
    if context.where == "column":
        found = [
            _item(column.name, typed, "column", column.type)
            for column in schema.columns_of(context.tables[0])
        ]
        return tuple(item for item in found if item is not None)[:limit]
    if context.where != "word":
        return ()
    tables = [_item(t, typed, "table", "table") for t in schema.tables]
    tables += [_item(v, typed, "table", "view") for v in schema.views]
    columns: list[SqlCompletion | None] = []
    seen: set[str] = set()
    for table in context.tables:
        for column in schema.columns_of(table):
            if column.name not in seen:
                seen.add(column.name)
                detail = f"{schema.table_named(table) or table} · {column.type}".rstrip(" ·")
                columns.append(_item(column.name, typed, "column", detail))
    keywords = [_item(_in_case(k, typed), typed, "keyword") for k in KEYWORDS]
    ordered = tables + keywords if context.wants_table else columns + tables + keywords
    return tuple(item for item in ordered if item is not None)[:limit]


def _item(name: str, typed: str, kind: str, detail: str = "") -> SqlCompletion | None:
    """The item for ``name`` when it continues ``typed`` (ignoring case), else None."""
    if name == typed or not name.lower().startswith(typed.lower()):
        return None
    return SqlCompletion(name, name[len(typed) :], kind, detail)


def _in_case(keyword: str, typed: str) -> str:
    """A keyword in the case being typed: upper for ``SEL`` or nothing yet, lower for ``sel``,
    and as typed followed by lower case for ``Sel``."""
    if not typed or typed.isupper():
        return keyword
    if typed.islower():
        return keyword.lower()
    return typed + keyword[len(typed) :].lower()


def _sources(statement: str) -> dict[str, str]:
    """alias (lower case) -> table as written, for the tables of FROM/JOIN/UPDATE/INTO."""
    found: dict[str, str] = {}
    for match in _SOURCES.finditer(statement):
        for piece in match.group(1).split(","):
            words = piece.split()
            if not words or not re.fullmatch(rf"{_NAME}(?:\.{_NAME})?", words[0]):
                continue
            table = words[0]
            alias = words[-1] if len(words) > 1 else table
            if re.fullmatch(_NAME, alias) is None:
                alias = table
            found[alias.lower()] = table
            found.setdefault(table.lower(), table)
    return found


def _in_literal(text: str) -> bool:
    """Whether the end of ``text`` is inside a string, a quoted identifier or a comment."""
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char in "'\"":
            close = text.find(char, i + 1)
            if close < 0:
                return True
            i = close + 1
        elif text.startswith("--", i):
            newline = text.find("\n", i)
            if newline < 0:
                return True
            i = newline + 1
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            if close < 0:
                return True
            i = close + 2
        else:
            i += 1
    return False


def _blank_literals(text: str) -> str:
    """``text`` with strings and comments replaced by spaces (so their words name no table)."""
    return re.sub(r"'[^']*'?|--[^\n]*|/\*.*?(?:\*/|$)", " ", text, flags=re.DOTALL)

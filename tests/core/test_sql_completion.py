"""SQL completion's decisions from the text alone: where the cursor is, which tables the
statement names, and what is offered (tables, columns, keywords in the case typed)."""

from __future__ import annotations

import pytest

from app.core.sql_completion import Schema, SchemaColumn, SqlContext, sql_context, sql_items

SCHEMA = Schema(
    tables=("orders", "users"),
    views=("user_totals",),
    columns={
        "users": (SchemaColumn("id", "INTEGER"), SchemaColumn("name", "TEXT")),
        "orders": (SchemaColumn("id", "INTEGER"), SchemaColumn("user_id", "INTEGER")),
    },
)


def at_end(code: str) -> SqlContext:
    lines = code.split("\n")
    return sql_context(code, len(lines), len(lines[-1]))


def offered(code: str, schema: Schema = SCHEMA) -> list[tuple[str, str]]:
    return [(item.name, item.kind) for item in sql_items(at_end(code), schema)]


def test_after_from_tables_and_views_come_first() -> None:
    items = offered("SELECT * FROM u")
    assert items[:2] == [("users", "table"), ("user_totals", "table")]
    assert ("update", "keyword") in items  # in the case typed


def test_a_table_completes_with_the_suffix_to_insert() -> None:
    (first, *_rest) = sql_items(at_end("select * from ord"), SCHEMA)
    assert (first.name, first.insert, first.detail) == ("orders", "ers", "table")


def test_columns_after_a_table_or_its_alias_and_a_dot() -> None:
    assert offered("SELECT users.") == [("id", "column"), ("name", "column")]
    code = "SELECT o.u FROM orders AS o JOIN users u ON u.id = o.user_id"
    assert sql_context(code, 1, len("SELECT o.u")).tables == ("orders",)
    items = sql_items(sql_context(code, 1, len("SELECT o.u")), SCHEMA)
    assert [(i.name, i.insert) for i in items] == [("user_id", "ser_id")]


def test_columns_of_the_tables_in_from_and_join_are_offered_in_the_select_list() -> None:
    code = "SELECT na FROM orders o, users"
    context = sql_context(code, 1, len("SELECT na"))
    assert set(context.tables) == {"orders", "users"}
    first = sql_items(context, SCHEMA)[0]
    assert (first.name, first.kind, first.detail) == ("name", "column", "users · TEXT")


def test_table_names_match_whatever_their_case() -> None:
    code = "SELECT i FROM USERS"
    assert ("id", "column") in [
        (i.name, i.kind) for i in sql_items(sql_context(code, 1, len("SELECT i")), SCHEMA)
    ]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("SEL", "SELECT"), ("sel", "select"), ("Sel", "Select"), ("group", "group by")],
)
def test_keywords_follow_the_case_typed(typed: str, expected: str) -> None:
    assert (expected, "keyword") in offered(typed)


def test_nothing_inside_strings_or_comments() -> None:
    assert at_end("SELECT * FROM users WHERE name = 'us").where == "none"
    assert at_end("SELECT 1 -- fr").where == "none"
    assert at_end("SELECT 1 /* fr").where == "none"
    assert at_end("SELECT 'a' AS x FROM us").where == "word"


def test_a_python_name_inside_braces_is_a_placeholder() -> None:
    assert at_end("SELECT * FROM users WHERE id = {user_").where == "placeholder"
    assert at_end("SELECT * FROM users WHERE id = {user_").typed == "user_"
    assert at_end("SELECT {").typed == ""
    assert at_end("SELECT '{{us").where != "placeholder"  # {{ is a literal brace


def test_the_statement_around_the_cursor_is_the_one_read() -> None:
    code = "SELECT * FROM orders;\nSELECT i FROM users"
    context = sql_context(code, 2, len("SELECT i"))
    assert context.tables == ("users",)


def test_a_table_named_in_a_string_is_no_source() -> None:
    context = at_end("SELECT 'from orders' AS s, i")
    assert context.tables == ()


def test_numbers_complete_nothing() -> None:
    assert at_end("SELECT 3.1").where == "none"
    assert at_end("SELECT 3").where == "none"

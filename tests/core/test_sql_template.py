"""Table-driven tests for SQL cell templates: what is a placeholder and what stays literal."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.core.sql_template import Placeholder, SqlTemplate, parse_sql_statements, parse_sql_template

P = Placeholder

CASES: list[tuple[str, str, tuple[str | Placeholder, ...]]] = [
    # -- placeholders ------------------------------------------------------------------------
    ("empty", "", ()),
    ("plain_sql", "select 1", ("select 1",)),
    ("placeholder", "select * from t where a = {x}", ("select * from t where a = ", P("x"))),
    ("spaces_inside_braces", "where a = { x }", ("where a = ", P("x"))),
    ("tabs_inside_braces", "{\tx\t}", (P("x"),)),
    ("adjacent", "{a}{b}", (P("a"), P("b"))),
    ("repeated", "{b} {a} {b}", (P("b"), " ", P("a"), " ", P("b"))),
    ("unicode_identifier", "{données}", (P("données"),)),
    ("underscore_identifier", "{_tmp1}", (P("_tmp1"),)),
    ("in_list", "where id in {ids}", ("where id in ", P("ids"))),
    ("minus_is_not_comment", "select a-{x}", ("select a-", P("x"))),
    ("division_is_not_comment", "select 4 / 2 * {x}", ("select 4 / 2 * ", P("x"))),
    # -- braces that are not placeholders ----------------------------------------------------
    ("keyword", "{class}", ("{class}",)),
    ("digit_first", "{1x}", ("{1x}",)),
    ("regex_quantifier", "where s ~ a{1,2}", ("where s ~ a{1,2}",)),
    ("dotted", "{a.b}", ("{a.b}",)),
    ("two_words", "{a b}", ("{a b}",)),
    ("empty_braces", "{}", ("{}",)),
    ("lone_open", "{", ("{",)),
    ("lone_close", "}", ("}",)),
    ("unclosed", "{x", ("{x",)),
    ("newline_inside", "{x\n}", ("{x\n}",)),
    ("json_like", '{"a": 1}', ('{"a": 1}',)),
    ("brace_around_placeholder", "{ {x} }", ("{ ", P("x"), " }")),
    # -- doubled braces ----------------------------------------------------------------------
    ("doubled", "{{x}}", ("{x}",)),
    ("doubled_spaced", "a {{ b }} c", ("a { b } c",)),
    ("doubled_around_placeholder", "{{{x}}}", ("{", P("x"), "}")),
    # -- comments ----------------------------------------------------------------------------
    (
        "line_comment",
        "select {a} -- uses {b}\nfrom t",
        ("select ", P("a"), " -- uses {b}\nfrom t"),
    ),
    ("line_comment_at_end", "select 1 -- {b}", ("select 1 -- {b}",)),
    ("line_comment_keeps_doubled", "-- {{x}}\n{y}", ("-- {{x}}\n", P("y"))),
    ("block_comment", "select /* {a} */ {b}", ("select /* {a} */ ", P("b"))),
    ("multiline_block_comment", "/* one\n{a}\n*/ {b}", ("/* one\n{a}\n*/ ", P("b"))),
    ("unterminated_block_comment", "select {a} /* {b}", ("select ", P("a"), " /* {b}")),
    ("block_comments_do_not_nest", "/* /* {a} */ {b} */", ("/* /* {a} */ ", P("b"), " */")),
    ("comment_quote_not_a_string", "-- it's {a}\n{b}", ("-- it's {a}\n", P("b"))),
    # -- strings and quoted identifiers ------------------------------------------------------
    ("string_literal", "where name = 'it''s {a}'", ("where name = 'it''s {a}'",)),
    ("comment_marker_in_string", "select '-- {a}', {b}", ("select '-- {a}', ", P("b"))),
    ("string_keeps_doubled_braces", "select '{{a}}'", ("select '{{a}}'",)),
    ("regex_in_string", "where s ~ '^a{1,2}$'", ("where s ~ '^a{1,2}$'",)),
    (
        "json_in_string",
        """select '{"k": {"n": 1}}'::jsonb""",
        ("""select '{"k": {"n": 1}}'::jsonb""",),
    ),
    ("quoted_placeholder", "where name = '{a}'", ("where name = ", P("a"))),
    ("quoted_placeholder_spaces", "= '{ a }'", ("= ", P("a"))),
    ("quoted_placeholder_in_list", "in ('{a}', '{b}')", ("in (", P("a"), ", ", P("b"), ")")),
    ("quoted_with_more_text", "like '{a}%'", ("like '{a}%'",)),
    ("quoted_then_doubled_quote", "'{a}''s'", ("'{a}''s'",)),
    ("prefixed_string", "N'{a}'", ("N'{a}'",)),
    ("escape_string_backslash", r"select E'\' {a}', {b}", (r"select E'\' {a}', ", P("b"))),
    ("plain_string_backslash", r"select '\', {b}", (r"select '\', ", P("b"))),
    ("unterminated_string", "select '{a}", ("select '{a}",)),
    ("double_quoted_identifier", 'select "{a}" from t', ('select "{a}" from t',)),
    ("double_quoted_escape", 'select "a""{b}" , {c}', ('select "a""{b}" , ', P("c"))),
    ("unterminated_identifier", 'select "{a}', ('select "{a}',)),
    ("backtick_identifier", "select `{a}` from t", ("select `{a}` from t",)),
    # -- dollar quoting ----------------------------------------------------------------------
    ("dollar_quoted", "select $${a}$$, {b}", ("select $${a}$$, ", P("b"))),
    ("tagged_dollar_quoted", "select $fn$ {a} $fn$ {b}", ("select $fn$ {a} $fn$ ", P("b"))),
    ("dollar_other_tag_inside", "$a$ $b$ {x} $a$", ("$a$ $b$ {x} $a$",)),
    ("dollar_unterminated", "$$ {a}", ("$$ {a}",)),
    ("dollar_quote_in_string", "'$$' {a} '$$'", ("'$$' ", P("a"), " '$$'")),
    ("positional_parameter", "where a = $1 and b = {b}", ("where a = $1 and b = ", P("b"))),
    ("dollar_in_identifier", "select a$b$c, {x}", ("select a$b$c, ", P("x"))),
]


def test_enough_cases() -> None:
    assert len({case[0] for case in CASES}) == len(CASES) >= 50


@pytest.mark.parametrize(
    ("template", "parts"),
    [pytest.param(template, parts, id=case_id) for case_id, template, parts in CASES],
)
def test_parse(template: str, parts: tuple[str | Placeholder, ...]) -> None:
    assert parse_sql_template(template).parts == parts


def test_names_are_unique_in_first_occurrence_order() -> None:
    template = parse_sql_template("select {b}, {a}, '{b}', {c} -- {d}\n, {a}")
    assert template.names == ("b", "a", "c")


def test_names_of_template_without_placeholders() -> None:
    assert parse_sql_template("select 1").names == ()
    assert SqlTemplate(()).names == ()


def _render(template: SqlTemplate) -> str:
    return "".join(f"{{{p.name}}}" if isinstance(p, Placeholder) else p for p in template.parts)


def _check_well_formed(template: SqlTemplate) -> None:
    previous_was_text = False
    for part in template.parts:
        if isinstance(part, Placeholder):
            assert part.name.isidentifier()
            previous_was_text = False
        else:
            assert part, "no empty literal parts"
            assert not previous_was_text, "adjacent literal parts are merged"
            previous_was_text = True


# Fragments that exercise every scanner state; no spaces (a placeholder with spaces inside the
# braces is not rendered back the way it was written).
_SPECIAL_FRAGMENTS = ["{", "}", "'", '"', "`", "$", "$t$", "-", "--", "/", "*", "/*", "*/", "\n"]
_PLAIN_FRAGMENTS = ["\\", "a", "x1", "_", "E", "N", "1", ",", "=", "class", "é"]
_FRAGMENTS = st.sampled_from([*_SPECIAL_FRAGMENTS, *_PLAIN_FRAGMENTS])
_SQLISH = st.lists(_FRAGMENTS, max_size=40).map("".join)


@settings(max_examples=300, deadline=None, database=None)
@given(st.one_of(st.text(), _SQLISH))
def test_any_text_parses(text: str) -> None:
    _check_well_formed(parse_sql_template(text))


@settings(max_examples=300, deadline=None, database=None)
@given(_SQLISH)
def test_round_trip_without_escapes(text: str) -> None:
    assume("{{" not in text and "}}" not in text and not re.search(r"'\{\w+\}'", text))
    assert _render(parse_sql_template(text)) == text


STATEMENT_CASES: list[tuple[str, str, list[tuple[int, tuple[str | Placeholder, ...]]]]] = [
    ("single", "select 1", [(1, ("select 1",))]),
    ("trailing-semicolon", "select 1;", [(1, ("select 1",))]),
    ("two", "select 1;\nselect {x}", [(1, ("select 1",)), (1, ("\nselect ", Placeholder("x")))]),
    (
        "semicolon-in-string",
        "insert into t values ('a;b')",
        [(1, ("insert into t values ('a;b')",))],
    ),
    ("semicolon-in-comment", "select 1 -- a; b\n", [(1, ("select 1 -- a; b\n",))]),
    (
        "semicolon-in-dollar-quote",
        "select $$;$$; select 2",
        [(1, ("select $$;$$",)), (1, (" select 2",))],
    ),
    ("only-blanks-and-comments-dropped", ";\n;-- nothing\n;/* x */", []),
    (
        "line-of-later-statement",
        "select 1;\n\n\nselect 2",
        [(1, ("select 1",)), (1, ("\n\n\nselect 2",))],
    ),
    (
        "statement-starting-after-newline",
        "select 1\n;\nselect 2",
        [(1, ("select 1\n",)), (2, ("\nselect 2",))],
    ),
]


@pytest.mark.parametrize(
    ("template", "expected"), [c[1:] for c in STATEMENT_CASES], ids=[c[0] for c in STATEMENT_CASES]
)
def test_parse_sql_statements(
    template: str, expected: list[tuple[int, tuple[str | Placeholder, ...]]]
) -> None:
    """Several statements in one cell run in order (issue: SQL cells); `;` splits only at top level."""
    got = [(s.line, s.template.parts) for s in parse_sql_statements(template)]
    assert got == expected

"""Pure rules of the editor's typing: auto-closing pairs, where the cursor is code, the dedent
after a block-ending statement, the zoom's limits and an accepted completion's closers."""

from __future__ import annotations

import pytest
from pygments.lexers import PythonLexer, SqlLexer

from app.ui.editor.auto_pairs import PairTyping, deletes_pair, opens_block, typed_pair, wrapped
from app.ui.editor.completion_popup import closers_overlap
from app.ui.editor.highlighter import in_code_at, lex_line
from app.ui.editor.line_edits import newline_indent
from app.ui.editor.preferences import MAX_POINT_SIZE, MIN_POINT_SIZE, clamped_zoom

PAIR = PairTyping("insert", "()", 1)
OVER = PairTyping("over")


@pytest.mark.parametrize(
    ("char", "before", "after", "in_code", "expected"),
    [
        ("(", "print", "", True, PAIR),
        ("[", "x = ", "", True, PairTyping("insert", "[]", 1)),
        ("{", "f(", ")", True, PairTyping("insert", "{}", 1)),  # before a closer
        ("(", "f", " x", True, PAIR),  # before whitespace
        ("(", "", "x", True, None),  # before a word: just the bracket
        ("(", "# note ", "", False, PAIR),  # brackets close in comments and strings too
        (")", "f(x", ")", True, OVER),
        ("]", "a[1", "]", True, PairTyping("over")),
        (")", "f(x", "", True, None),  # nothing to type over
        ('"', "x = ", "", True, PairTyping("insert", '""', 1)),
        ("'", "x = [", "]", True, PairTyping("insert", "''", 1)),
        ("'", "it", "", True, None),  # after a word character
        ("'", "x = it", "", True, None),
        ('"', "x = f", "", True, PairTyping("insert", '""', 1)),  # string prefixes
        ('"', "x = rb", "", True, PairTyping("insert", '""', 1)),
        ('"', "x = self.f", "", True, None),  # an attribute, not a prefix
        ('"', "x = elf", "", True, None),
        ("'", 'x = "it', "", False, None),  # inside a string
        ('"', "# say ", "", False, None),  # inside a comment
        ('"', 'x = "abc', '"', False, OVER),  # ends the string: typed over
        ('"', "x = ", '"a"', True, None),  # would start the next one: inserted
        ('"', 'x = ""', "", True, PairTyping("insert", '""""', 1)),  # """|"""
        ("'", "f''", "", True, PairTyping("insert", "''''", 1)),
        ('"', 'x = "a"', "", True, None),
        ('"', '"""', '"""', False, OVER),
        ("a", "x", "", True, None),
    ],
)
def test_typed_pair(
    char: str, before: str, after: str, in_code: bool, expected: PairTyping | None
) -> None:
    assert typed_pair(char, before, after, in_code=in_code) == expected


def test_opens_block_between_an_empty_bracket_pair() -> None:
    assert opens_block("x = {", "}")
    assert opens_block("f(", ")")
    assert not opens_block('x = "', '"')  # quotes are not blocks
    assert not opens_block("f(", "x)")
    assert not opens_block("", "")


def test_wrapped_and_deletes_pair() -> None:
    assert wrapped("(", "a + b") == "(a + b)"
    assert wrapped('"', "name") == '"name"'
    assert wrapped(")", "x") is None
    assert deletes_pair("f(", ")")
    assert deletes_pair('x = "', '"')
    assert not deletes_pair("f(", "x)")
    assert not deletes_pair("", ")")
    assert not deletes_pair("(", "]")


@pytest.mark.parametrize(
    ("before", "code"),
    [
        ("x = ", True),
        ('x = "abc', False),
        ('x = "abc"', True),
        ('x = ""', True),
        ("it's", False),
        ('"""doc', False),
        ("x = 1  # note", False),
        ('f"{x', True),  # an f-string's braces hold code
        ('f"{x}ab', False),
        ("def f(", True),
    ],
)
def test_python_code_context(before: str, code: bool) -> None:
    assert in_code_at(PythonLexer(), "python", before, ("root",)) is code


def test_a_line_inside_a_triple_quoted_string_is_not_code() -> None:
    lexer = PythonLexer()
    _, stack = lex_line(lexer, 'x = """first line', ("root",))
    assert in_code_at(lexer, "python", "second ", stack) is False
    assert in_code_at(lexer, "python", 'end""" + ', stack) is True


@pytest.mark.parametrize(
    ("before", "code"),
    [
        ("select ", True),
        ("select 'abc", False),
        ("select 'abc'", True),
        ("where 'it''s", False),
        ("-- note", False),
        ("/* note", False),
        ("where x = {", True),
    ],
)
def test_sql_code_context(before: str, code: bool) -> None:
    assert in_code_at(SqlLexer(), "sql", before, ("root",)) is code


@pytest.mark.parametrize(
    ("before", "indent"),
    [
        ("    return x", ""),
        ("    return", ""),
        ("        pass", "    "),
        ("    raise ValueError('x')", ""),
        ("    break", ""),
        ("    continue  # next", ""),
        ("    return(x)", ""),
        ("\treturn", ""),
        ("      pass", "  "),
        ("    passed = 1", "    "),  # a name that starts like one
        ("    return_value = 2", "    "),
        ("    return (", "    "),  # the statement goes on
        ("    return [1,", "    "),
        ("    return \\", "    "),
        ("    return ')'  # (", ""),  # brackets in strings and comments do not count
        ("return 1", ""),  # nothing to dedent
    ],
)
def test_newline_dedents_after_a_block_ending_statement(before: str, indent: str) -> None:
    assert newline_indent(before, "python") == indent


def test_sql_never_dedents() -> None:
    assert newline_indent("    return x", "sql") == "    "


def test_zoom_stays_within_readable_sizes() -> None:
    assert clamped_zoom(10, 3) == 3
    assert clamped_zoom(10, -100) == MIN_POINT_SIZE - 10
    assert clamped_zoom(10, 100) == MAX_POINT_SIZE - 10


def test_an_accepted_completion_does_not_double_an_auto_closed_quote() -> None:
    assert closers_overlap('"revenue"', '"]') == 1
    assert closers_overlap('"revenue"]', '"]') == 2
    assert closers_overlap("path", ")") == 0
    assert closers_overlap('"a"', "") == 0
    assert closers_overlap("ab", "b") == 0  # only closers, never a word's letters

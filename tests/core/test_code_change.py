"""Which edits change what a cell does (auto-run skips the others)."""

from __future__ import annotations

import pytest

from app.core.code_change import same_program


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("x = 1", "x = 1  # the answer"),
        ("x = 1", "x  =  1\n\n"),
        ("def f(a):\n    return a", "def f(a):\n\n    # doubled later\n    return a"),
        ("y = f(1,2)", "y = f(\n    1,\n    2,\n)"),
        ("s = 'a'", 's = "a"'),  # the same string constant
    ],
)
def test_comments_and_layout_do_not_change_a_python_program(before: str, after: str) -> None:
    assert same_program("python", before, after)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("x = 1", "x = 2"),
        ("x = 1", "x = 1\ny = 2"),
        ("def f():\n    '''doc'''", "def f():\n    '''other doc'''"),  # docstrings are values
        ("x = 1", "x = (1"),  # the new code does not parse: not the same program
        ("x = (1", "x = (1  # still broken"),  # neither parses: nothing to compare
    ],
)
def test_real_python_changes_count(before: str, after: str) -> None:
    assert not same_program("python", before, after)


def test_sql_layout_only_changes_are_the_same_query() -> None:
    assert same_program("sql", "SELECT 1\nFROM t", "SELECT 1   \n\nFROM t\n")
    assert not same_program("sql", "SELECT 1 FROM t", "SELECT 2 FROM t")
    assert not same_program("sql", "SELECT 'a  b'", "SELECT 'a b'")


def test_markdown_edits_always_count() -> None:
    assert not same_program("markdown", "# Title", "# Title ")

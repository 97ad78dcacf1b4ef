"""Find and replace over cells: options, counts, replacements, bad patterns."""

from __future__ import annotations

import pytest

from app.core.text_search import (
    QueryError,
    SearchOptions,
    TextMatch,
    find_all,
    replace_all,
    replace_one,
)

CELLS = [("a", "total = 1\nTotal = 2"), ("b", "subtotal = total + 1"), ("c", "print('x')")]


def test_plain_search_ignores_case_by_default_and_counts_every_cell() -> None:
    found = find_all(CELLS, "total", SearchOptions())
    assert [(m.cell_id, m.start) for m in found] == [("a", 0), ("a", 10), ("b", 3), ("b", 11)]


def test_match_case_and_whole_word() -> None:
    assert len(find_all(CELLS, "total", SearchOptions(match_case=True))) == 3
    whole = find_all(CELLS, "total", SearchOptions(whole_word=True, match_case=True))
    assert [(m.cell_id, m.start) for m in whole] == [("a", 0), ("b", 11)]


def test_regex_and_plain_text_that_looks_like_one() -> None:
    assert len(find_all(CELLS, r"\d", SearchOptions(regex=True))) == 3
    assert find_all(CELLS, r"\d", SearchOptions()) == []
    assert find_all([("x", "a.b axb")], "a.b", SearchOptions()) == [TextMatch("x", 0, 3)]


def test_bad_regex_is_a_clear_error() -> None:
    with pytest.raises(QueryError, match="regular expression"):
        find_all(CELLS, "(", SearchOptions(regex=True))


def test_empty_query_and_empty_matches_find_nothing() -> None:
    assert find_all(CELLS, "", SearchOptions()) == []
    assert find_all(CELLS, "x*", SearchOptions(regex=True)) == [TextMatch("c", 7, 8)]


def test_replace_all_changes_only_cells_with_matches_and_keeps_literals() -> None:
    changed = replace_all(CELLS, "total", r"sum\1", SearchOptions(whole_word=True, match_case=True))
    assert changed == {"a": "sum\\1 = 1\nTotal = 2", "b": "subtotal = sum\\1 + 1"}


def test_regex_replacement_uses_groups() -> None:
    changed = replace_all([("a", "f(1, 2)")], r"(\d), (\d)", r"\2, \1", SearchOptions(regex=True))
    assert changed == {"a": "f(2, 1)"}


def test_replace_one_replaces_that_match_only() -> None:
    text = "x = x + x"
    second = find_all([("a", text)], "x", SearchOptions())[1]
    assert replace_one(text, second, "x", "y", SearchOptions()) == "x = y + x"
    with pytest.raises(QueryError):
        replace_one("changed", second, "x", "y", SearchOptions())

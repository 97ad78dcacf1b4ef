"""Find and replace over a notebook's cells: pure functions over (cell id, text) pairs.

The window's find bar calls these on the editors' current text; Replace all hands the changed
cells to the coordinator as one edit. Positions are Python string indices (code points).
Python's ``re`` does the matching: plain text is escaped, whole word wraps the pattern in
``\\b`` guards, and a regular expression's replacement may use ``\\1`` / ``\\g<name>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


class QueryError(ValueError):
    """A regular expression that does not compile; the message says why, for a person."""


@dataclass(frozen=True, slots=True)
class SearchOptions:
    match_case: bool = False
    whole_word: bool = False
    regex: bool = False


@dataclass(frozen=True, slots=True)
class TextMatch:
    """``text[start:end]`` of cell ``cell_id`` matches."""

    cell_id: str
    start: int
    end: int


def compile_query(query: str, options: SearchOptions) -> re.Pattern[str]:
    """The pattern for ``query``; :class:`QueryError` for a bad regular expression."""
    source = query if options.regex else re.escape(query)
    if options.whole_word:
        source = rf"(?<!\w)(?:{source})(?!\w)"
    flags = re.MULTILINE if options.match_case else re.MULTILINE | re.IGNORECASE
    try:
        return re.compile(source, flags)
    except re.error as exc:
        raise QueryError(f"Not a valid regular expression: {exc}") from None


def find_all(
    cells: Iterable[tuple[str, str]], query: str, options: SearchOptions
) -> list[TextMatch]:
    """Every non-empty match, in cell order then text order (an empty query finds nothing)."""
    if not query:
        return []
    pattern = compile_query(query, options)
    return [
        TextMatch(cell_id, found.start(), found.end())
        for cell_id, text in cells
        for found in pattern.finditer(text)
        if found.end() > found.start()
    ]


def expand(match: re.Match[str], replacement: str, options: SearchOptions) -> str:
    """What one match is replaced by: group references in regex mode, literal otherwise."""
    if not options.regex:
        return replacement
    try:
        return match.expand(replacement)
    except (re.error, IndexError) as exc:
        raise QueryError(f"Not a valid replacement: {exc}") from None


def replace_one(
    text: str, at: TextMatch, query: str, replacement: str, options: SearchOptions
) -> str:
    """``text`` with the match ``at`` replaced (it must still be a match there)."""
    pattern = compile_query(query, options)
    found = pattern.match(text, at.start)
    if found is None or found.end() != at.end:
        raise QueryError("The text changed since it was found; search again.")
    return text[: at.start] + expand(found, replacement, options) + text[at.end :]


def replace_all(
    cells: Iterable[tuple[str, str]], query: str, replacement: str, options: SearchOptions
) -> dict[str, str]:
    """The new text of every cell with a match (cells without one are left out)."""
    if not query:
        return {}
    pattern = compile_query(query, options)
    changed: dict[str, str] = {}
    for cell_id, text in cells:
        new, count = pattern.subn(lambda m: expand(m, replacement, options), text)
        if count and new != text:
            changed[cell_id] = new
    return changed

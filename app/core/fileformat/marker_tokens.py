"""A marker's text split into its kind tag, title words and ``key=value`` pairs, as Jupytext's
reader splits it, in a few passes in C however many tokens it holds.

Tokens are tried in Jupytext's order: a kind tag ``[markdown]``, ``key="quoted"``,
``key=plain``, ``key=`` and a value that runs to the first space outside brackets and strings
(``tags=["a b"]``), a word. A text with no ``=``, or no ``"`` and its brackets closed in
its runs of characters, has its runs as tokens: it is split at its spaces, and its runs told
apart by a search over them all (joined by newlines). In any other, one regular expression
finds the tokens at once (a value nested deeper than :data:`SCAN_DEPTH` brackets is found by a
scan of its characters instead). Words
before the first pair make the title, less trailing ``.class`` words; identifiers after it are
keys without a value (``null``); other stray words join the title. Values are kept as written
(``"quoted"`` with their quotes, or bare), for the file's values to be read at once
(:mod:`app.core.fileformat.value_batch`).
"""

from __future__ import annotations

import functools
import json
import re
from collections import deque
from itertools import chain, compress, count, repeat
from operator import add, itemgetter, not_
from typing import Any

from app.core.fileformat.syntax import KEY_PATTERN

#: Values nested deeper than this are found by a scan of their characters (a deeper pattern
#: takes longer to compile than most files take to read).
SCAN_DEPTH = 16
KIND_TAGS = ("markdown", "md", "raw", "sql", "python")
_TAG_RUNS = frozenset(f"[{tag}]" for tag in KIND_TAGS)
#: The value written for a key without one (what reads as ``null``).
NULL = "null"
_NULLS = ("", NULL)


class TokenProblem(ValueError):
    """A marker whose tokens cannot be read (the reader adds the line)."""


# A string in a value: to its closing quote, or to the end of the text.
_STRING = r'"(?:[^"\\]|\\.)*+(?:"|\\?\Z)'


def _scan_value(depth: int) -> str:
    """A value that runs to the first space or tab outside brackets and strings (Jupytext
    reads it as JSON), with brackets nested at most ``depth + 1`` deep; a closing bracket
    with none open is a plain character, an unclosed one runs to the end of the text."""
    inner = rf'(?:[^\[\]{{}}"]++|{_STRING})*+'
    for _ in range(depth):
        inner = rf'(?:[^\[\]{{}}"]++|{_STRING}|[\[{{]{inner}(?:[\]}}]|\Z))*+'
    return rf'(?:[^ \t\[{{"]++|{_STRING}|[\[{{]{inner}(?:[\]}}]|\Z))++(?![^ \t])'


@functools.cache
def _token_pattern() -> re.Pattern[str]:
    """One token per match. Groups: 1 the spaces and tabs before it, 2 a pair ``key=value``
    (the value ``"quoted"``, plain, a lone ``"`` that opens no whole quoted value (an error),
    or one needing a scan), 3 the key of a value too deep for the pattern (the match takes
    the rest of the text), 4 a word (a kind tag is a word ``[md]`` here). A key is followed
    by ``=`` or is none (its characters hold no ``=``: matched once, atomically, for every
    kind of value Jupytext tries in turn). An empty match at the end of the text ends the
    search there, where trailing spaces would otherwise be tried at every offset."""
    return re.compile(
        r"([ \t]*+)(?:"
        rf"((?>{KEY_PATTERN})=(?:"
        r'"(?:[^"\\]|\\.)*+"(?=[ \t]|\Z)'
        r'|[^ \t"\[{]*+(?=[ \t]|\Z)'
        r'|"'
        rf"|{_scan_value(SCAN_DEPTH)}))"
        rf"|((?>{KEY_PATTERN}))=(?s:.*)"
        r"|([^ \t]++)"
        r"|\Z)"
    )


#: A marker's tokens as columns: ``key=value`` texts (``""`` for a word) and words (``""``
#: for a pair).
Columns = tuple[list[str], list[str]]
#: Words (no newline in them) joined by newlines: each identifier (Jupytext's: a key without a
#: value), ``""`` for other words (one search for all, not one per word).
_IDENTIFIER_LINES = re.compile(r"^(?:([a-zA-Z_.][a-zA-Z0-9_.]*+)$|.*)$", re.MULTILINE)
#: Words joined by newlines, each an identifier.
_IDENTIFIERS = re.compile(r"[a-zA-Z_.][a-zA-Z0-9_.]*+(?:\n[a-zA-Z_.][a-zA-Z0-9_.]*+)*+")
_RUN = re.compile(r"[^ \t]++")
#: A run that is a pair (``key=value``).
_KEY_EQUALS = re.compile(rf"(?>{KEY_PATTERN})=")
#: Runs joined by newlines, each a pair.
_PAIR_LINES = re.compile(rf"(?>{KEY_PATTERN})=[^\n]*+(?:\n(?>{KEY_PATTERN})=[^\n]*+)*+")
#: Text whose brackets close within its runs (nested at most three deep): with no ``"`` in it,
#: each of its tokens is a run (a value ends at its run's end), so it is split in C.
_RUN_TOKENS = re.compile(
    r"(?:[^\[{]++|[\[{](?:[^ \t\[\]{}]++|[\[{](?:[^ \t\[\]{}]++"
    r"|[\[{][^ \t\[\]{}]*+[\]}])*+[\]}])*+[\]}])*+"
)

#: The same with no bracket nested (a quicker search, tried first).
_FLAT_RUN_TOKENS = re.compile(r"[^\[{]*+(?:[\[{][^ \t\[\]{}]*+[\]}][^\[{]*+)*+")


def closed_in_runs(text: str) -> bool:
    """Whether every bracket of ``text`` closes within its run (nested at most three deep; a
    closing one with none open is a plain character): with no ``"`` in it, a value needing a
    scan then ends where its run does."""
    if "[" not in text and "{" not in text:
        return True
    return (_FLAT_RUN_TOKENS.fullmatch(text) or _RUN_TOKENS.fullmatch(text)) is not None


def tokens(text: str) -> Columns:
    """The tokens of a marker's text as Jupytext's reader finds them one after another, by the
    pattern (and a scan of each value too deep for it). A ``key="…`` that does not close is
    the pair ``key="`` (:func:`structure` refuses it)."""
    pattern = _token_pattern()
    found: list[tuple[str, str, str, str]] = []
    pos = 0
    while True:
        more: list[tuple[str, str, str, str]] = pattern.findall(text, pos)
        while more and not any(more[-1][1:]):
            del more[-1]  # the empty matches at the end (after trailing spaces, two)
        if not more or not more[-1][2]:  # no value too deep for the pattern
            found += more
            break
        # A value nested too deep: found by a scan, and the search goes on after it.
        spaces, _, key, _ = more.pop()
        start = pos + sum(map(len, chain.from_iterable(more))) + len(spaces) + len(key) + 1
        end = bare_value_end(text, start)
        found += more
        found.append(("", f"{key}={text[start:end]}", "", ""))
        pos = end
    if not found:
        return [], []
    _, keyed, _, words = map(list, zip(*found, strict=True))
    return keyed, words


def bare_value_end(text: str, pos: int) -> int:
    """Where an unquoted value ends: at a space outside brackets and strings (Jupytext's
    JSON), one character at a time (for a value too deep for the pattern)."""
    depth, in_string, escaped = 0, False, False
    for index in range(pos, len(text)):
        char = text[index]
        if in_string:
            in_string = escaped or char != '"'
            escaped = not escaped and char == "\\"
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth = max(0, depth - 1)
        elif char in " \t" and depth == 0:
            return index
    return len(text)


class Structure:
    """What a marker's text says: the kind ``tag`` (the first one), the ``title`` words, and
    its pairs' ``keys`` and values as ``written``. Keys without a value are written ``null``."""

    __slots__ = ("keys", "tag", "title", "written")

    def __init__(self, tag: str | None, title: list[str], keys: list[str], written: list[str]):
        self.tag = tag
        self.title = title
        self.keys = keys
        self.written = written


def structure(text: str) -> Structure:
    """:class:`Structure` of a marker's text (after its ``%`` signs)."""
    equals = "=" in text
    if not equals or ('"' not in text and closed_in_runs(text)):
        runs = list(filter(None, text.replace("\t", " ").split(" ")))
        return _structure_of_runs(runs, equals)
    return _structure_of_tokens(text)


def _structure_of_tokens(text: str) -> Structure:
    """:func:`structure` of any text, by its tokens (:func:`tokens`)."""
    keyed, word_of = tokens(text)
    if not keyed:
        return Structure(None, [], [], [])
    parts = list(map(str.partition, keyed, repeat("=")))
    keys = list(map(itemgetter(0), parts))
    written = list(map(itemgetter(2), parts))  # (a word's: "")
    if '"' in written:
        key = keys[written.index('"')]
        raise TokenProblem(
            f"cell marker: the value of {key!r} needs a closing '\"' followed by a space"
            " or the end of the line"
        )
    tag_at = next(compress(count(), map(_TAG_RUNS.__contains__, word_of)), -1)
    tag = word_of[tag_at][1:-1] if tag_at >= 0 else None
    words = sum(map(bool, word_of))
    if not words or (words == 1 and tag is not None):  # pairs alone (and the kind tag)
        if tag is not None:
            del keys[tag_at], written[tag_at]
        return Structure(tag, [], keys, written)
    if tag_at >= 0:
        word_of[tag_at] = ""  # the kind tag is no word
    first = next(compress(count(), keys), len(keys))
    before = list(filter(None, word_of[:first]))
    title = _without_trailing_dots(before)
    dots = before[len(title) :]
    after = word_of[first:]
    keys, written = keys[first:], written[first:]
    if any(after):
        identifiers: list[str] = _IDENTIFIER_LINES.findall("\n".join(after))
        title += filter(None, compress(after, map(not_, identifiers)))
        keys = list(map(add, keys, identifiers))
        written = list(map(add, written, map(_NULLS.__getitem__, map(bool, identifiers))))
    if not all(keys):  # (the kind tag's token, and words that are no key)
        kept = list(map(bool, keys))
        keys, written = list(compress(keys, kept)), list(compress(written, kept))
    if dots:
        keys[:0] = dots
        written[:0] = [NULL] * len(dots)
    return Structure(tag, title, keys, written)


def _structure_of_runs(runs: list[str], equals: bool) -> Structure:
    """:func:`structure` of a text whose tokens are its ``runs`` (no ``=`` in it, or no ``"``
    and its brackets closed in their runs; ``equals``: whether one holds ``=``), in a few
    passes in C: the runs that are pairs told, the words after the first pair made keys of
    ``null`` (identifiers) or title words, every pair cut at its first ``=`` at once."""
    tag_run = next(filter(_TAG_RUNS.__contains__, runs), None)
    if tag_run is not None:
        runs.remove(tag_run)  # (the first kind tag: no word, wherever it is)
        tag_run = tag_run[1:-1]
    at: list[int] = []
    if equals:
        at = list(compress(range(len(runs)), map(str.__contains__, runs, repeat("="))))
        if _PAIR_LINES.fullmatch("\n".join(map(runs.__getitem__, at))) is None:
            at = list(compress(at, map(_KEY_EQUALS.match, map(runs.__getitem__, at))))
    first = at[0] if at else len(runs)
    title = _without_trailing_dots(runs[:first])
    dots = runs[len(title) : first]
    items = runs[first:]
    if len(at) == len(items):
        keys, written = _cut_pairs(items)
    else:  # words after the first pair: identifiers are keys of null, other words title
        keys, written = _pairs_and_words(items, [index - first for index in at], title)
    if dots:
        keys[:0] = dots
        written[:0] = [NULL] * len(dots)
    return Structure(tag_run, title, keys, written)


def _pairs_and_words(
    items: list[str], at: list[int], title: list[str]
) -> tuple[list[str], list[str]]:
    """The keys and values of ``items``, pairs at ``at`` and words elsewhere: an identifier is a
    key of ``null``, another word goes to the end of ``title``."""
    word_at = [True] * len(items)
    deque(map(word_at.__setitem__, at, repeat(False)), maxlen=0)
    words = list(compress(items, word_at))
    if _IDENTIFIERS.fullmatch("\n".join(words)) is None:  # some words are title words
        identifiers: list[str] = _IDENTIFIER_LINES.findall("\n".join(words))
        title += filter(None, compress(words, map(not_, identifiers)))
        kept = [True] * len(items)
        dropped = compress(compress(count(), word_at), map(not_, identifiers))
        deque(map(kept.__setitem__, dropped, repeat(False)), maxlen=0)
        items = list(compress(items, kept))  # (pairs and identifiers)
        at = list(compress(count(), map(str.__contains__, items, repeat("="))))
    keys, written = items[:], [NULL] * len(items)
    if at:
        pair_keys, values = _cut_pairs(list(map(items.__getitem__, at)))
        deque(map(keys.__setitem__, at, pair_keys), maxlen=0)
        deque(map(written.__setitem__, at, values), maxlen=0)
    return keys, written


def _cut_pairs(items: list[str]) -> tuple[list[str], list[str]]:
    """The keys and values of pairs ``key=value`` (no ``=`` in a key), cut at their first ``=``."""
    joined = "=".join(items)
    if joined.count("=") == 2 * len(items) - 1:  # (no value holds one: split at them all)
        cut = joined.split("=") if items else []
        return cut[0::2], cut[1::2]
    parts = list(map(str.partition, items, repeat("=")))
    return list(map(itemgetter(0), parts)), list(map(itemgetter(2), parts))


def _without_trailing_dots(words: list[str]) -> list[str]:
    """``words`` less their trailing ``.class`` words (those are keys without a value)."""
    if not words or words[-1][:1] != ".":
        return words
    starts = list(map(str.startswith, words, repeat(".")))
    last = len(starts) - 1 - starts[::-1].index(False) if False in starts else -1
    return words[: last + 1]


def title_runs(text: str) -> tuple[list[str], str | None]:
    """The title words and kind tag of the text before a JSON object (``title [md] {…}``:
    no ``=`` there, so every token is a run of characters, the first kind tag the kind)."""
    runs = _RUN.findall(text)
    tag_run = next(filter(_TAG_RUNS.__contains__, runs), None)
    if tag_run is None:
        return runs, None
    runs.remove(tag_run)
    return runs, tag_run[1:-1]


def json_metadata(text: str) -> tuple[str, list[str], list[Any]] | None:
    """``title {JSON}``, Jupytext's other metadata form (a ``{`` before any ``=``): the title
    text, the object's keys and its values (None: not this form)."""
    brace = text.find("{")
    equal = text.find("=")
    if brace < 0 or 0 <= equal < brace:
        return None
    try:
        value = json.loads(text[brace:])
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, dict):
        return None
    return text[:brace], list(map(str, value)), list(value.values())

"""Many marker values read at once: for each, what :func:`~app.core.fileformat.values.bare_value`
or :func:`~app.core.fileformat.values.quoted_value` gives, in a few passes in C.

A file's markers may hold a million ``key=value`` pairs. Read one at a time, each costs
microseconds of Python (a JSON round trip, an ``ast.literal_eval``). Here one regular
expression sorts each value into a kind whose reading is known, and each kind is read for all
its values by ``map`` over C functions or by one call on all of them joined:

* a plain word, a canonical integer, JSON as Jupytext writes it: itself (most values);
* ``True``: ``true``; a Python number (``+1``, ``.5``, ``0x1f``, ``1_000``, JSON's numbers):
  ``str(int(…))`` or ``repr(float(…))``, what ``to_text`` makes of the number read;
* other JSON (decoded as one array, :mod:`app.core.fileformat.json_bulk`): what the encoder
  writes of it;
* text without quotes holding a word no literal can hold (``[x]``, ``-a``): itself, as
  ``ast.literal_eval`` fails on it; a string in single quotes (``'a'``): that string.

Values of no such kind (other Python literals: ``(1, 2)``, ``['a']``, ``1j``, ``[1,]``) are read
one at a time by the general functions, at most :data:`MAX_SLOW_VALUES` per file
(:class:`TooManySlowValues` beyond: each takes ~10 µs). A file's values are read in order
(:func:`read_values`), each distinct one once where they repeat (judged from a sample), and a
file whose values are all of one kind takes one search to tell it.

``tests/core/test_fileformat_bulk.py`` holds each function here to the general one.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from itertools import compress, repeat
from json.encoder import encode_basestring_ascii
from operator import eq, getitem, le, not_
from typing import Any

from app.core.fileformat.json_bulk import (
    DECODER,
    STRING_DECODER,
    decode_each,
    decoded,
    dumped,
    encode_each,
)
from app.core.fileformat.value_kinds import (
    CANONICAL,
    CONSTANT,
    CONSTANTS,
    FAILING,
    FLOAT,
    INT,
    ITSELF,
    JSON_INT,
    JSON_NUMBER_RE,
    KIND,
    MAX_NUMBER_CHARS,
    MAYBE_JSON,
    OTHER,
    PLAIN,
    SINGLE,
    TYPED_FIRST,
    bare_kind,
    bare_lines,
    typed_kind,
)
from app.core.fileformat.values import bare_value, is_typed

#: The most distinct values per file read one at a time (each takes ~10 µs).
MAX_SLOW_VALUES = 10_000
#: The longest bare value ``bare_value`` gives to ``ast.literal_eval`` (values.py).
_MAX_LITERAL = 1000


class TooManySlowValues(ValueError):
    """More than :data:`MAX_SLOW_VALUES` values to read one at a time; ``values`` are those."""

    def __init__(self, values: set[str]) -> None:
        super().__init__(f"{len(values):,} values to read one at a time")
        self.values = values


class _Kinds:
    """``texts`` and the kind of each (``lastindex`` of ``pattern``), to be taken by kind;
    ``lines``: a search for each kind over texts joined by newlines (when all are of the first
    text's kind, one search tells it)."""

    def __init__(
        self,
        texts: list[str],
        pattern: re.Pattern[str],
        lines: dict[int, re.Pattern[str]] | None = None,
    ) -> None:
        self.texts = texts
        if texts and lines:
            first = KIND(pattern.match(texts[0]))
            whole = lines.get(first)
            if whole is not None and whole.fullmatch("\n".join(texts)):
                self.kinds: list[int] = []
                self.present = {first}
                return
        self.kinds = list(map(KIND, map(pattern.match, texts)))
        self.present = set(self.kinds)

    def at(self, kind: int) -> list[int]:
        """The positions of the texts of ``kind``."""
        if kind not in self.present:
            return []
        if len(self.present) == 1:
            return list(range(len(self.texts)))
        return list(compress(range(len(self.texts)), map(eq, self.kinds, repeat(kind))))


def _taken(texts: Sequence[str], positions: Sequence[int]) -> list[str]:
    return list(map(texts.__getitem__, positions))


def _unquoted(texts: Sequence[str]) -> list[str]:
    """Each of ``texts`` less its first and last characters (its quotes), in C."""
    inner: list[str] = list(map(getitem, texts, repeat(slice(1, -1))))
    return inner


def _put(target: list[Any], positions: Iterable[int], values: Iterable[Any]) -> None:
    """``target[position] = value`` for each pair, in C."""
    deque(map(target.__setitem__, positions, values), maxlen=0)


def _repeated(texts: Sequence[str]) -> bool:
    """Whether ``texts`` repeat one another enough to read each distinct one once (a guess
    from a sample: both ways give the same readings)."""
    if len(texts) < 64:
        return True
    sample = texts[:: max(1, len(texts) // 1024)]
    return 2 * len(set(sample)) < len(sample)


# -- strings ------------------------------------------------------------------------------------


def typed_flags(texts: Sequence[str], failed: set[str] | None = None) -> list[bool]:
    """``values.is_typed`` of each of ``texts``. ``failed`` gets the texts that looked like
    JSON but did not decode (each took a step of Python)."""
    flags = [False] * len(texts)
    firsts = set(map(getitem, texts, repeat(slice(0, 1))))
    if firsts.isdisjoint(TYPED_FIRST) and not firsts & {"t", "f", "n"}:
        return flags  # (none starts as a typed value does)
    kinds = _Kinds(list(texts), typed_kind())
    _put(flags, kinds.at(2), repeat(True))
    floats_at = kinds.at(3)
    if floats_at:
        floats = _taken(texts, floats_at)
        _put(flags, floats_at, map(eq, map(repr, map(float, floats)), floats))
        for index in floats_at:  # (longer than read in bulk: one at a time)
            if len(texts[index]) > MAX_NUMBER_CHARS:
                flags[index] = is_typed(texts[index])
    maybe_at = kinds.at(4)
    if maybe_at:
        maybe = _taken(texts, maybe_at)
        values, ok = decoded(maybe, DECODER)
        if failed is not None and not all(ok):
            failed.update(compress(maybe, map(not_, ok)))
        good_at = list(compress(maybe_at, ok))
        good = _taken(texts, good_at)
        _put(flags, good_at, map(eq, encode_each(list(compress(values, ok))), good))
    # (kind 5: not JSON of these shapes; an integer JSON writes otherwise, "-0"; or longer
    # than read in bulk: one at a time)
    for index in kinds.at(5):
        text = texts[index]
        if JSON_NUMBER_RE.fullmatch(text) and len(text) > MAX_NUMBER_CHARS:
            flags[index] = is_typed(text)
        elif JSON_INT.fullmatch(text):
            flags[index] = True  # (a canonical integer of more digits than kind 2 takes)
    return flags


def string_texts(strings: Sequence[str], failed: set[str] | None = None) -> list[str]:
    """``values.string_text`` of each of ``strings`` (``failed``: see :func:`typed_flags`)."""
    typed = typed_flags(strings, failed)
    if not any(typed):
        return list(strings)
    texts = list(strings)
    typed_at = list(compress(range(len(texts)), typed))
    _put(texts, typed_at, map(encode_basestring_ascii, _taken(texts, typed_at)))
    return texts


#: Lines (values with their quotes) that ``json.loads(strict=False)`` reads as a string:
#: group 1, ``""`` for any other line.
_JSON_STRING_LINES = re.compile(
    r'^(?:("(?:[^"\\\n]++|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*+")|.*)$', re.MULTILINE
)


class _QuotedReader:
    """Values written ``"quoted"`` (``written``, with their quotes; repeats allowed): the
    strings they stand for, all read in bulk (a string that looks like JSON but does not
    decode is itself: nothing here is read one at a time, so none counts towards
    :data:`MAX_SLOW_VALUES`)."""

    def __init__(self, written: list[str]) -> None:
        self.written = written
        self.repeated = _repeated(written)
        self.work = list(set(written)) if self.repeated else written
        escaped = list(map(str.__contains__, self.work, repeat("\\")))
        strings: list[Any]
        if not any(escaped):
            strings = _unquoted(self.work)
        else:  # (with their quotes: JSON strings, maybe; where all are, read in place)
            escaped_at: Sequence[int] = range(len(escaped))
            if not all(escaped):
                escaped_at = list(compress(escaped_at, escaped))
            texts = _taken(self.work, escaped_at) if len(escaped_at) < len(escaped) else self.work
            # Only those JSON reads are decoded (a failed decode raises, ~10 µs each).
            ok = list(map(bool, _JSON_STRING_LINES.findall("\n".join(texts))))
            if all(ok) and len(texts) == len(self.work):
                strings = decode_each(texts, STRING_DECODER)[0]  # (read in place)
            else:
                strings = _unquoted(self.work)
                decodable_at = list(compress(escaped_at, ok))
                read = decode_each(list(compress(texts, ok)), STRING_DECODER)[0]
                _put(strings, decodable_at, read)
            failures_at = list(compress(escaped_at, map(not_, ok)))
            unescaped = (
                text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
                for text in _taken(self.work, failures_at)
            )
            _put(strings, failures_at, unescaped)
        self.texts = string_texts(strings)

    def metas(self) -> list[str]:
        """The meta text of each written value (``values.quoted_value``)."""
        if not self.repeated:
            return self.texts
        read = dict(zip(self.work, self.texts, strict=True))
        return list(map(read.__getitem__, self.written))


def quoted_values(inners: Sequence[str]) -> list[str]:
    """``values.quoted_value`` of each of ``inners`` (the text between a value's quotes)."""
    return _QuotedReader([f'"{inner}"' for inner in inners]).metas()


def to_texts(values: Sequence[Any]) -> list[str]:
    """``values.to_text`` of each of ``values`` (what ``json.loads`` gives: NaN too)."""
    strings = list(map(isinstance, values, repeat(str)))
    if not any(strings):
        return dumped(values)
    if all(strings):
        return string_texts(values)
    texts: list[str] = [""] * len(values)
    positions = list(compress(range(len(values)), strings))
    _put(texts, positions, string_texts(list(compress(values, strings))))
    others = list(map(not_, strings))
    positions = list(compress(range(len(values)), others))
    _put(texts, positions, dumped(list(compress(values, others))))
    return texts


# -- bare values -------------------------------------------------------------------------------


#: Values that may be JSON decoded at a time (the refusal above is checked between them).
_MAYBE_CHUNK = 5_000
#: Values sorted into kinds and read at a time (the refusal is checked between them).
_READ_CHUNK = 50_000


class _BareReader:
    """Values written without quotes (``written``, repeats allowed) sorted into the kinds read
    in bulk; ``slow``: those read one at a time by ``values.bare_value``. Once there are more
    than :data:`MAX_SLOW_VALUES` of those, reading stops (the file is refused: a failed JSON
    decode costs ~10 µs, and 400,000 of them took seconds before the refusal), so values are
    read :data:`_READ_CHUNK` at a time (sorting 400,000 values into kinds took 0.8 s before a
    file of them was refused)."""

    def __init__(self, written: list[str]) -> None:
        self.written = written
        self.repeated = _repeated(written)
        work = self.work = list(set(written)) if self.repeated else written
        self.slow: set[str] = set()
        if len(work) <= _READ_CHUNK:
            self.texts = self._read(work)
            return
        self.texts = []
        for low in range(0, len(work), _READ_CHUNK):
            self.texts += self._read(work[low : low + _READ_CHUNK])
            if len(self.slow) > MAX_SLOW_VALUES:
                return  # the file is refused (read_values): its texts are left half made

    def _read(self, work: list[str]) -> list[str]:
        """The meta texts of ``work`` as far as read in bulk (those of ``slow`` come later)."""
        kinds = _Kinds(work, bare_kind(), bare_lines())
        if len(kinds.present) == 1 and kinds.present & _READ_IN_ONE_PASS:
            return _ONE_PASS[next(iter(kinds.present))](work)  # (all of one kind)
        texts = list(work)  # each one's meta text, as it is found
        constants_at = kinds.at(CONSTANT)
        _put(texts, constants_at, map(CONSTANTS.__getitem__, _taken(work, constants_at)))
        ints_at = kinds.at(INT)
        _put(texts, ints_at, map(str, map(int, _taken(work, ints_at), repeat(0))))
        floats_at = kinds.at(FLOAT)
        _put(texts, floats_at, map(repr, map(float, _taken(work, floats_at))))
        single_at = kinds.at(SINGLE)
        if single_at:
            failed: set[str] = set()
            inner = _unquoted(_taken(work, single_at))
            _put(texts, single_at, string_texts(inner, failed))
            self.slow.update(f"'{text}'" for text in failed)
        all_maybe_at = kinds.at(MAYBE_JSON)
        for low in range(0, len(all_maybe_at), _MAYBE_CHUNK):
            maybe_at = all_maybe_at[low : low + _MAYBE_CHUNK]
            maybe = _taken(work, maybe_at)
            values, ok = decoded(maybe, DECODER)
            _put(texts, compress(maybe_at, ok), dumped(list(compress(values, ok))))
            # JSON did not read these (values.bare_value_json): a Python literal, or itself
            self.slow.update(
                text for text in compress(maybe, map(not_, ok)) if len(text) <= _MAX_LITERAL
            )
            if len(self.slow) > MAX_SLOW_VALUES:
                return texts  # the file is refused (read_values): no need to decode the rest
        others = _taken(work, kinds.at(OTHER))
        if others:
            # No literal_eval beyond 1000 characters: itself, unless it is a number longer
            # than read in bulk (JSON reads it). (In C: a file may hold 400,000 of them.)
            short = list(map(le, map(len, others), repeat(_MAX_LITERAL)))
            self.slow.update(compress(others, short))
            self.slow.update(filter(JSON_NUMBER_RE.fullmatch, compress(others, map(not_, short))))
        return texts

    def metas(self) -> list[str]:
        """The meta text of each written value (``values.bare_value``)."""
        texts = self.texts
        if self.slow:
            read = dict(zip(self.slow, map(bare_value, self.slow), strict=True))
            slow_at = list(compress(range(len(self.work)), map(read.__contains__, self.work)))
            _put(texts, slow_at, map(read.__getitem__, _taken(self.work, slow_at)))
        if not self.repeated:
            return texts
        read = dict(zip(self.work, texts, strict=True))
        return list(map(read.__getitem__, self.written))


#: Kinds read by one pass over all their values (a file's values all of one such kind need no
#: step per value): to each value's meta text.
_ONE_PASS: dict[int, Callable[[list[str]], list[str]]] = {
    PLAIN: list,
    ITSELF: list,
    CONSTANT: lambda texts: list(map(CONSTANTS.__getitem__, texts)),
    INT: lambda texts: _ints(texts),
    FLOAT: lambda texts: list(map(repr, map(float, texts))),
    CANONICAL: list,
    FAILING: list,
}
_READ_IN_ONE_PASS = frozenset(_ONE_PASS)
#: Canonical integers after a ``+``, joined by newlines (each reads as itself without it).
_PLUS_CANONICAL_LINES = re.compile(r"\+(?:0|[1-9][0-9]*+)(?:\n\+(?:0|[1-9][0-9]*+))*+")


def _ints(texts: list[str]) -> list[str]:
    """The meta texts of Python integer literals (:data:`INT`): ``str(int(text, 0))``."""
    if _PLUS_CANONICAL_LINES.fullmatch("\n".join(texts)):
        return list(map(getitem, texts, repeat(slice(1, None))))
    return list(map(str, map(int, texts, repeat(0))))


#: A line of values joined by newlines that does not read as itself and is written without
#: quotes (what starts as a number, a Python string or brackets do, but a canonical integer;
#: a constant): group 1, ``""`` for any other line.
_BARE_READING = re.compile(
    r"^(?:((?!(?:0|-?[1-9][0-9]{0,17})$)(?:[-+.0-9\[{('].*|(?:True|False|None)$))"
    r"|.*)$",
    re.MULTILINE,
)
#: The start of a line that does not read as itself (quoted or not).
_ANY_READING = re.compile(
    r"^(?!(?:0|-?[1-9][0-9]{0,17})$)(?:[-+.0-9\[{('\"]|(?:True|False|None)$)", re.MULTILINE
)
#: Lines that all are such lines.
_ALL_BARE_READING = re.compile(
    r"(?:(?!(?:0|-?[1-9][0-9]{0,17})$)(?:[-+.0-9\[{('][^\n]*+|True|False|None)(?:\n|\Z))++",
    re.MULTILINE,
)
#: Lines that all start with a quote.
_ALL_QUOTED = re.compile(r'(?:"[^\n]*+(?:\n|\Z))++')
#: Such a line written with quotes: group 1, ``""`` for any other line.
_QUOTED_READING = re.compile(r'^(?:(".*)|.*)$', re.MULTILINE)


def read_values(written: Sequence[str]) -> list[str]:
    """The meta text of each of the values of a file's markers (as written: ``"quoted"`` or
    bare; no newline in them), as ``values.quoted_value`` and ``values.bare_value`` give
    them. Raises :class:`TooManySlowValues` (reading nothing) where more than
    :data:`MAX_SLOW_VALUES` of the distinct ones would be read one at a time."""
    metas = list(written)
    if not metas:
        return metas
    joined = "\n".join(written)
    if _ANY_READING.search(joined) is None:
        return metas  # every value reads as itself
    if '"' not in joined:  # no value quoted: maybe all of one kind, told by one search
        first = KIND(bare_kind().match(written[0]))
        whole = bare_lines().get(first)
        if first in _ONE_PASS and whole is not None and whole.fullmatch(joined):
            return _ONE_PASS[first](metas)
    if _ALL_QUOTED.fullmatch(joined) and not joined.endswith("\n"):  # (every one quoted)
        return _QuotedReader(metas).metas()
    all_bare = _ALL_BARE_READING.fullmatch(joined)
    bare = metas if all_bare else _BARE_READING.findall(joined)
    quoted = _QUOTED_READING.findall(joined) if '"' in joined and not all_bare else []
    if len(bare) != len(written) or (quoted and len(quoted) != len(written)):
        raise ValueError("a marker value holds a newline")  # pragma: no cover
    bare_at = list(compress(range(len(bare)), bare))
    quoted_at = list(compress(range(len(quoted)), quoted))
    bare_reader = _BareReader(list(filter(None, bare))) if bare_at else None
    if bare_reader is not None and len(bare_reader.slow) > MAX_SLOW_VALUES:
        raise TooManySlowValues(bare_reader.slow)  # (before the quoted ones are read)
    quoted_reader = _QuotedReader(list(filter(None, quoted))) if quoted_at else None
    if bare_reader is not None:
        _put(metas, bare_at, bare_reader.metas())
    if quoted_reader is not None:
        _put(metas, quoted_at, quoted_reader.metas())
    return metas

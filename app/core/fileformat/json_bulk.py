"""JSON decoded and encoded for many values at once, as ``json.loads`` and ``json.dumps`` do
for each: one decode of the values joined into an array, one encoding of a list split at its
items' separators where no item holds one, the C scanner and encoder called without a Python
frame otherwise.
For :mod:`app.core.fileformat.value_batch`.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Sequence
from itertools import compress, repeat
from json.encoder import encode_basestring_ascii
from operator import eq, itemgetter, not_
from typing import Any

#: A JSON string (strict: no control characters).
JSON_STRING = r'"(?:[^"\\\x00-\x1f]++|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*+"'


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"not JSON: {name}")


#: As values.py decodes (no NaN or Infinity), and as quoted_value decodes a string.
DECODER = json.JSONDecoder(parse_constant=_refuse_constant)
STRING_DECODER = json.JSONDecoder(strict=False)


def _encode_unsupported(value: object) -> Any:
    raise TypeError(f"not JSON: {type(value).__name__}")


def _c_encoder() -> Any:
    """The C encoder ``json.dumps(value)`` uses (ensure_ascii, allow_nan), called directly:
    one C call per value, no Python frame."""
    from json import encoder

    make = getattr(encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython has it
        return None
    return make(
        None, _encode_unsupported, encode_basestring_ascii, None, ": ", ", ", False, False, True
    )


_ENCODER = _c_encoder()


def encode_each(values: Sequence[Any]) -> list[str]:
    """``json.dumps(value)`` (ensure_ascii, allow_nan) of each of ``values``: where none is a
    list or a dict, the list encoded once and split at its ", " (as many pieces as values: no
    item holds one, each piece is an item), else one C call per value."""
    if not values:
        return []
    if not any(map(isinstance, values, repeat((list, dict)))):
        items = json.dumps(list(values))[1:-1].split(", ")
        if len(items) == len(values):
            return items
    if _ENCODER is None:  # pragma: no cover
        return list(map(json.dumps, values))
    try:
        return list(map("".join, map(_ENCODER, values, repeat(0))))
    except RecursionError:  # pragma: no cover - deeper than the decoder reads
        return list(map(json.dumps, values))


def decode_each(texts: Sequence[str], decoder: json.JSONDecoder) -> tuple[list[Any], list[bool]]:
    """The value of each of ``texts`` and whether it is one whole JSON value (where not: a
    None value): one decode of them all joined into an array, else one C call per text and a
    step of Python where one fails."""
    if not texts:
        return [], []
    try:
        joined: list[Any] = decoder.decode(f"[{','.join(texts)}]")
    except (ValueError, RecursionError):
        pass
    else:
        if len(joined) == len(texts):
            # (each text a whole value, or pieces that join into as many: checked by
            # decoding each where the encoder does not write the texts back)
            return joined, [True] * len(texts)
    return _decode_one_by_one(texts, decoder)


#: JSON text that is certainly not JSON: outside its strings, a comma before a closing
#: bracket, a character JSON never has there (``'``, ``(``, ``None``'s ``o``, …; ``NaN``
#: and ``Infinity`` are allowed, which a decoder may read), or two values with only spaces
#: between them (``[1 0]``: what may end a value, spaces, what may start one). Sound for any
#: text: strings are matched whole as JSON writes them (possessive, from the left), so in a
#: JSON text they are its strings and what lies between them is what JSON allows there (spaces
#: only beside a bracket, a comma or a colon); a text it cannot read so is left to the decoder.
NOT_JSON = re.compile(
    rf"(?:[^\"]|{JSON_STRING})*?"
    rf"(?:,[ \t\n\r]*[\]}}]|[^-+.0-9eE\[\]{{}}:,\" \t\n\rtrufalsnNIiy]"
    rf"|(?:[0-9\]}}elNy]|{JSON_STRING})[ \t\n\r]++[-0-9\"\[{{tfnNI])"
)


#: Texts decoded one by one at a time; after a group where more than one in
#: :data:`_REFUSAL_PAYS` failed, the next group is first read by :data:`NOT_JSON`.
_GROUP = 1024
_REFUSAL_PAYS = 8


def _decode_one_by_one(
    texts: Sequence[str], decoder: json.JSONDecoder
) -> tuple[list[Any], list[bool]]:
    """:func:`_scan_each` of the texts, a group at a time; where failures are frequent, of
    those :data:`NOT_JSON` does not refuse. A failed decode raises an error (~10 µs: 250,000
    quoted ``"[1,]"`` took 2.5 s), the pattern costs about what a scan of a valid text does:
    it pays once more than one text in eight fails, and doubled the time of mostly valid
    texts when run on all."""
    if len(texts) <= _GROUP:
        return _scan_each(texts, decoder)
    values: list[Any] = []
    ok: list[bool] = []
    refuse_first = False
    for low in range(0, len(texts), _GROUP):
        group = texts[low : low + _GROUP]
        read, good = (_refused_or_scanned if refuse_first else _scan_each)(group, decoder)
        values += read
        ok += good
        refuse_first = good.count(False) * _REFUSAL_PAYS > len(group)
    return values, ok


def _refused_or_scanned(
    texts: Sequence[str], decoder: json.JSONDecoder
) -> tuple[list[Any], list[bool]]:
    """:func:`_scan_each` of the texts :data:`NOT_JSON` does not refuse; the others fail."""
    refused = list(map(NOT_JSON.match, texts))
    if not any(refused):
        return _scan_each(texts, decoder)
    values: list[Any] = [None] * len(texts)
    ok = [False] * len(texts)
    positions = list(compress(range(len(texts)), map(not_, refused)))
    if positions:
        read, good = _scan_each([texts[index] for index in positions], decoder)
        list(map(values.__setitem__, positions, read))
        list(map(ok.__setitem__, positions, good))
    return values, ok


def _scan_each(texts: Sequence[str], decoder: json.JSONDecoder) -> tuple[list[Any], list[bool]]:
    """Each text scanned by the C scanner; one that fails is taken by the failed call (the
    iterator goes on after it: a copy of the rest per failure made 200,000 failures of 400,000
    values quadratic)."""
    scan = decoder.scan_once  # type: ignore[attr-defined]
    values: list[Any] = []
    ok: list[bool] = []
    pos, count = 0, len(texts)
    rest = iter(texts)
    while pos < count:
        found: list[tuple[Any, int]] = []
        with contextlib.suppress(ValueError, RecursionError, StopIteration):
            found.extend(map(scan, rest, repeat(0)))  # (StopIteration ends it early too)
        values.extend(map(itemgetter(0), found))
        ok.extend(map(eq, map(itemgetter(1), found), map(len, texts[pos : pos + len(found)])))
        pos += len(found)
        if pos < count:  # texts[pos] is not JSON (the call that failed took it)
            values.append(None)
            ok.append(False)
            pos += 1
    return values, ok


def decoded(texts: list[str], decoder: json.JSONDecoder) -> tuple[list[Any], list[bool]]:
    """:func:`_decode_each`, exactly: a joined decode that gives as many values as texts may
    still have split them otherwise (``[1`` and ``2]``), which an encoding of the values that
    writes each text back rules out; the rest are decoded one by one."""
    values, ok = decode_each(texts, decoder)
    if all(ok) and values:
        encoded = encode_each(values)
        unsure = list(map(not_, map(eq, encoded, texts)))
        if any(unsure):
            positions = list(compress(range(len(texts)), unsure))
            again, good = _decode_one_by_one([texts[index] for index in positions], decoder)
            list(map(values.__setitem__, positions, again))
            list(map(ok.__setitem__, positions, good))
    return values, ok


_NON_FINITE_HINT = re.compile("Infinity|NaN")
#: JSON text holding a value ``json.dumps(value, allow_nan=False)`` refuses (as the encoder
#: writes it, outside strings).
_NON_FINITE = re.compile(rf"(?:[^\"]|{JSON_STRING})*?(?:Infinity|NaN)")


def dumped(values: Sequence[Any]) -> list[str]:
    """``to_text`` of each of ``values`` (JSON values, none a string): what
    ``json.dumps(value, allow_nan=False)`` writes, or ``str(value)`` where it refuses."""
    encoded = encode_each(values)
    if _NON_FINITE_HINT.search("".join(encoded)) is None:
        return encoded
    hints = list(compress(range(len(encoded)), map(_NON_FINITE_HINT.search, encoded)))
    for index in hints:
        if _NON_FINITE.match(encoded[index]):
            encoded[index] = str(values[index])  # (holding NaN or inf: never typed)
    return encoded

"""Cell metadata values: JSON types in the file, text in :class:`~app.core.notebook.Cell`.

Jupytext writes a marker's metadata as ``key=<JSON>``: strings quoted (``title="Intro"``),
everything else bare (``tags=["parameters"]``, ``n=10``, ``flag=true``), and a ``None`` value
as the bare key. ``Cell.meta`` holds text, so a value's type is kept in its text:

* a non-string value is its canonical JSON text (``json.dumps``): ``'["parameters"]'``, ``"10"``;
* ``None`` is ``"null"``;
* a string is itself (``"Intro"``), unless its text would read as a non-string value (the
  string ``"10"``), in which case it is held JSON-quoted (``'"10"'``).

:func:`to_text` maps a read value to that text and :func:`marker_value` maps the text back to
what the marker says; the two are inverses, so every value reads back as it was written.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

#: The longest bare value given to ``ast.literal_eval`` (Python literals Jupytext also accepts).
_MAX_LITERAL = 1000


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"not JSON: {name}")


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)
_TYPED_START = frozenset("-0123456789[{")
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_LITERAL_START = frozenset("-+.0123456789[{('\"")
#: Integers that are their own canonical JSON text (not ``-0``, nor ``007``; few enough digits
#: for any ``int``): typed, and read as themselves, without a JSON round trip (ids are numbers).
_CANONICAL_INT = re.compile(r"0|-?[1-9][0-9]{0,17}")


def _json(text: str) -> Any:
    return _DECODER.decode(text)


def is_typed(text: str) -> bool:
    """Whether ``text`` is the canonical JSON text of a non-string value."""
    return _CANONICAL_INT.fullmatch(text) is not None or is_typed_json(text)


def is_typed_json(text: str) -> bool:
    """:func:`is_typed` by a JSON round trip (it takes integers a faster way)."""
    if text in ("true", "false", "null"):
        return True
    if not text or text[0] not in _TYPED_START or text != text.strip():
        return False
    if text[0] not in "[{" and _JSON_NUMBER.fullmatch(text) is None:
        return False  # "00a1" and other ids: no JSON to try
    try:
        value = _json(text)
    except (ValueError, RecursionError):
        return False
    return not isinstance(value, str) and _dumps(value) == text


def _dumps(value: Any) -> str | None:
    try:
        return json.dumps(value, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return None


def string_text(value: str) -> str:
    """The meta text for a string value."""
    return json.dumps(value) if is_typed(value) else value


def to_text(value: Any) -> str:
    """The meta text for any value read from a marker (a non-JSON value keeps its ``str``)."""
    if isinstance(value, str):
        return string_text(value)
    dumped = _dumps(value)
    return dumped if dumped is not None else string_text(str(value))


def bare_value(text: str) -> str:
    """The meta text for a value written without quotes (``n=10``, ``tags=["a"]``, ``x=y``):
    JSON, else a Python literal (``True``, ``'a'``), else the text as a string."""
    return text if _CANONICAL_INT.fullmatch(text) is not None else bare_value_json(text)


def bare_value_json(text: str) -> str:
    """:func:`bare_value` by decoding the text (it takes integers a faster way)."""
    value: Any
    if text in ("true", "false", "null") or text[:1] in _TYPED_START:
        try:
            return to_text(_json(text))
        except (ValueError, RecursionError):
            pass
    if len(text) > _MAX_LITERAL or not (
        text in ("True", "False", "None") or text[:1] in _LITERAL_START
    ):
        return string_text(text)
    try:
        value = ast.literal_eval(text)
    except Exception:  # literal_eval raises many kinds (SyntaxError, MemoryError, ...)
        return string_text(text)
    return to_text(value)


def quoted_value(inner: str) -> str:
    """The meta text for a value written ``"inner"``: a JSON string (``\\u00e9`` and ``\\n``
    escapes too); an escape JSON does not know keeps Cascade's older rule (only ``\\"`` and
    ``\\\\`` are escapes)."""
    if "\\" not in inner:
        return string_text(inner)
    try:
        value = json.loads(f'"{inner}"', strict=False)
    except ValueError:
        value = inner.replace('\\"', '"').replace("\\\\", "\\")
    return string_text(value)


def string_of(text: str) -> str | None:
    """The string a meta text stands for, or ``None`` when it stands for another type."""
    if is_typed(text):
        return None
    if text.startswith('"'):
        try:
            inner = _json(text)
        except (ValueError, RecursionError):
            return text
        if isinstance(inner, str) and is_typed(inner) and json.dumps(inner) == text:
            return inner
    return text


def marker_value(text: str) -> str:
    """How a meta text is written after ``key=`` (JSON, as Jupytext writes it)."""
    string = string_of(text)
    return text if string is None else json.dumps(string)

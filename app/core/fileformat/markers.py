"""Cell markers: what follows ``# %%``, read leniently as Jupytext writes it.

``# %% title [kind] key="value" key=bare`` — ``[markdown]``, ``[md]``, ``[sql]`` (and
``[python]``) set the kind; values are ``"quoted"`` (``\\"`` and ``\\\\`` are the only escapes) or
bare JSON-ish text (``tags=["a", "b"]``) kept as text; other words become the ``title``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from app.core.fileformat.syntax import KEY_PATTERN, KIND_NAMES
from app.core.notebook import CellKind

# One token per match, tried in this order (the order decides, as in Jupytext's reader). Groups:
# kind tag | quoted key, value | bare key, plain value | key of a value needing a scan | word.
_TOKEN = re.compile(
    r"[ \t]*(?:"
    r"\[(markdown|md|sql|python)\](?=[ \t]|$)"
    rf'|({KEY_PATTERN})="((?:[^"\\]|\\.)*)"(?=[ \t]|$)'
    rf"|({KEY_PATTERN})=([^ \t\"\[{{]*)(?=[ \t]|$)"
    rf"|({KEY_PATTERN})="
    r"|([^ \t]+)"
    r")"
)
_VALUE_ESCAPE = re.compile(r'\\(["\\])')
_Token = tuple[str, str, str, str, str, str, str]


class MarkerProblem(ValueError):
    """A marker that cannot be read; the reader adds the line number."""


class Marker(NamedTuple):
    """What a marker says about its cell (``None``: not given)."""

    kind: CellKind
    cell_id: str | None
    name: str | None
    meta: tuple[tuple[str, str], ...]


PLAIN_PYTHON = Marker("python", None, None, ())


def parse_marker(rest: str, kind: CellKind | None = None, cell_id: str | None = None) -> Marker:
    """Read what follows ``# %%``; ``kind``/``cell_id`` come from seed markers.

    Raises :class:`MarkerProblem`.
    """
    if not rest.strip(" \t") and kind is None and cell_id is None:
        return PLAIN_PYTHON
    tag: CellKind | None = None
    pairs: list[tuple[str, str]] = []
    words: list[str] = []
    for kind_tag, qkey, qvalue, bkey, bvalue, _, word in _tokens(rest):
        if kind_tag and tag is None:
            tag = KIND_NAMES[kind_tag]
        elif kind_tag:
            words.append(f"[{kind_tag}]")
        elif qkey:
            pairs.append((qkey, _VALUE_ESCAPE.sub(r"\1", qvalue) if "\\" in qvalue else qvalue))
        elif bkey:
            pairs.append((bkey, bvalue))
        else:
            words.append(word)
    return _marker(kind or tag or "python", pairs, words, cell_id)


def _tokens(rest: str) -> list[_Token]:
    """The marker's tokens: all at once, unless a value needs the bracket-aware scan."""
    tokens: list[_Token] = _TOKEN.findall(rest)
    if not any(token[5] for token in tokens):
        return tokens
    tokens = []
    pos = 0
    while (token := _TOKEN.match(rest, pos)) is not None:
        pos = token.end()
        key = token[6]
        if key:  # key= followed by a quote, bracket or brace
            if rest.startswith('"', pos):
                raise MarkerProblem(
                    f"cell marker: the value of {key!r} needs a closing '\"' followed by a space"
                    " or the end of the line"
                )
            start, pos = pos, _bare_value_end(rest, pos)
            tokens.append(("", "", "", key, rest[start:pos], "", ""))
        else:
            tokens.append(token.groups(""))  # type: ignore[arg-type]
    return tokens


def _bare_value_end(text: str, pos: int) -> int:
    """Where an unquoted value ends: at a space outside brackets and strings (Jupytext's JSON)."""
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


def _marker(
    kind: CellKind,
    pairs: list[tuple[str, str]],
    words: list[str],
    cell_id: str | None,
) -> Marker:
    name: str | None = None
    meta = [("title", " ".join(words))] if words else []
    for key, value in pairs:
        if key == "id":
            if cell_id is not None:
                raise MarkerProblem("cell marker has more than one id")
            cell_id = value
        elif key == "name" and kind == "sql":
            if name is not None:
                raise MarkerProblem("cell marker has more than one name")
            name = value
        else:
            meta.append((key, value))
    return Marker(kind, cell_id or None, name or None, tuple(meta))

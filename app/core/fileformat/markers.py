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
    tokens = _tokens(rest)
    first_tag = (
        next((i for i, token in enumerate(tokens) if token[0]), None) if "[" in rest else None
    )
    tag = None if first_tag is None else KIND_NAMES[tokens[first_tag][0]]
    # Comprehensions rather than one loop: a marker may carry many tokens, and this is its cost.
    words = [
        token[6] or f"[{token[0]}]"
        for i, token in enumerate(tokens)
        if token[6] or (token[0] and i != first_tag)
    ]
    pairs = [
        (token[3], token[4]) if token[3] else (token[1], _unescape_value(token[2]))
        for token in tokens
        if token[3] or token[1]
    ]
    named = "id=" in rest or "name=" in rest  # the only keys that need a second look
    return _marker(kind or tag or "python", pairs, words, cell_id, named=named)


def _unescape_value(value: str) -> str:
    return _VALUE_ESCAPE.sub(r"\1", value) if "\\" in value else value


def _tokens(rest: str) -> list[_Token]:
    """The marker's tokens: all at once, unless a value needs the bracket-aware scan."""
    tokens: list[_Token] = _TOKEN.findall(rest)
    scan_free = '"' not in rest and "[" not in rest and "{" not in rest
    if scan_free or not any(token[5] for token in tokens):
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
    *,
    named: bool = True,
) -> Marker:
    """``named``: whether ``pairs`` may hold ``id`` or ``name`` (False spares a pass over them)."""
    ids = [value for key, value in pairs if key == "id"] if named else []
    if len(ids) + (cell_id is not None) > 1:
        raise MarkerProblem("cell marker has more than one id")
    names = [value for key, value in pairs if key == "name"] if named and kind == "sql" else []
    if len(names) > 1:
        raise MarkerProblem("cell marker has more than one name")
    title = [("title", " ".join(words))] if words else []
    if ids or names:
        pairs = [pair for pair in pairs if pair[0] != "id" and not (pair[0] == "name" and names)]
    cell_id = cell_id if cell_id is not None else (ids[0] if ids else None)
    return Marker(kind, cell_id or None, (names[0] if names else None) or None, (*title, *pairs))

"""Cell markers: what follows ``# %%``, read as Jupytext reads it, and written as it writes it.

``# %%[%…] title [kind] id="…" key=value …``: ``[markdown]``, ``[md]``, ``[raw]``, ``[sql]``
(and ``[python]``) set the kind; extra ``%`` signs are a Spyder sub-cell (``cell_depth``);
words before the first ``key=value`` are the ``title``; ``key="string"`` and ``key=<JSON>``
(``tags=["a", "b"]``) are metadata with their JSON types (:mod:`tests.core.fileformat_reference.values`);
a bare identifier after them (or a ``.class`` word) is a key without a value (``null``); a JSON
object right after the title (``# %% title {"tags": ["x"]}``) is metadata too. Unlike Jupytext,
keys keep their order and may repeat, so every notebook reads back exactly as it was written.

A raw cell is a markdown cell whose metadata starts with ``cell_type="raw"`` (as the import
makes it); ``[md]`` keeps ``region_name="md"``. Both, the title and the depth are written back
in Jupytext's places when they lead the metadata in that order.
"""

from __future__ import annotations

import json
import re
from operator import itemgetter
from typing import NamedTuple

from app.core.notebook import Cell, CellKind
from tests.core.fileformat_reference.syntax import KEY_PATTERN, KIND_NAMES
from tests.core.fileformat_reference.values import (
    bare_value,
    is_typed,
    marker_value,
    quoted_value,
    string_of,
    to_text,
)

Meta = tuple[tuple[str, str], ...]

# One token per match, tried in this order (the order decides, as in Jupytext's reader). Groups:
# kind tag | quoted key, value | bare key, plain value | key of a value needing a scan | word.
_TOKEN = re.compile(
    r"[ \t]*(?:"
    r"\[(markdown|md|raw|sql|python)\](?=[ \t]|$)"
    rf'|({KEY_PATTERN})="((?:[^"\\]|\\.)*)"(?=[ \t]|$)'
    rf"|({KEY_PATTERN})=([^ \t\"\[{{]*)(?=[ \t]|$)"
    rf"|({KEY_PATTERN})="
    r"|([^ \t]+)"
    r")"
)
_Token = tuple[str, str, str, str, str, str, str]
#: Jupytext's identifiers: a word that is a key without a value.
_IDENTIFIER = re.compile(r"[a-zA-Z_.]+[a-zA-Z0-9_.]*")
#: A title written as bare words reads back as itself.
_BARE_TITLE = re.compile(r'[^\s=\[\]{}"%][^\s=\[\]{}"]*(?: [^\s=\[\]{}"]+)*')
#: The markers Cascade writes for cells without other metadata (``id="…"``, a kind, a SQL
#: result name): read at once, to the same :class:`Marker` the general reader gives. Groups:
#: ``[markdown]``, ``[sql]``, the id, the name (only after ``[sql]``).
_SIMPLE_MARKER_TEXT = (
    r' (?:\[(markdown)\] |\[(?P<sql>sql)\] )?id="([0-9A-Za-z_-]+)"'
    r'(?(sql)(?: name="([A-Za-z_][A-Za-z0-9_]*)")?)'
)
_SIMPLE_MARKER = re.compile(_SIMPLE_MARKER_TEXT)
#: A whole line holding such a marker, unindented (``rest`` and the groups above after it),
#: found by a search in C for ``# %%`` (the look-behind asks for a line start after it).
SIMPLE_MARKER_LINE = re.compile(
    rf"# %%(?<![^\n]# %%)(?P<rest>{_SIMPLE_MARKER_TEXT})$", re.MULTILINE
)
#: Markers of a kind tag (or none) and ``key=value`` pairs alone, each value one word without
#: ``=``, brackets, braces or a backslash (``"quoted"`` or not): read by splitting the text at
#: its spaces and ``=`` signs, to the :class:`Marker` the general reader gives (a marker of
#: thousands of pairs costs a few passes in C rather than a few Python steps per pair).
_PAIRS_MARKER = re.compile(  # (possessive: no step back could match more, and none is kept)
    r"(?:[ \t]+\[(markdown|md|raw|sql|python)\])?"
    rf'((?:[ \t]++(?>{KEY_PATTERN})=(?:"[^\s"\\=]*+"|[^\s"\[{{=]++))++)[ \t]*+'
)
#: The ``id=…`` pair of a marker :data:`_PAIRS_MARKER` matched (a pair starts after a space or
#: a tab, and no value holds one). Group: the value as written.
_ID_PAIR = re.compile(r"[ \t]id=(\S+)")
#: The longest marker text read (a marker is one line of a few words; this bounds the work).
MAX_MARKER_CHARS = 100_000

#: A bare value starting otherwise (and not one of these words) is a plain string.
_VALUE_STARTS = frozenset("-+.0123456789[{('\"")
_SPECIAL_VALUES = frozenset({"true", "false", "null", "True", "False", "None"})

RAW = ("cell_type", "raw")
MD_REGION = ("region_name", "md")
_KEY_OF = itemgetter(0)
#: The metadata a kind tag puts first.
_TAG_LEADING: dict[str | None, tuple[tuple[str, str], ...]] = {"raw": (RAW,), "md": (MD_REGION,)}


class MarkerProblem(ValueError):
    """A marker that cannot be read; the reader adds the line number."""


class Marker(NamedTuple):
    """What a marker says about its cell (``None``: not given)."""

    kind: CellKind
    cell_id: str | None
    name: str | None
    meta: Meta


PLAIN_PYTHON = Marker("python", None, None, ())
#: A :class:`Marker`'s fields as a plain tuple (the reader's fast path makes these).
MarkerFields = tuple[CellKind, str | None, str | None, Meta]


class PairsSeen:
    """What a file's markers of many ``key=value`` pairs have in common, read once: each value
    as written to as read, and each marker read so far without its ``id`` pair (Cascade's
    markers differ in their ids alone, mostly: those share one tuple of pairs). Mutable
    working state of one load: a plain slotted class (no dataclass on the run path)."""

    __slots__ = ("markers", "values")

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.markers: dict[tuple[str | None, str], Marker] = {}


def parse_marker(
    rest: str,
    kind: CellKind | None = None,
    cell_id: str | None = None,
    pairs_seen: PairsSeen | None = None,
) -> Marker:
    """Read what follows ``# %%``; ``kind``/``cell_id`` come from seed markers.

    ``pairs_seen``: what the file's markers read so far share (:class:`PairsSeen`).
    Raises :class:`MarkerProblem`.
    """
    if kind is None and cell_id is None and len(rest) <= MAX_MARKER_CHARS:
        simple = _SIMPLE_MARKER.fullmatch(rest)
        if simple is not None:
            return Marker(*simple_fields(*simple.group(1, 2, 3, 4)))
        pairs = _PAIRS_MARKER.fullmatch(rest)
        if pairs is not None:
            seen = PairsSeen() if pairs_seen is None else pairs_seen
            return _pairs_marker(pairs[1], pairs[2], seen)
    return parse_marker_text(rest, kind, cell_id)


def simple_fields(
    markdown: str | None, sql: str | None, cell_id: str, name: str | None
) -> MarkerFields:
    """The fields of the marker :data:`_SIMPLE_MARKER` matched, from its groups (a plain tuple
    is made faster than a :class:`Marker`)."""
    return ("markdown" if markdown else "sql" if sql else "python", cell_id, name, ())


def _pairs_marker(tag: str | None, text: str, seen: PairsSeen) -> Marker:
    """A marker :data:`_PAIRS_MARKER` matched: ``tag`` and the pairs' ``text``.

    A marker with one ``id`` pair is the marker without it (read once per file: ``seen``) and
    that id, as the general reader reads it: the one ``id`` pair gives the cell's id and leaves
    the other pairs in their order."""
    found = _ID_PAIR.search(text)
    if found is None or _ID_PAIR.search(text, found.end()) is not None:
        return _read_pairs(tag, text, seen)
    key = (tag, text[: found.start()] + text[found.end() :])
    other = seen.markers.get(key)
    if other is None:
        other = seen.markers[key] = _read_pairs(tag, key[1], seen)
    value = found[1]
    value = quoted_value(value[1:-1]) if value[0] == '"' else _bare(value)
    return other._replace(cell_id=(string_of(value) or value) or None)


def _read_pairs(tag: str | None, text: str, seen: PairsSeen) -> Marker:
    """:func:`_pairs_marker` for any marker it takes: each step runs in C but for the values
    not seen yet in the file (read here)."""
    words = text.replace("=", " ").split()  # key, value, key, value … (no other space in them)
    keys, values = words[0::2], words[1::2]
    read = seen.values
    for value in set(values).difference(read):
        read[value] = quoted_value(value[1:-1]) if value[0] == '"' else _bare(value)
    leading = _TAG_LEADING.get(tag, ())
    kind = KIND_NAMES["markdown" if tag in ("raw", "md") else tag or "python"]
    pairs = (*leading, *zip(keys, map(read.__getitem__, values), strict=False))
    named = "id" in text or "name" in text
    keys = [*map(_KEY_OF, leading), *keys] if leading else keys
    return _marker(kind, pairs, None, named=named, keys=keys)


def parse_marker_text(
    rest: str, kind: CellKind | None = None, cell_id: str | None = None
) -> Marker:
    """:func:`parse_marker` for any marker (it takes the common ones a faster way)."""
    if not rest.strip() and kind is None and cell_id is None:
        return PLAIN_PYTHON
    if len(rest) > MAX_MARKER_CHARS:
        raise MarkerProblem(f"cell marker longer than {MAX_MARKER_CHARS:,} characters")
    depth = len(rest) - len(rest.lstrip("%"))
    text = rest[depth:]
    json_meta = _json_metadata(text)
    if json_meta is not None:
        title_text, pairs = json_meta
        tokens = _tokens(title_text)
        words, tag = _words_and_tag(tokens)
        title = " ".join(words)
    else:
        tokens = _tokens(text)
        tag = next((token[0] for token in tokens if token[0]), None) if "[" in text else None
        title, pairs = _title_and_pairs(tokens, tag)
    leading: list[tuple[str, str]] = []
    if tag == "raw":
        leading.append(RAW)
    elif tag == "md":
        leading.append(MD_REGION)
    if title:
        leading.append(("title", to_text(title)))
    if depth:
        leading.append(("cell_depth", str(depth)))
    tag_kind: CellKind | None = None
    if tag in ("raw", "md"):
        tag_kind = "markdown"
    elif tag is not None:
        tag_kind = KIND_NAMES[tag]
    named = "id" in rest or "name" in rest or json_meta is not None
    return _marker(kind or tag_kind or "python", (*leading, *pairs), cell_id, named=named)


def _json_metadata(text: str) -> tuple[str, list[tuple[str, str]]] | None:
    """``title {JSON}``: Jupytext's other metadata form (a ``{`` before any ``=``)."""
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
    pairs = [(str(key), to_text(item)) for key, item in value.items()]
    return text[:brace], pairs


def _words_and_tag(tokens: list[_Token]) -> tuple[list[str], str | None]:
    tag = next((token[0] for token in tokens if token[0]), None)
    seen_tag = False
    words = []
    for token in tokens:
        if token[0] and not seen_tag:
            seen_tag = True
            continue
        if token[6] or token[0]:
            words.append(token[6] or f"[{token[0]}]")
    return words, tag


def _title_and_pairs(tokens: list[_Token], tag: str | None) -> tuple[str, list[tuple[str, str]]]:
    """Words before the first ``key=value`` make the title, less trailing ``.class`` words;
    identifiers after it are keys without a value; other stray words join the title."""
    if not any(token[0] or token[6] for token in tokens):  # only pairs: one pass, in C mostly
        starts, special = _VALUE_STARTS, _SPECIAL_VALUES
        return "", [
            (
                token[3],
                token[4]
                if token[4][:1] not in starts and token[4] not in special
                else bare_value(token[4]),
            )
            if token[3]
            else (token[1], quoted_value(token[2]))
            for token in tokens
        ]
    title_words: list[str] = []
    trailing_dots: list[str] = []
    pairs: list[tuple[str, str]] = []
    seen_pair = False
    seen_tag = False
    for token in tokens:
        if token[0] and not seen_tag and token[0] == tag:
            seen_tag = True
            continue
        word = token[6] or (f"[{token[0]}]" if token[0] else "")
        if word:
            if seen_pair and _IDENTIFIER.fullmatch(word):
                pairs.append((word, "null"))
            elif not seen_pair and word.startswith("."):
                trailing_dots.append(word)
            else:
                title_words.extend(trailing_dots)
                trailing_dots = []
                title_words.append(word)
            continue
        if not seen_pair:
            pairs.extend((dotted, "null") for dotted in trailing_dots)
            trailing_dots = []
            seen_pair = True
        if token[3]:
            pairs.append((token[3], _bare(token[4])))
        else:
            pairs.append((token[1], quoted_value(token[2])))
    pairs[:0] = [(dotted, "null") for dotted in trailing_dots]
    return " ".join(title_words), pairs


def _bare(value: str) -> str:
    plain = value[:1] not in _VALUE_STARTS and value not in _SPECIAL_VALUES
    return value if plain else bare_value(value)


def _tokens(rest: str) -> list[_Token]:
    """The marker's tokens: all at once, unless a value needs the bracket-aware scan."""
    tokens: list[_Token] = _TOKEN.findall(rest)
    scan_free = '"' not in rest and "[" not in rest and "{" not in rest
    if scan_free or not any(token[5] for token in tokens):
        return tokens
    tokens = []
    pos = 0
    while (token := _TOKEN.match(rest, pos)) is not None and token.end() > pos:
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
    pairs: Meta,
    cell_id: str | None,
    *,
    named: bool,
    keys: list[str] | None = None,
) -> Marker:
    """``named``: whether ``pairs`` may hold ``id`` or ``name`` (False spares passes over them);
    ``keys``: the keys of ``pairs``, when the caller has them.

    The keys are counted and found in C (a marker may hold thousands of pairs)."""
    if not named:
        return Marker(kind, cell_id or None, None, pairs)
    if keys is None:
        keys = list(map(_KEY_OF, pairs))
    ids = keys.count("id")
    if ids + (cell_id is not None) > 1:
        raise MarkerProblem("cell marker has more than one id")
    names = keys.count("name") if kind == "sql" else 0
    if names > 1:
        raise MarkerProblem("cell marker has more than one name")
    id_at = keys.index("id") if ids else -1
    name_at = keys.index("name") if names else -1
    if id_at >= 0 and cell_id is None:
        cell_id = string_of(pairs[id_at][1]) or pairs[id_at][1]
    name = (string_of(pairs[name_at][1]) or pairs[name_at][1]) if name_at >= 0 else None
    if ids or names:
        kept = list(pairs)
        for index in sorted((id_at, name_at), reverse=True):
            if index >= 0:
                del kept[index]
        pairs = tuple(kept)
    return Marker(kind, cell_id or None, name or None, pairs)


# -- writing -------------------------------------------------------------------------------------


def format_marker(cell: Cell, indent: str = "") -> str:
    """The marker line of ``cell`` as Jupytext writes one, plus Cascade's ``id`` (and ``name``
    for SQL) before the other metadata."""
    meta = list(cell.meta)
    tag = {"python": "", "sql": "[sql]", "markdown": "[markdown]"}[cell.kind]
    if cell.kind == "markdown" and meta[:1] == [RAW]:
        tag = "[raw]"
        del meta[0]
    elif cell.kind == "markdown" and meta[:1] == [MD_REGION]:
        tag = "[md]"
        del meta[0]
    words = []
    if meta and meta[0][0] == "title":
        title = string_of(meta[0][1])
        if title is not None and _BARE_TITLE.fullmatch(title) and not _ends_in_dot_word(title):
            words.append(title)
            del meta[0]
    depth = 0
    if meta and meta[0][0] == "cell_depth" and meta[0][1] in ("1", "2", "3", "4", "5", "6"):
        depth = int(meta[0][1])
        del meta[0]
    if tag:
        words.append(tag)
    parts = [" ".join(words)] if words else []
    parts.append(f"id={json.dumps(cell.id)}")
    if cell.kind == "sql":
        parts.append(f"name={json.dumps(cell.name or '')}")
    parts.extend(_pair(key, value) for key, value in meta)
    options = " ".join(parts)
    return f"{indent}# %%{'%' * depth} {options}" if depth else f"{indent}# %% {options}"


def _ends_in_dot_word(title: str) -> bool:
    return title.rsplit(" ", 1)[-1].startswith(".")


def _pair(key: str, value: str) -> str:
    if value == "null" and _IDENTIFIER.fullmatch(key):
        return key
    return f"{key}={value}" if is_typed(value) else f"{key}={marker_value(value)}"

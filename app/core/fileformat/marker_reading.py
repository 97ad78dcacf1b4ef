"""A file's cell markers read together: each split as it comes (the markers Cascade writes by
one pattern, markers of a kind tag and ``key=value`` words by :func:`str.split`, markers that
differ from an earlier one only in a leading ``id`` pair and seed markers of the same text by
that one's reading, any other by :func:`~app.core.fileformat.marker_tokens.structure`), then
every value of the file read at once (:func:`~app.core.fileformat.value_batch.read_values`).
Each marker reads exactly as the general reader reads it alone (:mod:`app.core.fileformat.markers`
says what a marker means); ``tests/core/test_fileformat_bulk.py`` holds this to the loader as it
was before it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import chain
from operator import itemgetter
from typing import Any, NamedTuple

from app.core.fileformat.marker_tokens import (
    TokenProblem,
    closed_in_runs,
    json_metadata,
    structure,
    title_runs,
)
from app.core.fileformat.markers import (
    MAX_MARKER_CHARS,
    MD_REGION,
    PLAIN_PYTHON,
    RAW,
    SIMPLE_MARKER,
    Marker,
    MarkerProblem,
    MarkerText,
    Meta,
    simple_fields,
)
from app.core.fileformat.syntax import KEY_PATTERN, KIND_NAMES
from app.core.fileformat.value_batch import (
    MAX_SLOW_VALUES,
    TooManySlowValues,
    read_values,
    to_texts,
)
from app.core.fileformat.values import string_of, to_text
from app.core.notebook import CellKind

_KEY_OF = itemgetter(0)
#: The metadata a kind tag puts first.
_TAG_LEADING: dict[str | None, tuple[tuple[str, str], ...]] = {"raw": (RAW,), "md": (MD_REGION,)}
#: Markers of a kind tag (or none) and ``key=value`` pairs alone, each value one word without
#: ``=``: ``"quoted"`` (a backslash escaping the character after it), or unquoted with its
#: brackets closed in it: split at their spaces and ``=`` signs, in C, to the pairs the general
#: reader finds (such a value ends where its word does). Told by :func:`pairs_path`: this
#: shape (runs of a character class, fast), then the values.
_PAIRS_SHAPE = re.compile(
    r"(?:[ \t]+\[(markdown|md|raw|sql|python)\])?"
    rf"((?:[ \t]++(?>{KEY_PATTERN})=[^\s=]++)++)[ \t]*+"
)
#: That shape with no quote, and brackets closed in their values (none nested): taken at once.
_FLAT_PAIRS = re.compile(
    r"(?:[ \t]+\[(markdown|md|raw|sql|python)\])?"
    rf"((?:[ \t]++(?>{KEY_PATTERN})=(?:[^\s=\[{{\"]++|[\[{{][^\s=\[\]{{}}\"]*+[\]}}])++)++)[ \t]*+"
)
#: Pairs of that shape holding quotes that are such pairs: each quote in a whole quoted value
#: (right after ``=``, before a space or the end), brackets closed in unquoted ones.
_QUOTED_PAIRS = re.compile(
    r'(?:[^"\[{]++|(?<==)"(?:[^\s"\\=]++|\\[^\s=])*+"(?![^ \t])'
    r"|[\[{](?:[^\s\"\[\]{}=]++|[\[{][^\s\"\[\]{}=]*+[\]}])*+[\]}])*+"
)
#: The ``id=…`` pair of a marker :func:`pairs_path` takes (a pair starts after a space or
#: a tab, and no value holds one). Group: the value as written.
_ID_PAIR = re.compile(r"[ \t]id=(\S+)")
#: The value of a marker's first pair ``id=…`` that is one token: plain (no quote or bracket),
#: or quoted (with nothing to unescape).
_ID_VALUE = re.compile(r'[^ \t"\[{]*+(?=[ \t]|\Z)|"[^"\\]*+"(?=[ \t]|\Z)')
#: What may follow that ``id=…`` pair for the marker to read the same without it: another
#: pair (so that no word moves to before the first pair), or nothing.
_PAIR_OR_END = re.compile(rf"[ \t]*+(?:\Z|(?>{KEY_PATTERN})=)")


def pairs_path(rest: str) -> re.Match[str] | None:
    """The match of :data:`_PAIRS_SHAPE` (groups: the kind tag, the pairs) where the marker
    ``rest`` is read by splitting it; None where it is not (a value may not end where its word
    does: a quote within it, a bracket that does not close in it)."""
    flat = _FLAT_PAIRS.fullmatch(rest)
    if flat is not None:
        return flat
    pairs = _PAIRS_SHAPE.fullmatch(rest)
    if pairs is None:
        return None
    text = pairs[2]
    taken = closed_in_runs(text) if '"' not in text else _QUOTED_PAIRS.fullmatch(text) is not None
    return pairs if taken else None


def parse_marker(rest: str, kind: CellKind | None = None, cell_id: str | None = None) -> Marker:
    """Read what follows ``# %%``; ``kind``/``cell_id`` come from seed markers. Raises
    :class:`MarkerProblem`."""
    return read_markers([(rest, kind, cell_id)])[0]


def read_markers(texts: Sequence[MarkerText]) -> list[Marker]:
    """The markers of one file (:data:`MarkerText` each, in file order). Raises
    :class:`MarkerProblem` for the first that cannot be read (its ``index``), or for the one
    that brings the values read one at a time over
    :data:`~app.core.fileformat.value_batch.MAX_SLOW_VALUES`."""
    return _FileMarkers().read(texts)


class _Draft(NamedTuple):
    """A marker read but for its values: ``leading`` pairs (read), then ``keys`` with values
    as ``written`` (read for the whole file at once), or with JSON ``items`` (``title {…}``)."""

    kind: CellKind
    cell_id: str | None
    leading: Meta
    keys: list[str]
    written: list[str] | None
    named: bool
    items: list[Any] | None = None


class _WithId(NamedTuple):
    """A marker that is ``template`` (a draft shared by the file's markers that differ in
    their ``id`` alone) with the id written ``cell_id``."""

    template: _Draft
    cell_id: str


class _Seeded(NamedTuple):
    """A seed marker: ``template`` (read once per file for each text and kind) with the id its
    brackets give (``cell_id``)."""

    template: _Draft
    cell_id: str | None


#: The id a seed marker's template is read with (its own replaces it).
_GIVEN_ID = "\x00"
_Read = Marker | _Draft | _WithId | _Seeded


class _FileMarkers:
    """One file's markers: each split as it comes, then all their values read at once."""

    def __init__(self) -> None:
        self.templates: dict[tuple[str | None, str], _Draft] = {}
        self.seeded: dict[tuple[CellKind | None, bool, str], _Draft] = {}

    def read(self, texts: Sequence[MarkerText]) -> list[Marker]:
        found: list[_Read] = []
        failure: MarkerProblem | None = None
        for index, (rest, kind, cell_id) in enumerate(texts):
            try:
                found.append(self._split(rest, kind, cell_id))
            except (MarkerProblem, TokenProblem) as problem:
                failure = MarkerProblem(str(problem), index)
                break
        values = _Values(found)
        try:
            metas = read_values(values.written)
        except TooManySlowValues as too_many:
            at = _first_over(found, too_many.values)
            if failure is None or at < failure.index:
                failure = MarkerProblem(
                    f"cell markers hold more than {MAX_SLOW_VALUES:,} different metadata"
                    " values that are Python literals rather than JSON (such as 'a', (1, 2),"
                    f" 1j or [1,]); Cascade reads up to {MAX_SLOW_VALUES:,} of them in a file",
                    at,
                )
        if failure is not None:
            raise failure
        return values.markers(found, metas)

    def _split(self, rest: str, kind: CellKind | None, cell_id: str | None) -> _Read:
        if kind is None and cell_id is None and len(rest) <= MAX_MARKER_CHARS:
            simple = SIMPLE_MARKER.fullmatch(rest)
            if simple is not None:
                return Marker(*simple_fields(*simple.group(1, 2, 3, 4)))
            pairs = pairs_path(rest)
            if pairs is not None:
                return self._pairs(pairs[1], pairs[2])
            with_id = self._with_id(rest)
            if with_id is not None:
                return with_id
        if kind is not None or cell_id is not None:  # a seed marker: shared by its text
            key = (kind, cell_id is None, rest)
            template = self.seeded.get(key)
            if template is None:
                given = None if cell_id is None else _GIVEN_ID
                template = self.seeded[key] = _draft(rest, kind, given)
            return _Seeded(template, cell_id)
        return _general(rest, kind, cell_id)

    def _with_id(self, rest: str) -> _WithId | None:
        """A marker whose first pair is its ``id`` as one token: the marker without it
        (read once per file: Cascade's markers differ in their ids alone, mostly) and that id.
        None for any other marker, and where the rest holds an ``id`` too or is refused
        (the marker itself is read as written, to be refused as it was)."""
        equals = rest.find("=")
        if equals < 3 or rest[equals - 2 : equals] != "id" or rest[equals - 3] not in " \t":
            return None
        if "{" in rest[:equals]:  # (``title {JSON}``: the = is in the JSON)
            return None
        value = _ID_VALUE.match(rest, equals + 1)
        if value is None or _PAIR_OR_END.match(rest, value.end()) is None:
            return None  # (a word after it would be after the first pair only with it)
        key = ("", rest[: equals - 2] + rest[value.end() :])  # ("": not a pairs-path key)
        template = self.templates.get(key)
        if template is None:
            try:
                template = self.templates[key] = _draft(key[1], None, None)
            except (MarkerProblem, TokenProblem):
                return None  # (the marker as written says what is wrong first)
        if "id" in template.keys:
            return None
        return _WithId(template, value[0])

    def _pairs(self, tag: str | None, text: str) -> _Read:
        """A marker :func:`pairs_path` takes: ``tag`` and the pairs' ``text``. One with
        one ``id`` pair is the marker without it (shared by the file's markers that differ in
        their id alone) and that id."""
        found = _ID_PAIR.search(text) if "id=" in text else None
        if found is None or _ID_PAIR.search(text, found.end()) is not None:
            return _split_pairs(tag, text)
        key = (tag, text[: found.start()] + text[found.end() :])
        template = self.templates.get(key)
        if template is None:
            template = self.templates[key] = _split_pairs(tag, key[1])
        return _WithId(template, found[1])


class _Values:
    """The values of a file's markers as written, in one list: each draft's once (a draft
    shared by markers that differ in their id alone too), and each such marker's id."""

    def __init__(self, found: list[_Read]) -> None:
        self.written: list[str] = []
        self.drafts: dict[int, int] = {}  # where each draft's values start, by id()
        self.ids: list[int] = []  # where each id is, in the order of their markers
        for entry in found:
            draft = entry.template if isinstance(entry, _WithId | _Seeded) else entry
            if isinstance(draft, _Draft) and id(draft) not in self.drafts:
                self.drafts[id(draft)] = len(self.written)
                self.written += draft.written or ()
            if isinstance(entry, _WithId):
                self.ids.append(len(self.written))
                self.written.append(entry.cell_id)

    def markers(self, found: list[_Read], metas: list[str]) -> list[Marker]:
        """The markers, their values' meta texts being ``metas`` (as :attr:`written`)."""
        drafts = {  # each once, in the order of their first markers
            id(draft): draft
            for draft in (
                entry.template if isinstance(entry, _Seeded) else entry for entry in found
            )
        }
        items = list(
            chain.from_iterable(
                draft.items
                for draft in drafts.values()
                if isinstance(draft, _Draft) and draft.items
            )
        )
        item_texts = to_texts(items) if items else []
        taken = 0

        def next_texts(draft: _Draft) -> Sequence[str]:
            nonlocal taken
            if not draft.items:
                return ()
            taken += len(draft.items)
            return item_texts[taken - len(draft.items) : taken]

        built: dict[int, Marker] = {}  # drafts shared by markers, by id()
        ids = iter(self.ids)
        markers: list[Marker] = []
        for entry in found:
            if isinstance(entry, Marker):
                markers.append(entry)
            elif isinstance(entry, _WithId | _Seeded):
                marker = built.get(id(entry.template))
                if marker is None:
                    start = self.drafts[id(entry.template)]
                    texts = next_texts(entry.template)
                    marker = built[id(entry.template)] = _build(entry.template, metas, texts, start)
                if isinstance(entry, _Seeded):  # (with no id of its own: the marker's)
                    given = entry.cell_id
                    markers.append(marker if given is None else marker._replace(cell_id=given))
                    continue
                value = metas[next(ids)]
                markers.append(marker._replace(cell_id=(string_of(value) or value) or None))
            else:
                markers.append(_build(entry, metas, next_texts(entry), self.drafts[id(entry)]))
        return markers


def _written(entry: _Read) -> Sequence[str]:
    if isinstance(entry, _Draft):
        return entry.written or ()
    if isinstance(entry, _WithId):
        return [*entry.template.written, entry.cell_id]  # type: ignore[misc]
    if isinstance(entry, _Seeded):
        return entry.template.written or ()
    return ()


def _first_over(found: list[_Read], slow: set[str]) -> int:
    """The index of the marker that brings the file's ``slow`` values read so far over the
    limit."""
    seen: set[str] = set()
    for index, entry in enumerate(found):
        seen.update(slow.intersection(_written(entry)))
        if len(seen) > MAX_SLOW_VALUES:
            return index
    return len(found) - 1


def _build(draft: _Draft, metas: list[str], item_texts: Sequence[str], start: int) -> Marker:
    """The marker ``draft`` is: its values' meta texts are ``metas[start:]`` (or, for
    ``title {JSON}``, ``item_texts``)."""
    if draft.written is not None:
        read = metas[start : start + len(draft.written)]
        pairs = zip(draft.keys, read, strict=True)
    else:
        pairs = zip(draft.keys, item_texts, strict=True)
    return _marker(draft.kind, (*draft.leading, *pairs), draft.cell_id, named=draft.named)


def _split_pairs(tag: str | None, text: str) -> _Draft:
    """The draft of a marker :func:`pairs_path` takes: split in C (no other space or
    ``=`` is in its keys and values)."""
    words = text.replace("=", " ").split()
    keys, written = words[0::2], words[1::2]
    leading = _TAG_LEADING.get(tag, ())
    kind = KIND_NAMES["markdown" if tag in ("raw", "md") else tag or "python"]
    named = "id" in text or "name" in text
    if named:
        _check_names(kind, keys, None)
    return _Draft(kind, None, leading, keys, written, named)


def _general(rest: str, kind: CellKind | None, cell_id: str | None) -> _Read:
    """What any marker says but for its values (the common ones are taken a faster way)."""
    if not rest.strip() and kind is None and cell_id is None:
        return PLAIN_PYTHON
    return _draft(rest, kind, cell_id)


def _draft(rest: str, kind: CellKind | None, cell_id: str | None) -> _Draft:
    """:func:`_general` for a marker that is not blank (spaces and tabs alone: no pairs)."""
    if len(rest) > MAX_MARKER_CHARS:
        raise MarkerProblem(f"cell marker longer than {MAX_MARKER_CHARS:,} characters")
    depth = len(rest) - len(rest.lstrip("%"))
    text = rest[depth:]
    json_meta = json_metadata(text)
    written: list[str] | None = None
    items: list[Any] | None = None
    if json_meta is not None:
        title_text, keys, items = json_meta
        words, tag = title_runs(title_text)
    else:
        found = structure(text)
        tag, words, keys, written = found.tag, found.title, found.keys, found.written
    leading: list[tuple[str, str]] = []
    if tag == "raw":
        leading.append(RAW)
    elif tag == "md":
        leading.append(MD_REGION)
    if words:
        leading.append(("title", to_text(" ".join(words))))
    if depth:
        leading.append(("cell_depth", str(depth)))
    tag_kind: CellKind | None = None
    if tag in ("raw", "md"):
        tag_kind = "markdown"
    elif tag is not None:
        tag_kind = KIND_NAMES[tag]
    kind = kind or tag_kind or "python"
    named = "id" in rest or "name" in rest or json_meta is not None
    if named:
        _check_names(kind, keys, cell_id)
    return _Draft(kind, cell_id, tuple(leading), keys, written, named, items)


def _check_names(kind: CellKind, keys: list[str], cell_id: str | None) -> None:
    """Refuse a marker with more than one id, or a SQL marker with more than one name
    (``keys``: its pairs' keys; no leading pair is an id or a name)."""
    if keys.count("id") + (cell_id is not None) > 1:
        raise MarkerProblem("cell marker has more than one id")
    if kind == "sql" and keys.count("name") > 1:
        raise MarkerProblem("cell marker has more than one name")


def _marker(kind: CellKind, pairs: Meta, cell_id: str | None, *, named: bool) -> Marker:
    """The marker of checked pairs (:func:`_check_names`): the ``id`` pair gives the cell's id
    (unless a seed marker gave one: ``cell_id``), a SQL marker's ``name`` pair its result name.
    ``named``: whether ``pairs`` may hold ``id`` or ``name`` (False spares passes over them)."""
    if not named:
        return Marker(kind, cell_id or None, None, pairs)
    keys = list(map(_KEY_OF, pairs))
    id_at = keys.index("id") if "id" in keys else -1
    name_at = keys.index("name") if kind == "sql" and "name" in keys else -1
    if id_at >= 0 and cell_id is None:
        cell_id = string_of(pairs[id_at][1]) or pairs[id_at][1]
    name = (string_of(pairs[name_at][1]) or pairs[name_at][1]) if name_at >= 0 else None
    if id_at >= 0 or name_at >= 0:
        kept = list(pairs)
        for index in sorted((id_at, name_at), reverse=True):
            if index >= 0:
                del kept[index]
        pairs = tuple(kept)
    return Marker(kind, cell_id or None, name or None, pairs)

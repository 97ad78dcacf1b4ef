"""Notebook files: read Cascade's format (and the seed and plain percent formats), write Cascade's.

A notebook is one UTF-8 ``.py`` file (design/FILEFORMAT.md) that people diff and review, that stays
valid Python, and whose cells Jupytext, VS Code, Spyder and PyCharm see as Cascade does. This module
is pure text in, values out; its only I/O is :func:`load` (one read) and :func:`save` (atomic write).

What :func:`dumps` writes::

    # /// script                   PEP 723 header, always written, so the file is recognisably ours
    # requires-python = ">=3.11"   the lines of Notebook.extra_header …
    #                              … an empty TOML line is a bare "#"
    # [tool.cascade]
    # format = 1
    # name = "Orders"              omitted when the name is ""
    # database = "sqlite:///x.db"  omitted when None
    # ///
                                   one empty line before every marker
    # %% [sql] id="9a0e55d3" name="orders" other="kept"
    # SELECT 1                     markdown and SQL lines: "# " + line, "#" for an empty line

    # %% id="c02b7f18"
    orders                         Python lines: verbatim (but see "Escape")

Decisions FILEFORMAT.md leaves open:

* **Cell bodies.** A cell's body is every line between its marker and the next marker, minus one
  empty separator line at its end; the last cell runs to the end of the file. Its code is
  ``"\\n".join(body)`` and the empty code has no body lines, so code may end with blank lines and
  they round-trip. The file ends with one newline, plus the last cell's own trailing blank lines.
  In markdown and SQL cells, raw empty lines at the end are layout, not content, and are dropped.
* **Escape.** A written line that other tools could read as structure is prefixed with ``#ESC ``:
  lines matching ``\\s*#\\s*%%`` (Jupytext, VS Code, Spyder, PyCharm markers, also indented), VS
  Code's and Spyder's ``# <codecell>`` / ``# In[`` markers, lines starting ``# ///`` (PEP 723
  block lines: uv refuses a second ``# /// script`` block), and lines that already start with
  ``#ESC `` (the escape escapes itself). Loading a Cascade file removes one ``#ESC `` from every
  line that starts with it. The escape applies after markdown/SQL lines got their ``# ``, so a
  markdown line ``%% x`` is written ``#ESC # %% x``. An escaped line is a comment: run as a plain
  script, a ``# %%`` line inside a triple-quoted string would read differently (it cannot be
  helped without changing what other tools see).
* **Newlines.** :func:`parse` reads ``\\r\\n`` and a lone ``\\r`` as ``\\n`` (Python's universal
  newlines, which editors follow too), and drops a leading byte-order mark. No loaded notebook
  therefore holds ``\\r`` in its code, and :func:`dumps` rejects code or ``extra_header``
  containing ``\\r`` with ``ValueError``: such a notebook could not read back equal.
* **What dumps refuses** (``ValueError``), each being something no load produces: an empty or
  multi-line id; a SQL cell without a (one-line, non-empty) result name; a name on another kind of
  cell; metadata keys not matching ``[A-Za-z_][A-Za-z0-9_.-]*``, or ``id`` (and ``name`` on SQL
  cells), or multi-line values; a database URL holding a password; an ``extra_header`` that would
  not read back unchanged (below). The notebook's ``name`` and ``database`` are TOML strings and
  may hold anything. A NUL character round-trips, but Python refuses any file containing one.
* **Header and extra_header.** The header's TOML is its lines without their ``# `` (``#`` is an
  empty line), each ending in ``\\n``. Loading reads ``format``/``name``/``database`` from
  ``[tool.cascade]``, deletes those three keys with tomlkit (the rest keeps its bytes), and, when
  nothing else is left in the table and its ``[tool.cascade]`` line is the last line, drops that
  line and the newline before it. The remaining text is ``extra_header``. :func:`dumps` inverts
  this: with no ``[tool.cascade]`` table in ``extra_header`` it writes
  ``extra_header + ("\\n" if extra_header else "") + "[tool.cascade]\\n" + settings``, otherwise it
  adds the settings to the end of that table with tomlkit. It then splits its own header again and
  raises ``ValueError`` unless that gives back exactly ``extra_header``: the values it accepts are
  exactly those loading can produce (for instance not an empty ``[tool.cascade]`` table at the
  end, nor ``format``/``name``/``database`` keys of its own). Loading runs the same check, so every
  header Cascade opens is one it can save again. A missing ``format`` reads as 1.
* **Cell markers** are read leniently, as Jupytext writes them: ``# %% title [kind] key=value``.
  ``[markdown]``, ``[md]`` and ``[sql]`` set the kind (``[python]`` is accepted too). Values are
  ``"quoted"`` (``\\"`` and ``\\\\`` are the only escapes) or bare JSON-ish text
  (``tags=["a", "b"]``), kept as text. ``name`` means the result name only on SQL cells; elsewhere
  it is metadata. Words that are not ``key=value`` become the metadata ``title`` (as in
  Jupytext). A value with an opening quote but no closing one is a :class:`NotebookFormatError`.
  An empty ``id=""`` or ``name=""`` counts as missing.
* **Detection.** A ``# /// script`` header before the first marker, or any marker with an ``id``,
  makes a Cascade file. Otherwise, a first marker ``# %% python [id]`` / ``# %% sql [id]``, or (with
  no markers) a first line ``# Notebook:`` / ``# DB:``, makes a seed file. Otherwise ``# %%``
  markers make a plain percent file; with none, the whole text is one Python cell. Text outside any
  cell (before the first marker, or around the header) that is not blank becomes a first Python
  cell, with a notice.
* **Seed format.** Cells start at ``# %% python [id]`` / ``# %% sql [id]`` lines; any other
  ``# %%`` line is body text. Bodies are plain lines (SQL is not commented) with trailing blank
  lines trimmed. A SQL cell's result name comes from ``name="…"`` or one bare identifier after the
  bracket (``# %% sql [c2] orders``), else ``df``, ``df_2`` … ``# Notebook:`` / ``# DB:`` lines are
  read at the top, each once.
* **Passwords.** Wherever a database URL comes from (seed ``# DB:``, or a hand-edited header), a
  password in it, or in a libpq ``password=`` query parameter, is moved to
  ``secrets["database_password"]`` (percent-decoded) with a notice; see :func:`strip_password`.
  ``${VAR}`` references stay, since they hold no secret.
* **Errors.** :func:`parse` raises only :class:`NotebookFormatError` and runs in linear time
  (tomlkit included). :func:`load` adds ``OSError`` for a file it cannot read.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import stat
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from secrets import token_hex
from types import MappingProxyType
from typing import Any, Literal
from urllib.parse import unquote

import tomlkit
from tomlkit.exceptions import ParseError

from app.core.notebook import CELL_KINDS, Cell, CellKind, Notebook, new_cell_id

__all__ = [
    "ESCAPE",
    "FORMAT_VERSION",
    "LoadedNotebook",
    "NotebookFormatError",
    "SourceFormat",
    "dumps",
    "load",
    "loads",
    "parse",
    "save",
    "strip_password",
]

FORMAT_VERSION = 1
ESCAPE = "#ESC "
HEADER_OPEN = "# /// script"
HEADER_CLOSE = "# ///"

SourceFormat = Literal["cascade", "seed", "percent"]

_MANAGED_KEYS = ("format", "name", "database")
_TABLE_LINE = "[tool.cascade]\n"
_KIND_NAMES: dict[str, CellKind] = {
    "markdown": "markdown",
    "md": "markdown",
    "sql": "sql",
    "python": "python",
}

# What Cascade reads as a marker. Every line matching it is also matched by _NEEDS_ESCAPE, so a
# cell line can never be taken for a marker.
_MARKER = re.compile(r"#[ \t]*%%(?P<rest>.*)")
_SEED_MARKER = re.compile(
    r"#[ \t]*%%[ \t]*(?P<kind>python|sql)[ \t]*\[(?P<id>[^\]]*)\](?P<rest>.*)"
)
_SPACE = r"[\s\ufeff]*"
_NEEDS_ESCAPE = re.compile(
    rf"{_SPACE}#{_SPACE}(?:%%|<codecell>|In\[)|# ///|{re.escape(ESCAPE)}",
)
_KEY_PATTERN = r"[A-Za-z_][A-Za-z0-9_.-]*"
_KEY = re.compile(_KEY_PATTERN)
_QUOTED_PAIR = re.compile(rf'(?P<key>{_KEY_PATTERN})="(?P<value>(?:[^"\\]|\\.)*)"(?=[ \t]|$)')
_KEY_EQUALS = re.compile(rf"(?P<key>{_KEY_PATTERN})=")
_KIND_TAG = re.compile(r"\[(?P<kind>markdown|md|sql|python)\](?=[ \t]|$)")
_VALUE_ESCAPE = re.compile(r'\\(["\\])')
_SEED_SETTING = re.compile(r"#[ \t]*(?P<key>Notebook|DB):(?P<value>.*)")
_ENV_REFERENCE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}")
_TOML_LOCATION = re.compile(r" at line \d+ col \d+$")


class NotebookFormatError(ValueError):
    """The one error for a file Cascade cannot read; ``line`` is 1-based, for the user to go to."""

    line: int
    message: str

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message

    def __reduce__(self) -> tuple[type[NotebookFormatError], tuple[int, str]]:
        # The default would call __init__ with the formatted text only.
        return type(self), (self.line, self.message)


@dataclass(frozen=True, slots=True)
class LoadedNotebook:
    """What opening a file gives: the notebook, plus what the user must be told or asked for.

    ``secrets`` holds what was taken out of the document (``database_password``) so the caller
    can offer to store it in the keyring; ``notices`` are one-line messages about changes the
    next save will make (ids added, password moved, format converted).
    """

    notebook: Notebook
    source_format: SourceFormat
    secrets: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    notices: tuple[str, ...] = ()


# -- reading -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    """A cell as read from the file, before missing ids and result names are filled in."""

    kind: CellKind
    code: str
    cell_id: str | None = None
    name: str | None = None
    meta: list[tuple[str, str]] = field(default_factory=list)
    from_marker: bool = True  # False for cells made from loose text (no id to have lost)


@dataclass(slots=True)
class _Read:
    """Everything one reader found in a file."""

    source_format: SourceFormat
    drafts: list[_Draft] = field(default_factory=list)
    name: str = ""
    database: str | None = None
    extra_header: str = ""
    notices: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Header:
    """0-based indexes of the ``# /// script`` line and of its closing ``# ///`` line."""

    open: int
    close: int


@dataclass(frozen=True, slots=True)
class _Marker:
    kind: CellKind
    cell_id: str | None
    name: str | None
    meta: list[tuple[str, str]]


class _HeaderProblem(Exception):
    """A header that cannot be used; ``line`` is within the TOML text, ``key`` helps find it."""

    def __init__(self, message: str, line: int | None = None, key: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.key = key


def parse(text: str) -> LoadedNotebook:
    """Read a notebook file's text; raises :class:`NotebookFormatError` and nothing else."""
    lines = _split_lines(_normalize_newlines(text))
    header = _find_header(lines)
    start = header.close + 1 if header else 0
    markers = [i for i in range(start, len(lines)) if _MARKER.fullmatch(lines[i])]
    if header is None and _is_seed(lines, markers):
        return _finish(_read_seed(lines))
    if header is None and not markers:
        return _finish(_read_whole(lines))
    return _finish(_read_percent(lines, header, markers))


def loads(text: str) -> Notebook:
    """The notebook in a file's text (see :func:`parse` for what else opening tells)."""
    return parse(text).notebook


def load(path: str | os.PathLike[str]) -> LoadedNotebook:
    """Read and parse a file; bytes that are not UTF-8 are a :class:`NotebookFormatError`."""
    with open(path, "rb") as file:
        data = file.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        before = data[: err.start].decode("utf-8")
        line = _normalize_newlines(before).count("\n") + 1
        byte = data[err.start]
        raise NotebookFormatError(line, f"not UTF-8 text (byte 0x{byte:02x})") from None
    return parse(text)


def _normalize_newlines(text: str) -> str:
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split_lines(text: str) -> list[str]:
    """Lines without their ``\\n``; a final newline ends the last line rather than adding one."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def _is_marker(line: str) -> bool:
    return _MARKER.fullmatch(line) is not None


def _find_header(lines: Sequence[str]) -> _Header | None:
    """The ``# /// script`` block, if one opens before the first cell marker."""
    for index, line in enumerate(lines):
        if line == HEADER_OPEN:
            return _Header(index, _header_close(lines, index))
        if _is_marker(line):
            return None
    return None


def _header_close(lines: Sequence[str], opened: int) -> int:
    """PEP 723's rule: the block ends at the last ``# ///`` of the comment lines that follow."""
    close = None
    index = opened + 1
    while index < len(lines) and (lines[index] == "#" or lines[index].startswith("# ")):
        if lines[index] == HEADER_CLOSE:
            close = index
        index += 1
    if close is None:
        line = min(index + 1, len(lines))
        raise NotebookFormatError(
            line, f"unterminated '{HEADER_OPEN}' header (opened at line {opened + 1})"
        )
    return close


def _is_seed(lines: Sequence[str], markers: Sequence[int]) -> bool:
    if markers:
        return _SEED_MARKER.fullmatch(lines[markers[0]]) is not None
    first = next((line for line in lines if line.strip()), "")
    return _SEED_SETTING.fullmatch(first) is not None


def _read_whole(lines: Sequence[str]) -> _Read:
    """A file with no header and no markers: one Python cell holding all of it."""
    read = _Read("percent", [_Draft("python", "\n".join(lines), from_marker=False)])
    if any(line.strip() for line in lines):
        read.notices.append("the file has no cell markers; it was opened as one cell")
    return read


def _read_percent(lines: Sequence[str], header: _Header | None, markers: Sequence[int]) -> _Read:
    """Cascade's own format and plain percent files (Jupytext, VS Code, Spyder …)."""
    parsed = [_parse_marker(_marker_rest(lines[i]), i + 1) for i in markers]
    is_cascade = header is not None or any(marker.cell_id for marker in parsed)
    read = _Read("cascade" if is_cascade else "percent")
    if header is not None:
        read.name, read.database, read.extra_header = _read_header(lines, header)
    before = lines[: header.open] if header else []
    first = markers[0] if markers else len(lines)
    _add_loose_text(read, [*before, *lines[header.close + 1 if header else 0 : first]])
    for k, (index, marker) in enumerate(zip(markers, parsed, strict=True)):
        last = k + 1 == len(markers)
        body = list(lines[index + 1 : len(lines) if last else markers[k + 1]])
        if not last and body and body[-1] == "":
            body.pop()  # the separator before the next marker
        code = _decode_body(marker.kind, body, unescape=is_cascade)
        read.drafts.append(_Draft(marker.kind, code, marker.cell_id, marker.name, marker.meta))
    return read


def _marker_rest(line: str) -> str:
    match = _MARKER.fullmatch(line)
    return match["rest"] if match else ""


def _add_loose_text(read: _Read, lines: Sequence[str]) -> None:
    """Keep text that sits outside every cell as a first Python cell, so nothing is lost."""
    start, stop = 0, len(lines)
    while start < stop and not lines[start].strip():
        start += 1
    while stop > start and not lines[stop - 1].strip():
        stop -= 1
    if start < stop:
        code = "\n".join(lines[start:stop])
        read.drafts.insert(0, _Draft("python", code, from_marker=False))
        read.notices.append("text before the first cell was kept as a new first cell")


def _decode_body(kind: CellKind, body: Sequence[str], *, unescape: bool) -> str:
    lines = [_unescape(line) for line in body] if unescape else list(body)
    if kind != "python":
        while lines and lines[-1] == "":
            lines.pop()
        lines = [_uncomment(line) for line in lines]
    return "\n".join(lines)


def _unescape(line: str) -> str:
    return line.removeprefix(ESCAPE)


def _uncomment(line: str) -> str:
    """Jupytext's rule: drop ``# `` or a bare ``#``; a line without ``#`` stays as it is."""
    if line.startswith("# "):
        return line[2:]
    return line.removeprefix("#")


# -- cell markers ------------------------------------------------------------------------------


def _parse_marker(
    rest: str, line: int, kind: CellKind | None = None, cell_id: str | None = None
) -> _Marker:
    """Read what follows ``# %%``; ``kind``/``cell_id`` are given by seed markers."""
    tag: CellKind | None = None
    pairs: list[tuple[str, str]] = []
    words: list[str] = []
    for token, text, value in _marker_tokens(rest, line):
        if token == "kind" and tag is None:
            tag = _KIND_NAMES[text]
        elif token == "pair":
            pairs.append((text, value))
        else:
            words.append(text if token == "word" else f"[{text}]")
    return _marker_from_parts(kind or tag or "python", pairs, words, line, cell_id)


def _marker_tokens(rest: str, line: int) -> Iterator[tuple[str, str, str]]:
    """Split marker text into ("kind", k, ""), ("pair", key, value) and ("word", w, "")."""
    pos, end = 0, len(rest)
    while pos < end:
        if rest[pos] in " \t":
            pos += 1
        elif tag := _KIND_TAG.match(rest, pos):
            yield "kind", tag["kind"], ""
            pos = tag.end()
        elif pair := _QUOTED_PAIR.match(rest, pos):
            yield "pair", pair["key"], _VALUE_ESCAPE.sub(r"\1", pair["value"])
            pos = pair.end()
        elif key := _KEY_EQUALS.match(rest, pos):
            if rest.startswith('"', key.end()):
                raise NotebookFormatError(
                    line,
                    f"cell marker: the value of {key['key']!r} needs a closing '\"' followed by"
                    " a space or the end of the line",
                )
            stop = _bare_value_end(rest, key.end())
            yield "pair", key["key"], rest[key.end() : stop]
            pos = stop
        else:
            stop = _word_end(rest, pos)
            yield "word", rest[pos:stop], ""
            pos = stop


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


def _word_end(text: str, pos: int) -> int:
    for index in range(pos, len(text)):
        if text[index] in " \t":
            return index
    return len(text)


def _marker_from_parts(
    kind: CellKind,
    pairs: Sequence[tuple[str, str]],
    words: Sequence[str],
    line: int,
    cell_id: str | None,
) -> _Marker:
    name: str | None = None
    meta = [("title", " ".join(words))] if words else []
    for key, value in pairs:
        if key == "id":
            if cell_id is not None:
                raise NotebookFormatError(line, "cell marker has more than one id")
            cell_id = value
        elif key == "name" and kind == "sql":
            if name is not None:
                raise NotebookFormatError(line, "cell marker has more than one name")
            name = value
        else:
            meta.append((key, value))
    return _Marker(kind, cell_id or None, name or None, meta)


# -- the seed format ---------------------------------------------------------------------------


def _read_seed(lines: Sequence[str]) -> _Read:
    """The seed format: ``# Notebook:``/``# DB:`` lines, then ``# %% python [id]`` cells."""
    markers = [i for i, line in enumerate(lines) if _SEED_MARKER.fullmatch(line)]
    first = markers[0] if markers else len(lines)
    read = _Read("seed")
    settings_end = _read_seed_settings(read, lines[:first])
    _add_loose_text(read, lines[settings_end:first])
    for k, index in enumerate(markers):
        stop = markers[k + 1] if k + 1 < len(markers) else len(lines)
        read.drafts.append(_seed_cell(lines[index], list(lines[index + 1 : stop]), index + 1))
    read.notices.append("converted from the seed format; saving writes Cascade's format")
    return read


def _read_seed_settings(read: _Read, lines: Sequence[str]) -> int:
    """Read the ``# Notebook:`` / ``# DB:`` lines at the top; the index where other text starts."""
    seen: set[str] = set()
    for index, line in enumerate(lines):
        match = _SEED_SETTING.fullmatch(line)
        if match is None or match["key"] in seen:
            if line.strip():
                return index
            continue
        seen.add(match["key"])
        value = match["value"].strip()
        if match["key"] == "Notebook":
            read.name = value
        else:
            read.database = value or None
    return len(lines)


def _seed_cell(marker_line: str, body: list[str], line: int) -> _Draft:
    match = _SEED_MARKER.fullmatch(marker_line)
    assert match is not None  # only called on seed marker lines
    kind = _KIND_NAMES[match["kind"]]
    marker = _parse_marker(match["rest"], line, kind, match["id"].strip() or None)
    name, meta = marker.name, marker.meta
    bare = meta[0][1] if meta[:1] and meta[0][0] == "title" else ""
    if kind == "sql" and name is None and bare.isidentifier():
        name, meta = bare, meta[1:]  # "# %% sql [c2] orders" names the result
    while body and not body[-1].strip():
        body.pop()
    return _Draft(kind, "\n".join(body), marker.cell_id, name, meta)


# -- the header --------------------------------------------------------------------------------


def _read_header(lines: Sequence[str], header: _Header) -> tuple[str, str | None, str]:
    """``(name, database, extra_header)`` from the ``# /// script`` block."""
    toml_lines = lines[header.open + 1 : header.close]
    text = "".join(line[2:] + "\n" for line in toml_lines)  # "#"[2:] is ""
    try:
        name, database, extra = _split_header(text)
        _check_rewritable(extra, name, database)
    except _HeaderProblem as problem:
        line = _problem_line(problem, toml_lines, header.open + 1)
        raise NotebookFormatError(line, f"in the '{HEADER_OPEN}' header: {problem}") from None
    return name, database, extra


def _problem_line(problem: _HeaderProblem, toml_lines: Sequence[str], opener_line: int) -> int:
    if problem.line is not None:
        return opener_line + min(max(problem.line, 1), max(len(toml_lines), 1))
    if problem.key is not None:
        pattern = re.compile(rf"#\s*{re.escape(problem.key)}\s*=")
        for index, line in enumerate(toml_lines):
            if pattern.match(line):
                return opener_line + index + 1
    return opener_line


def _parse_toml(text: str) -> tomlkit.TOMLDocument:
    try:
        return tomlkit.parse(text)
    except ParseError as err:
        message = _TOML_LOCATION.sub("", str(err))
        raise _HeaderProblem(f"invalid TOML: {message}", line=err.line) from None
    except Exception as err:  # tomlkit is third-party: any failure means TOML we cannot read
        raise _HeaderProblem(f"invalid TOML: {err}") from None


def _cascade_table(doc: MutableMapping[str, Any]) -> MutableMapping[str, Any] | None:
    tool = doc.get("tool")
    if not isinstance(tool, Mapping) or "cascade" not in tool:
        return None
    table = tool["cascade"]
    if not isinstance(table, MutableMapping):
        raise _HeaderProblem("[tool.cascade] must be a table", key="cascade")
    return table


@functools.lru_cache(maxsize=16)  # pure; a load and a save each split the same text again
def _split_header(text: str) -> tuple[str, str | None, str]:
    """Cascade's settings and the rest of the header's TOML (``extra_header``)."""
    doc = _parse_toml(text)
    table = _cascade_table(doc)
    if table is None:
        return "", None, text
    _check_format(table.get("format", FORMAT_VERSION))
    name = _string_setting(table, "name") or ""
    database = _string_setting(table, "database")
    try:
        for key in _MANAGED_KEYS:
            if key in table:
                del table[key]
        rest = doc.as_string()
    except Exception as err:  # tomlkit refuses some layouts (dotted keys, odd nesting)
        raise _HeaderProblem(f"cannot edit [tool.cascade]: {err}") from None
    if len(table) == 0:
        rest = _drop_table_line(rest)
    return name, database, rest


def _check_format(value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _HeaderProblem("format must be a whole number", key="format")
    if value > FORMAT_VERSION:
        raise _HeaderProblem(
            f"written by a newer Cascade (format {value}; this version reads format "
            f"{FORMAT_VERSION})",
            key="format",
        )
    if value < 1:
        raise _HeaderProblem(f"unknown format {value}", key="format")


def _string_setting(table: Mapping[str, Any], key: str) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _HeaderProblem(f"{key} must be a string", key=key)
    return str.__str__(value)  # a plain str, not tomlkit's String


def _drop_table_line(rest: str) -> str:
    """Remove an emptied ``[tool.cascade]`` line at the end, with the newline dumps put before it."""
    if rest == _TABLE_LINE:
        return ""
    if rest.endswith("\n" + _TABLE_LINE):
        return rest[: -len(_TABLE_LINE) - 1]
    return rest


@functools.lru_cache(maxsize=16)
def _merge_header(extra: str, name: str, database: str | None) -> str:
    """The header's TOML: ``extra`` with Cascade's settings added (inverse of _split_header)."""
    settings: dict[str, Any] = {"format": FORMAT_VERSION}
    if name:
        settings["name"] = name
    if database is not None:
        settings["database"] = database
    doc = _parse_toml(extra)
    table = _cascade_table(doc)
    if table is None:
        separator = "\n" if extra else ""
        return f"{extra}{separator}{_TABLE_LINE}{tomlkit.dumps(settings)}"
    try:
        for key, value in settings.items():
            table[key] = value
        text = doc.as_string()
    except Exception as err:  # tomlkit refuses some layouts (dotted keys, odd nesting)
        raise _HeaderProblem(f"cannot add settings to [tool.cascade]: {err}") from None
    return text if text.endswith("\n") else text + "\n"


def _check_rewritable(extra: str, name: str, database: str | None) -> None:
    """Make sure saving can write this header back and read the same values from it."""
    reason = "the settings would not read back unchanged"
    try:
        if _split_header(_merge_header(extra, name, database)) == (name, database, extra):
            return
    except _HeaderProblem as problem:  # its line would be in a text the user never saw
        reason = problem.message
    raise _HeaderProblem(
        f"Cascade cannot store its settings in this header ({reason}); keep them in a plain"
        " [tool.cascade] table"
    )


# -- ids, result names, passwords --------------------------------------------------------------


def _finish(read: _Read) -> LoadedNotebook:
    """Fill in missing ids and result names, move the password out, build the notebook."""
    notices = list(read.notices)
    ids = _settle_ids(read.drafts, notices)
    names = _settle_names(read.drafts, notices)
    secrets: dict[str, str] = {}
    database = read.database
    if database is not None:
        database, password = strip_password(database)
        if password is not None:
            secrets["database_password"] = password
            notices.append("the database password was moved out of the file")
    cells = tuple(
        Cell(id=cell_id, kind=draft.kind, code=draft.code, name=name, meta=tuple(draft.meta))
        for draft, cell_id, name in zip(read.drafts, ids, names, strict=True)
    )
    notebook = Notebook(cells, read.name, database, read.extra_header)
    return LoadedNotebook(notebook, read.source_format, MappingProxyType(secrets), tuple(notices))


def _settle_ids(drafts: Sequence[_Draft], notices: list[str]) -> list[str]:
    """Keep each first use of an id; give new ones to cells without one and to later duplicates."""
    taken = {draft.cell_id for draft in drafts if draft.cell_id}
    seen: set[str] = set()
    ids: list[str] = []
    missing = duplicates = 0
    for draft in drafts:
        cell_id = draft.cell_id
        if cell_id is None or cell_id in seen:
            if cell_id is not None:
                duplicates += 1
            elif draft.from_marker:
                missing += 1
            cell_id = _fresh_id(taken)
            taken.add(cell_id)
        seen.add(cell_id)
        ids.append(cell_id)
    if missing:
        notices.append(f"{_count(missing, 'cell')} had no id; ids were added")
    if duplicates:
        notices.append(
            f"{_count(duplicates, 'cell')} repeated an earlier cell's id; new ids were given"
        )
    return ids


def _fresh_id(taken: set[str]) -> str:
    # new_cell_id copies what it is given; checking here keeps many missing ids linear.
    while True:
        cell_id = new_cell_id()
        if cell_id not in taken:
            return cell_id


def _settle_names(drafts: Sequence[_Draft], notices: list[str]) -> list[str | None]:
    """Give SQL cells without a result name ``df``, ``df_2`` … (as Notebook.next_sql_name does)."""
    used = {draft.name for draft in drafts if draft.kind == "sql" and draft.name}
    fresh = _sql_names(used)
    names: list[str | None] = []
    given: list[str] = []
    for draft in drafts:
        if draft.kind != "sql":
            names.append(None)
        elif draft.name is not None:
            names.append(draft.name)
        else:
            given.append(next(fresh))
            names.append(given[-1])
    if given:
        shown = ", ".join(given[:3]) + (" …" if len(given) > 3 else "")
        notices.append(f"{_count(len(given), 'SQL cell')} had no result name; named {shown}")
    return names


def _sql_names(used: set[str]) -> Iterator[str]:
    if "df" not in used:
        yield "df"
    number = 2
    while True:
        if f"df_{number}" not in used:
            yield f"df_{number}"
        number += 1


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def strip_password(url: str) -> tuple[str, str | None]:
    """``(url without its password, the password or None)``; the rest of the URL keeps its bytes.

    Follows SQLAlchemy's reading (``scheme://user:password@host…``, where the password may hold
    ``/``) rather than ``urllib.parse.urlsplit`` (which ends the host at the first ``/`` and would
    leave such a password in the file); a raw ``@`` in the password is removed with it. A libpq
    ``password=`` query parameter is removed too. Passwords come back percent-decoded, as the
    driver gets them; ``${VAR}`` references and empty passwords are not secrets and stay.
    """
    url, password = _strip_userinfo_password(url)
    url, query_password = _strip_query_password(url)
    return url, password if password is not None else query_password


def _strip_userinfo_password(url: str) -> tuple[str, str | None]:
    scheme = re.match(r"[A-Za-z][A-Za-z0-9+.-]*://[^:/@]*:", url)
    if scheme is None:
        return url, None
    start = scheme.end()
    at = url.find("@", start)
    if at < 0:
        return url, None  # "host:port", no userinfo
    while (host_end := _host_end(url, at + 1)) < len(url) and url[host_end] == "@":
        at = host_end  # the password held a raw "@"
    password = url[start:at]
    if not _is_secret(password):
        return url, None
    return url[: start - 1] + url[at:], unquote(password)


def _host_end(url: str, pos: int) -> int:
    for index in range(pos, len(url)):
        if url[index] in "@/?":
            return index
    return len(url)


def _strip_query_password(url: str) -> tuple[str, str | None]:
    question = url.find("?")
    if question < 0:
        return url, None
    kept: list[str] = []
    password: str | None = None
    for part in url[question + 1 :].split("&"):
        key, _, value = part.partition("=")
        if key == "password" and _is_secret(value):
            password = password if password is not None else unquote(value.replace("+", " "))
        else:
            kept.append(part)
    if password is None:
        return url, None
    return url[:question] + ("?" + "&".join(kept) if kept else ""), password


def _is_secret(password: str) -> bool:
    return bool(password) and _ENV_REFERENCE.fullmatch(password) is None


# -- writing -----------------------------------------------------------------------------------


def dumps(nb: Notebook) -> str:
    """Cascade's text for a notebook; deterministic. ``ValueError`` for what could not read back."""
    _check_notebook(nb)
    lines = _header_lines(nb)
    for cell in nb.cells:
        lines.append("")
        lines.append(_marker_line(cell))
        lines.extend(_body_lines(cell))
    return "\n".join(lines) + "\n"


def _check_notebook(nb: Notebook) -> None:
    if "\r" in nb.extra_header:
        raise ValueError("extra_header contains '\\r'")
    if nb.database is not None and strip_password(nb.database)[1] is not None:
        raise ValueError("the database URL holds a password; passwords are never saved in the file")
    for cell in nb.cells:
        _check_cell(cell)


def _check_cell(cell: Cell) -> None:
    where = f"cell {cell.id!r}"
    if cell.kind not in CELL_KINDS:
        raise ValueError(f"{where}: unknown kind {cell.kind!r}")
    _check_value(where, "id", cell.id)
    if "\r" in cell.code:
        raise ValueError(f"{where}: code contains '\\r', which reads back as a line break")
    if cell.kind == "sql":
        _check_value(where, "name", cell.name or "")
    elif cell.name is not None:
        raise ValueError(f"{where}: only SQL cells have a result name")
    for key, value in cell.meta:
        reserved = key == "id" or (key == "name" and cell.kind == "sql")
        if reserved or not _KEY.fullmatch(key):
            raise ValueError(f"{where}: metadata key {key!r} cannot be written")
        _check_value(where, key, value, allow_empty=True)


def _check_value(where: str, key: str, value: str, *, allow_empty: bool = False) -> None:
    if not value and not allow_empty:
        raise ValueError(f"{where}: {key} must not be empty")
    if "\n" in value or "\r" in value:
        raise ValueError(f"{where}: {key} must be one line")


def _header_lines(nb: Notebook) -> list[str]:
    try:
        text = _merge_header(nb.extra_header, nb.name, nb.database)
        readback = _split_header(text)
    except _HeaderProblem as problem:
        raise ValueError(f"extra_header: {problem}") from None
    if readback != (nb.name, nb.database, nb.extra_header):
        raise ValueError(
            "extra_header would not read back unchanged (not a header text loading produces;"
            " see app.core.fileformat)"
        )
    toml_lines = _split_lines(text)
    return [HEADER_OPEN, *(f"# {line}" if line else "#" for line in toml_lines), HEADER_CLOSE]


def _marker_line(cell: Cell) -> str:
    parts = ["# %%"]
    if cell.kind != "python":
        parts.append(f"[{cell.kind}]")
    parts.append(_pair("id", cell.id))
    if cell.kind == "sql":
        parts.append(_pair("name", cell.name or ""))
    parts.extend(_pair(key, value) for key, value in cell.meta)
    return " ".join(parts)


def _pair(key: str, value: str) -> str:
    quoted = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'{key}="{quoted}"'


def _body_lines(cell: Cell) -> list[str]:
    lines = cell.code.split("\n") if cell.code else []
    if cell.kind != "python":
        lines = [f"# {line}" if line else "#" for line in lines]
    return [ESCAPE + line if _NEEDS_ESCAPE.match(line) else line for line in lines]


# -- saving ------------------------------------------------------------------------------------


def save(nb: Notebook, path: str | os.PathLike[str]) -> None:
    """Write atomically: a crash leaves the old file or the new one, never a mix.

    The text goes to a temporary file in the same folder (flushed and fsynced), which then
    replaces the target in one rename; the folder is fsynced so the rename survives a power cut.
    A symlink is written through, the target's permission bits are kept, and the temporary file
    is removed if anything fails. Raises ``ValueError`` (from :func:`dumps`) or ``OSError``.
    """
    save_text(dumps(nb), path)


def save_text(text: str, path: str | os.PathLike[str]) -> None:
    """:func:`save` for text already produced by :func:`dumps` (callers that hash it)."""
    data = text.encode("utf-8")
    target = os.path.realpath(os.fspath(path))
    folder = os.path.dirname(target)
    temp = _write_temp(folder, os.path.basename(target), data, _permission_bits(target))
    try:
        os.replace(temp, target)
    except BaseException:
        _remove_quietly(temp)
        raise
    _fsync_folder(folder)


def _permission_bits(path: str) -> int | None:
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return None


def _write_temp(folder: str, base: str, data: bytes, mode: int | None) -> str:
    """A new file beside the target holding ``data``, on disk; its path."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    flags |= getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    while True:
        temp = os.path.join(folder, f".{base}.{token_hex(4)}.tmp")
        try:
            fd = os.open(temp, flags, 0o666)  # 0o666 minus the umask, as for any new file
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if mode is not None:
            os.chmod(temp, mode)
    except BaseException:
        _remove_quietly(temp)
        raise
    return temp


def _remove_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)


def _fsync_folder(folder: str) -> None:
    """Make the rename durable; some systems (Windows) cannot open a folder, and need not."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)

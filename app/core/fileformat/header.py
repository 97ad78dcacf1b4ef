"""The PEP 723 header: find the ``# /// script`` block, split Cascade's settings out of its TOML
(keeping every other byte), and put them back on save.

Loading reads ``format``/``name``/``database`` from ``[tool.cascade]``, deletes those three keys
with tomlkit (the rest keeps its bytes) and, when nothing else is left in the table and its
``[tool.cascade]`` line is the last line, drops that line and the newline before it. The rest is
``extra_header``. :func:`merge_header` inverts this, and :func:`check_rewritable` makes sure it
does: every header Cascade opens is one it can save again. tomlkit is slow (about 100 KB/s) and
not linear on every input, so a header is limited to :data:`MAX_HEADER_CHARS`.

A header exactly as Cascade writes one that holds nothing but its settings, with plain strings
(no escapes, no control characters), is read without a TOML parser (:func:`own_settings`): in
that form each value is the text between its quotes, the split would give no
``extra_header``, and the header is rewritable by construction. tomlkit is imported only for
any other header and for writing one (it was a tenth of ``cascade run``'s imports).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, NamedTuple

from app.core.fileformat.errors import NotebookFormatError
from app.core.fileformat.syntax import (
    FORMAT_VERSION,
    HEADER_CLOSE,
    HEADER_OPEN,
    HEADER_OPEN_LINE,
    line_number,
    run_end,
    search_line,
    split_lines,
    uncomment,
)

if TYPE_CHECKING:
    import tomlkit

#: The longest header TOML Cascade reads (16 KiB; PEP 723 blocks are usually a few lines).
MAX_HEADER_CHARS = 16 * 1024

MANAGED_KEYS = ("format", "name", "database")
_TABLE_LINE = "[tool.cascade]\n"
_TOML_LOCATION = re.compile(r" at line \d+ col \d+$")
# The comment lines a PEP 723 block is made of: "#" alone or "# " and anything.
_COMMENT_RUN = re.compile(r"(?:#(?: [^\n]*)?(?:\n|\Z))*")
#: The TOML :func:`merge_header` writes when there is nothing but Cascade's settings, for
#: strings without escapes or control characters (see :func:`own_settings`): a TOML integer
#: (no sign, no leading zero, no "_") and basic strings whose value is the text they quote.
_PLAIN_STRING = r'"([^"\\\x00-\x1f\x7f]*)"'
_OWN_HEADER = re.compile(
    rf"\[tool\.cascade\]\nformat = (0|[1-9][0-9]*)\n(?:name = {_PLAIN_STRING}\n)?"
    rf"(?:database = {_PLAIN_STRING}\n)?"
)


class Header(NamedTuple):
    """Where the ``# /// script`` block sits in the text (offsets)."""

    start: int  # the "# /// script" line
    toml_start: int  # the line after it
    close_start: int  # the closing "# ///" line
    end: int  # just after the closing line (after its newline, if it has one)

    def line(self, text: str) -> int:
        """The 1-based line of ``# /// script``."""
        return line_number(text, self.start)


class HeaderProblem(Exception):
    """A header that cannot be used; ``line`` is within the TOML text, ``key`` helps find it."""

    def __init__(self, message: str, line: int | None = None, key: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.key = key


def find_header(text: str, before: int, after: int = 0) -> Header | None:
    """The ``# /// script`` block, if one opens between offsets ``after`` (the end of the
    preamble) and ``before`` (the first marker)."""
    opened = search_line(HEADER_OPEN_LINE, HEADER_OPEN, text, after, before)
    if opened is None:
        return None
    toml_start = min(opened.end() + 1, len(text))
    comments_end = run_end(_COMMENT_RUN, text, toml_start)
    close = _last_close_line(text, toml_start, comments_end)
    if close is None:
        total = text.count("\n") + (0 if text.endswith("\n") else 1)
        raise NotebookFormatError(
            min(line_number(text, comments_end), total),
            f"unterminated '{HEADER_OPEN}' header (opened at line {line_number(text, opened.start())})",
        )
    end = min(close + len(HEADER_CLOSE) + 1, len(text))
    return Header(opened.start(), toml_start, close, end)


def _last_close_line(text: str, start: int, stop: int) -> int | None:
    """PEP 723's rule: the block ends at the last ``# ///`` line of the comment lines after it
    (between ``start`` and ``stop``): found by a search in C for the whole line, not by a step
    per ``# ///`` that is no such line."""
    size = len(HEADER_CLOSE)
    found = -1
    if stop == len(text) and text.endswith(HEADER_CLOSE):  # the last line, with no newline
        at = len(text) - size
        if at >= start and (at == 0 or text[at - 1] == "\n"):
            found = at
    if found < 0:
        inner = text.rfind(f"\n{HEADER_CLOSE}\n", max(start - 1, 0), stop + 1)
        if inner >= 0 and inner + 1 >= start:
            found = inner + 1
    first_line = text.startswith(HEADER_CLOSE) and (len(text) == size or text[size] == "\n")
    if found < 0 and start == 0 and size <= stop and first_line:
        found = 0
    return found if found >= 0 else None


def read_header(text: str, header: Header) -> tuple[str, str | None, str]:
    """``(name, database, extra_header)`` from the ``# /// script`` block."""
    block = text[header.toml_start : header.close_start]
    opener = header.line(text)
    if len(block) > MAX_HEADER_CHARS:
        raise NotebookFormatError(
            opener,
            f"the '{HEADER_OPEN}' header is longer than {MAX_HEADER_CHARS // 1024} KiB, the most"
            " Cascade reads",
        )
    toml = uncomment(block)
    try:
        own = own_settings(toml)
        if own is not None:
            return *own, ""
        name, database, extra, has_table = _split_header(toml)
        check_rewritable(extra, name, database, table_free=not has_table)
    except HeaderProblem as problem:
        line = _problem_line(problem, split_lines(block), opener)
        raise NotebookFormatError(line, f"in the '{HEADER_OPEN}' header: {problem}") from None
    return name, database, extra


def _problem_line(problem: HeaderProblem, toml_lines: list[str], opener_line: int) -> int:
    if problem.line is not None:
        return opener_line + min(max(problem.line, 1), max(len(toml_lines), 1))
    if problem.key is not None:
        pattern = re.compile(rf"#\s*{re.escape(problem.key)}\s*=")
        for index, line in enumerate(toml_lines):
            if pattern.match(line):
                return opener_line + index + 1
    return opener_line


def own_settings(toml: str) -> tuple[str, str | None] | None:
    """``(name, database)`` of a header's TOML that is exactly what Cascade writes for a
    notebook whose header holds nothing else (what :func:`split_header` would give, with no
    ``extra_header``), read without a TOML parser; None for any other TOML. A format Cascade
    cannot read is refused as :func:`split_header` refuses it."""
    own = _OWN_HEADER.fullmatch(toml)
    if own is None:
        return None
    version, name, database = own.groups()
    _check_format(int(version))
    return name or "", database


def _parse_toml(text: str) -> tomlkit.TOMLDocument:
    import tomlkit
    from tomlkit.exceptions import ParseError

    try:
        return tomlkit.parse(text)
    except ParseError as err:
        message = _TOML_LOCATION.sub("", str(err))
        raise HeaderProblem(f"invalid TOML: {message}", line=err.line) from None
    except Exception as err:  # tomlkit is third-party: any failure means TOML we cannot read
        raise HeaderProblem(f"invalid TOML: {err}") from None


def _cascade_table(doc: MutableMapping[str, Any]) -> MutableMapping[str, Any] | None:
    tool = doc.get("tool")
    if not isinstance(tool, Mapping) or "cascade" not in tool:
        return None
    table = tool["cascade"]
    if not isinstance(table, MutableMapping):
        raise HeaderProblem("[tool.cascade] must be a table", key="cascade")
    return table


def split_header(text: str) -> tuple[str, str | None, str]:
    """Cascade's settings and the rest of the header's TOML (``extra_header``)."""
    return _split_header(text)[:3]


@functools.lru_cache(maxsize=16)  # pure; a load and a save each split the same text again
def _split_header(text: str) -> tuple[str, str | None, str, bool]:
    """:func:`split_header`, and whether ``text`` has a ``[tool.cascade]`` table."""
    doc = _parse_toml(text)
    table = _cascade_table(doc)
    if table is None:
        return "", None, text, False
    _check_format(table.get("format", FORMAT_VERSION))
    name = _string_setting(table, "name") or ""
    database = _string_setting(table, "database")
    try:
        for key in MANAGED_KEYS:
            if key in table:
                del table[key]
        rest = doc.as_string()
    except Exception as err:  # tomlkit refuses some layouts (dotted keys, odd nesting)
        raise HeaderProblem(f"cannot edit [tool.cascade]: {err}") from None
    if len(table) == 0:
        rest = _drop_table_line(rest)
    return name, database, rest, True


def _check_format(value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise HeaderProblem("format must be a whole number", key="format")
    if value > FORMAT_VERSION:
        raise HeaderProblem(
            f"written by a newer Cascade (format {value}; this version reads format "
            f"{FORMAT_VERSION})",
            key="format",
        )
    if value < 1:
        raise HeaderProblem(f"unknown format {value}", key="format")


def _string_setting(table: Mapping[str, Any], key: str) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise HeaderProblem(f"{key} must be a string", key=key)
    return str.__str__(value)  # a plain str, not tomlkit's String


def _drop_table_line(rest: str) -> str:
    """Remove an emptied ``[tool.cascade]`` line at the end, with the newline dumps put before it."""
    if rest == _TABLE_LINE:
        return ""
    if rest.endswith("\n" + _TABLE_LINE):
        return rest[: -len(_TABLE_LINE) - 1]
    return rest


@functools.lru_cache(maxsize=16)
def merge_header(extra: str, name: str, database: str | None, *, table_free: bool = False) -> str:
    """The header's TOML: ``extra`` with Cascade's settings added (inverse of split_header).

    ``table_free``: ``extra`` is known to be TOML without a ``[tool.cascade]`` table (a header
    just split), so it is not parsed again to find that out (tomlkit is slow)."""
    settings: dict[str, Any] = {"format": FORMAT_VERSION}
    if name:
        settings["name"] = name
    if database is not None:
        settings["database"] = database
    doc = None if table_free else _parse_toml(extra)
    table = None if doc is None else _cascade_table(doc)
    if doc is None or table is None:
        import tomlkit

        separator = "\n" if extra else ""
        return f"{extra}{separator}{_TABLE_LINE}{tomlkit.dumps(settings)}"
    try:
        for key, value in settings.items():
            table[key] = value
        text = doc.as_string()
    except Exception as err:  # tomlkit refuses some layouts (dotted keys, odd nesting)
        raise HeaderProblem(f"cannot add settings to [tool.cascade]: {err}") from None
    return text if text.endswith("\n") else text + "\n"


def check_rewritable(
    extra: str, name: str, database: str | None, *, table_free: bool = False
) -> None:
    """Make sure saving can write this header back and read the same values from it
    (``table_free``: as :func:`merge_header`'s)."""
    reason = "the settings would not read back unchanged"
    try:
        merged = merge_header(extra, name, database, table_free=table_free)
        if split_header(merged) == (name, database, extra):
            return
    except HeaderProblem as problem:  # its line would be in a text the user never saw
        reason = problem.message
    raise HeaderProblem(
        f"Cascade cannot store its settings in this header ({reason}); keep them in a plain"
        " [tool.cascade] table"
    )

"""SQL cell templates: ``{name}`` placeholders that become bound parameters.

A SQL cell reads Python variables through ``{name}`` placeholders. The template is split into
literal SQL text and :class:`Placeholder` parts so the worker can bind each placeholder as a
driver parameter; no value is ever formatted into the SQL text (SEMANTICS §1 and §6).

Scanning rules, chosen so that braces that mean something else to SQL stay literal:

* ``{identifier}`` (a Python identifier that is not a keyword, spaces or tabs allowed inside the
  braces) is a placeholder; anything else in braces (``{1,2}`` in a regex, JSON) is literal text.
* ``{{`` and ``}}`` outside strings and comments are a literal ``{`` / ``}``.
* ``-- …`` line comments and ``/* … */`` block comments are kept verbatim. Block comments do not
  nest (SQLite and MySQL do not nest them; PostgreSQL does, but a nested comment there is rare).
* ``'…'`` strings (``''`` escapes a quote; ``E'…'`` also allows backslash escapes), ``"…"`` and
  ```…``` quoted identifiers, and dollar-quoted strings (``$$…$$``, ``$tag$…$tag$``) are literal
  text, braces included, with one exception: the exact string ``'{name}'`` is a placeholder with
  the quotes dropped — users write it by habit and it must still be a bound parameter.

:func:`parse_sql_template` never raises: an unterminated string or comment runs to the end.
"""

from __future__ import annotations

import keyword
import re

from app.core.record import Record

__all__ = [
    "Placeholder",
    "SqlStatement",
    "SqlTemplate",
    "parse_sql_statements",
    "parse_sql_template",
    "placeholder_spans",
]


class Placeholder(Record):
    """A ``{name}`` in the template: the Python variable bound as a parameter here."""

    name: str


class SqlTemplate(Record):
    """Literal SQL text pieces and placeholders, in template order.

    Adjacent literal text is merged into one string and no part is an empty string.
    """

    parts: tuple[str | Placeholder, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """Placeholder names in first-occurrence order, each once."""
        seen: dict[str, None] = {}
        for part in self.parts:
            if isinstance(part, Placeholder):
                seen.setdefault(part.name)
        return tuple(seen)


# Characters where the scanner may have to change state; everything between them is literal.
_SPECIAL = re.compile(r"--|/\*|['\"`${};]")
_IDENT = r"[ \t]*([^\W\d]\w*)[ \t]*"
_BRACED = re.compile(r"\{" + _IDENT + r"\}")
_QUOTED = re.compile(r"'\{" + _IDENT + r"\}'(?!')")
_DOLLAR_TAG = re.compile(r"\$(?:[^\W\d]\w*)?\$")
_WORD_CHAR = re.compile(r"\w")


def _placeholder_name(match: re.Match[str] | None) -> str | None:
    """The identifier a brace match holds, or ``None`` when it is not a usable variable name."""
    if match is None:
        return None
    name = match.group(1)
    if not name.isidentifier() or keyword.iskeyword(name):
        return None
    return name


def _string_end(text: str, start: int, quote: str, backslash: bool) -> int:
    """Index just past the quoted token opened at ``start`` (a doubled quote is an escape)."""
    i = start + 1
    n = len(text)
    while i < n:
        ch = text[i]
        if backslash and ch == "\\":
            i += 2
            continue
        if ch == quote:
            if i + 1 < n and text[i + 1] == quote:
                i += 2
                continue
            return i + 1
        i += 1
    return n


def _comment_end(text: str, start: int) -> int:
    """Index just past the comment starting at ``start`` (``--`` or ``/*``)."""
    if text.startswith("--", start):
        newline = text.find("\n", start)
        return len(text) if newline < 0 else newline
    close = text.find("*/", start + 2)
    return len(text) if close < 0 else close + 2


def _is_word_before(text: str, index: int) -> bool:
    """Whether an identifier character precedes ``index`` (``E'…'``, ``a$b``, ``N'…'``)."""
    return index > 0 and _WORD_CHAR.match(text, index - 1) is not None


class _Builder:
    """Collects parts, merging adjacent literal text; with ``split``, a top-level ``;`` ends a
    statement (recorded with the offset where the next one starts)."""

    __slots__ = ("_parts", "_split", "_text", "spans", "statements")

    def __init__(self, split: bool = False) -> None:
        self._parts: list[str | Placeholder] = []
        self._text: list[str] = []
        self._split = split
        self.statements: list[tuple[SqlTemplate, int]] = []
        #: (start, end) of each placeholder's identifier in the template, in order.
        self.spans: list[tuple[int, int]] = []

    def statement_end(self, index: int) -> None:
        if not self._split:
            self.text(";")
            return
        self.statements.append((self.build(), index + 1))
        self._parts = []

    def text(self, piece: str) -> None:
        if piece:
            self._text.append(piece)

    def placeholder(self, name: str, span: tuple[int, int]) -> None:
        self._flush()
        self._parts.append(Placeholder(name))
        self.spans.append(span)

    def build(self) -> SqlTemplate:
        self._flush()
        return SqlTemplate(tuple(self._parts))

    def _flush(self) -> None:
        if self._text:
            self._parts.append("".join(self._text))
            self._text.clear()


def _scan_token(text: str, i: int, out: _Builder) -> int:
    """Handle the special token at ``i``; return the index where literal scanning resumes."""
    ch = text[i]
    if ch == "{":
        if text.startswith("{{", i):
            out.text("{")
            return i + 2
        match = _BRACED.match(text, i)
        name = _placeholder_name(match)
        if match is not None and name is not None:
            out.placeholder(name, match.span(1))
            return match.end()
        out.text("{")
        return i + 1
    if ch == "}":
        out.text("}")
        return i + 2 if text.startswith("}}", i) else i + 1
    if ch == ";":
        out.statement_end(i)
        return i + 1
    if ch == "'":
        prefixed = _is_word_before(text, i)
        if not prefixed:
            match = _QUOTED.match(text, i)
            name = _placeholder_name(match)
            if match is not None and name is not None:
                out.placeholder(name, match.span(1))
                return match.end()
        backslash = prefixed and text[i - 1] in "eE" and not _is_word_before(text, i - 1)
        end = _string_end(text, i, "'", backslash)
    elif ch in '"`':
        end = _string_end(text, i, ch, backslash=False)
    elif ch == "$":
        end = _dollar_end(text, i)
    else:  # "--" or "/*"
        end = _comment_end(text, i)
    out.text(text[i:end])
    return end


def _dollar_end(text: str, start: int) -> int:
    """Index past a ``$tag$…$tag$`` string at ``start``; just past ``$`` if it is not one."""
    tag = _DOLLAR_TAG.match(text, start)
    if tag is None or _is_word_before(text, start):
        return start + 1  # a lone "$", "$1" positional parameter, or part of an identifier
    close = text.find(tag.group(0), tag.end())
    return len(text) if close < 0 else close + len(tag.group(0))


def _scan(template: str, out: _Builder) -> SqlTemplate:
    i = 0
    n = len(template)
    while i < n:
        special = _SPECIAL.search(template, i)
        if special is None:
            out.text(template[i:])
            break
        out.text(template[i : special.start()])
        i = _scan_token(template, special.start(), out)
    return out.build()


def parse_sql_template(template: str) -> SqlTemplate:
    """Split a SQL cell's template into literal text and placeholders; never raises."""
    return _scan(template, _Builder())


def placeholder_spans(template: str) -> tuple[tuple[int, int, str], ...]:
    """``(start, end, name)`` of every placeholder's identifier, in order (for renaming)."""
    out = _Builder()
    template_parts = _scan(template, out).parts
    names = [part.name for part in template_parts if isinstance(part, Placeholder)]
    return tuple((start, end, name) for (start, end), name in zip(out.spans, names, strict=True))


class SqlStatement(Record):
    """One statement of a SQL cell (without its ``;``) and the 1-based cell line where its
    text starts (its leading blank lines and comments are part of the text)."""

    template: SqlTemplate
    line: int


_BLANK_OR_COMMENT = re.compile(r"\s*(?:(?:--[^\n]*|/\*.*?\*/)\s*)*", re.DOTALL)


def parse_sql_statements(template: str) -> tuple[SqlStatement, ...]:
    """The cell's statements, split at ``;`` outside strings, comments and quoted names,
    in order; statements holding only blanks and comments are dropped. Never raises."""
    out = _Builder(split=True)
    last = _scan(template, out)
    starts = [0] + [offset for _, offset in out.statements]
    pieces = [stmt for stmt, _ in out.statements] + [last]
    result = []
    for piece, start in zip(pieces, starts, strict=True):
        literal = "".join(p for p in piece.parts if isinstance(p, str))
        if not piece.names and _BLANK_OR_COMMENT.fullmatch(literal):
            continue
        # The line where the statement's text (leading blanks included) begins, so a driver's
        # error position inside it maps back to a cell line by counting newlines.
        result.append(SqlStatement(piece, template.count("\n", 0, start) + 1))
    return tuple(result)

"""The lexical rules the reader and the writer share: markers, the escape, the header lines."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from app.core.fileformat.errors import NotebookFormatError
from app.core.notebook import CellKind

FORMAT_VERSION = 1
#: The most cells a notebook holds. Far beyond any real notebook (the window shows every cell
#: as an editor), it keeps a file of a million "# %%" lines from costing seconds to refuse.
MAX_CELLS = 10_000
ESCAPE = "#ESC "
HEADER_OPEN = "# /// script"
HEADER_CLOSE = "# ///"

SourceFormat = Literal["cascade", "seed", "percent"]

KIND_NAMES: dict[str, CellKind] = {
    "markdown": "markdown",
    "md": "markdown",
    "sql": "sql",
    "python": "python",
}

# What Cascade reads as a marker, as Jupytext does: one whole line (the text is split at "\n"
# only), "# %%" then whitespace and options (extra "%" signs: a Spyder sub-cell), or a bare
# "# %%", "# <codecell>" or "# In[3]:" line; indented too. "# %%time" (a commented cell magic)
# is code. A line inside a triple-quoted string is no marker (app.core.fileformat.strings).
_MARKER_PATTERN = (
    r"^[^\S\n]*#[^\S\n]*(?:%%(?P<rest>%*[^\S\n][^\n]*)"
    r"|(?:%%|<codecell>|In\[[0-9 ]*\]:?)[^\S\n]*)$"
)
MARKER_LINE = re.compile(_MARKER_PATTERN, re.MULTILINE)
MARKER = re.compile(_MARKER_PATTERN)
SEED_MARKER_LINE = re.compile(
    r"^#[ \t]*%%[ \t]*(?P<kind>python|sql)[ \t]*\[(?P<id>[^\]\n]*)\](?P<rest>[^\n]*)$",
    re.MULTILINE,
)
#: Lines holding ``%%`` that are no marker, after which :func:`marker_lines` scans the rest
#: of the text the general way (a bound on its Python steps, whatever the text holds).
MAX_MARKER_HINTS = 10_000
HEADER_OPEN_LINE = re.compile(rf"^{re.escape(HEADER_OPEN)}$", re.MULTILINE)
#: Lines escaped wherever they are (a marker line only outside strings: see the writer).
ALWAYS_ESCAPED = (ESCAPE, HEADER_CLOSE)
#: Metadata keys, as Jupytext accepts them (``@deathbeds/jupyterlab-fonts``, ``.class``).
KEY_PATTERN = r"[A-Za-z0-9_.@/-]+"
KEY = re.compile(KEY_PATTERN)

_ESCAPED_LINE_START = re.compile(rf"^{re.escape(ESCAPE)}", re.MULTILINE)
_COMMENT_LINE_START = re.compile(r"^# ?", re.MULTILINE)


def too_many_cells(text: str, offset: int) -> NotebookFormatError:
    """The error for a file whose cell starting at ``offset`` is one too many."""
    return NotebookFormatError(
        line_number(text, offset),
        f"more than {MAX_CELLS:,} cells; Cascade opens notebooks of up to {MAX_CELLS:,} cells",
    )


def marker_lines(
    text: str,
    start: int = 0,
    max_hints: int = MAX_MARKER_HINTS,
    other_forms: bool | None = None,
    misses: list[int] | None = None,
) -> Iterator[re.Match[str]]:
    """The :data:`MARKER_LINE` matches from ``start`` on (``MARKER_LINE.finditer``), found a
    faster way: a marker line holds ``%%``, so only the lines holding it are tried, each with
    one match at its start. The rarer ``# <codecell>`` and ``# In[3]:`` forms, or more than
    ``max_hints`` lines holding ``%%`` that are no marker, send the search to the general scan
    (for the rest of the text). ``other_forms``: whether the text from ``start`` on may hold
    those forms, when the caller knows (a search that restarts often looks once).
    ``misses``: the count of such lines, shared by the searches of one text that restarts
    (each restart would otherwise allow ``max_hints`` more)."""
    if other_forms is None:
        other_forms = has_other_marker_forms(text, start)
    if misses is None:
        misses = [0]
    if other_forms or misses[0] > max_hints:
        yield from MARKER_LINE.finditer(text, start)
        return
    pos = start
    while (hint := text.find("%%", pos)) >= 0:
        line = text.rfind("\n", 0, hint) + 1
        found = MARKER_LINE.match(text, line) if line >= start else None
        if found is not None:
            yield found
        else:
            misses[0] += 1
        pos = text.find("\n", hint) + 1
        if pos == 0:
            return
        if misses[0] > max_hints:
            yield from MARKER_LINE.finditer(text, pos)
            return


def has_other_marker_forms(text: str, start: int = 0) -> bool:
    """Whether ``text`` from ``start`` on may hold a ``# <codecell>`` or ``# In[3]:`` marker."""
    return text.find("<codecell>", start) >= 0 or text.find("In[", start) >= 0


def search_line(
    pattern: re.Pattern[str], literal: str, text: str, start: int = 0, stop: int | None = None
) -> re.Match[str] | None:
    """``pattern.search(text, start, stop)`` for a pattern whose matches start a line with
    ``literal`` (``^literal…``, multi-line): only where ``literal`` starts a line is it tried
    (a search in C for the literal instead of a match tried at every offset)."""
    stop = len(text) if stop is None else stop
    pos = start
    while (found := text.find(literal, pos, stop)) >= 0:
        if found == 0 or text[found - 1] == "\n":
            match = pattern.match(text, found, stop)
            if match is not None:
                return match
        pos = found + 1
    return None


def run_end(pattern: re.Pattern[str], text: str, pos: int, stop: int | None = None) -> int:
    """Where a run matched by ``pattern`` (one that may match nothing) starting at ``pos`` ends."""
    found = pattern.match(text, pos, len(text) if stop is None else stop)
    return found.end() if found else pos


def blank_lines_end(text: str, pos: int, stop: int | None = None) -> int:
    """Where the blank lines (whitespace alone, each ending in a newline) from ``pos`` (a
    line's start) end, up to ``stop``: the start of the line of the first other character,
    found in C (``(?:[^\\S\\n]*\\n)*`` takes a step per line)."""
    stop = len(text) if stop is None else stop
    part = text[pos:stop]
    first = pos + len(part) - len(part.lstrip())  # (whitespace as str.isspace, as \\s)
    return max(text.rfind("\n", pos, first) + 1, pos)


def normalize_newlines(text: str) -> str:
    """Universal newlines, as Python and editors read them; a leading byte-order mark goes."""
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_lines(text: str) -> list[str]:
    """Lines without their ``\\n``; a final newline ends the last line rather than adding one."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def line_number(text: str, offset: int) -> int:
    """The 1-based line holding ``text[offset]``."""
    return text.count("\n", 0, offset) + 1


def without_final_newline(text: str) -> str:
    """The ``"\\n".join`` of a run of whole lines (each ending in ``\\n``, the last maybe not)."""
    return text[:-1] if text.endswith("\n") else text


def unescape(text: str) -> str:
    """Remove one :data:`ESCAPE` from the start of every line."""
    return _ESCAPED_LINE_START.sub("", text) if ESCAPE in text else text


def uncomment(text: str) -> str:
    """Jupytext's rule per line: drop ``# `` or a bare ``#``; a line without ``#`` stays.

    When every line starts with ``#`` (a markdown or SQL cell as written), that is two
    replacements after each newline: the ``#``, then one space where one follows it."""
    if text.startswith("#") and text.count("\n#") == text.count("\n"):
        return ("\n" + text).replace("\n#", "\n").replace("\n ", "\n")[1:]
    return uncomment_lines(text)


def uncomment_lines(text: str) -> str:
    """:func:`uncomment` line by line (it takes comment-only text a faster way)."""
    return _COMMENT_LINE_START.sub("", text)


def trim_blank_lines(text: str) -> str:
    """``text`` (whole lines joined by ``\\n``) without its leading and trailing blank lines.

    A line is blank when it holds only whitespace (``str.isspace``); the kept lines keep theirs.
    """
    text = trim_trailing_blank_lines(text)
    first = len(text) - len(text.lstrip())
    return text[text.rfind("\n", 0, first) + 1 :]


def trim_trailing_blank_lines(text: str) -> str:
    """``text`` (whole lines joined by ``\\n``) without the blank lines at its end."""
    stripped_end = len(text.rstrip())
    if stripped_end == 0:
        return ""
    end = text.find("\n", stripped_end)
    return text if end < 0 else text[:end]

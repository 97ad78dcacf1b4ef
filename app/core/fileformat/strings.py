"""Whether a line starts inside a Python string: Jupytext's rule, so that a ``# %%`` line in a
triple-quoted string is text, not a cell marker, for Cascade exactly as for Jupytext.

A port of Jupytext's ``StringParser`` (``jupytext/stringparser.py``, MIT licence) for Python
code: a comment line outside strings is skipped, ``#`` ends the scan of a line, single-quoted
strings end with their line, triple-quoted ones run on. Text holding no triple quote leaves a
parser that is outside strings where it was (the reader's fast path).

The same rule as one regular expression (:func:`scan_outside_strings`), for the reader: the
parser keeps nothing from one line to the next but an open triple quote, so its line-by-line
machine is a tokenizer of the text (a quote after a backslash is no quote; a string in single
quotes ends at its quote or its line's end; three quotes open a string that ends at the next
three, whatever lies between; ``#`` comments the rest of a line; and the parser's quirk, see
:func:`_single`), run in C over a whole text.
"""

from __future__ import annotations

import re
from itertools import chain
from operator import itemgetter

_INTERESTING = re.compile(r"[\"'#]")


class StringParser:
    """Reads lines one at a time and tells whether the next one starts inside a string."""

    __slots__ = ("single", "triple", "triple_start")

    def __init__(self) -> None:
        self.single: str | None = None
        self.triple: str | None = None
        self.triple_start = -1

    def is_quoted(self) -> bool:
        return bool(self.single or self.triple)

    def read_line(self, line: str) -> None:
        triple = self.triple
        if triple is None and self.single is None:
            if ('"' not in line and "'" not in line) or line.lstrip().startswith("#"):
                return  # nothing here can open a string
        elif triple is not None and triple not in line:
            return  # nothing here can close it
        self.triple_start = -1
        for found in _INTERESTING.finditer(line):
            i = found.start()
            char = line[i]
            if char == "#":
                if self.single is None and self.triple is None:
                    break
                continue
            if line[i - 1 : i] == "\\":
                continue
            if self.single == char:
                self.single = None
                continue
            if self.single is not None:
                continue
            if line[i - 2 : i + 1] == 3 * char and i >= self.triple_start + 3:
                if self.triple == char:
                    self.triple = None
                    self.triple_start = i
                    continue
                if self.triple is not None:
                    continue
                self.triple = char
                self.triple_start = i
                continue
            if self.triple is not None:
                continue
            self.single = char
        self.single = None

    def read_lines(self, lines: list[str] | tuple[str, ...]) -> None:
        read_line = self.read_line
        for line in lines:
            read_line(line)


def _single(q: str, across_lines: bool) -> str:
    """A string in single quotes ``q`` as :class:`StringParser` reads it, with its one quirk:
    the parser takes any three quotes in a row for triple quotes, so a string that ends in an
    escaped quote (a backslash, a quote, the closing quote) and is followed by one more quote
    opens a string in triple quotes at that quote, as Jupytext reads it. Three alternatives:
    the string, not so followed (to its quote, or its line's end); the string with the one in
    triple quotes it opens, to the first three quotes after it (on this line only, unless
    ``across_lines``); or, where that one does not close, the string up to its escaped quote:
    the three quotes there are where the string in triple quotes opens, as callers take it."""
    body = rf"(?:[^{q}\\\n]++|\\{q}?)*+"
    inside = rf"[^{q}]++" if across_lines else rf"[^{q}\n]++"
    return (
        rf"{q}(?!{q}{q}){body}(?:(?<!\\{q}){q}|{q}(?!{q})|(?!{q}))"
        rf"|{q}(?!{q}{q}){body}(?<=\\{q}){q}{q}(?:{inside}|{q}(?!{q}{q}))*+{q}{q}{q}"
        rf"|{q}(?!{q}{q})(?:[^{q}\\\n]++|\\{q}?)*?\\(?={q}{q}{q})"
    )


#: A token of a line outside strings, as :class:`StringParser` reads it: a run of other
#: characters, a backslash (and the quote it escapes), a comment, a whole string in triple
#: quotes (to the first three quotes after its opening ones, on this line or another), a string
#: in single quotes (to its quote, or its line's end).
LINE_TOKEN = (
    r"[^\"'#\\\n]++|\\[\"']?|#[^\n]*+"
    r'|"""(?:[^"]++|"(?!""))*+"""'
    r"|'''(?:[^']++|'(?!''))*+'''"
    f"|{_single(chr(34), across_lines=True)}"
    f"|{_single(chr(39), across_lines=True)}"
)
#: Text outside strings (its tokens and newlines); it stops before three quotes that do not
#: close.
_OUTSIDE_STRINGS = re.compile(f"(?:{LINE_TOKEN}|\\n)*+")


def scan_outside_strings(text: str, pos: int, stop: int) -> int:
    """Read ``text[pos:stop]`` (``pos`` outside strings, as at a line's start) as
    :class:`StringParser` does: ``stop`` if it ends outside strings, else where the string in
    triple quotes that is open there opens."""
    if text.find('"', pos, stop) < 0 and text.find("'", pos, stop) < 0:
        return stop  # (no quote: no string)
    return _OUTSIDE_STRINGS.match(text, pos, stop).end()  # type: ignore[union-attr]


_LONG_STRING = r'"""(?:[^"]++|"(?!""))*+"""' "|" r"'''(?:[^']++|'(?!''))*+'''"
#: Text outside strings up to a string in triple quotes that spans lines (group 1), then that
#: string (group 2; at the end of the text, nothing; a string that does not close: the rest,
#: newlines and all). Each match starts where the last one ended (``findall``).
_TO_LONG_STRING = re.compile(
    r"((?:[^\"'#\\\n]++|\\[\"']?|#[^\n]*+|\n"
    r'|"""(?:[^"\n]++|"(?!""))*+"""'
    r"|'''(?:[^'\n]++|'(?!''))*+'''"
    f"|{_single(chr(34), across_lines=False)}"
    f"|{_single(chr(39), across_lines=False)})*+)"
    rf"({_LONG_STRING}|\Z|(?s:.+))"
)
_CLOSED = re.compile(_LONG_STRING)
#: What a string that spans lines becomes (no newline, no space: a line that goes on).
_JOINED = ("", "\x00")


def unquoted_lines(text: str) -> str:
    """``text`` (whole lines; its start outside strings) less the lines that start inside a
    string, as :class:`StringParser` tells them: each string in triple quotes that spans lines
    becomes one character, so that its first line goes on with what follows the string on its
    last line (the lines in between, and that last one, start in the string). A string that
    never closes takes every line after its first."""
    if '"""' not in text and "'''" not in text:
        return text
    if _only_triple_double_quotes(text):
        pieces = text.split('"""')  # outside, inside, outside, … (each string one character)
        if len(pieces) % 2:
            return "\x00".join(pieces[0::2])
        opened = pieces[-1]  # (a string that never closes: its first line)
        line_end = opened.find("\n")
        return "\x00".join([*pieces[0:-1:2], opened if line_end < 0 else opened[:line_end]])
    found: list[tuple[str, str]] = _TO_LONG_STRING.findall(text)
    before = list(map(itemgetter(0), found))
    strings = list(map(itemgetter(1), found))
    joined = list(map(_JOINED.__getitem__, map(bool, strings)))
    last = next((index for index in range(len(strings) - 1, -1, -1) if strings[index]), -1)
    if last >= 0 and not _CLOSED.fullmatch(strings[last]):
        opened = strings[last]
        line_end = opened.find("\n")
        joined[last] = opened if line_end < 0 else opened[:line_end]
        del before[last + 1 :], joined[last + 1 :]
    return "".join(chain.from_iterable(zip(before, joined, strict=True)))


def _only_triple_double_quotes(text: str) -> bool:
    """Whether every quote in ``text`` is one of three, with no comment or backslash: each
    three then open a string or close the one open, and nothing else does."""
    return (
        "'" not in text
        and "#" not in text
        and "\\" not in text
        and '""""' not in text
        and text.count('"') == 3 * text.count('"""')
    )

"""Auto-closing brackets and quotes, decided over plain strings (no Qt).

The editor asks :func:`typed_pair` what a typed character does given the text left and right
of the cursor on its line and whether the cursor is in code (not in a string or comment), and
:func:`deletes_pair` whether Backspace removes an empty pair. The rules follow VS Code's for
Python: a pair closes only before whitespace, the end of the line or a closing punctuation
mark; a quote does not close after a word character (``it's``) unless that word is a string
prefix (``f"``, ``rb'``), nor inside a string or comment; the closer is typed over when it is
the next character; the third quote of ``""`` opens a triple-quoted string and closes it
(``\"\"\"|\"\"\"``, what VS Code's Python extension does).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["CLOSERS", "PAIRS", "PairTyping", "deletes_pair", "opens_block", "typed_pair", "wrapped"]

#: Opening character -> closing character.
PAIRS: dict[str, str] = {"(": ")", "[": "]", "{": "}", '"': '"', "'": "'"}
#: Closing characters (typed over when next).
CLOSERS = frozenset(PAIRS.values())
_QUOTES = frozenset("\"'")
#: A pair auto-closes only when the next character is one of these (or the line ends here);
#: VS Code's ``autoCloseBefore`` default.
_CLOSE_BEFORE = frozenset(";:.,=}])> \t")
#: Python string prefixes (any case) after which a quote still opens a string.
_STRING_PREFIXES = frozenset({"r", "u", "f", "b", "t", "br", "rb", "fr", "rf", "tr", "rt"})


@dataclass(frozen=True, slots=True)
class PairTyping:
    """What typing one character does.

    ``kind``: "over" moves past the next character (the closer typed by hand); "insert"
    inserts ``text`` and puts the cursor ``cursor`` characters into it.
    """

    kind: Literal["over", "insert"]
    text: str = ""
    cursor: int = 0


def typed_pair(char: str, before: str, after: str, *, in_code: bool) -> PairTyping | None:
    """What typing ``char`` does with ``before``/``after`` the cursor on its line; None when
    it is an ordinary character (the editor inserts it as usual).

    ``in_code`` is False when the cursor is inside a string or a comment.
    """
    if char not in PAIRS and char not in CLOSERS:
        return None
    if char in CLOSERS and after.startswith(char) and _types_over(char, in_code=in_code):
        return PairTyping("over")
    if char not in PAIRS or (after and after[0] not in _CLOSE_BEFORE):
        return None
    if char in _QUOTES:
        return _quote(char, before, in_code=in_code)
    return PairTyping("insert", char + PAIRS[char], 1)


def _types_over(char: str, *, in_code: bool) -> bool:
    """A closing bracket is always typed over; a quote only when it ends the string the
    cursor is in (not when it would start the next one: ``x = |"a"``)."""
    return char not in _QUOTES or not in_code


def _quote(quote: str, before: str, *, in_code: bool) -> PairTyping | None:
    if not in_code:
        return None
    if before.endswith(quote * 2) and _opens_string_here(before[:-2], quote):
        # ``""|`` + ``"``: a triple-quoted string, closed after the cursor.
        return PairTyping("insert", quote * 4, 1)
    if not _opens_string_here(before, quote):
        return None
    return PairTyping("insert", quote * 2, 1)


def _opens_string_here(before: str, quote: str) -> bool:
    """A quote typed after ``before`` starts a string: not after a word character (other
    than a string prefix) nor right after the same quote."""
    if before.endswith(quote):
        return False
    word = _trailing_word(before)
    if not word:
        return True
    head = before[: len(before) - len(word)]
    return word.lower() in _STRING_PREFIXES and not _trailing_word(head) and not head.endswith(".")


def _trailing_word(text: str) -> str:
    end = len(text)
    start = end
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    return text[start:end]


def wrapped(char: str, selected: str) -> str | None:
    """``selected`` wrapped in the pair ``char`` opens, or None when ``char`` opens none."""
    closer = PAIRS.get(char)
    return None if closer is None else char + selected + closer


def deletes_pair(before: str, after: str) -> bool:
    """Backspace between an empty pair (``(|)``, ``"|"``) deletes both characters."""
    return bool(before) and bool(after) and PAIRS.get(before[-1]) == after[0]


def opens_block(before: str, after: str) -> bool:
    """Enter between an empty bracket pair (``f(|)``, ``{|}``) puts the closer on a line of
    its own below an indented empty one."""
    return bool(before) and bool(after) and before[-1] in "([{" and PAIRS[before[-1]] == after[0]

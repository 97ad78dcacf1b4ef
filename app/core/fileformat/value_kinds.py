"""The kinds of marker value that :mod:`app.core.fileformat.value_batch` reads in bulk: one
pattern tells a value's kind (the group that matched), another tells whether values joined by
newlines are all of one kind, and each kind has a known reading. The large patterns are
compiled on first use (``functools.cache``): compiling them costs tens of milliseconds, which a
process that opens only files Cascade wrote never needs to pay.
"""

from __future__ import annotations

import re
from functools import cache
from operator import attrgetter

from app.core.fileformat.json_bulk import JSON_STRING

#: Longer numbers are read one at a time (``int`` refuses more than
#: ``sys.get_int_max_str_digits()`` digits: at least 640 wherever it is set).
MAX_NUMBER_CHARS = 600


_DIGITS = r"[0-9]++(?:_[0-9]++)*+"  # (digits, single underscores between: runs, fast)
#: A Python integer literal with at most one sign (``literal_eval`` takes one unary ``+``/``-``);
#: ``int(text, 0)`` reads exactly these, as the compiler does.
PY_INT = (
    r"[+-]?(?:[1-9][0-9]*+(?:_[0-9]++)*+|0++(?:_0++)*+|0[xX](?:_?[0-9a-fA-F]++)++"
    r"|0[oO](?:_?[0-7]++)++|0[bB](?:_?[01]++)++)"
)
#: A Python float literal with at most one sign; ``float(text)`` reads the same value.
PY_FLOAT = (
    rf"[+-]?(?:(?:(?:{_DIGITS})?\.{_DIGITS}|{_DIGITS}\.)(?:[eE][+-]?{_DIGITS})?"
    rf"|{_DIGITS}[eE][+-]?{_DIGITS})"
)
_CANONICAL_INT = r"(?:0|-?[1-9][0-9]{0,17})"
_JSON_NUMBER = r"-?(?:0|[1-9][0-9]*+)(?:\.[0-9]++)?(?:[eE][+-]?[0-9]++)?"
_JSON_FLOAT = r"-?(?:0|[1-9][0-9]*+)(?:\.[0-9]++(?:[eE][+-]?[0-9]++)?|[eE][+-]?[0-9]++)"
#: Text made of JSON's tokens alone, in brackets (decoding tells whether they make JSON).
_JSON_TOKENS = (
    rf"[\[{{](?:[ \t\n\r\[\]{{}},:]++|{JSON_STRING}|{_JSON_NUMBER}|true|false|null)*+"
    r"(?<=[\]}])"
)
#: A string as ``json.dumps`` writes it (ensure_ascii): printable ASCII, short escapes, and
#: ``\u`` escapes (lower case) for other control characters and whatever is not ASCII.
_CANONICAL_STRING = (
    r'"(?:[ !#-\[\]-~]++|\\["\\bfnrt]|\\u00(?:0[0-7bef]|1[0-9a-f]|7f)'
    r'|\\u(?:00[89a-f][0-9a-f]|0[1-9a-f][0-9a-f]{2}|[1-9a-f][0-9a-f]{3}))*+"'
)
_CANONICAL_SCALAR = rf"(?:{_CANONICAL_INT}|true|false|null|{_CANONICAL_STRING})"


def _canonical_container(depth: int) -> str:
    """Arrays, and objects of one key (no key to repeat), as ``json.dumps`` writes them, of
    canonical integers, strings, constants and such containers nested ``depth`` deep: the
    JSON a decode and an encode would give back unchanged (floats, which may not, are not
    here: they take the decode)."""
    value = _CANONICAL_SCALAR
    for _ in range(depth):
        item = rf"(?:{value}(?:, (?=[^\]])|(?=\])))"
        value = rf"(?:{_CANONICAL_SCALAR}|\[{item}*+\]|\{{(?:{_CANONICAL_STRING}: {value})?\}})"
    return value


#: A character that is not ASCII: the negated class compiles at once, where the range
#: ``\x80-\U0010ffff`` made ``re`` build a 64 K table for each (~30 ms at import).
_NON_ASCII = r"[^\x00-\x7f]"
#: Text without quotes, comments or backslashes (no string, comment or continued line can
#: hide a word) holding an ASCII identifier that is a whole token (nothing before it that
#: joins it to a number, an attribute or a longer name, nothing after it) and none of the
#: words a literal may hold: ``ast.literal_eval`` fails on it (it does not parse, or it holds
#: a name, or a keyword that builds no literal). No JSON text holds such a word either.
_FAILING_WORD = (
    rf".*?(?<![0-9A-Za-z_.])(?<!{_NON_ASCII})"
    rf"(?!(?:True|False|None|set|true|false|null)(?![0-9A-Za-z_]|{_NON_ASCII}))"
    rf"[A-Za-z_][0-9A-Za-z_]*+(?!{_NON_ASCII})"
)
_SHORT = rf"(?=.{{0,{MAX_NUMBER_CHARS}}}\Z)"

# The kinds of bare value, in the order they are tried (a value is of the first that matches).
PLAIN, ITSELF, CONSTANT, INT, FLOAT, CANONICAL, MAYBE_JSON, SINGLE, FAILING, OTHER = range(1, 11)
#: Each kind's pattern, guarded by the characters the kind may start with (so that those that
#: fail, fail at once): ``{end}`` where the value ends, ``{dot}`` any character.
_BARE_KINDS = {
    PLAIN: r"(?![-+.0-9\[{('\"])(?!(?:True|False|None){end})",  # itself
    ITSELF: rf"(?=[-0-9]){_CANONICAL_INT}{{end}}",  # a canonical integer: itself
    CONSTANT: r"(?:True|False|None){end}",  # true, false, null
    INT: rf"(?=[-+0-9])(?={{dot}}{{0,{MAX_NUMBER_CHARS}}}{{end}}){PY_INT}{{end}}",
    FLOAT: rf"(?=[-+.0-9])(?={{dot}}{{0,{MAX_NUMBER_CHARS}}}{{end}}){PY_FLOAT}{{end}}",
    CANONICAL: rf"(?=[\[{{{{]){_canonical_container(2)}{{end}}",  # JSON as written: itself
    MAYBE_JSON: rf"(?=[\[{{{{]){_JSON_TOKENS}{{end}}",  # decoded, then encoded
    SINGLE: r"'[^'\\\n\r\x00]*+'{end}",  # a Python string: the string
    FAILING: rf"(?=[^'\"#\\\n]*+{{end}}){_FAILING_WORD}{{dot}}*+{{end}}",  # itself
    OTHER: "",  # long: itself (unless JSON not tried); else read one at a time
}
_END, _LINE_END, _ANY, _IN_LINE = r"\Z", r"(?=\n)", ".", r"[^\n]"


def _kind_pattern(kind: int, end: str = _END, dot: str = _ANY) -> str:
    return _BARE_KINDS[kind].replace("{end}", end).replace("{dot}", dot)


def _kind_lines(kind: int) -> re.Pattern[str]:
    line = _kind_pattern(kind, _LINE_END, _IN_LINE)
    last = _kind_pattern(kind, _END, _IN_LINE)
    return re.compile(f"(?:{line}\n)*+{last}")


# The patterns below are large (10 ms each to compile): compiled the first time a file has
# values to read, not when every process that might open a notebook imports this module.


@cache
def bare_kind() -> re.Pattern[str]:
    """A bare value's kind: the group that matched (``lastindex``)."""
    return re.compile("|".join(f"({_kind_pattern(kind)})" for kind in _BARE_KINDS), re.DOTALL)


@cache
def bare_lines() -> dict[int, re.Pattern[str]]:
    """Values of one kind joined by newlines (none in them), that kind's pattern for each
    line: a file's values are often all of one kind, told by one search instead of one per
    value (a value of an earlier kind that matches a later kind's pattern reads the same by
    both)."""
    return {
        kind: _kind_lines(kind)
        for kind in (ITSELF, CONSTANT, INT, FLOAT, CANONICAL, SINGLE, FAILING)
    }


CONSTANTS = {"True": "true", "False": "false", "None": "null"}
#: The first characters of typed values (and "t", "f", "n" of true, false, null).
TYPED_FIRST = frozenset("-0123456789[{")


@cache
def typed_kind() -> re.Pattern[str]:
    """A string's kind for ``is_typed``: 1 not typed, 2 typed, 3 a float (typed where
    written as its ``repr``), 4 maybe JSON (typed where written as the encoder writes it),
    5 not typed."""
    return re.compile(
        r"((?![-0-9\[{])(?!(?:true|false|null)\Z))"
        rf"|((?:{_CANONICAL_INT}|true|false|null|(?=[\[{{]){_canonical_container(2)})\Z)"
        rf"|({_JSON_FLOAT}\Z)"
        rf"|({_JSON_TOKENS}\Z)"
        r"|()",
        re.DOTALL,
    )


KIND = attrgetter("lastindex")
JSON_NUMBER_RE = re.compile(_JSON_NUMBER)
JSON_INT = re.compile(r"0|-?[1-9][0-9]*+")

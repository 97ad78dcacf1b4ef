"""Hostile notebook files, each a shape of text made at any size: the engine benchmark loads
each at 5 MB (``load_5mb_*``, issue 9: hostile inputs load fast) and the tests hold the
loader's reading of each, at a small size, to the loader as it was
(``tests/core/test_fileformat_bulk.py``).

A shape is a function of a count (of cells, markers or lines; :func:`five_megabytes` finds the
count that makes about 5 MB). The figures beside each say what the loader took for 5 MB before
its bulk paths, on the shared 2-core box.
"""

from __future__ import annotations

from collections.abc import Callable

Shape = Callable[[int], str]


def _pairs(pattern: str, count: int, first: int = 0) -> str:
    """``count`` pairs from ``pattern`` (``{k}``: the pair's number in the marker, ``{i}``: in
    the file from ``first``), joined by spaces."""
    return " ".join(pattern.format(k=k, i=first + k) for k in range(count))


def _markers(count: int, marker: Callable[[int], str], body: str = "") -> str:
    return "".join(f"{marker(i)}\n{body}" for i in range(count))


SHAPES: dict[str, Shape] = {
    # The loads of issue 9 (each ≤ 605 ms before).
    "million_markers": lambda n: "# %%\n" * (n * 100),
    "10k_cells": lambda n: "".join(
        f'# %% id="{i:08x}"\n' + "x = 1\n" * 82 + "\n" for i in range(n)
    ),
    "markdown": lambda n: "".join(
        f'# %% [markdown] id="{i:08x}"\n' + "# x\n" * 124 + "\n" for i in range(n)
    ),
    "marker_tokens": lambda n: "".join(f"# %% id={i}" + " a=b" * 125 + "\n" for i in range(n)),
    "no_markers": lambda n: "x = 1\n" * (n * 83),
    "16k_header": lambda n: (
        "# /// script\n# x = [" + "1," * 8_000 + "]\n# ///\n\n# %%\n" + "x = 1\n" * (n * 83)
    ),
    # Markers whose values are brackets (12-13 s): JSON read value by value.
    "bracketed_values": lambda n: _markers(n, lambda i: f"# %% id={i} " + _pairs("a{k}=[{k}]", 80)),
    "bracketed_repeated": lambda n: _markers(n, lambda i: f"# %% id={i}" + " a=[1]" * 100),
    "bracketed_with_kind": lambda n: _markers(
        n, lambda i: f"# %% [markdown] id={i} " + _pairs("a{k}=[{k}]", 80)
    ),
    # A title word before many pairs (1.5-2.6 s), JSON objects after titles (3.3 s).
    "title_and_pairs": lambda n: _markers(
        n, lambda i: f"# %% Title id={i} " + _pairs("a{k}={k}", 90)
    ),
    "json_metadata": lambda n: _markers(
        n, lambda i: "# %% Title {" + ", ".join(f'"k{k}": [{i}, {k}]' for k in range(40)) + "}"
    ),
    # Values that differ everywhere (1.2 s for 6 MB of plain ones; 12-37 s for the others: a
    # JSON decode, then an ast.literal_eval, for each).
    "distinct_pairs": lambda n: _markers(n, lambda i: "# %% " + _pairs("k{i}=v{i}", 50, i * 50)),
    "distinct_bracketed": lambda n: _markers(n, lambda i: "# %% " + _pairs("a=[{i}]", 70, i * 70)),
    "distinct_not_json": lambda n: _markers(n, lambda i: "# %% " + _pairs("a=[x{i}]", 60, i * 60)),
    "distinct_signed_numbers": lambda n: _markers(
        n, lambda i: "# %% " + _pairs("a=+{i}", 60, i * 60)
    ),
    "distinct_quoted_escapes": lambda n: _markers(
        n, lambda i: "# %% " + _pairs('a="x\\t{i}"', 50, i * 50)
    ),
    # Python literals that are not JSON, all different (26 s): refused past 10,000 of them.
    "python_literals": lambda n: _markers(n, lambda i: "# %% " + _pairs("a=('{i}',)", 50, i * 50)),
    # Quoted values with spaces (2.2 s), JSON with strings in it (4.4 s), nesting (3.6 s).
    "quoted_spaces": lambda n: _markers(n, lambda i: f"# %% id={i} " + _pairs('a{k}="x {k}"', 60)),
    "nested_json": lambda n: _markers(
        n, lambda i: f"# %% id={i} " + _pairs('a{k}={{"b":[{k},{{"c":"d e"}}]}}', 20)
    ),
    "deep_nesting": lambda n: _markers(n, lambda i: f"# %% id={i} a=" + "[" * 260 + "]" * 260),
    # Words: a title of many (1.3 s), keys without values after a pair (2.4 s).
    "title_words": lambda n: _markers(
        n, lambda i: "# %% " + " ".join(f"w{i}_{k}" for k in range(80))
    ),
    "keys_without_values": lambda n: _markers(
        n, lambda i: "# %% a=1 " + " ".join(f"w{i}_{k}" for k in range(80))
    ),
    # Markers of 100,000 characters: values (8.8 s), one long word (90 s: a pattern that
    # backtracked over it), trailing spaces (15 min: a search tried at every one of them).
    "long_markers": lambda n: "".join(
        "# %% " + _pairs("a=[{i}]", 10_000, j * 10_000)[:99_990] + "\n" for j in range(n)
    ),
    "long_word": lambda n: "".join("# %% a=1 " + "a" * 99_000 + "!\n" for _ in range(n)),
    "trailing_spaces": lambda n: "".join("# %% x" + " " * 99_000 + "\n" for _ in range(n)),
    # The seed format's markers with many pairs (9.6 s).
    "seed_pairs": lambda n: "".join(
        f"# %% python [c{i}] " + _pairs("a{k}=[{k}]", 70) + "\nx = 1\n" for i in range(n)
    ),
    # Strings in triple quotes: marker lines in them (3.4 s), before a definition at the end
    # of the file (PEP 8's spacing read every line: 10.5 s), indented lines before one (1.2 s).
    "markers_in_strings": lambda n: "".join(
        f'# %% id="c{i}"\n' + "s = '''x'''\n" * 40 + 'y = """\n# %%\n"""\n' for i in range(n)
    ),
    "strings_before_a_definition": lambda n: (
        "".join(f'# %% id="c{i}"\n' + 'x = """\n"""\n' * 60 + "\n" for i in range(n - 1))
        + "# %%\ndef f():\n    pass\n"
    ),
    "indented_before_a_definition": lambda n: (
        "".join(f'# %% id="c{i}"\n' + "    x = 1\n" * 55 + "\n" for i in range(n - 1))
        + "# %%\ndef f():\n    pass\n"
    ),
    # Found by review after the bulk reader landed: quoted values whose escapes JSON refuses,
    # and values that look like JSON but are not (a failed decode copied the rest of the
    # list: quadratic, minutes at 5 MB); marker lines in strings among many %% lines (the
    # budget of %% lines that are no marker restarted after each string: 2 s).
    "quoted_bad_escapes": lambda n: _markers(
        n, lambda i: "# %% " + _pairs('a="\\q{i}"', 50, i * 50)
    ),
    "quoted_broken_json": lambda n: _markers(
        n, lambda i: "# %% " + _pairs('a="[{i},]"', 50, i * 50)
    ),
    "bracketed_trailing_comma": lambda n: _markers(
        n, lambda i: "# %% " + _pairs("a=[{i},]", 50, i * 50)
    ),
    "percent_lines_and_strings": lambda n: (
        "# %%\n" + "".join('"""\n# %%\n"""\n' + "%%\n" * 900 for _ in range(n))
    ),
    # A YAML preamble that never closes (1.3 s) or closes late (2.7 s), and a header whose
    # comment lines hold '# ///' but never that line alone (1.0 s).
    "open_preamble": lambda n: "# ---\n" + "# x: 1\n" * (n * 70),
    "long_preamble": lambda n: "# ---\n" + "# x\n" * (n * 120) + "# ---\n\nx = 1\n",
    "header_without_end": lambda n: "# /// script\n" + "# ///x\n" * (n * 70),
}


def five_megabytes(shape: str) -> str:
    """``shape``'s text at about 5 MB (within 3 %: its count scaled from a sample, then
    from the text made, which grows faster than the count where numbers get longer)."""
    make = SHAPES[shape]
    count, text = 10, make(10)
    for _ in range(4):
        if abs(len(text) - 5_000_000) <= 150_000:
            break
        count = max(1, round(count * 5_000_000 / len(text)))
        text = make(count)
    return text

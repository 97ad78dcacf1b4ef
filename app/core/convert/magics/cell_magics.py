"""``%%magic`` cells as Python: timing, capture, scripts, files and displayed HTML/SVG/LaTeX."""

from __future__ import annotations

import ast
import shlex
from collections.abc import Callable
from typing import Final

from app.core.convert.magics.scanner import transform_lines
from app.core.convert.magics.timing import timeit_flags, timeit_loop, timing_report, timing_start
from app.core.convert.magics.translation import CellTranslation
from app.core.convert.positions import SourceText
from app.core.convert.pysource import indent_code, parse_module, string_literal


def _cell_time(
    args: str, body: str, out: CellTranslation, known: frozenset[str] | None
) -> list[str]:
    body = transform_lines(body, out, known)
    lines = [timing_start(out)]
    try:
        tree = parse_module(body)
    except SyntaxError:
        tree = None
    last = tree.body[-1] if tree is not None and tree.body else None
    if isinstance(last, ast.Expr) and not body.rstrip().endswith(";"):
        at = SourceText(body).start(last)
        lines += [body[:at] + "_value = " + body[at:], timing_report(out), "_value"]
    else:
        lines += [body, timing_report(out)]
    return lines


def _cell_timeit(
    args: str, body: str, out: CellTranslation, known: frozenset[str] | None
) -> list[str] | None:
    flags, setup = timeit_flags(args)
    return timeit_loop(setup, transform_lines(body, out, known), flags, out)


_CAPTURED_IO = [
    "class _CapturedIO:",
    '    """What `%%capture` kept: .stdout, .stderr, .outputs (figures); .show() or call it."""',
    "",
    "    def __init__(self, stdout, stderr, outputs):",
    "        self.stdout, self.stderr, self.outputs = stdout, stderr, outputs",
    "",
    "    def show(self):",
    "        import sys",
    "",
    '        print(self.stdout, end="")',
    '        print(self.stderr, end="", file=sys.stderr)',
    "        for output in self.outputs:",
    "            display(output)",
    "",
    "    __call__ = show",
    "",
    "",
]


def _cell_capture(
    args: str, body: str, out: CellTranslation, known: frozenset[str] | None
) -> list[str]:
    """``%%capture [--no-stdout] [--no-stderr] [--no-display] [name]``: printed output is kept
    out of the cell, figures the body drew too (unless ``--no-display``); ``name`` gets them."""
    words = args.split()
    flags = {word for word in words if word.startswith("--")}
    names = [word for word in words if not word.startswith("-")]
    contextlib_ = out.need("contextlib")
    io_ = out.need("io")
    managers = []
    if "--no-stdout" not in flags:
        managers.append(f"{contextlib_}.redirect_stdout({io_}.StringIO()) as _stdout")
    if "--no-stderr" not in flags:
        managers.append(f"{contextlib_}.redirect_stderr({io_}.StringIO()) as _stderr")
    body = transform_lines(body, out, known)
    if not body.strip():
        body = "pass"
    lines = [f"with {', '.join(managers)}:", indent_code(body, "    ")] if managers else [body]
    figures = "[]"
    if "--no-display" not in flags:
        sys_ = out.need("sys")
        lines += [
            f'_pyplot = {sys_}.modules.get("matplotlib.pyplot")',
            "_figures = [_pyplot.figure(n) for n in _pyplot.get_fignums()] if _pyplot else []",
            "if _pyplot:",
            '    _pyplot.close("all")  # captured, as IPython captures displays',
        ]
        figures = "_figures"
    if names:
        stdout = "_stdout.getvalue()" if "--no-stdout" not in flags else '""'
        stderr = "_stderr.getvalue()" if "--no-stderr" not in flags else '""'
        lines = [*_CAPTURED_IO, *lines, f"{names[0]} = _CapturedIO({stdout}, {stderr}, {figures})"]
    return lines


def _script(program: list[str], args: str, body: str, out: CellTranslation) -> list[str] | None:
    """A script magic: the cell is ``program``'s input, as in IPython; ``--out NAME`` /
    ``--err NAME`` keep that output in a variable, ``--no-raise-error`` ignores the exit code.
    ``args`` may name the program itself (``%%script python3 -u``)."""
    try:
        words = shlex.split(args)
    except ValueError:
        return None
    targets: dict[str, str] = {}
    command = list(program)
    check = True
    index = 0
    while index < len(words):
        word = words[index]
        if word in ("--out", "--err") and index + 1 < len(words):
            targets[word[2:]] = words[index + 1]
            index += 2
            continue
        if word == "--no-raise-error":
            check = False
        elif word.startswith("--"):
            return None  # --bg, --proc: background processes have no equivalent here
        else:
            command.append(word)
        index += 1
    if not command:
        return None
    sub = out.need("subprocess")
    pipes = "".join(
        f", {stream}={sub}.PIPE"
        for option, stream in (("out", "stdout"), ("err", "stderr"))
        if option in targets
    )
    call = f"{sub}.run({command!r}, input={string_literal(body + chr(10))}, text=True, check={check}{pipes})"
    if not targets:
        return [f"{call};"]
    lines = [f"_script = {call}"]
    for option, stream in (("out", "stdout"), ("err", "stderr")):
        if option in targets:
            lines.append(f"{targets[option]} = _script.{stream}")
    return lines


def _cell_bash(
    args: str, body: str, out: CellTranslation, known: frozenset[str] | None
) -> list[str] | None:
    return _script(["bash"], args, body, out)


def _cell_sh(
    args: str, body: str, out: CellTranslation, known: frozenset[str] | None
) -> list[str] | None:
    return _script(["sh"], args, body, out)


def _cell_script(
    args: str, body: str, out: CellTranslation, known: frozenset[str] | None
) -> list[str] | None:
    return _script([], args, body, out)


def _cell_writefile(
    args: str, body: str, out: CellTranslation, known: frozenset[str] | None
) -> list[str] | None:
    try:
        words = shlex.split(args)
    except ValueError:
        return None
    append = any(word in ("-a", "--append") for word in words)
    paths = [word for word in words if not word.startswith("-")]
    if len(paths) != 1:
        return None
    os_ = out.need("os")
    exists = "Appending to" if append else "Overwriting"
    return [
        f"_path = {os_}.path.expanduser({paths[0]!r})",
        f'print(f"{exists} {{_path}}" if {os_}.path.exists(_path) else f"Writing {{_path}}")',
        f'with open(_path, "{"a" if append else "w"}", encoding="utf-8") as _file:',
        f"    _file.write({string_literal(body if not body or body.endswith(chr(10)) else body + chr(10))})",
    ]


def _display_as(
    method: str,
) -> Callable[[str, str, CellTranslation, frozenset[str] | None], list[str]]:
    def make(args: str, body: str, out: CellTranslation, known: frozenset[str] | None) -> list[str]:
        kind = method.strip("_").removeprefix("repr_")
        return [
            f"class _{kind.capitalize()}:",
            f'    """What `%%{kind}` displayed."""',
            "",
            f"    def {method}(self):",
            f"        return {string_literal(body)}",
            "",
            "",
            f"_{kind.capitalize()}()",
        ]

    return make


CellHandler = Callable[[str, str, CellTranslation, frozenset[str] | None], list[str] | None]
CELL_MAGICS: Final[dict[str, CellHandler]] = {
    "time": _cell_time,
    "timeit": _cell_timeit,
    "capture": _cell_capture,
    "bash": _cell_bash,
    "sh": _cell_sh,
    "script": _cell_script,
    "writefile": _cell_writefile,
    "file": _cell_writefile,
    "html": _display_as("_repr_html_"),
    "HTML": _display_as("_repr_html_"),
    "svg": _display_as("_repr_svg_"),
    "SVG": _display_as("_repr_svg_"),
    "latex": _display_as("_repr_latex_"),
}


def _interpreter(command: str) -> CellHandler:
    """``%%python3``, ``%%perl`` …: the cell is that program's input, as in IPython."""

    def run(
        args: str, body: str, out: CellTranslation, known: frozenset[str] | None
    ) -> list[str] | None:
        return _script([command], args, body, out)

    return run


for _command in ("python", "python2", "python3", "pypy", "perl", "ruby"):
    CELL_MAGICS[_command] = _interpreter(_command)

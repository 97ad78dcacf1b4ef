"""IPython syntax in a Jupyter cell, turned into plain Python with the same visible effect.

IPython reads more than Python: ``%line`` and ``%%cell`` magics, ``!shell`` commands,
``x = !cmd``, ``obj?`` help. Cascade's kernel is plain Python (IPython is not required), so a
converted notebook must not contain them. This is a transformer of our own rather than
IPython's ``TransformerManager``: IPython's output calls ``get_ipython().run_line_magic(...)``,
which needs IPython at run time — exactly what a converted notebook must not need. It follows
IPython's rules for *where* such syntax is recognised (at the start of a logical line, also
inside indented blocks, never inside brackets or strings; a cell magic only on the first line);
the tests check it against ``TransformerManager`` on the same cells.

What each becomes (generated helper names start with ``_`` so they stay private to the cell):

* ``%matplotlib …``, ``%config InlineBackend…`` — removed (figures always show in Cascade).
* ``%time`` / ``%%time`` — the code, then ``CPU times: …`` / ``Wall time: …`` printed; the value
  of a final expression is still the cell's result. ``%timeit`` / ``%%timeit`` — a timing loop
  printing ``… per loop (mean ± std. dev. of 7 runs, N loops each)``.
* ``%%capture [--no-stdout] [--no-stderr] [name]`` — the body under
  ``contextlib.redirect_stdout``/``redirect_stderr``; ``name`` gets ``.stdout``, ``.stderr``,
  ``.show()``.
* ``!cmd``, ``%%bash``, ``%%sh``, ``%%script cmd``, ``%system``, ``%ls``-style aliases —
  ``subprocess.run`` with the output in the cell; ``{expr}`` and ``$name`` expand as in IPython
  (only when every one names something the notebook defines, else the text goes to the shell
  unchanged, as IPython does); ``x = !cmd`` and ``!!cmd`` give the output lines as a list.
* ``%pip install``, ``!pip install``, ``%conda install`` … — commented out, with a note: the
  user installs packages into the kernel's Python.
* ``%%writefile [-a] name`` / ``%%file`` — code that writes the file and prints what IPython
  prints. ``%cd``, ``%pwd``, ``%env`` — ``os`` calls.
* ``%%html``, ``%%svg``, ``%%latex`` — a displayed object with that representation;
  ``%%markdown`` — a markdown cell; ``%%sql`` — a SQL cell.
* ``obj?``, ``??obj``, ``%load_ext``, ``%autoreload`` and every other magic — commented out,
  with a note saying what it was.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import re
import shlex
import textwrap
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Final

from app.core.convert.positions import SourceText
from app.core.convert.pysource import (
    fstring,
    indent_code,
    parse_expression,
    parse_module,
    string_literal,
)
from app.core.convert.report import NoteKind, Severity
from app.core.notebook import CellKind

__all__ = ["MagicNote", "MagicResult", "has_ipython_syntax", "magic_lines", "transform_ipython"]


@dataclass(frozen=True, slots=True)
class MagicNote:
    message: str
    kind: NoteKind = "magic"
    severity: Severity = "info"


@dataclass(frozen=True, slots=True)
class MagicResult:
    """The cell as Cascade code: its kind (a ``%%markdown`` cell becomes markdown, a ``%%sql``
    cell SQL with result ``name``), its code, what was done, and the database URL a
    ``%sql URL`` line connected to (if any)."""

    kind: CellKind
    code: str
    notes: tuple[MagicNote, ...] = ()
    name: str | None = None
    database: str | None = None


# -- what is IPython syntax --------------------------------------------------------------------
_MAGIC_LINE = re.compile(r"(?P<escape>%{1,2}|!{1,2})(?P<rest>.*)", re.DOTALL)
_HELP = re.compile(r"(\?{1,2})?[\w.*\[\]'\"]+(\?{1,2})?")
_ASSIGN = re.compile(r"(?P<target>[^=%!#'\"]+?)\s*=\s*(?P<escape>%|!)(?P<rest>.*)", re.DOTALL)
_MAGIC_NAME = re.compile(r"(?P<name>[A-Za-z_][\w.]*)\s*(?P<args>.*)", re.DOTALL)

#: IPython's shell aliases on POSIX: ``%ls -l`` runs ``ls -l``.
_SHELL_ALIASES: Final = frozenset(
    {
        "ls",
        "ll",
        "lf",
        "lk",
        "ldir",
        "lx",
        "cat",
        "cp",
        "mkdir",
        "mv",
        "rm",
        "rmdir",
        "less",
        "more",
        "man",
        "clear",
    }
)
#: Magics that only configure IPython's display or editing: removed or commented, harmless.
_HARMLESS: Final = frozenset(
    [
        "load_ext",
        "reload_ext",
        "unload_ext",
        "autoreload",
        "aimport",
        "xmode",
        "autosave",
        "colors",
        "autocall",
        "automagic",
        "doctest_mode",
        "who",
        "whos",
        "who_ls",
        "lsmagic",
        "magic",
        "quickref",
        "history",
        "hist",
        "notebook",
        "connect_info",
        "precision",
        "pprint",
        "page",
        "alias_magic",
        "watermark",
        "qtconsole",
        "gui",
        "pylab",
    ]
)
_INSTALLERS: Final = tuple(
    ["pip", "pip3", "conda", "mamba", "micromamba", "uv", "poetry", "apt", "apt-get", "yum", "brew"]
)


class _Output:
    """Lines of generated code plus what was done, for one cell."""

    def __init__(self) -> None:
        self.notes: list[MagicNote] = []
        self.imports: dict[str, None] = {}  # "subprocess" -> import line at the top
        self.database: str | None = None  # what a `%sql URL` line connected to

    def note(self, message: str, severity: Severity = "info", kind: NoteKind = "magic") -> None:
        self.notes.append(MagicNote(message, kind, severity))

    def need(self, module: str) -> str:
        """The private alias of a standard module the generated code uses (``_subprocess``)."""
        self.imports.setdefault(module)
        return "_" + module


def _import_lines(modules: Iterator[str] | list[str]) -> list[str]:
    return [f"import {module} as _{module}" for module in modules]


def _comment(text: str, why: str) -> list[str]:
    """``text`` commented out, saying why (on the line itself, or above several lines)."""
    lines = text.split("\n")
    if len(lines) == 1:
        return [f"# {text}  # {why}"]
    return [f"# {why}:", *(f"# {line}" if line else "#" for line in lines)]


# -- shell commands ----------------------------------------------------------------------------
def _names_in(expression: str) -> set[str] | None:
    try:
        tree = parse_expression(expression)
    except SyntaxError:
        return None
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def _resolvable(expression: str, known: frozenset[str] | None) -> bool:
    names = _names_in(expression)
    if names is None:
        return False
    return known is None or all(n in known or hasattr(builtins, n) for n in names)


def _expand_shell(command: str, known: frozenset[str] | None) -> str:
    """Python source for ``command`` after IPython's variable expansion (``{expr}``, ``$name``,
    ``$$``, ``{{``): all of it, or — when one part would fail in IPython — none of it."""
    parts: list[tuple[bool, str]] = []
    literal: list[str] = []
    i, n = 0, len(command)
    in_single = False

    def flush() -> None:
        if literal:
            parts.append((False, "".join(literal)))
            literal.clear()

    while i < n:
        char = command[i]
        if char == "'":
            in_single = not in_single
        if command.startswith("{{", i) or command.startswith("}}", i):
            literal.append(char)
            i += 2
            continue
        if char == "{":
            depth, j = 1, i + 1
            while j < n and depth:
                depth += {"{": 1, "}": -1}.get(command[j], 0)
                j += 1
            expression = command[i + 1 : j - 1]
            if depth or not _resolvable(expression, known):
                return repr(command)
            flush()
            parts.append((True, expression.strip()))
            i = j
            continue
        if char == "$" and not in_single:
            if command.startswith("$$", i):
                literal.append("$")
                i += 2
                continue
            match = re.match(r"[A-Za-z_][\w.]*", command[i + 1 :])
            if match:
                expression = match.group(0).rstrip(".")
                if not _resolvable(expression, known):
                    return repr(command)
                flush()
                parts.append((True, expression))
                i += 1 + len(expression)
                continue
        literal.append(char)
        i += 1
    flush()
    return fstring(parts)


def _is_install(command: str) -> bool:
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    for index, word in enumerate(words):
        base = word.rsplit("/", 1)[-1]
        if base in _INSTALLERS or re.fullmatch(r"python[\d.]*", base):
            rest = words[index + 1 :]
            return any(w in ("install", "add", "-U", "--upgrade") for w in rest)
    return False


def _install(original: str, out: _Output) -> list[str]:
    out.note(
        f"`{original.strip()}` installs packages: install them into the kernel's Python "
        "yourself (Run → Kernel Python… shows which one); the converted notebook never runs "
        "an installer",
        "warning",
        "install",
    )
    return [f"# {original.strip()}  # install packages into the kernel's Python instead"]


def _shell(command: str, out: _Output, known: frozenset[str] | None, *, capture: bool) -> str:
    """An expression running ``command`` in a shell: its output (errors merged in, as IPython
    does) shown (the statement ends with ``;``), or, with ``capture``, its output lines."""
    sub = out.need("subprocess")
    source = _expand_shell(command.strip(), known)
    if capture:
        return (
            f"{sub}.run({source}, shell=True, stdout={sub}.PIPE, stderr={sub}.STDOUT, "
            "text=True).stdout.splitlines()"
        )
    # IPython runs `!cmd` with its error output merged into the cell's normal output.
    return f"{sub}.run({source}, shell=True, stderr={sub}.STDOUT)"


# -- timing --------------------------------------------------------------------------------------
def _timing_start(out: _Output) -> str:
    time = out.need("time")
    return f"_started = {time}.process_time(), {time}.perf_counter()"


def _timing_report(out: _Output) -> str:
    time = out.need("time")
    return (
        f'print(f"CPU times: total: {{{time}.process_time() - _started[0]:.3g}} s\\n'
        f'Wall time: {{{time}.perf_counter() - _started[1]:.3g}} s")'
    )


def _time_statement(
    statement: str, out: _Output, *, target: str | None, show: bool
) -> list[str] | None:
    """``%time statement``: run it between two clocks; an expression's value is the result."""
    hidden = statement.rstrip().endswith(";")
    statement = statement.rstrip().rstrip(";").strip()
    if _parses(statement, expression=True):
        lines = [_timing_start(out), f"{target or '_value'} = {statement}", _timing_report(out)]
        if target is None and show and not hidden:
            lines.append("_value")
        return lines
    if target is not None or not _parses(statement):
        return None
    return [_timing_start(out), statement, _timing_report(out)]


def _timeit(setup: str, statement: str, flags: dict[str, str], out: _Output) -> list[str] | None:
    """``%timeit`` / ``%%timeit``: IPython's loop (the statement runs in a function, so what it
    assigns stays local, as in IPython), printed as IPython prints it (in seconds)."""
    if not statement.strip() or not _parses(statement) or not _parses(setup or "pass"):
        return None
    time = out.need("time")
    repeat = flags.get("r", "7")
    lines = ["def _timed(_loops):"]
    if setup.strip():
        lines.append(indent_code(setup.strip("\n"), "    "))
    lines += [
        f"    _started = {time}.perf_counter()",
        "    for _ in range(_loops):",
        indent_code(statement.strip("\n"), "        "),
        f"    return {time}.perf_counter() - _started",
    ]
    if "n" in flags:
        lines.append(f"_loops = {flags['n']}")
    else:
        lines += [
            "_loops = 1",
            "while _timed(_loops) < 0.2 and _loops < 10**9:",
            "    _loops *= 10",
        ]
    lines += [
        f"_runs = [_timed(_loops) / _loops for _ in range({repeat})]",
        "_mean = sum(_runs) / len(_runs)",
        "_std = (sum((run - _mean) ** 2 for run in _runs) / len(_runs)) ** 0.5",
        'print(f"{_mean:.3g} s ± {_std:.3g} s per loop (mean ± std. dev. of {len(_runs)} runs,'
        ' {_loops} loops each)")',
    ]
    return lines


def _timeit_flags(args: str) -> tuple[dict[str, str], str]:
    """Leading ``-n N``, ``-r R``, ``-q``, ``-o`` … options of ``%timeit``, and the rest."""
    flags: dict[str, str] = {}
    rest = args.strip()
    while True:
        match = re.match(r"-(?P<flag>[nr])\s*(?P<value>\d+)\s*|-(?P<bare>[qopcv])\s+", rest + " ")
        if not match:
            return flags, rest
        if match.group("flag"):
            flags[match.group("flag")] = match.group("value")
        else:
            flags[match.group("bare")] = ""
        rest = rest[match.end() :].strip() if match.end() <= len(rest) else ""


def _parses(text: str, *, expression: bool = False) -> bool:
    try:
        parse_expression(text) if expression else parse_module(text)
    except (SyntaxError, ValueError):
        return False
    return True


# -- line magics -------------------------------------------------------------------------------
@dataclass(slots=True)
class _Line:
    """One magic or shell line: ``escape`` is ``%``, ``!``, ``!!`` or ``?``."""

    escape: str
    name: str
    args: str
    text: str  # as written (continuations joined)
    target: str | None = None  # ``x`` of ``x = %magic``
    last: bool = False  # the cell's last statement, at top level: its value is the result


def _line_magic(line: _Line, out: _Output, known: frozenset[str] | None) -> list[str]:
    """Python lines for one magic line (without indentation)."""
    name, args, target = line.name, line.args.strip(), line.target
    if line.escape == "?":
        out.note(f"`{line.text.strip()}` is IPython's help: use help(...) instead")
        return _comment(line.text.strip(), "IPython help; use help(...)")
    if line.escape in ("!", "!!") or name in ("system", "sx") or name in _SHELL_ALIASES:
        command = line.args
        if line.escape == "%" and name in _SHELL_ALIASES:
            command = f"{name} {args}".strip()
        if _is_install(command):
            return _install(line.text, out)
        capture = target is not None or line.escape == "!!" or name == "sx"
        expression = _shell(command, out, known, capture=capture)
        if target is not None:
            return [f"{target} = {expression}"]
        if capture:
            return [expression if line.last else f"{expression};"]
        return [f"{expression};"]
    handler = _LINE_MAGICS.get(name)
    if handler is not None:
        lines = handler(line, out, known)
        if lines is not None:
            return lines
    if name in _HARMLESS:
        out.note(f"`%{name}` is IPython-only and not needed: commented out")
        return _comment(line.text.strip(), "IPython-only")
    out.note(f"`%{name}` has no Cascade equivalent: commented out", "warning")
    return _comment(line.text.strip(), "IPython magic, not converted")


def _magic_matplotlib(line: _Line, out: _Output, known: frozenset[str] | None) -> list[str]:
    if line.args.strip() not in ("", "inline"):
        out.note(f"`%matplotlib {line.args.strip()}` removed: figures are static images in Cascade")
    return []


def _magic_config(line: _Line, out: _Output, known: frozenset[str] | None) -> list[str] | None:
    if line.args.strip().startswith("InlineBackend"):
        return []
    return None


def _magic_pip(line: _Line, out: _Output, known: frozenset[str] | None) -> list[str]:
    if _is_install(f"{line.name} {line.args}"):
        return _install(line.text, out)
    return [f"{_shell(f'{line.name} {line.args}', out, known, capture=False)};"]


def _magic_time(line: _Line, out: _Output, known: frozenset[str] | None) -> list[str] | None:
    return _time_statement(line.args, out, target=line.target, show=line.last)


def _magic_timeit(line: _Line, out: _Output, known: frozenset[str] | None) -> list[str] | None:
    flags, statement = _timeit_flags(line.args)
    if line.target is not None or "o" in flags:
        return None
    return _timeit("", statement, flags, out)


def _magic_cd(line: _Line, out: _Output, known: frozenset[str] | None) -> list[str] | None:
    args = line.args.strip()
    quiet = args.startswith("-q ")
    path = args[3:].strip() if quiet else args
    if not path or path.startswith("-") or line.target is not None:
        return None
    os_ = out.need("os")
    try:
        words = shlex.split(path)
    except ValueError:
        words = [path]
    lines = [f"{os_}.chdir({os_}.path.expanduser({' '.join(words)!r}))"]
    if not quiet:
        lines.append(f"print({os_}.getcwd())")
    return lines


def _magic_pwd(line: _Line, out: _Output, known: frozenset[str] | None) -> list[str]:
    expression = f"{out.need('os')}.getcwd()"
    if line.target is not None:
        return [f"{line.target} = {expression}"]
    return [expression if line.last else f"{expression};"]


def _magic_env(line: _Line, out: _Output, known: frozenset[str] | None) -> list[str] | None:
    os_ = out.need("os")
    args = line.args.strip()
    if not args:
        expression = f"dict({os_}.environ)"
    else:
        match = re.fullmatch(r"(?P<key>[^\s=]+)(?:\s*=\s*|\s+)(?P<value>.*)", args)
        if match is None:
            expression = f"{os_}.environ[{args!r}]"
        elif line.target is None:
            key, value = match.group("key"), match.group("value")
            value_source = _expand_shell(value, known)
            return [
                f"{os_}.environ[{key!r}] = {value_source}",
                f'print(f"env: {key}={{{os_}.environ[{key!r}]}}")',
            ]
        else:
            return None
    if line.target is not None:
        return [f"{line.target} = {expression}"]
    return [expression if line.last else f"{expression};"]


def _magic_sql(line: _Line, out: _Output, known: frozenset[str] | None) -> list[str] | None:
    url = _sql_url(line.args)
    if url is not None and line.target is None:
        out.database = out.database or url
        out.note(f"`%sql {url}` connects: the notebook's database is set to it")
        return []
    return None


def _magic_run(line: _Line, out: _Output, known: frozenset[str] | None) -> list[str] | None:
    """``%run script.py [args]``: the script runs as ``__main__``, as in IPython; the names it
    defines do not become notebook variables (they cannot be known before it runs)."""
    try:
        words = shlex.split(line.args)
    except ValueError:
        return None
    if not words or words[0].startswith("-") or line.target or words[0].endswith(".ipynb"):
        return None
    if "." not in words[0].rsplit("/", 1)[-1]:
        words[0] += ".py"  # IPython finds `%run foo` as foo.py
    if not words[0].endswith(".py"):
        return None
    runpy_ = out.need("runpy")
    out.note(
        f"`%run {words[0]}` runs the script; the names it defines are not notebook variables "
        "here (import them instead)",
        "warning",
    )
    run = f"{runpy_}.run_path({words[0]!r}, run_name='__main__');"
    if len(words) == 1:
        return [run]
    sys_ = out.need("sys")
    return [
        f"_argv, {sys_}.argv = {sys_}.argv, {words!r}",
        "try:",
        f"    {run}",
        "finally:",
        f"    {sys_}.argv = _argv",
    ]


_LineHandler = Callable[[_Line, _Output, frozenset[str] | None], list[str] | None]
_LINE_MAGICS: Final[dict[str, _LineHandler]] = {
    "matplotlib": _magic_matplotlib,
    "config": _magic_config,
    "pip": _magic_pip,
    "conda": _magic_pip,
    "mamba": _magic_pip,
    "uv": _magic_pip,
    "time": _magic_time,
    "timeit": _magic_timeit,
    "cd": _magic_cd,
    "pwd": _magic_pwd,
    "env": _magic_env,
    "set_env": _magic_env,
    "sql": _magic_sql,
    "run": _magic_run,
}

_SQL_URL = re.compile(r"\s*(?P<url>[a-z][a-z0-9+]*://\S*)\s*$")


def _sql_url(args: str) -> str | None:
    match = _SQL_URL.match(args)
    return match.group("url") if match else None


# -- finding magic lines ---------------------------------------------------------------------
def _parse_line(text: str) -> _Line | None:
    """The magic on a logical line starting at a statement position, or None for Python."""
    stripped = text.strip()
    if not stripped or stripped.startswith("#"):
        return None
    match = _MAGIC_LINE.fullmatch(stripped)
    if match is not None:
        escape, rest = match.group("escape"), match.group("rest")
        if escape.startswith("!"):
            return _Line(escape, "", rest, stripped)
        if escape == "%%":
            name = _MAGIC_NAME.match(rest)
            return _Line("%%", name.group("name") if name else "", rest, stripped)
        name_match = _MAGIC_NAME.match(rest)
        if name_match is None:
            return None
        return _Line("%", name_match.group("name"), name_match.group("args"), stripped)
    if (
        "?" in stripped
        and _HELP.fullmatch(stripped)
        and (stripped.startswith("?") or stripped.endswith("?"))
    ):
        return _Line("?", "", stripped.strip("?"), stripped)
    assign = _ASSIGN.fullmatch(stripped)
    if assign is not None and _is_target(assign.group("target")):
        inner = _parse_line(assign.group("escape") + assign.group("rest"))
        if inner is not None and inner.escape in ("%", "!"):
            inner.target = assign.group("target").strip()
            inner.text = stripped
            return inner
    return None


def _is_target(text: str) -> bool:
    try:
        tree = parse_module(f"{text} = None")
    except SyntaxError:
        return False
    return isinstance(tree.body[0], ast.Assign) and not keyword.iskeyword(text.strip())


def has_ipython_syntax(code: str) -> bool:
    """Whether converting ``code`` would change it (cheap check before the full work)."""
    return "%" in code or "!" in code or "?" in code


def magic_lines(code: str) -> set[int]:
    """0-based indexes of the lines this transformer reads as IPython syntax (for tests that
    compare it with IPython's own transformer)."""
    scanner = _LineScanner(code, _Output(), frozenset())
    scanner.run()
    return scanner.found


class _LineScanner:
    """Feeds the cell to Python's tokenizer line by line and, at the start of each logical
    line, swaps a magic line for its Python; the tokenizer then sees the Python, so brackets,
    strings and indentation stay tracked exactly."""

    def __init__(self, code: str, out: _Output, known: frozenset[str] | None) -> None:
        self.lines = code.split("\n")
        self.out = out
        self.known = known
        self.result: list[str] = []
        self.position = 0
        self.pending: list[str] = []
        self.depth = 0
        self.at_start = True
        self.found: set[int] = set()

    def readline(self) -> str:
        if self.pending:
            return self.pending.pop(0)
        if self.position >= len(self.lines):
            return ""
        index = self.position
        line = self.lines[index]
        self.position += 1
        if self.at_start and self.depth == 0:
            replaced = self.replace(index, line)
            if replaced is not None:
                self.result.extend(replaced)
                if not replaced:
                    return "\n"
                self.pending = [text + "\n" for text in replaced[1:]]
                return replaced[0] + "\n"
        self.result.append(line)
        return line + ("\n" if self.position < len(self.lines) else "")

    def replace(self, index: int, line: str) -> list[str] | None:
        """The lines replacing a magic starting at ``index`` (continuations consumed)."""
        text = line
        end = index
        while text.endswith("\\") and end + 1 < len(self.lines) and _parse_line(line):
            end += 1
            text = text[:-1] + " " + self.lines[end].strip()
        parsed = _parse_line(text)
        if parsed is None:
            return None
        self.position = end + 1
        self.found.update(range(index, end + 1))
        indent = line[: len(line) - len(line.lstrip())]
        rest = self.lines[end + 1 :]
        parsed.last = not indent and all(not r.strip() or r.lstrip().startswith("#") for r in rest)
        hoisted = set(self.out.imports)
        if parsed.escape == "%%":
            self.out.note(
                f"`{text.strip()}` is a cell magic but not on the cell's first line: commented out",
                "warning",
            )
            generated = _comment(text.strip(), "cell magic not on the first line")
        else:
            generated = _line_magic(parsed, self.out, self.known)
        if indent:
            # Inside a block (maybe a function called from another cell later): import here,
            # since the cell's private names are gone once it has run.
            fresh = [module for module in self.out.imports if module not in hoisted]
            for module in fresh:
                del self.out.imports[module]
            generated = [*_import_lines(fresh), *generated]
            if not any(g.strip() and not g.lstrip().startswith("#") for g in generated):
                generated.append("pass")
        return [indent + g if g else g for g in generated]

    def run(self) -> str:
        try:
            for token in tokenize.generate_tokens(self.readline):
                if token.type == tokenize.OP:
                    if token.string in "([{":
                        self.depth += 1
                    elif token.string in ")]}":
                        self.depth = max(0, self.depth - 1)
                self.at_start = token.type in (
                    tokenize.NEWLINE,
                    tokenize.NL,
                    tokenize.INDENT,
                    tokenize.DEDENT,
                    tokenize.COMMENT,
                ) and (token.type != tokenize.COMMENT or self.at_start)
        except (tokenize.TokenError, SyntaxError):
            # The code does not tokenize (it will not run either): scan the rest line by line.
            self.result.extend(self.pending)
            while self.position < len(self.lines):
                index = self.position
                self.position += 1
                replaced = self.replace(index, self.lines[index])
                self.result.extend(replaced if replaced is not None else [self.lines[index]])
        return "\n".join(self.result)


def _transform_lines(code: str, out: _Output, known: frozenset[str] | None) -> str:
    if not has_ipython_syntax(code):
        return code
    return _LineScanner(code, out, known).run()


# -- cell magics --------------------------------------------------------------------------------
def _cell_time(args: str, body: str, out: _Output, known: frozenset[str] | None) -> list[str]:
    body = _transform_lines(body, out, known)
    lines = [_timing_start(out)]
    try:
        tree = parse_module(body)
    except SyntaxError:
        tree = None
    last = tree.body[-1] if tree is not None and tree.body else None
    if isinstance(last, ast.Expr) and not body.rstrip().endswith(";"):
        at = SourceText(body).start(last)
        lines += [body[:at] + "_value = " + body[at:], _timing_report(out), "_value"]
    else:
        lines += [body, _timing_report(out)]
    return lines


def _cell_timeit(
    args: str, body: str, out: _Output, known: frozenset[str] | None
) -> list[str] | None:
    flags, setup = _timeit_flags(args)
    return _timeit(setup, _transform_lines(body, out, known), flags, out)


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


def _cell_capture(args: str, body: str, out: _Output, known: frozenset[str] | None) -> list[str]:
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
    body = _transform_lines(body, out, known)
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


def _script(program: list[str], args: str, body: str, out: _Output) -> list[str] | None:
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
    args: str, body: str, out: _Output, known: frozenset[str] | None
) -> list[str] | None:
    return _script(["bash"], args, body, out)


def _cell_sh(args: str, body: str, out: _Output, known: frozenset[str] | None) -> list[str] | None:
    return _script(["sh"], args, body, out)


def _cell_script(
    args: str, body: str, out: _Output, known: frozenset[str] | None
) -> list[str] | None:
    return _script([], args, body, out)


def _cell_writefile(
    args: str, body: str, out: _Output, known: frozenset[str] | None
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


def _display_as(method: str) -> Callable[[str, str, _Output, frozenset[str] | None], list[str]]:
    def make(args: str, body: str, out: _Output, known: frozenset[str] | None) -> list[str]:
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


_CellHandler = Callable[[str, str, _Output, frozenset[str] | None], list[str] | None]
_CELL_MAGICS: Final[dict[str, _CellHandler]] = {
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


def _interpreter(command: str) -> _CellHandler:
    """``%%python3``, ``%%perl`` …: the cell is that program's input, as in IPython."""

    def run(args: str, body: str, out: _Output, known: frozenset[str] | None) -> list[str] | None:
        return _script([command], args, body, out)

    return run


for _command in ("python", "python2", "python3", "pypy", "perl", "ruby"):
    _CELL_MAGICS[_command] = _interpreter(_command)


def _sql_cell(args: str, body: str, out: _Output, known: frozenset[str] | None) -> MagicResult:
    """``%%sql [url] [name <<]``: a SQL cell; ``{{name}}`` and ``:name`` become ``{name}``."""
    name: str | None = None
    match = re.search(r"(?P<name>[A-Za-z_]\w*)\s*<<\s*$", args)
    if match:
        name = match.group("name")
        args = args[: match.start()]
    url = _sql_url(args)
    if url is not None:
        out.note(f"`%%sql {url}`: the notebook's database is set to it")
    template = re.sub(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}", r"{\1}", body)
    if known is not None:
        template = re.sub(
            r"(?<![:\w]):([A-Za-z_]\w*)",
            lambda m: "{" + m.group(1) + "}" if m.group(1) in known else m.group(0),
            template,
        )
    notes = (*out.notes, MagicNote("`%%sql` cell: now a Cascade SQL cell"))
    return MagicResult("sql", template.strip("\n"), notes, name, url)


_FUTURE = re.compile(r"from\s+__future__\s+import\b")


def _split_futures(code: str) -> tuple[list[str], str]:
    """``from __future__`` lines at the start of ``code`` (they must stay first) and the rest."""
    lines = code.split("\n")
    futures = []
    index = 0
    while index < len(lines):
        stripped = lines[index].strip()
        if _FUTURE.match(stripped):
            futures.append(stripped)
        elif stripped and not stripped.startswith("#"):
            break
        index += 1
    if not futures:
        return [], code
    rest = [line for line in lines[:index] if not _FUTURE.match(line.strip())] + lines[index:]
    return futures, "\n".join(rest)


def _first_line(code: str) -> tuple[str, str] | None:
    """(magic line, body) of a cell starting with ``%%`` (leading blank lines allowed)."""
    stripped = code.lstrip("\n")
    lines = stripped.split("\n")
    if not lines[0].startswith("%%"):
        return None
    return lines[0], "\n".join(lines[1:])


def transform_ipython(code: str, known: frozenset[str] | None = None) -> MagicResult:
    """Plain Python (or a markdown or SQL cell) for one Jupyter code cell.

    ``known``: names the notebook defines; ``{x}`` and ``$x`` in shell commands expand only
    when they name one of these (else IPython would pass them to the shell unchanged).
    ``None`` expands every expression that parses.
    """
    out = _Output()
    if code.lstrip("\n")[:1] in (" ", "\t"):
        code = textwrap.dedent(code)  # as IPython does with a cell that starts indented
    first = _first_line(code)
    if first is not None:
        magic_line, body = first
        name_match = _MAGIC_NAME.match(magic_line[2:])
        name = name_match.group("name") if name_match else ""
        args = name_match.group("args") if name_match else ""
        if name in ("markdown", "md"):
            return MagicResult(
                "markdown", body.strip("\n"), (MagicNote("`%%markdown` cell: now a markdown cell"),)
            )
        if name == "sql":
            return _sql_cell(args, body, out, known)
        futures, body = _split_futures(body)
        handler = _CELL_MAGICS.get(name)
        lines = handler(args, body, out, known) if handler is not None else None
        if lines is None:
            severity: Severity = "warning"
            why = "cell magic not converted"
            if name in ("javascript", "js"):
                out.note("`%%javascript` cannot run in Cascade: commented out", severity)
            else:
                out.note(
                    f"`%%{name}` has no Cascade equivalent: the cell is commented out", severity
                )
            lines = _comment(f"{magic_line}\n{body}".rstrip("\n"), why)
        code = "\n".join([*futures, *lines])
    else:
        code = _transform_lines(code, out, known)
    header = _import_lines(list(out.imports))
    if header:
        futures, rest = _split_futures(code)
        code = "\n".join([*futures, *header, rest])
    return MagicResult("python", code, tuple(out.notes), None, out.database)

"""One ``%magic`` or ``!shell`` line as Python: a handler per magic, shell commands, help."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from typing import Final

from app.core.convert.magics.shell import (
    SHELL_ALIASES,
    commented_install,
    expand_shell,
    is_install,
    shell_call,
)
from app.core.convert.magics.sql import magic_sql
from app.core.convert.magics.syntax import MagicLine
from app.core.convert.magics.timing import time_statement, timeit_flags, timeit_loop
from app.core.convert.magics.translation import CellTranslation, commented_out

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


def line_magic(line: MagicLine, out: CellTranslation, known: frozenset[str] | None) -> list[str]:
    """Python lines for one magic line (without indentation)."""
    name, args, target = line.name, line.args.strip(), line.target
    if line.escape == "?":
        out.note(f"`{line.text.strip()}` is IPython's help: use help(...) instead")
        return commented_out(line.text.strip(), "IPython help; use help(...)")
    if line.escape in ("!", "!!") or name in ("system", "sx") or name in SHELL_ALIASES:
        command = line.args
        if line.escape == "%" and name in SHELL_ALIASES:
            command = f"{name} {args}".strip()
        if is_install(command):
            return commented_install(line.text, out)
        capture = target is not None or line.escape == "!!" or name == "sx"
        expression = shell_call(command, out, known, capture=capture)
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
        return commented_out(line.text.strip(), "IPython-only")
    out.note(f"`%{name}` has no Cascade equivalent: commented out", "warning")
    return commented_out(line.text.strip(), "IPython magic, not converted")


def _magic_matplotlib(
    line: MagicLine, out: CellTranslation, known: frozenset[str] | None
) -> list[str]:
    if line.args.strip() not in ("", "inline"):
        out.note(f"`%matplotlib {line.args.strip()}` removed: figures are static images in Cascade")
    return []


def _magic_config(
    line: MagicLine, out: CellTranslation, known: frozenset[str] | None
) -> list[str] | None:
    if line.args.strip().startswith("InlineBackend"):
        return []
    return None


def _magic_pip(line: MagicLine, out: CellTranslation, known: frozenset[str] | None) -> list[str]:
    if is_install(f"{line.name} {line.args}"):
        return commented_install(line.text, out)
    return [f"{shell_call(f'{line.name} {line.args}', out, known, capture=False)};"]


def _magic_time(
    line: MagicLine, out: CellTranslation, known: frozenset[str] | None
) -> list[str] | None:
    return time_statement(line.args, out, target=line.target, show=line.last)


def _magic_timeit(
    line: MagicLine, out: CellTranslation, known: frozenset[str] | None
) -> list[str] | None:
    flags, statement = timeit_flags(line.args)
    if line.target is not None or "o" in flags:
        return None
    return timeit_loop("", statement, flags, out)


def _magic_cd(
    line: MagicLine, out: CellTranslation, known: frozenset[str] | None
) -> list[str] | None:
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


def _magic_pwd(line: MagicLine, out: CellTranslation, known: frozenset[str] | None) -> list[str]:
    expression = f"{out.need('os')}.getcwd()"
    if line.target is not None:
        return [f"{line.target} = {expression}"]
    return [expression if line.last else f"{expression};"]


def _magic_env(
    line: MagicLine, out: CellTranslation, known: frozenset[str] | None
) -> list[str] | None:
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
            value_source = expand_shell(value, known)
            return [
                f"{os_}.environ[{key!r}] = {value_source}",
                f'print(f"env: {key}={{{os_}.environ[{key!r}]}}")',
            ]
        else:
            return None
    if line.target is not None:
        return [f"{line.target} = {expression}"]
    return [expression if line.last else f"{expression};"]


def _magic_run(
    line: MagicLine, out: CellTranslation, known: frozenset[str] | None
) -> list[str] | None:
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


_LineHandler = Callable[[MagicLine, CellTranslation, frozenset[str] | None], list[str] | None]
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
    "sql": magic_sql,
    "run": _magic_run,
}

"""Shell commands (``!cmd``, ``%system``, ``%ls``…) as ``subprocess`` calls, with IPython's
``{expr}`` / ``$name`` expansion; package installers commented out with a note."""

from __future__ import annotations

import ast
import builtins
import re
import shlex
from typing import Final

from app.core.convert.magics.translation import CellTranslation
from app.core.convert.pysource import fstring, parse_expression

#: IPython's shell aliases on POSIX: ``%ls -l`` runs ``ls -l``.
SHELL_ALIASES: Final = frozenset(
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
_INSTALLERS: Final = tuple(
    ["pip", "pip3", "conda", "mamba", "micromamba", "uv", "poetry", "apt", "apt-get", "yum", "brew"]
)


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


def expand_shell(command: str, known: frozenset[str] | None) -> str:
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


def is_install(command: str) -> bool:
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


def commented_install(original: str, out: CellTranslation) -> list[str]:
    out.note(
        f"`{original.strip()}` installs packages: install them into the kernel's Python "
        "yourself (Run → Kernel Python… shows which one); the converted notebook never runs "
        "an installer",
        "warning",
        "install",
    )
    return [f"# {original.strip()}  # install packages into the kernel's Python instead"]


def shell_call(
    command: str, out: CellTranslation, known: frozenset[str] | None, *, capture: bool
) -> str:
    """An expression running ``command`` in a shell: its output (errors merged in, as IPython
    does) shown (the statement ends with ``;``), or, with ``capture``, its output lines."""
    sub = out.need("subprocess")
    source = expand_shell(command.strip(), known)
    if capture:
        return (
            f"{sub}.run({source}, shell=True, stdout={sub}.PIPE, stderr={sub}.STDOUT, "
            "text=True).stdout.splitlines()"
        )
    # IPython runs `!cmd` with its error output merged into the cell's normal output.
    return f"{sub}.run({source}, shell=True, stderr={sub}.STDOUT)"

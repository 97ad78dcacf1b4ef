"""``%time`` / ``%timeit`` (line and cell): the code between two clocks, or IPython's loop."""

from __future__ import annotations

import re

from app.core.convert.magics.translation import CellTranslation, parses
from app.core.convert.pysource import indent_code


def timing_start(out: CellTranslation) -> str:
    time = out.need("time")
    return f"_started = {time}.process_time(), {time}.perf_counter()"


def timing_report(out: CellTranslation) -> str:
    time = out.need("time")
    return (
        f'print(f"CPU times: total: {{{time}.process_time() - _started[0]:.3g}} s\\n'
        f'Wall time: {{{time}.perf_counter() - _started[1]:.3g}} s")'
    )


def time_statement(
    statement: str, out: CellTranslation, *, target: str | None, show: bool
) -> list[str] | None:
    """``%time statement``: run it between two clocks; an expression's value is the result."""
    hidden = statement.rstrip().endswith(";")
    statement = statement.rstrip().rstrip(";").strip()
    if parses(statement, expression=True):
        lines = [timing_start(out), f"{target or '_value'} = {statement}", timing_report(out)]
        if target is None and show and not hidden:
            lines.append("_value")
        return lines
    if target is not None or not parses(statement):
        return None
    return [timing_start(out), statement, timing_report(out)]


def timeit_loop(
    setup: str, statement: str, flags: dict[str, str], out: CellTranslation
) -> list[str] | None:
    """``%timeit`` / ``%%timeit``: IPython's loop (the statement runs in a function, so what it
    assigns stays local, as in IPython), printed as IPython prints it (in seconds)."""
    if not statement.strip() or not parses(statement) or not parses(setup or "pass"):
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


def timeit_flags(args: str) -> tuple[dict[str, str], str]:
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

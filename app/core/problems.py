"""Why a cell cannot run, or is not up to date — as data, not sentences.

The graph, the planner and the run state hold these values; the window, the CLI and the
exports turn them into words with :func:`describe`, naming cells as the reader sees them
(:mod:`app.core.cell_names`) at the moment they are shown. So a message never says "cell 2"
for a cell the window shows unnumbered, and stays right after the cells move.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, TypeAlias

from app.core.record import Record


class MultipleDefinition(Record):
    """``name`` is defined by every cell in ``cells`` (display order); none of them runs."""

    name: str
    cells: tuple[str, ...]


class Cycle(Record):
    """Cells that read from each other in a loop: ``steps`` goes once around it, each cell
    with the names the next one reads from it."""

    steps: tuple[tuple[str, tuple[str, ...]], ...]


class MissingNames(Record):
    """A SQL cell's ``{placeholders}`` that no cell defines."""

    names: tuple[str, ...]


Problem: TypeAlias = MultipleDefinition | Cycle | MissingNames


class Unrunnable(Record):
    """The cell's own problems keep it from running."""

    problems: tuple[Problem, ...]


class BlockedBy(Record):
    """An upstream ``cell`` failed in this run (``failed``) or cannot run at all."""

    cell: str
    failed: bool


StaleWhy = Literal[
    "edited",
    "input_changed",
    "input_deleted",
    "new_cell",
    "renamed",
    "restored",
    "database_changed",
    "kernel_restarted",
    "kernel_lost",
    "interrupted",
    "waiting_for_trust",
    "autorun_off",
]


class Stale(Record):
    """The cell's result is out of date, or it did not run, and why. ``detail`` carries what
    the kernel said when it went away (``kernel_lost``)."""

    why: StaleWhy
    detail: str = ""


class Interrupted(Record):
    """The user stopped the cell."""


Reason: TypeAlias = Unrunnable | BlockedBy | Stale | Interrupted

_STALE_TEXT: dict[StaleWhy, str] = {
    "edited": "edited since it last ran",
    "input_changed": "an input changed; run to update",
    "input_deleted": "an input cell was deleted",
    "new_cell": "new cell",
    "renamed": "its result was renamed",
    "restored": "restored by undo",
    "database_changed": "the database connection changed",
    "kernel_restarted": "the kernel restarted",
    "kernel_lost": "not run: the kernel went away",
    "interrupted": "not run: the run was interrupted",
    "waiting_for_trust": "waiting: trust this notebook, or run it without its settings",
    "autorun_off": "an input changed; auto-run is off for this cell: run it to update",
}


#: A cycle of more steps is described by its first and last :data:`CYCLE_ENDS_SHOWN` and the
#: count of those between: one cell's message stays readable, and the messages of every cell
#: of a 3,000-cell cycle take milliseconds, not seconds (each names the whole cycle).
CYCLE_STEPS_SHOWN = 12
CYCLE_ENDS_SHOWN = 5


def quoted(name: str) -> str:
    """A variable name in plain-text words, quoted as Python's own messages do
    (``name 'x' is not defined``): never Markdown backticks, which no plain label renders."""
    return f"'{name}'"


def describe(
    reason: Reason | Problem,
    name: Callable[[str], str],
    code: Callable[[str], str] = quoted,
) -> str:
    """Words for ``reason``. ``name(cell_id)`` names a cell (plain text, or a link in HTML);
    ``code(identifier)`` marks a variable name (quotes, or ``<code>`` in HTML)."""
    match reason:
        case MultipleDefinition(name=variable, cells=cells):
            where = ", ".join(name(c) for c in cells)
            return f"{code(variable)} is defined by more than one cell: {where}"
        case Cycle(steps=steps):
            return _cycle_words(steps, name)
        case MissingNames(names=names):
            verb = "is" if len(names) == 1 else "are"
            return f"{', '.join(code(n) for n in names)} {verb} not defined by any cell"
        case Unrunnable(problems=problems):
            return "; ".join(describe(p, name, code) for p in problems)
        case BlockedBy(cell=cell, failed=failed):
            return f"blocked by {name(cell)}, which {'failed' if failed else 'cannot run'}"
        case Stale(why="kernel_lost", detail=detail) if detail:
            return f"not run: {detail}"
        case Stale(why=why):
            return _STALE_TEXT[why]
        case Interrupted():
            return "interrupted by the user"
    raise TypeError(f"not a reason: {reason!r}")


def _cycle_words(steps: tuple[tuple[str, tuple[str, ...]], ...], name: Callable[[str], str]) -> str:
    """A cycle's words: every step, or the ends of a long one (:data:`CYCLE_STEPS_SHOWN`)."""
    back = f" → {name(steps[0][0])}"
    if len(steps) <= CYCLE_STEPS_SHOWN:
        return "cycle: " + " → ".join(_step_words(step, name) for step in steps) + back
    ends = CYCLE_ENDS_SHOWN
    parts = [_step_words(step, name) for step in (*steps[:ends], *steps[-ends:])]
    parts.insert(ends, f"… {len(steps) - 2 * ends:,} more cells …")
    return f"cycle of {len(steps):,} cells: " + " → ".join(parts) + back


def _step_words(step: tuple[str, tuple[str, ...]], name: Callable[[str], str]) -> str:
    cell, names = step
    return f"{name(cell)} ({', '.join(names)})"


def cells_named(reason: Reason | Problem) -> tuple[str, ...]:
    """The cells a reason mentions (a view links them)."""
    match reason:
        case MultipleDefinition(cells=cells):
            return cells
        case Cycle(steps=steps):
            return tuple(cell for cell, _ in steps)
        case Unrunnable(problems=problems):
            return tuple(c for p in problems for c in cells_named(p))
        case BlockedBy(cell=cell):
            return (cell,)
    return ()

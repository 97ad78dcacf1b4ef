"""What a cell says in words: its status line, the reason it is blocked or stale, and its
syntax or graph problem — cells named as the reader sees them, as links in the window."""

from __future__ import annotations

import html
import time
from collections.abc import Callable

from app.core.analysis import CellAnalysis
from app.core.notebook import CellKind
from app.core.problems import Problem, Reason, Unrunnable, describe
from app.core.state import CellRunState
from app.ui.cells.card_chrome import STATUS_WORDS

#: The status of a cell whose edit waits for its debounce (the countdown follows it).
EDITED_WORDS = "edited"
#: The pending mark of a cell below a waiting edit: it re-runs (auto-run) or goes stale.
WILL_RERUN = "will re-run"
WILL_GO_STALE = "will go stale"


def upstream_edit_tip(words: str, editing: str) -> str:
    """The tooltip of a cell marked "will re-run": which edit it waits for."""
    where = f" in {editing}" if editing else " upstream"
    return f"{words[0].upper()}{words[1:]} when the edit{where} is committed"


def status_text(kind: CellKind, state: CellRunState) -> str:
    """The bar's status words: "done in 12 ms", "running 3.4 s", "stale"…; none for markdown."""
    if kind == "markdown":
        return ""
    if state.status == "success" and state.duration_ms is not None:
        return f"done in {duration(state.duration_ms)}"
    if state.status == "running" and state.started_at is not None:
        return f"running {time.monotonic() - state.started_at:.1f} s"
    return STATUS_WORDS[state.status]


def reason_words(reason: Reason, name_cell: Callable[[str], str], *, links: bool) -> str:
    """A reason in words, cells named as the reader sees them (links that show them)."""
    if not links:
        return describe(reason, name_cell, lambda n: n)  # a tooltip: plain words
    return describe(
        reason,
        lambda c: f'<a href="cell:{html.escape(c)}">{html.escape(name_cell(c))}</a>',
        lambda n: f"<code>{html.escape(n)}</code>",
    )


def analysis_problem(
    analysis: CellAnalysis, problems: tuple[Problem, ...], name_cell: Callable[[str], str]
) -> str:
    """The problem shown before anything runs: a syntax error, or what the graph refuses."""
    if analysis.syntax_error is not None:
        err = analysis.syntax_error
        return html.escape(f"Syntax error at line {err.line}, column {err.column}: {err.message}")
    return reason_words(Unrunnable(problems), name_cell, links=True) if problems else ""


def duration(ms: float) -> str:
    if ms < 1:
        return f"{ms * 1000:.0f} µs"
    if ms < 1000:
        return f"{ms:.0f} ms"
    return f"{ms / 1000:.1f} s"

"""Export a run notebook as one self-contained HTML file that opens offline in any browser.

Every cell in display order: a label (kind, status, time), the code coloured by pygments,
markdown rendered (math as MathML), and the last run's outputs, each in the form the output
registry (:mod:`app.outputs.registry`) chooses for HTML. Nothing refers to the network: styles are inline,
images are ``data:`` URLs, and all HTML that came from a notebook (``_repr_html_``, SVG,
markdown) goes through :func:`app.outputs.sanitize.sanitize_html`, an allow-list that drops scripts, event handlers
and every link or resource off the page; a Content-Security-Policy ``<meta>`` forbids them again.
Pure (no Qt); :func:`export_notebook_html` is what the CLI and the window call.
"""

from __future__ import annotations

import html
import os
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from pygments import highlight  # type: ignore[import-untyped]
from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped]
from pygments.lexers import PythonLexer, SqlLexer  # type: ignore[import-untyped]

from app.core import fileformat
from app.core.notebook import Cell, Notebook
from app.core.problems import Problem, Reason, Unrunnable, describe
from app.core.state import CellRunState, RichOutput, StreamText
from app.outputs.html import pre
from app.outputs.markdown import markdown_to_html
from app.outputs.registry import render_html as render_output

if TYPE_CHECKING:
    from app.coordinator.coordinator import Coordinator

# -- the page -----------------------------------------------------------------------------------

_CSS = """
body { margin: 0; color: #1f2328; font: 15px/1.5 system-ui, "Segoe UI", Roboto, sans-serif; }
main, header, footer { max-width: 960px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; border-bottom: 1px solid #d0d7de; } header h1 { margin: 0 0 4px; }
header p, footer, .label { color: #656d76; font-size: 13px; } .cell { margin: 20px 0; }
.label { font-size: 12px; margin-bottom: 4px; } .status-stale { color: #9a6700; }
.status-error, .status-blocked, .status-interrupted { color: #cf222e; }
pre { margin: 0; padding: 10px 12px; overflow-x: auto; border-radius: 6px;
  font: 13px/1.45 ui-monospace, Menlo, Consolas, "Liberation Mono", monospace; }
pre.code, .markdown pre { background: #f6f8fa; border: 1px solid #d0d7de; }
.outputs > * { margin-top: 6px; } pre.stdout, pre.plain { border-left: 3px solid #d0d7de; }
pre.stderr, .reason { background: #fff8e6; border-left: 3px solid #d4a72c; }
pre.error { background: #ffebe9; border-left: 3px solid #cf222e; color: #82071e; }
.reason { padding: 8px 12px; font-size: 13px; } .outputs img { max-width: 100%; height: auto; }
.out-html, .markdown { overflow-x: auto; }
.out-control { display: inline-flex; gap: 8px; align-items: baseline; padding: 4px 10px; border: 1px solid #d0d7de; border-radius: 6px; }
.out-control .control-value { font-weight: 600; }
.out-control .control-kind { color: #656d76; font-size: 12px; }
.out-html table { border-collapse: collapse; font-size: 13px; }
.out-html th, .out-html td { padding: 4px 10px; border-bottom: 1px solid #d0d7de; text-align: right; }
.out-html thead th { border-bottom: 2px solid #afb8c1; }
.out-html tbody tr:nth-child(even) { background: #f6f8fa; }
.markdown code, .out-markdown code { background: #f6f8fa; padding: 1px 4px; border-radius: 4px; }
.markdown pre code { background: none; padding: 0; border: none; } pre.code .err { border: none; }
"""
_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
FAILED_STATUSES = frozenset({"error", "blocked", "interrupted"})


def failed_cells(notebook: Notebook, states: Mapping[str, CellRunState]) -> list[Cell]:
    """Code cells whose last run failed, was blocked or was interrupted, in display order."""
    code = [cell for cell in notebook.cells if cell.kind != "markdown"]
    return [c for c in code if states.get(c.id, CellRunState()).status in FAILED_STATUSES]


def _cell(
    cell: Cell, state: CellRunState, problem: Unrunnable | None, words: Callable[[Reason], str]
) -> str:
    kind = cell.kind if cell.name is None else f"{cell.kind} · {cell.name}"
    label = [html.escape(kind)]
    parts: list[str] = []
    if cell.kind == "markdown":
        parts.append(f'<div class="markdown">{markdown_to_html(cell.code)}</div>')
    else:
        status = "not run" if state.status == "idle" else state.status
        label.append(f'<span class="status-{state.status}">{html.escape(status)}</span>')
        if (ms := state.duration_ms) is not None:
            label.append(f"{ms:.1f} ms" if ms < 1000 else f"{ms / 1000:.2f} s")
        lexer = SqlLexer() if cell.kind == "sql" else PythonLexer()
        colored = str(highlight(cell.code, lexer, HtmlFormatter(nowrap=True)))
        parts.append(f'<pre class="code hl"><code>{colored}</code></pre>')
        outputs: list[str] = []
        for output in state.outputs:
            if isinstance(output, StreamText):
                outputs.append(pre(output.stream, output.text))
            elif isinstance(output, RichOutput):
                outputs.append(render_output(output.data))
        if state.error is not None:
            error = state.error
            outputs.append(pre("error", error.traceback or f"{error.ename}: {error.evalue}"))
        reasons = [state.reason] if state.reason else []
        if problem and problem not in reasons:
            reasons.append(problem)
        outputs.extend(f'<div class="reason">{words(r)}</div>' for r in reasons)
        parts.append(f'<div class="outputs">{"".join(outputs)}</div>')
    return (
        f'<section class="cell kind-{cell.kind}" id="cell-{html.escape(cell.id)}">'
        f'<div class="label">{" · ".join(label)}</div>{"".join(parts)}</section>'
    )


def render_html(
    notebook: Notebook,
    states: Mapping[str, CellRunState],
    title: str,
    *,
    problems: Mapping[str, tuple[Problem, ...]] | None = None,
    cell_name: Callable[[str], str] = str,
) -> str:
    """The whole page: every cell of ``notebook`` with its run state (``problems``: cell id ->
    why the graph rejects it, e.g. a cycle; ``cell_name`` names cells in those messages)."""
    problems = problems or {}

    def words(reason: Reason) -> str:  # cells as in-page links, variables as code
        return describe(
            reason,
            lambda c: f'<a href="#cell-{html.escape(c)}">{html.escape(cell_name(c))}</a>',
            lambda n: f"<code>{html.escape(n)}</code>",
        )

    code = [states.get(c.id, CellRunState()).status for c in notebook.cells if c.kind != "markdown"]
    counts = Counter("not run" if status == "idle" else status for status in code)
    summary = " · ".join([f"{len(code)} code cells", *(f"{n} {s}" for s, n in counts.items())])
    pygments_css = HtmlFormatter(style="default").get_style_defs(".hl")
    cells = "\n".join(
        _cell(
            cell,
            states.get(cell.id, CellRunState()),
            Unrunnable(problems[cell.id]) if cell.id in problems else None,
            words,
        )
        for cell in notebook.cells
    )
    name = html.escape(title)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="Cascade">\n'
        f"<title>{name}</title>\n<style>{_CSS}\n{pygments_css}\n</style>\n</head>\n<body>\n"
        f"<header><h1>{name}</h1><p>{html.escape(summary)}</p></header>\n"
        f"<main>\n{cells}\n</main>\n<footer>Exported from Cascade.</footer>\n</body>\n</html>\n"
    )


def export_notebook_html(coordinator: Coordinator, out_path: str | os.PathLike[str]) -> None:
    """Write the coordinator's notebook and its run state to ``out_path`` as one HTML file,
    atomically. ``ValueError`` if ``out_path`` is the notebook itself; ``OSError`` on I/O."""
    target = Path(out_path)
    if coordinator.path is not None and target.resolve() == Path(coordinator.path).resolve():
        raise ValueError("the HTML file must not be the notebook itself")
    notebook = coordinator.notebook
    title = notebook.name or (coordinator.path.stem if coordinator.path else "Untitled notebook")
    page = render_html(
        notebook,
        coordinator.exported_states(),  # controls at the values on screen
        title,
        problems=coordinator.graph.problems,
        cell_name=coordinator.cell_name,
    )
    fileformat.save_text(page, target)

"""Export a run notebook as one self-contained HTML file that opens offline in any browser.

Every cell in display order: a label (kind, status, time), the code coloured by pygments,
markdown rendered, and the last run's outputs. Nothing refers to the network: styles are inline,
images are ``data:`` URLs, and all HTML that came from a notebook (``_repr_html_``, SVG,
markdown) goes through :func:`sanitize_html`, an allow-list that drops scripts, event handlers
and every link or resource off the page; a Content-Security-Policy ``<meta>`` forbids them again.
Pure (no Qt); :func:`export_notebook_html` is what the CLI and the window call.
"""

from __future__ import annotations

import html
import importlib
import os
import re
from collections import Counter
from collections.abc import Callable, Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from pygments import highlight  # type: ignore[import-untyped]
from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped]
from pygments.lexers import PythonLexer, SqlLexer  # type: ignore[import-untyped]

from app.core import fileformat
from app.core.notebook import Cell, Notebook
from app.core.problems import Problem, Reason, Unrunnable, describe
from app.core.state import CellRunState, RichOutput, StreamText

if TYPE_CHECKING:
    from app.coordinator.coordinator import Coordinator

# -- sanitising ---------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_HTML_TAGS = _words(
    "a abbr b blockquote br caption code col colgroup dd del details div dl dt em figcaption "
    "figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong "
    "sub summary sup table tbody td tfoot th thead tr tt u ul var"
)
_SVG_TAGS = _words(
    "svg g path rect circle ellipse line polyline polygon text tspan defs clippath "
    "lineargradient radialgradient stop use symbol title desc marker pattern mask"
)
_HTML_ATTRS = _words(
    "align alt border cellpadding cellspacing class colspan dir height href id lang open "
    "rowspan scope span src start style title valign width"
)
_SVG_ATTRS = _words(
    "alignment-baseline class clip-path clip-rule clippathunits color cx cy d display "
    "dominant-baseline dx dy fill fill-opacity fill-rule font-family font-size font-style "
    "font-weight fx fy gradienttransform gradientunits height href id lengthadjust "
    "letter-spacing marker-end marker-mid marker-start markerheight markerunits markerwidth "
    "mask offset opacity orient patterntransform patternunits points preserveaspectratio r "
    "refx refy rotate rx ry shape-rendering stop-color stop-opacity stroke stroke-dasharray "
    "stroke-dashoffset stroke-linecap stroke-linejoin stroke-miterlimit stroke-opacity "
    "stroke-width style text-anchor text-rendering textlength transform vector-effect "
    "version viewbox visibility width x x1 x2 xlink:href y y1 y2"
)
#: Dropped together with everything inside them.
_DROP_WITH_CONTENT = _words(
    "script style iframe object noscript template textarea select frameset frame applet "
    "foreignobject math"
)
_VOID = _words("area base br col embed hr img input link meta param source track wbr")
_URL_ATTRS = frozenset({"href", "src", "xlink:href"})
_SAFE_IMAGE_URL = re.compile(
    r"data:image/(?:png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=]*", re.IGNORECASE
)
#: In any other attribute: script URLs, CSS that loads or computes, anything with a scheme.
_UNSAFE_VALUE = re.compile(
    r"javascript:|vbscript:|expression\s*\(|@import|url\s*\(\s*['\"]?\s*(?!#)|://|^\s*//|\\",
    re.IGNORECASE,
)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def _safe_url(name: str, tag: str, value: str) -> bool:
    url = _INVISIBLE.sub("", value)
    if url.startswith("#"):
        return True
    if name == "href":
        return tag == "a" and url.lower().startswith("mailto:")
    return name == "src" and tag == "img" and _SAFE_IMAGE_URL.fullmatch(url) is not None


class _Sanitizer(HTMLParser):
    """Re-emits only allowed tags and attributes, escaping all text; closes what it opened."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open: list[str] = []
        self.skip: str | None = None
        self.skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # ``<x/>`` arrives here too, then at handle_endtag (HTMLParser's default).
        if self.skip is not None:
            if tag == self.skip:
                self.skip_depth += 1
            return
        in_svg = "svg" in self.open or tag == "svg"
        if tag in _DROP_WITH_CONTENT or (tag == "title" and not in_svg):
            if tag not in _VOID:
                self.skip, self.skip_depth = tag, 1
            return
        if tag not in (_SVG_TAGS if in_svg else _HTML_TAGS):
            return
        allowed = _SVG_ATTRS if in_svg else _HTML_ATTRS
        out = [f"<{tag}"]
        for name, value in attrs:
            if name not in allowed:
                continue
            if value is None:
                out.append(f" {name}")
                continue
            if name in _URL_ATTRS:
                if not _safe_url(name, tag, value):
                    continue
                value = _INVISIBLE.sub("", value)
            elif _UNSAFE_VALUE.search(value):
                continue
            out.append(f' {name}="{html.escape(value, quote=True)}"')
        self.parts.append("".join(out) + ">")
        if tag not in _VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skip is not None:
            if tag == self.skip:
                self.skip_depth -= 1
                if self.skip_depth == 0:
                    self.skip = None
            return
        while tag in self.open:
            top = self.open.pop()
            self.parts.append(f"</{top}>")
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.skip is None:
            self.parts.append(html.escape(data, quote=False))

    def result(self) -> str:
        self.close()
        return "".join(self.parts) + "".join(f"</{tag}>" for tag in reversed(self.open))


def sanitize_html(fragment: str) -> str:
    """``fragment`` with only allow-listed tags and attributes: no scripts, event handlers,
    frames, styles sheets or links to anything off the page (images only as ``data:`` URLs)."""
    sanitizer = _Sanitizer()
    sanitizer.feed(fragment)
    return sanitizer.result()


# -- markdown -----------------------------------------------------------------------------------

_HEADING = re.compile(r"(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_LIST_ITEM = re.compile(r"\s*(?:([-*+])|\d+[.)])\s+(.*)$")
_RULE = re.compile(r"\s*(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")
_CODE_SPAN = re.compile(r"`([^`]+)`")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")
_EM = re.compile(r"\*(?=[^\s*])(.+?)(?<=[^\s*])\*|(?<!\w)_(?=[^\s_])(.+?)(?<=[^\s_])_(?!\w)")


def _inline(text: str) -> str:
    """Escape one line of markdown and convert code spans, links, bold and emphasis."""
    codes: list[str] = []

    def stash(match: re.Match[str]) -> str:
        codes.append(f"<code>{html.escape(match[1])}</code>")
        return f"\x00{len(codes) - 1}\x00"

    text = html.escape(_CODE_SPAN.sub(stash, text.replace("\x00", "")))
    text = _LINK.sub(lambda m: f'<a href="{m[2]}">{m[1]}</a>', text)
    text = _STRONG.sub(lambda m: f"<strong>{m[1] or m[2]}</strong>", text)
    text = _EM.sub(lambda m: f"<em>{m[1] or m[2]}</em>", text)
    return re.sub("\x00(\\d+)\x00", lambda m: codes[int(m[1])], text)


def markdown_fallback(text: str) -> str:
    """A small markdown subset as HTML: ``#`` headings, paragraphs, bullet and numbered lists,
    block quotes, rules, fenced code, and inline code, links, ``**bold**`` and ``*em*``."""
    out: list[str] = []
    paragraph: list[str] = []
    block: str | None = None  # the open list or quote: "ul", "ol" or "blockquote"

    def flush() -> None:
        nonlocal block
        if paragraph:
            out.append(f"<p>{' '.join(_inline(line.strip()) for line in paragraph)}</p>")
            paragraph.clear()
        if block:
            out.append(f"</{block}>")
            block = None

    def item(kind: str, html_text: str) -> None:
        nonlocal block
        if block != kind:
            flush()
            out.append(f"<{kind}>")
            block = kind
        out.append(html_text)

    lines = text.replace("\r\n", "\n").split("\n")
    i = 0
    while i < len(lines):
        line, stripped = lines[i], lines[i].strip()
        i += 1
        if stripped.startswith(("```", "~~~")):
            flush()
            fence, body = stripped[:3], []
            while i < len(lines) and not lines[i].strip().startswith(fence):
                body.append(lines[i])
                i += 1
            i += 1
            out.append(f"<pre><code>{html.escape(chr(10).join(body))}</code></pre>")
        elif not stripped:
            flush()
        elif heading := _HEADING.match(stripped):
            flush()
            level = len(heading[1])
            out.append(f"<h{level}>{_inline(heading[2])}</h{level}>")
        elif _RULE.match(line):
            flush()
            out.append("<hr>")
        elif list_item := _LIST_ITEM.match(line):
            item("ul" if list_item[1] else "ol", f"<li>{_inline(list_item[2])}</li>")
        elif stripped.startswith(">"):
            item("blockquote", f"<p>{_inline(stripped[1:].strip())}</p>")
        else:
            if block:
                flush()
            paragraph.append(line)
    flush()
    return "\n".join(out)


def render_markdown(text: str) -> str:
    """Markdown as sanitised HTML: the ``markdown`` package when installed, else
    :func:`markdown_fallback`."""
    try:
        module = importlib.import_module("markdown")
    except ImportError:
        return sanitize_html(markdown_fallback(text))
    return sanitize_html(str(module.markdown(text, extensions=["fenced_code", "tables"])))


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
.out-html table { border-collapse: collapse; font-size: 13px; }
.out-html th, .out-html td { padding: 4px 10px; border-bottom: 1px solid #d0d7de; text-align: right; }
.out-html thead th { border-bottom: 2px solid #afb8c1; }
.out-html tbody tr:nth-child(even) { background: #f6f8fa; }
.markdown code, .out-markdown code { background: #f6f8fa; padding: 1px 4px; border-radius: 4px; }
.markdown pre code { background: none; padding: 0; border: none; } pre.code .err { border: none; }
"""
_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
_RICH_PREFERENCE = (
    "text/html", "image/png", "image/jpeg", "image/gif", "image/svg+xml", "text/markdown",
    "text/plain", "application/json", "text/latex",
)  # fmt: skip
_BASE64 = re.compile(r"[A-Za-z0-9+/=]*")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
FAILED_STATUSES = frozenset({"error", "blocked", "interrupted"})


def failed_cells(notebook: Notebook, states: Mapping[str, CellRunState]) -> list[Cell]:
    """Code cells whose last run failed, was blocked or was interrupted, in display order."""
    code = [cell for cell in notebook.cells if cell.kind != "markdown"]
    return [c for c in code if states.get(c.id, CellRunState()).status in FAILED_STATUSES]


def _pre(css_class: str, text: str) -> str:
    return f'<pre class="{css_class}">{html.escape(_ANSI.sub("", text), quote=False)}</pre>'


def _rich(output: RichOutput) -> str:
    for mime in _RICH_PREFERENCE:
        data = output.data.get(mime)
        if data is None:
            continue
        if mime in ("text/html", "image/svg+xml"):
            body = sanitize_html(data)
            if body.strip():
                kind = "html" if mime == "text/html" else "image"
                return f'<div class="out-{kind}">{body}</div>'
        elif mime in ("image/png", "image/jpeg", "image/gif"):
            encoded = "".join(data.split())
            if encoded and _BASE64.fullmatch(encoded):
                img = f'<img alt="{mime} output" src="data:{mime};base64,{encoded}">'
                return f'<div class="out-image">{img}</div>'
        elif mime == "text/markdown":
            return f'<div class="out-markdown">{render_markdown(data)}</div>'
        else:
            return _pre("plain", data)
    return ""


def _cell(
    cell: Cell, state: CellRunState, problem: Unrunnable | None, words: Callable[[Reason], str]
) -> str:
    kind = cell.kind if cell.name is None else f"{cell.kind} · {cell.name}"
    label = [html.escape(kind)]
    parts: list[str] = []
    if cell.kind == "markdown":
        parts.append(f'<div class="markdown">{render_markdown(cell.code)}</div>')
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
                outputs.append(_pre(output.stream, output.text))
            elif isinstance(output, RichOutput):
                outputs.append(_rich(output))
        if state.error is not None:
            error = state.error
            outputs.append(_pre("error", error.traceback or f"{error.ename}: {error.evalue}"))
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
        coordinator.states,
        title,
        problems=coordinator.graph.problems,
        cell_name=coordinator.cell_name,
    )
    fileformat.save_text(page, target)

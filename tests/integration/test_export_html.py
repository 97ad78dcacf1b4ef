"""`cascade export NOTEBOOK.py --html OUT.html` and the pieces behind it: one self-contained page
that shows every cell and output, loads nothing from the network and runs no script."""

from __future__ import annotations

import base64
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from app.core import fileformat
from app.core.notebook import Cell, Notebook
from app.core.problems import BlockedBy, Cycle, Stale
from app.core.state import CellError, CellRunState, RichOutput, StreamText
from app.export_html import export_notebook_html, failed_cells, render_html
from app.outputs.sanitize import sanitize_html
from tests.integration.cli_helpers import cascade

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "notebooks" / "demo.py"

# A real 1x1 PNG, built in the worker with zlib and struct (the cell's code is the source).
PNG_DEFS = """\
import struct
import zlib


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


class Dot:
    def _repr_png_(self):
        header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
        pixels = zlib.compress(b"\\x00\\xff\\x00\\x00")
        signature = b"\\x89PNG\\r\\n\\x1a\\n"
        return signature + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
"""
# Split literals, so the notebook's own code (shown on the page) holds no URL or handler name.
EVIL_HTML = """\
class Evil:
    def _repr_html_(self):
        return (
            "<b>kept</b><script>alert(1)</script>"
            '<img src="ht' 'tp://evil/x.png" on' 'error="x()">'
            '<iframe src="ht' 'tps://evil/frame"></iframe>'
            '<a href="java' 'script:x()">link</a>'
        )


Evil()"""
EVIL_SVG = """\
class Picture:
    def _repr_svg_(self):
        return (
            '<svg xmlns="ht' 'tp://www.w3.org/2000/svg" viewBox="0 0 4 4">'
            '<circle cx="2" cy="2" r="2" on' 'click="x()"/></svg>'
        )


Picture()"""


class _Audit(HTMLParser):
    """Every tag and attribute of a page, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((tag, name, value or "") for name, value in attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def audit(page: str) -> _Audit:
    parser = _Audit()
    parser.feed(page)
    parser.close()
    return parser


def assert_offline_and_inert(page: str) -> _Audit:
    """No network reference anywhere, no script, frame or handler in any tag."""
    for reference in ("http://", "https://", 'src="//', 'href="//', "url(//"):
        assert reference not in page
    parsed = audit(page)
    assert parsed.tags[:2] == ["html", "head"]
    assert not {"script", "iframe", "link", "object", "embed", "base", "form"} & set(parsed.tags)
    for tag, name, value in parsed.attrs:
        assert not name.startswith("on"), (tag, name)
        assert "javascript:" not in value.lower(), (tag, name)
        if name in ("src", "href", "xlink:href"):
            assert value.startswith(("data:", "#", "mailto:")), (tag, name, value)
    return parsed


def outputs_of(page: str, cell_id: str) -> str:
    start = page.index(f'id="cell-{cell_id}"')
    section = page[start : page.index("</section>", start)]
    return section[section.index('<div class="outputs">') :]


# -- the command ----------------------------------------------------------------------------------


def test_demo_exports_every_cell_and_output_offline(tmp_path: Path) -> None:
    before = DEMO.read_bytes()
    out = tmp_path / "demo.html"
    result = cascade("export", DEMO, "--html", out)
    assert result.returncode == 0, result.stderr
    assert "failed" not in result.stderr
    assert out.is_file()
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    parsed = assert_offline_and_inert(page)
    text = "".join(parsed.text)
    assert "<h1>Cascade demo</h1>" in page  # the header and the first markdown cell
    assert "<strong>reactive</strong>" in page and "<h2>SQL cells</h2>" in page
    for cell in fileformat.load(DEMO).notebook.cells:
        if cell.kind != "markdown":
            assert cell.code in text, cell.id  # highlighted, yet the same text
    assert '<pre class="stdout">sum of 12 squares: 506\n</pre>' in page
    assert '<pre class="plain">22.494443758403985</pre>' in page
    sql = outputs_of(page, "e5f6a7b8")
    assert "1 row × 3 columns" in sql and 'class="dataframe">' in sql
    assert "<td>42.166667</td>" in sql
    assert '<pre class="stdout">mean square: 42.17\n</pre>' in page
    assert '<pre class="code hl"><code>' in page and ".hl .k {" in page  # pygments colours
    assert page.count("<style>") == 1  # inlined once
    assert DEMO.read_bytes() == before  # exporting never writes the notebook


def test_images_inline_html_sanitised_and_failures_reported(tmp_path: Path) -> None:
    path = tmp_path / "nb.py"
    codes = [
        PNG_DEFS + "\n\nDot()",
        EVIL_HTML,
        EVIL_SVG,
        'import sys\n\nprint("careful", file=sys.stderr)',
        'raise ValueError("bad <thing>")',
    ]
    cells = tuple(Cell(f"c{i}", "python", code) for i, code in enumerate(codes))
    fileformat.save(Notebook(cells=cells, name="Outputs"), path)
    before = path.read_bytes()
    out = tmp_path / "out.html"

    result = cascade("export", path, "--html", out)

    assert result.returncode == 0, result.stderr  # written, although a cell failed
    assert "1 of 5 code cells failed" in result.stderr
    assert path.read_bytes() == before
    page = out.read_text(encoding="utf-8")
    assert_offline_and_inert(page)
    namespace: dict[str, Any] = {}
    exec(PNG_DEFS, namespace)
    png = namespace["Dot"]()._repr_png_()
    encoded = base64.b64encode(png).decode("ascii")
    assert f'src="data:image/png;base64,{encoded}"' in outputs_of(page, "c0")
    from PySide6.QtGui import QImage

    image = QImage.fromData(png, "PNG")  # the bytes are a real picture
    assert (image.width(), image.height()) == (1, 1)
    evil = outputs_of(page, "c1")
    assert "<b>kept</b>" in evil and "<a>link</a>" in evil and "<img>" in evil
    for gone in ("alert", "script", "onerror", "evil", "iframe", "http"):
        assert gone not in evil
    svg = outputs_of(page, "c2")
    assert '<svg viewbox="0 0 4 4"><circle cx="2" cy="2" r="2"></circle></svg>' in svg
    assert '<pre class="stderr">careful\n</pre>' in outputs_of(page, "c3")
    error = outputs_of(page, "c4")
    assert '<pre class="error">' in error and "ValueError: bad &lt;thing&gt;" in error
    assert 'class="status-error">error</span>' in page


@pytest.mark.parametrize(
    ("content", "reason"),
    [(None, "nope.py"), ("# /// script\n# [tool.cascade\n# ///\n", "line")],
    ids=["missing", "unparseable"],
)
def test_unreadable_notebook_exits_2_and_writes_nothing(
    tmp_path: Path, content: str | None, reason: str
) -> None:
    path = tmp_path / ("nope.py" if content is None else "bad.py")
    if content is not None:
        path.write_text(content)
    out = tmp_path / "out.html"
    result = cascade("export", path, "--html", out)
    assert result.returncode == 2
    assert reason in result.stderr and result.stdout == ""
    assert not out.exists()


def test_refuses_to_write_the_html_over_the_notebook(tmp_path: Path) -> None:
    path = tmp_path / "nb.py"
    fileformat.save(Notebook(cells=(Cell("a", "python", "x = 1"),), name="n"), path)
    before = path.read_bytes()
    result = cascade("export", path, "--html", path)
    assert result.returncode == 2 and "overwrite" in result.stderr
    assert path.read_bytes() == before


# -- the pieces -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("<b>bold</b> <i>it</i>", "<b>bold</b> <i>it</i>"),
        ("<script>alert(1)</script>ok", "ok"),
        ("<SCRIPT>alert(1)</SCRIPT>ok", "ok"),
        ('<img src="http://evil/x.png" onerror="x()">', "<img>"),
        ('<img src="//evil/x.png" alt="a">', '<img alt="a">'),
        (
            '<img src="data:image/png;base64,iVBORw==">',
            '<img src="data:image/png;base64,iVBORw==">',
        ),
        ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
        ('<a href="JaVa&#x09;Script:alert(1)">x</a>', "<a>x</a>"),
        ('<a href="https://example.com/">x</a>', "<a>x</a>"),
        ('<a href="#top" title="t">x</a>', '<a href="#top" title="t">x</a>'),
        ('<iframe src="https://evil"><p>in</p></iframe>after', "after"),
        ('<link rel="stylesheet" href="https://x/y.css"><p>t</p>', "<p>t</p>"),
        ('<meta http-equiv="refresh" content="0;url=https://evil">t', "t"),
        ('<base href="https://evil/">t', "t"),
        ("<style>body { background: url(https://x) }</style>t", "t"),
        ('<object data="x.swf"></object><embed src="x.swf">t', "t"),
        ("<title>x</title>t", "t"),
        ('<form action="https://x"><input name="q"><button>go</button></form>', "go"),
        ('<p style="background: url(https://x)">t</p>', "<p>t</p>"),
        ('<p style="color: red" onclick="x()">t</p>', '<p style="color: red">t</p>'),
        (
            '<table border="0" class="dataframe"><tr style="text-align: right;">'
            "<td>1 &lt; 2</td></tr></table>",
            '<table border="0" class="dataframe"><tr style="text-align: right;">'
            "<td>1 &lt; 2</td></tr></table>",
        ),
        ("<div><p>unclosed", "<div><p>unclosed</p></div>"),
        ("</b>stray<br/>", "stray<br>"),
        ("<!-- note --><b>x</b><?pi?>", "<b>x</b>"),
        ('5 > 3 & "q"', '5 &gt; 3 &amp; "q"'),
        (
            "<details open><summary>s</summary>d</details>",
            "<details open><summary>s</summary>d</details>",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4">'
            '<path d="M0 0" clip-path="url(#c)"/><circle r="2" onload="x()"/>'
            '<use xlink:href="https://evil/a.svg#a"/><foreignObject><p>x</p></foreignObject>'
            "<title>t</title><script>x()</script></svg>",
            '<svg viewbox="0 0 4 4"><path d="M0 0" clip-path="url(#c)"></path>'
            '<circle r="2"></circle><use></use><title>t</title></svg>',
        ),
        (
            '<svg><rect fill="url(https://evil/p)" width="1"/></svg>',
            '<svg><rect width="1"></rect></svg>',
        ),
    ],
)
def test_sanitize_html(fragment: str, expected: str) -> None:
    assert sanitize_html(fragment) == expected


def _synthetic() -> tuple[Notebook, dict[str, CellRunState]]:
    cells = (
        Cell("a", "python", "x = '</pre><script>'"),
        Cell("b", "python", "y = x"),
        Cell("c", "sql", "SELECT 1", name="t"),
        Cell("d", "markdown", "# Hi <script>x()</script>"),
        Cell("e", "python", "z = e"),
    )
    error = CellError("ValueError", "bad", "Traceback …\n\x1b[31mValueError: bad <b>\x1b[0m\n")
    states = {
        "a": CellRunState(
            status="error",
            outputs=(
                StreamText("stderr", "warn\n"),
                RichOutput({"image/png": "not base64!", "text/plain": "fallback"}),
            ),
            error=error,
            duration_ms=1500.0,
        ),
        "b": CellRunState(status="blocked", reason=BlockedBy("a", failed=True)),
        "c": CellRunState(
            status="stale",
            reason=Stale("input_changed"),
            outputs=(RichOutput({"text/markdown": "**old**", "text/plain": "old"}),),
            duration_ms=2.25,
        ),
    }
    return Notebook(cells=cells, name="n"), states


def test_render_html_escapes_and_shows_every_state() -> None:
    notebook, states = _synthetic()
    page = render_html(
        notebook,
        states,
        "T <&>",
        problems={"e": (Cycle((("e", ("e",)),)),)},
        cell_name=lambda c: {"a": "a <cell>", "e": "e"}.get(c, c),
    )
    assert_offline_and_inert(page)
    assert "<title>T &lt;&amp;&gt;</title>" in page and "<h1>T &lt;&amp;&gt;</h1>" in page
    assert "&lt;/pre&gt;&lt;script&gt;" in page  # code is text, never markup
    assert "4 code cells · 1 error · 1 blocked · 1 stale · 1 not run" in page
    assert 'class="status-error">error</span> · 1.50 s' in page
    a = outputs_of(page, "a")
    assert '<pre class="stderr">warn\n</pre>' in a
    assert '<pre class="plain">fallback</pre>' in a  # a broken image falls back to text
    assert '<pre class="error">Traceback …\nValueError: bad &lt;b&gt;\n</pre>' in a  # no ANSI
    # Cells in messages are named and link to their place in the page.
    assert (
        '<div class="reason">blocked by <a href="#cell-a">a &lt;cell&gt;</a>, which failed</div>'
        in outputs_of(page, "b")
    )
    c = outputs_of(page, "c")
    assert "<strong>old</strong>" in c
    assert '<div class="reason">an input changed; run to update</div>' in c
    assert "sql · t · " in page and "2.2 ms" in page
    markdown_cell = page.split('id="cell-d"')[1].split("</section>")[0]
    assert "<h1>Hi " in markdown_cell and "<script" not in markdown_cell
    assert 'class="status-idle">not run</span>' in page
    assert (
        '<div class="reason">cycle: <a href="#cell-e">e</a> (e) → <a href="#cell-e">e</a></div>'
        in outputs_of(page, "e")
    )
    assert [cell.id for cell in failed_cells(notebook, states)] == ["a", "b"]


def test_export_notebook_html_writes_atomically_and_never_over_the_notebook(
    tmp_path: Path,
) -> None:
    notebook, states = _synthetic()
    path = tmp_path / "nb.py"
    path.write_text("# the notebook\n")
    coordinator: Any = SimpleNamespace(
        notebook=notebook,
        states=states,
        exported_states=lambda: states,
        path=path,
        graph=SimpleNamespace(problems={}),
        cell_name=str,
    )
    out = tmp_path / "out.html"
    out.write_text("old")
    export_notebook_html(coordinator, out)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nb.py", "out.html"]  # no temp left
    with pytest.raises(ValueError):
        export_notebook_html(coordinator, tmp_path / "." / "nb.py")
    assert path.read_text() == "# the notebook\n"

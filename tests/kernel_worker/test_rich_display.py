"""Figures, images and charts as cell outputs: the matplotlib hooks the executor calls around a
cell (:mod:`kernel_worker.figures`) and the bundles :func:`mime_bundle` makes for library values.

The hooks are called directly, with a ``display`` that records bundles as ``Executor.display``
would send them; no worker process. plotly and altair are tested with stand-ins always, and
with the real libraries when installed (``cascade-notebook[charts]``)."""

from __future__ import annotations

import base64
import importlib
import importlib.util
import io
import json
import os
import struct
import subprocess
import sys
import types
import zlib
from collections.abc import Iterator
from typing import Any

import matplotlib
import pytest

matplotlib.use("Agg")  # before pyplot: the tests never need a display

import matplotlib.figure
import matplotlib.pyplot as plt
import numpy as np
from PIL import Image

from kernel_worker import figures
from kernel_worker.display import (
    ALTAIR_NOTE,
    IMAGE_SIZE_MIME,
    PLOTLY_HTML_MIME,
    PLOTLY_NOTE,
    mime_bundle,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _png_bytes(bundle: dict[str, str]) -> bytes:
    data = base64.b64decode(bundle["image/png"])
    assert data.startswith(PNG_SIGNATURE)
    return data


def _pixel_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _logical_size(bundle: dict[str, str]) -> tuple[int, int]:
    size = json.loads(bundle[IMAGE_SIZE_MIME])
    return size["width"], size["height"]


def _assert_2x_png(bundle: dict[str, str]) -> None:
    """A sharp image: twice the logical size in pixels (odd pixel counts round down, as in
    Jupyter's retina metadata)."""
    width, height = _pixel_size(_png_bytes(bundle))
    logical_width, logical_height = _logical_size(bundle)
    assert width // 2 == logical_width and height // 2 == logical_height
    assert logical_width > 0 and logical_height > 0


def _make_png(width: int, height: int) -> bytes:
    """A valid grey PNG made with the stdlib, for stand-in libraries."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


class Cell:
    """One cell's life as the executor drives it: ``patch_show`` at the start, ``display`` while
    it runs, ``after_cell`` with its value at the end."""

    def __init__(self) -> None:
        self.bundles: list[dict[str, str]] = []

    def display(self, value: Any) -> None:
        self.bundles.append(mime_bundle(value))

    def start(self) -> Cell:
        self.bundles.clear()
        figures.patch_show(self.display)
        return self

    def end(self, value: Any = None) -> list[dict[str, str]]:
        figures.after_cell(self.display, value)
        return self.bundles

    @property
    def images(self) -> list[dict[str, str]]:
        return [b for b in self.bundles if "image/png" in b]


@pytest.fixture
def cell(monkeypatch: pytest.MonkeyPatch) -> Iterator[Cell]:
    plt.close("all")
    monkeypatch.setattr(plt, "show", plt.show)  # the patched show is undone after the test
    monkeypatch.setattr(figures, "_state", figures._State())
    yield Cell().start()
    plt.close("all")


# -- matplotlib: figures left open ----------------------------------------------------------------
def test_figure_left_open_is_shown_once_as_2x_png(cell: Cell) -> None:
    _fig, ax = plt.subplots()
    ax.plot([1, 3, 2])
    bundles = cell.end()
    assert len(bundles) == 1
    _assert_2x_png(bundles[0])
    assert bundles[0]["text/plain"] == "<Figure size 640x480 with 1 Axes>"
    assert plt.get_fignums() == []


def test_png_is_rendered_at_twice_the_figure_dpi(cell: Cell) -> None:
    fig = plt.figure(figsize=(3, 2), dpi=50)
    fig.add_artist(matplotlib.lines.Line2D([0, 1], [0, 1]))  # corner to corner
    (bundle,) = cell.end()
    # "tight" keeps the whole 3x2 in figure and pads 0.1 in each side: 3.2x2.2 in at 2 x 50 dpi
    assert _pixel_size(_png_bytes(bundle)) == (320, 220)
    assert _logical_size(bundle) == (160, 110)


def test_plt_show_displays_and_closes(cell: Cell) -> None:
    plt.plot([1, 2])
    plt.show()
    assert len(cell.images) == 1
    assert plt.get_fignums() == []
    assert len(cell.end()) == 1  # not shown again at the end of the cell


def test_show_in_a_loop_makes_one_figure_per_iteration(cell: Cell) -> None:
    for i in range(3):
        plt.plot([0, i])
        plt.show()
    assert [b["text/plain"] for b in cell.end()] == ["<Figure size 640x480 with 1 Axes>"] * 3


def test_figure_value_is_shown_once(cell: Cell) -> None:
    fig, ax = plt.subplots()
    ax.plot([1, 2])
    bundles = cell.end(fig)
    assert len(bundles) == 1
    _assert_2x_png(bundles[0])


def test_axes_value_shows_its_figure_once(cell: Cell) -> None:
    fig, ax = plt.subplots()
    ax.bar(["a", "b"], [1, 2])
    bundles = cell.end(ax)
    assert len(bundles) == 1
    assert bundles[0]["text/plain"] == repr(fig)
    _assert_2x_png(bundles[0])


@pytest.mark.parametrize("shape", ["axes_array", "subplots_tuple", "mosaic_dict", "axes_list"])
def test_containers_of_axes_show_their_figure_once(cell: Cell, shape: str) -> None:
    if shape == "mosaic_dict":
        fig, axd = plt.subplot_mosaic([["left", "right"]])
        value: Any = axd
    else:
        fig, axs = plt.subplots(2, 2)
        value = {"axes_array": axs, "subplots_tuple": (fig, axs), "axes_list": list(axs.flat)}[
            shape
        ]
    bundles = cell.end(value)
    assert [b["text/plain"] for b in bundles] == [repr(fig)]
    assert "image/png" in bundles[0]


def test_value_figure_first_then_the_other_open_figures(cell: Cell) -> None:
    first = plt.figure(figsize=(2, 2))
    first.add_subplot().plot([1])
    second = plt.figure(figsize=(3, 2))
    second.add_subplot().plot([1])
    bundles = cell.end(second)
    assert [b["text/plain"] for b in bundles] == [repr(second), repr(first)]


def test_non_figure_value_is_displayed_before_the_open_figures(cell: Cell) -> None:
    plt.figure().add_subplot().plot([1, 2])
    bundles = cell.end(42)
    assert bundles[0] == {"text/plain": "42"}
    assert "image/png" in bundles[1] and len(bundles) == 2


def test_explicit_display_counts_as_the_figures_showing(cell: Cell) -> None:
    fig, ax = plt.subplots()
    ax.plot([1, 2])
    cell.display(fig)
    assert len(cell.end()) == 1


def test_figures_do_not_leak_into_the_next_cell(cell: Cell) -> None:
    _fig, ax = plt.subplots()
    ax.plot([1, 2])
    assert len(cell.end()) == 1
    cell.start()
    ax.plot([2, 1])  # drawing on last cell's (closed) figure does not bring it back
    assert cell.end() == []
    cell.start()
    assert cell.end(None) == []


def test_figure_of_a_previous_cell_shows_when_it_is_the_value(cell: Cell) -> None:
    fig, ax = plt.subplots()
    ax.plot([1, 2])
    cell.end()
    cell.start()
    ax.set_title("again")
    bundles = cell.end(fig)
    assert len(bundles) == 1 and "image/png" in bundles[0]


def test_ten_figures_in_creation_order(cell: Cell) -> None:
    made = []
    for i in range(10):
        fig = plt.figure(figsize=(2 + i / 10, 2))
        fig.add_subplot().plot([0, i])
        made.append(repr(fig))
    bundles = cell.end()
    assert [b["text/plain"] for b in bundles] == made
    assert len(cell.images) == 10
    for bundle in bundles:
        _assert_2x_png(bundle)


def test_failed_cell_closes_without_showing(cell: Cell) -> None:
    plt.plot([1, 2])
    figures.close_all()
    assert plt.get_fignums() == []
    assert cell.bundles == []


def test_figures_an_earlier_cell_left_open_are_closed_at_the_next_start(cell: Cell) -> None:
    plt.plot([1, 2])  # the cell failed and nobody called close_all()
    cell.start()
    assert plt.get_fignums() == []
    assert cell.end() == []


def test_empty_figure_is_text_only(cell: Cell) -> None:
    plt.figure()
    assert cell.end() == [{"text/plain": "<Figure size 640x480 with 0 Axes>"}]


def test_list_of_lines_value_shows_its_repr_then_the_figure(cell: Cell) -> None:
    lines = plt.plot([1, 2])  # as Jupyter: the value, then the figure it drew on
    bundles = cell.end(lines)
    assert bundles[0]["text/plain"].startswith("[<matplotlib.lines.Line2D")
    assert "image/png" in bundles[1]


def test_figure_made_without_pyplot() -> None:
    fig = matplotlib.figure.Figure(figsize=(2, 1))
    fig.add_subplot().plot([1, 2])
    bundle = mime_bundle(fig)
    _assert_2x_png(bundle)


def test_a_figure_that_fails_to_render_says_why(
    cell: Cell, monkeypatch: pytest.MonkeyPatch
) -> None:
    fig, ax = plt.subplots()
    ax.plot([1, 2])

    def broken(*args: Any, **kwargs: Any) -> None:
        raise ValueError("cannot render")

    monkeypatch.setattr(fig, "savefig", broken)
    (bundle,) = cell.end()
    assert set(bundle) == {"text/plain"}
    assert "ValueError: cannot render" in bundle["text/plain"]
    assert plt.get_fignums() == []


def test_containers_that_are_not_figures_are_plain_values(cell: Cell) -> None:
    _fig, ax = plt.subplots()
    bundles = cell.end([ax, 1])
    assert bundles[0]["text/plain"].startswith("[<Axes")
    assert len(bundles) == 2  # the value's repr, then the open figure
    assert figures.figures_of(np.arange(3)) is None
    assert figures.figures_of([]) is None


def test_prepare_keeps_a_backend_the_user_chose(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plt, "show", plt.show)
    monkeypatch.setenv("MPLBACKEND", "svg")
    figures.prepare()
    assert os.environ["MPLBACKEND"] == "svg"
    monkeypatch.delenv("MPLBACKEND")
    figures.prepare()
    assert os.environ["MPLBACKEND"] == "Agg"


_FRESH_WORKER = """
import json, sys, warnings
warnings.simplefilter("error")  # Agg's own show() would warn "non-interactive"
from kernel_worker import figures
from kernel_worker.display import mime_bundle
figures.prepare()
shown = []
figures.patch_show(lambda value: shown.append(mime_bundle(value)))
for value in (1, "x", b"\\x89PNG", [1, 2], {"a": 1}, None):
    mime_bundle(value)
figures.after_cell(shown.append, 1)
heavy = ["matplotlib", "PIL", "plotly", "altair", "IPython", "numpy", "pandas"]
lazy = [name for name in heavy if name in sys.modules]
import matplotlib.pyplot as plt  # in the cell: show() must be ours already
plt.plot([1, 2])
plt.show()
print(json.dumps({"lazy": lazy, "backend": plt.get_backend().lower(), "shown": len(shown),
                  "png": "image/png" in shown[-1], "open": plt.get_fignums()}))
"""


def test_worker_start_imports_nothing_and_show_works_in_the_importing_cell() -> None:
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    done = subprocess.run(
        [sys.executable, "-c", _FRESH_WORKER],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"lazy": [], "backend": "agg", "shown": 2, "png": True, "open": []}


# -- PIL ------------------------------------------------------------------------------------------
def test_pil_image_is_a_png_of_its_size() -> None:
    bundle = mime_bundle(Image.new("RGB", (30, 20), "red"))
    assert _pixel_size(_png_bytes(bundle)) == (30, 20)
    assert _logical_size(bundle) == (30, 20)
    assert bundle["text/plain"].startswith("<PIL.Image.Image image mode=RGB size=30x20")


@pytest.mark.parametrize(("fmt", "mime"), [("JPEG", "image/jpeg"), ("GIF", "image/gif")])
def test_pil_image_read_from_jpeg_or_gif_keeps_its_format(fmt: str, mime: str) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (12, 8), "blue").save(buffer, format=fmt)
    image = Image.open(io.BytesIO(buffer.getvalue()))
    bundle = mime_bundle(image)
    assert "image/png" not in bundle
    decoded = Image.open(io.BytesIO(base64.b64decode(bundle[mime])))
    assert decoded.format == fmt and decoded.size == (12, 8)
    assert _logical_size(bundle) == (12, 8)


def test_pil_image_in_a_mode_png_cannot_hold_is_converted() -> None:
    bundle = mime_bundle(Image.new("CMYK", (5, 4)))
    assert _pixel_size(_png_bytes(bundle)) == (5, 4)


def test_bytes_are_not_images() -> None:
    png = _make_png(2, 2)
    assert mime_bundle(png) == {"text/plain": repr(png)}


# -- IPython's display protocol --------------------------------------------------------------------
class RetinaPng:
    def _repr_png_(self) -> tuple[bytes, dict[str, int]]:
        return _make_png(8, 6), {"width": 4, "height": 3}


class BundleWithMetadata:
    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        data = base64.b64encode(_make_png(4, 4)).decode("ascii")
        return {"image/png": data}, {"image/png": {"width": 2, "height": 2}}


class BrokenPng:
    def _repr_png_(self) -> bytes:
        raise ValueError("no pixels today")

    def __repr__(self) -> str:
        return "BrokenPng()"


class BrokenBundleGoodHtml:
    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        raise RuntimeError("nope")

    def _repr_html_(self) -> str:
        return "<i>ok</i>"


class Rich:
    """Like IPython's SVG, Markdown and JSON objects."""

    def _repr_svg_(self) -> str:
        return "<svg/>"

    def _repr_markdown_(self) -> str:
        return "# title"

    def _repr_json_(self) -> tuple[dict[str, int], dict[str, bool]]:
        return {"a": 1}, {"expanded": False}


def test_repr_png_metadata_gives_the_image_size() -> None:
    bundle = mime_bundle(RetinaPng())
    assert _pixel_size(_png_bytes(bundle)) == (8, 6)
    assert _logical_size(bundle) == (4, 3)


def test_mimebundle_metadata_gives_the_image_size() -> None:
    assert _logical_size(mime_bundle(BundleWithMetadata())) == (2, 2)


def test_broken_repr_png_falls_back_to_text_with_the_reason() -> None:
    bundle = mime_bundle(BrokenPng())
    assert set(bundle) == {"text/plain"}
    assert bundle["text/plain"].startswith("BrokenPng()")
    assert "_repr_png_ failed: ValueError: no pixels today" in bundle["text/plain"]


def test_broken_mimebundle_falls_back_to_the_repr_methods() -> None:
    bundle = mime_bundle(BrokenBundleGoodHtml())
    assert bundle["text/html"] == "<i>ok</i>"
    assert "failed" not in bundle["text/plain"]  # something rich showed: no note needed


def test_svg_markdown_and_json_representations() -> None:
    bundle = mime_bundle(Rich())
    assert bundle["image/svg+xml"] == "<svg/>"
    assert bundle["text/markdown"] == "# title"
    assert json.loads(bundle["application/json"]) == {"a": 1}


def test_real_ipython_display_objects() -> None:
    display = importlib.import_module("IPython.display")  # in the test extra
    png = _make_png(10, 6)
    image = mime_bundle(display.Image(data=png, retina=True))
    assert base64.b64decode(image["image/png"]) == png
    assert _logical_size(image) == (5, 3)
    assert mime_bundle(display.HTML("<b>x</b>"))["text/html"] == "<b>x</b>"
    assert mime_bundle(display.Markdown("# x"))["text/markdown"] == "# x"
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'
    assert mime_bundle(display.SVG(svg))["image/svg+xml"] == svg
    assert json.loads(mime_bundle(display.JSON({"k": [1]}))["application/json"]) == {"k": [1]}


# -- plotly ---------------------------------------------------------------------------------------
class FakePlotlyFigure:
    """Stands in for ``plotly.graph_objs.Figure``: the two methods the display code calls."""

    def __init__(self, to_image: Any) -> None:
        self.data = ("trace",)
        self._to_image = to_image

    def to_html(self, full_html: bool, include_plotlyjs: bool) -> str:
        assert (full_html, include_plotlyjs) == (False, True)
        return "<div>chart</div><script>plotly.js</script>"

    def to_image(self, format: str, scale: int) -> bytes:
        assert format == "png"
        return bytes(self._to_image(scale))


@pytest.fixture
def fake_plotly(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("plotly.basedatatypes")
    module.BaseFigure = FakePlotlyFigure  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "plotly.basedatatypes", module)


@pytest.mark.usefixtures("fake_plotly")
def test_plotly_without_kaleido_gives_the_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "kaleido", None)  # as if not installed
    bundle = mime_bundle(FakePlotlyFigure(lambda scale: b""))
    assert bundle == {
        PLOTLY_HTML_MIME: "<div>chart</div><script>plotly.js</script>",
        "text/plain": PLOTLY_NOTE,
    }


@pytest.mark.usefixtures("fake_plotly")
def test_plotly_with_kaleido_gives_a_2x_png(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "kaleido", types.ModuleType("kaleido"))
    bundle = mime_bundle(FakePlotlyFigure(lambda scale: _make_png(700 * scale, 500 * scale)))
    _assert_2x_png(bundle)
    assert _logical_size(bundle) == (700, 500)
    assert bundle["text/plain"] == "plotly chart (1 trace)"
    assert PLOTLY_HTML_MIME in bundle


@pytest.mark.usefixtures("fake_plotly")
def test_plotly_when_kaleido_fails_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "kaleido", types.ModuleType("kaleido"))

    def no_chrome(scale: int) -> bytes:
        raise RuntimeError("\n\nKaleido requires Google Chrome to be installed.\n\nEither ...")

    bundle = mime_bundle(FakePlotlyFigure(no_chrome))
    assert "image/png" not in bundle
    assert bundle["text/plain"] == (
        "plotly chart: no static image (RuntimeError: Kaleido requires Google Chrome to be "
        "installed.); cascade-notebook[web] shows interactive charts"
    )


def test_real_plotly_figure() -> None:
    import plotly.graph_objects as go

    bundle = mime_bundle(go.Figure(go.Bar(x=["a", "b"], y=[1, 2])))
    assert bundle[PLOTLY_HTML_MIME].startswith("<div")
    assert "\n" not in bundle["text/plain"]
    if not _installed("kaleido"):
        assert bundle["text/plain"] == PLOTLY_NOTE
    elif "image/png" in bundle:  # kaleido and a Chrome it can start
        _assert_2x_png(bundle)
    else:  # kaleido 1.x without Chrome
        assert bundle["text/plain"].startswith("plotly chart: no static image (")


# -- altair ---------------------------------------------------------------------------------------
class FakeChart:
    def to_json(self) -> str:
        return '{"mark": "bar"}'

    def __repr__(self) -> str:
        return "alt.Chart(...)"


def _fake_altair(monkeypatch: pytest.MonkeyPatch, vl_convert: types.ModuleType | None) -> None:
    altair = types.ModuleType("altair")
    altair.TopLevelMixin = FakeChart  # type: ignore[attr-defined]
    altair.SCHEMA_VERSION = "v5.20.1"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "altair", altair)
    monkeypatch.setitem(sys.modules, "vl_convert", vl_convert)


def _fake_vl_convert(png: Any, svg: Any) -> types.ModuleType:
    module = types.ModuleType("vl_convert")
    module.get_vegalite_versions = lambda: ["5.20"]  # type: ignore[attr-defined]
    module.vegalite_to_png = png  # type: ignore[attr-defined]
    module.vegalite_to_svg = svg  # type: ignore[attr-defined]
    return module


def _fails(*args: Any, **kwargs: Any) -> Any:
    raise ValueError("renderer broke")


def test_altair_without_vl_convert_gives_the_note(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_altair(monkeypatch, None)
    assert mime_bundle(FakeChart()) == {"text/plain": ALTAIR_NOTE}


def test_altair_with_vl_convert_gives_a_2x_png(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []

    def png(spec: str, **options: Any) -> bytes:
        calls.append({"spec": spec, **options})
        return _make_png(200, 100)

    _fake_altair(monkeypatch, _fake_vl_convert(png, _fails))
    bundle = mime_bundle(FakeChart())
    _assert_2x_png(bundle)
    assert calls == [{"spec": '{"mark": "bar"}', "scale": 2, "vl_version": "5.20"}]


def test_altair_falls_back_to_svg_then_to_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_altair(monkeypatch, _fake_vl_convert(_fails, lambda spec, **options: "<svg/>"))
    assert mime_bundle(FakeChart()) == {"image/svg+xml": "<svg/>", "text/plain": "alt.Chart(...)"}
    _fake_altair(monkeypatch, _fake_vl_convert(_fails, _fails))
    assert mime_bundle(FakeChart()) == {
        "text/plain": "altair chart: no static image (ValueError: renderer broke)"
    }


def test_real_altair_chart() -> None:
    import altair as alt
    import pandas as pd

    chart = alt.Chart(pd.DataFrame({"x": ["a", "b"], "y": [1, 2]})).mark_bar().encode(x="x", y="y")
    bundle = mime_bundle(chart)
    if _installed("vl_convert"):
        _assert_2x_png(bundle)
    else:
        assert bundle == {"text/plain": ALTAIR_NOTE}

"""Turn a Python value into a MIME bundle for the cell's output.

Follows IPython's display protocol so objects that already render in Jupyter render here:
``_repr_mimebundle_`` first, then the ``_repr_*_`` methods, then ``repr``. Values of a few
libraries that have no such methods (or whose own need a browser) get a bundle made here:
pandas frames, matplotlib figures and axes, PIL images, plotly figures and altair charts.

Stdlib only at import: a library is looked up in ``sys.modules`` (a value of its type means the
user imported it), never imported to test a value. Rendering never raises an ``Exception``: a
failure leaves ``text/plain`` saying why (``KeyboardInterrupt`` still stops a slow render).

Images come with :data:`IMAGE_SIZE_MIME` when their logical size is known: figures render at
2x their DPI for sharp display, and this key gives the size to show them at.
"""

from __future__ import annotations

import base64
import contextlib
import importlib.util
import io
import json
import struct
import sys
from collections.abc import Callable, Mapping

from kernel_worker import figures
from kernel_worker.protocol import BINARY_MIME_TYPES

#: Text outputs larger than this are cut, with a note saying how much was left out.
MAX_TEXT_CHARS = 1_000_000

#: JSON ``{"width": w, "height": h}``: the size, in logical pixels, to show the bundle's image at
#: (a figure's PNG has twice as many pixels each way). Absent when unknown: show 1:1.
from kernel_worker.protocol import IMAGE_SIZE_MIME  # noqa: E402 - documented above

TYPE_CHECKING = False  # typing is for the type checker only (see kernel_worker.protocol)
if TYPE_CHECKING:
    from typing import Any

#: A plotly figure as an HTML fragment with plotly.js inlined (about 5 MB): for a web view only;
#: the plain ``text/html`` renderer has no scripts and would show nothing.
PLOTLY_HTML_MIME = "application/vnd.plotly.v1+html"
#: Resolution of figures and charts rendered here, relative to their logical size.
IMAGE_SCALE = 2

PLOTLY_NOTE = (
    "plotly chart: install kaleido for a static image (pip install kaleido) "
    "or cascade-notebook[web] for interactive charts"
)
ALTAIR_NOTE = (
    "altair chart: install vl-convert-python for a static image (pip install vl-convert-python)"
)

_REPR_METHODS: tuple[tuple[str, str], ...] = (
    ("_repr_html_", "text/html"),
    ("_repr_markdown_", "text/markdown"),
    ("_repr_svg_", "image/svg+xml"),
    ("_repr_png_", "image/png"),
    ("_repr_jpeg_", "image/jpeg"),
    ("_repr_latex_", "text/latex"),
    ("_repr_json_", "application/json"),
)


def _cap(text: str) -> str:
    if len(text) <= MAX_TEXT_CHARS:
        return text
    left_out = len(text) - MAX_TEXT_CHARS
    return f"{text[:MAX_TEXT_CHARS]}\n… output truncated ({left_out:,} more characters)"


def _as_text(mime: str, value: Any) -> str | None:
    """Normalise one representation to protocol text (base64 for binary types)."""
    if value is None:
        return None
    if isinstance(value, tuple) and len(value) == 2:  # (data, metadata) form
        value = value[0]
    if mime in BINARY_MIME_TYPES:
        if isinstance(value, str):  # already base64, as IPython returns it
            return value
        if isinstance(value, bytes | bytearray | memoryview):
            return base64.b64encode(bytes(value)).decode("ascii")
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        import json

        try:
            value = json.dumps(value)
        except (TypeError, ValueError):
            value = str(value)
    return _cap(value)


def _safe_repr(value: Any) -> str:
    try:
        return _cap(repr(value))
    except Exception as exc:  # a broken __repr__ must not lose the cell's result
        return f"<{type(value).__name__} object; repr() failed: {exc!r}>"


def _reason(exc: BaseException) -> str:
    """One line saying what went wrong: the type and the first line of the message."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    first = lines[0] if lines else ""
    if len(first) > 200:
        first = first[:199] + "…"
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def _call(method: Callable[..., Any], failures: list[str]) -> Any:
    try:
        return method()
    except Exception as exc:  # like IPython: a failing formatter falls back to the next one
        failures.append(f"{getattr(method, '__name__', 'formatter')} failed: {_reason(exc)}")
        return None


#: Rows of a DataFrame shown inline (the paged table viewer shows the rest).
TABLE_PREVIEW_ROWS = 20


def _is_pandas(value: Any, name: str) -> bool:
    cls = type(value)
    return cls.__name__ == name and cls.__module__.startswith("pandas")


def _frame_bundle(frame: Any) -> dict[str, str]:
    """A DataFrame as a table: row count, columns with their types, the first rows."""
    import html as _html

    rows, columns = frame.shape
    caption = (
        f"{rows:,} row{'s' if rows != 1 else ''} × {columns} column{'s' if columns != 1 else ''}"
    )
    types = " · ".join(
        f"{_html.escape(str(c))}: {_html.escape(str(t))}" for c, t in frame.dtypes.items()
    )
    head = frame.head(TABLE_PREVIEW_ROWS)
    more = f"<p><i>first {len(head)} of {rows:,} rows</i></p>" if rows > len(head) else ""
    table = head.to_html(border=0, na_rep="NaN", max_cols=50)
    html_text = f"<p><b>{caption}</b></p><p><small>{types}</small></p>{table}{more}"
    plain = f"{caption}\n{head.to_string(max_cols=50)}"
    if rows > len(head):
        plain += f"\n… first {len(head)} of {rows:,} rows"
    return {"text/html": _cap(html_text), "text/plain": _cap(plain)}


def _is_polars_table(value: Any) -> bool:
    cls = type(value)
    module = cls.__module__
    return cls.__name__ in ("DataFrame", "Series") and (
        module == "polars" or module.startswith("polars.")
    )


def _polars_bundle(value: Any) -> dict[str, str]:
    """A polars frame or Series: its own (cheap, head-and-tail) HTML and text, with a caption."""
    rows, columns = value.shape if len(value.shape) == 2 else (len(value), 1)
    caption = (
        f"{rows:,} row{'s' if rows != 1 else ''} × {columns} column{'s' if columns != 1 else ''}"
    )
    return {
        "text/html": _cap(f"<p><b>{caption}</b></p>{value._repr_html_()}"),
        "text/plain": _cap(f"{caption}\n{value!r}"),
    }


# -- images -------------------------------------------------------------------------------------
def _size_json(width: int, height: int) -> str:
    return json.dumps({"width": int(width), "height": int(height)})


def png_size(data: bytes) -> tuple[int, int] | None:
    """Pixel size from a PNG's header (``None`` if ``data`` is not a PNG)."""
    if len(data) < 24 or not data.startswith(b"\x89PNG\r\n\x1a\n") or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _scaled_png_bundle(data: bytes, text: str, scale: int = IMAGE_SCALE) -> dict[str, str]:
    """A PNG rendered at ``scale``x, with the logical size (as Jupyter's retina: pixels // 2)."""
    bundle = {"image/png": base64.b64encode(data).decode("ascii"), "text/plain": text}
    size = png_size(data)
    if size is not None:
        bundle[IMAGE_SIZE_MIME] = _size_json(size[0] // scale, size[1] // scale)
    return bundle


def _installed(name: str) -> bool:
    """Whether ``name`` can be imported, without importing it (an entry of ``None`` in
    ``sys.modules`` means "blocked", as for ``import``)."""
    if name in sys.modules:
        return sys.modules[name] is not None
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _instance_of(value: Any, module_name: str, class_name: str) -> bool:
    module = sys.modules.get(module_name)
    cls = getattr(module, class_name, None) if module is not None else None
    return isinstance(cls, type) and isinstance(value, cls)


# -- matplotlib -----------------------------------------------------------------------------------
def _figure_bundle(value: Any) -> dict[str, str]:
    """A Figure (an Axes or SubFigure stands for its figure) as a PNG at twice its DPI."""
    figure = figures.as_figure(value)
    if figure is None:
        raise TypeError("not a matplotlib figure")
    figures.note_shown(figure)  # even if it fails: rendering it again would fail again
    text = _safe_repr(figure)
    if len(figure.get_children()) <= 1:  # only the background: Jupyter shows just the text
        return {"text/plain": text}
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=figure.dpi * IMAGE_SCALE, bbox_inches="tight")
    return _scaled_png_bundle(buffer.getvalue(), text)


# -- PIL ------------------------------------------------------------------------------------------
_PIL_OWN_FORMATS = {"JPEG": "image/jpeg", "GIF": "image/gif"}


def _pil_bundle(image: Any) -> dict[str, str]:
    """A PIL image as PNG (as JPEG or GIF when it was read from one: no re-encoding blow-up,
    animation kept), shown at its own pixel size."""
    text = _safe_repr(image)
    source = str(getattr(image, "format", None) or "").upper()
    buffer = io.BytesIO()
    mime = _PIL_OWN_FORMATS.get(source)
    if mime is not None:
        try:
            if source == "JPEG":
                image.save(buffer, format="JPEG", quality="keep")
            else:
                image.save(buffer, format="GIF", save_all=getattr(image, "n_frames", 1) > 1)
        except Exception:
            mime = None
            buffer = io.BytesIO()
    if mime is None:
        mime = "image/png"
        try:
            image.save(buffer, format="PNG")
        except Exception:  # a mode PNG cannot hold (CMYK, F, ...): show its RGB(A) version
            buffer = io.BytesIO()
            converted = image.convert("RGBA" if "A" in image.getbands() else "RGB")
            converted.save(buffer, format="PNG")
    width, height = image.size
    return {
        mime: base64.b64encode(buffer.getvalue()).decode("ascii"),
        "text/plain": text,
        IMAGE_SIZE_MIME: _size_json(width, height),
    }


# -- plotly ---------------------------------------------------------------------------------------
def _plotly_bundle(figure: Any) -> dict[str, str]:
    """The interactive HTML (for a web view) plus a static PNG when kaleido can make one;
    otherwise ``text/plain`` says how to get one."""
    bundle: dict[str, str] = {}
    with contextlib.suppress(Exception):  # the static image (or the note) still shows
        bundle[PLOTLY_HTML_MIME] = figure.to_html(full_html=False, include_plotlyjs=True)
    traces = len(getattr(figure, "data", ()) or ())
    text = f"plotly chart ({traces} trace{'s' if traces != 1 else ''})"
    if not _installed("kaleido"):
        text = PLOTLY_NOTE
    else:
        try:
            png = figure.to_image(format="png", scale=IMAGE_SCALE)
            bundle.update(_scaled_png_bundle(bytes(png), text))
        except Exception as exc:  # kaleido 1.x needs Chrome, for one
            text = (
                f"plotly chart: no static image ({_reason(exc)}); "
                "cascade-notebook[web] shows interactive charts"
            )
    bundle.setdefault("text/plain", text)
    return bundle


# -- altair ---------------------------------------------------------------------------------------
def _altair_bundle(chart: Any) -> dict[str, str]:
    """A static PNG (SVG if PNG fails) through vl-convert; otherwise a note naming it."""
    if not _installed("vl_convert"):
        return {"text/plain": ALTAIR_NOTE}
    import vl_convert  # type: ignore[import-not-found, unused-ignore]

    text = _safe_repr(chart)
    try:
        spec = chart.to_json()
        options: dict[str, Any] = {}
        altair = sys.modules.get("altair")
        wanted = str(getattr(altair, "SCHEMA_VERSION", "")).lstrip("v").split(".")[:2]
        if len(wanted) == 2 and ".".join(wanted) in vl_convert.get_vegalite_versions():
            options["vl_version"] = ".".join(wanted)  # the schema the chart was written for
    except Exception as exc:  # too many rows for inline data, say
        return {"text/plain": f"altair chart: no static image ({_reason(exc)})"}
    try:
        png = vl_convert.vegalite_to_png(spec, scale=IMAGE_SCALE, **options)
        return _scaled_png_bundle(bytes(png), text)
    except Exception as png_failure:
        try:
            svg = vl_convert.vegalite_to_svg(spec, **options)
            return {"image/svg+xml": _cap(str(svg)), "text/plain": text}
        except Exception:
            return {"text/plain": f"altair chart: no static image ({_reason(png_failure)})"}


# -- dispatch -------------------------------------------------------------------------------------
def _is_figure(value: Any) -> bool:
    return figures.as_figure(value) is not None


def _is_pil_image(value: Any) -> bool:
    return _instance_of(value, "PIL.Image", "Image")


def _is_plotly(value: Any) -> bool:
    return _instance_of(value, "plotly.basedatatypes", "BaseFigure")


def _is_altair(value: Any) -> bool:
    return _instance_of(value, "altair", "TopLevelMixin")


#: (what it is, test, renderer): tests are cheap (``sys.modules`` lookups), renderers may fail.
_LIBRARY_RENDERERS: tuple[
    tuple[str, Callable[[Any], bool], Callable[[Any], dict[str, str]]], ...
] = (
    ("figure", _is_figure, _figure_bundle),
    ("image", _is_pil_image, _pil_bundle),
    ("plotly chart", _is_plotly, _plotly_bundle),
    ("altair chart", _is_altair, _altair_bundle),
)


def _library_bundle(value: Any) -> dict[str, str] | None:
    if isinstance(value, type):
        return None
    for kind, applies, render in _LIBRARY_RENDERERS:
        try:
            if not applies(value):
                continue
            return render(value)
        except Exception as exc:
            return {"text/plain": f"{_safe_repr(value)}\n({kind} not rendered: {_reason(exc)})"}
    return None


def _image_size(metadata: Any) -> str | None:
    """``IMAGE_SIZE_MIME`` from display metadata ``{"width", "height"}`` (IPython's retina)."""
    if not isinstance(metadata, Mapping):
        return None
    width, height = metadata.get("width"), metadata.get("height")
    if isinstance(width, int | float) and isinstance(height, int | float):
        return _size_json(int(width), int(height))
    return None


def bundle_from_data(data: Mapping[Any, Any], metadata: Any = None) -> dict[str, str]:
    """A ready MIME dict (``_repr_mimebundle_``, IPython's ``publish_display_data``) as protocol
    text, with an image's logical size from its metadata (``{"image/png": {"width": …}}``)."""
    bundle: dict[str, str] = {}
    for mime, value in data.items():
        text = _as_text(str(mime), value)
        if text is None:
            continue
        bundle[str(mime)] = text
        if str(mime) in BINARY_MIME_TYPES and isinstance(metadata, Mapping):
            size = _image_size(metadata.get(mime))
            if size is not None:
                bundle.setdefault(IMAGE_SIZE_MIME, size)
    return bundle


def mime_bundle(value: Any) -> dict[str, str]:
    """Every representation ``value`` offers, richest first, always with ``text/plain``."""
    if _is_pandas(value, "DataFrame"):
        try:
            return _frame_bundle(value)
        except Exception:
            pass  # an exotic frame: fall back to its own representations
    if _is_pandas(value, "Series"):
        try:
            return _frame_bundle(value.to_frame())
        except Exception:
            pass
    if _is_polars_table(value):
        try:
            return _polars_bundle(value)
        except Exception:
            pass
    special = _library_bundle(value)
    if special is not None:
        return special
    bundle: dict[str, str] = {}
    failures: list[str] = []
    mimebundle = getattr(value, "_repr_mimebundle_", None)
    if callable(mimebundle) and not isinstance(value, type):
        try:
            raw = mimebundle(include=None, exclude=None)
        except TypeError:
            raw = _call(mimebundle, failures)
        except Exception as exc:
            failures.append(f"_repr_mimebundle_ failed: {_reason(exc)}")
            raw = None
        metadata: Any = None
        if isinstance(raw, tuple) and len(raw) == 2:
            raw, metadata = raw
        if isinstance(raw, Mapping):
            bundle.update(bundle_from_data(raw, metadata))
    if not isinstance(value, type):
        for method_name, mime in _REPR_METHODS:
            if mime in bundle:
                continue
            method = getattr(value, method_name, None)
            if callable(method):
                result = _call(method, failures)
                text = _as_text(mime, result)
                if text is not None:
                    bundle[mime] = text
                    if mime in BINARY_MIME_TYPES and isinstance(result, tuple) and len(result) == 2:
                        size = _image_size(result[1])
                        if size is not None:
                            bundle.setdefault(IMAGE_SIZE_MIME, size)
    if "text/plain" not in bundle:
        plain = _safe_repr(value)
        if failures and not any(m != IMAGE_SIZE_MIME for m in bundle):
            plain += "\n(" + "; ".join(failures) + ")"  # say why there is nothing richer
        bundle["text/plain"] = plain
    return bundle

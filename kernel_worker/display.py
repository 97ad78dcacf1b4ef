"""Turn a Python value into a MIME bundle for the cell's output.

Follows IPython's display protocol so objects that already render in Jupyter render here:
``_repr_mimebundle_`` first, then the ``_repr_*_`` methods, then ``repr``. The full rich-output
work (paged tables, figures) extends :func:`mime_bundle`; the shape of the bundle stays.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from typing import Any

from kernel_worker.protocol import BINARY_MIME_TYPES

#: Text outputs larger than this are cut, with a note saying how much was left out.
MAX_TEXT_CHARS = 1_000_000

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


def _call(method: Callable[..., Any]) -> Any:
    try:
        return method()
    except Exception:
        return None  # like IPython: a failing formatter falls back to the next one


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
    bundle: dict[str, str] = {}
    mimebundle = getattr(value, "_repr_mimebundle_", None)
    if callable(mimebundle) and not isinstance(value, type):
        try:
            raw = mimebundle(include=None, exclude=None)
        except TypeError:
            raw = _call(mimebundle)
        except Exception:
            raw = None
        if isinstance(raw, tuple):
            raw = raw[0]
        if isinstance(raw, Mapping):
            for mime, data in raw.items():
                text = _as_text(str(mime), data)
                if text is not None:
                    bundle[str(mime)] = text
    if not isinstance(value, type):
        for method_name, mime in _REPR_METHODS:
            if mime in bundle:
                continue
            method = getattr(value, method_name, None)
            if callable(method):
                text = _as_text(mime, _call(method))
                if text is not None:
                    bundle[mime] = text
    bundle.setdefault("text/plain", _safe_repr(value))
    return bundle

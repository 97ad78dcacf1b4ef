"""HTML renderers of the output types (the HTML export): self-contained, sanitised, inert.

Each takes its type, the data of that type and the whole bundle and returns an HTML fragment, or None
to let the next type of the bundle try (:mod:`app.outputs.registry`).
"""

from __future__ import annotations

import html as _html
import json as _json
import re
from collections.abc import Mapping

from app.outputs.latex import latex_source, math_to_mathml
from app.outputs.markdown import markdown_to_html
from app.outputs.sanitize import sanitize_html

Bundle = Mapping[str, str]

_BASE64 = re.compile(r"[A-Za-z0-9+/=]*")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def pre(css_class: str, text: str) -> str:
    """Text as it was printed (ANSI colour codes dropped)."""
    return f'<pre class="{css_class}">{_html.escape(_ANSI.sub("", text), quote=False)}</pre>'


def markdown(mime: str, data: str, bundle: Bundle) -> str:
    return f'<div class="out-markdown">{markdown_to_html(data)}</div>'


def html(mime: str, data: str, bundle: Bundle) -> str | None:
    body = sanitize_html(data)
    return f'<div class="out-html">{body}</div>' if body.strip() else None


def latex(mime: str, data: str, bundle: Bundle) -> str:
    source, display = latex_source(data)
    return f'<div class="out-latex">{sanitize_html(math_to_mathml(source, display))}</div>'


def svg(mime: str, data: str, bundle: Bundle) -> str | None:
    body = sanitize_html(data)
    return f'<div class="out-image">{body}</div>' if body.strip() else None


def raster(mime: str, data: str, bundle: Bundle) -> str | None:
    encoded = "".join(data.split())
    if not encoded or _BASE64.fullmatch(encoded) is None:
        return None  # not an image: the next type (text/plain) shows
    img = f'<img alt="{mime} output" src="data:{mime};base64,{encoded}">'
    return f'<div class="out-image">{img}</div>'


def json(mime: str, data: str, bundle: Bundle) -> str:
    try:
        pretty = _json.dumps(_json.loads(data), indent=2, ensure_ascii=False)
    except ValueError:
        pretty = data
    return pre("plain", pretty)


def plain(mime: str, data: str, bundle: Bundle) -> str:
    return pre("plain", data)


def nothing(bundle: Bundle) -> str:
    """A bundle with no type the export can show."""
    kinds = ", ".join(sorted(bundle)) or "nothing"
    return pre("plain", f"[an output of type {kinds} that the export cannot show]")

"""One registry of the output types Cascade shows, in preference order, and how each target
renders each type: the window, the HTML export, the terminal and ``--json`` (the raw data),
and the Jupyter export.

A displayed value arrives as a MIME bundle (``{"text/html": …, "text/plain": …}``). Every
target walks :data:`OUTPUT_TYPES` in order and uses the first type that is in the bundle and
that it can render (a renderer may decline with ``None``, e.g. an image that does not decode,
and the walk goes on). Adding a type is one entry here plus its renderers: the HTML and text
ones in :mod:`app.outputs.html` and :mod:`app.outputs.text`, the window's widget builder named
by ``window`` in :mod:`app.ui.outputs.renderers` (the window resolves it; this module stays
free of Qt). marimo's formatter registry is the model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from app.core.mime import CASCADE_MIME_PREFIX, CONTROL_MIME, PLOTLY_HTML_MIME, TABLE_MIME
from app.core.record import Record
from app.outputs import controls as control_outputs
from app.outputs import text as to_text

Bundle = Mapping[str, str]
#: (the type, its data, the whole bundle) -> rendered, or None to let the next type try.
Renderer = Callable[[str, str, Bundle], str | None]


class OutputType(Record):
    """How one MIME type is shown everywhere. ``None`` for a target: that target skips it."""

    mime: str
    #: The widget builder's name in :mod:`app.ui.outputs.renderers`.
    window: str | None
    html: Renderer | None
    text: Renderer | None
    #: Shown as itself in ``cascade run --json`` and kept in ``.ipynb`` exports (Cascade's
    #: own types are not: other programs cannot read them).
    portable: bool = True


def _html(name: str) -> Renderer:
    """:mod:`app.outputs.html`'s renderer ``name``, imported when first used: ``cascade run``
    renders text only, and Markdown, LaTeX and the sanitiser cost its start-up."""

    def render(mime: str, data: str, bundle: Bundle) -> str | None:
        from app.outputs import html

        renderer: Renderer = getattr(html, name)
        return renderer(mime, data, bundle)

    return render


OUTPUT_TYPES: tuple[OutputType, ...] = (
    OutputType(CONTROL_MIME, "control", control_outputs.html, control_outputs.text, portable=False),
    OutputType(TABLE_MIME, "kernel_table", None, None, portable=False),
    OutputType(PLOTLY_HTML_MIME, "web_chart", None, None, portable=False),
    OutputType("text/markdown", "markdown", _html("markdown"), to_text.plain),
    OutputType("text/html", "html", _html("html"), None),
    OutputType("text/latex", "latex", _html("latex"), to_text.plain),
    OutputType("image/svg+xml", "svg", _html("svg"), to_text.image),
    OutputType("image/png", "raster", _html("raster"), to_text.image),
    OutputType("image/jpeg", "raster", _html("raster"), to_text.image),
    OutputType("image/gif", "raster", _html("raster"), to_text.image),
    OutputType("application/json", "json", _html("json"), to_text.json),
    OutputType("text/plain", "plain", _html("plain"), to_text.plain),
)

BY_MIME: Mapping[str, OutputType] = {kind.mime: kind for kind in OUTPUT_TYPES}


def candidates(bundle: Bundle) -> Iterator[tuple[OutputType, str]]:
    """The bundle's types Cascade knows, best first, with their data."""
    for kind in OUTPUT_TYPES:
        data = bundle.get(kind.mime)
        if data is not None:
            yield kind, data


def render_html(bundle: Bundle) -> str:
    """The best HTML for a bundle (the HTML export)."""
    from app.outputs import html

    return _render(bundle, lambda kind: kind.html) or html.nothing(bundle)


def render_text(bundle: Bundle) -> str:
    """The best terminal text for a bundle (``cascade run``)."""
    return _render(bundle, lambda kind: kind.text) or to_text.nothing(bundle)


def _render(bundle: Bundle, pick: Callable[[OutputType], Renderer | None]) -> str | None:
    for kind, data in candidates(bundle):
        renderer = pick(kind)
        if renderer is not None:
            rendered = renderer(kind.mime, data, bundle)
            if rendered is not None:
                return rendered
    return None


def richest(bundle: Bundle) -> tuple[str, str]:
    """The best portable type and its data (``cascade run --json``)."""
    for kind, data in candidates(bundle):
        if kind.portable:
            return kind.mime, data
    return "text/plain", bundle.get("text/plain", "")


def portable_bundle(bundle: Bundle) -> dict[str, str]:
    """What other programs can read of a bundle (the ``.ipynb`` export)."""
    return {
        mime: data
        for mime, data in bundle.items()
        if not mime.startswith(CASCADE_MIME_PREFIX)
        and (mime not in BY_MIME or BY_MIME[mime].portable)
    }

"""Controls outside the window: a static picture of the control's state as HTML (the HTML
export) and as one line of text (``cascade run``); the ``.ipynb`` export keeps the
``text/plain`` form (the control MIME type is Cascade's own)."""

from __future__ import annotations

from collections.abc import Mapping

from app.core.controls import ControlSpec

Bundle = Mapping[str, str]


def _spec(data: str) -> ControlSpec | None:
    try:
        return ControlSpec.from_json(data)
    except (ValueError, TypeError):
        return None  # malformed: the text/plain form shows


def _range(spec: ControlSpec) -> str:
    start, stop = spec.options.get("start"), spec.options.get("stop")
    if spec.kind in ("slider", "number") and (start is not None or stop is not None):
        return f" ({'…' if start is None else start}–{'…' if stop is None else stop})"
    return ""


def text(mime: str, data: str, bundle: Bundle) -> str | None:
    spec = _spec(data)
    if spec is None:
        return None
    name = spec.label or ", ".join(spec.names) or spec.kind
    return f"[{spec.kind}] {name}: {spec.describe_value()}{_range(spec)}"


def html(mime: str, data: str, bundle: Bundle) -> str | None:
    spec = _spec(data)
    if spec is None:
        return None
    name = spec.label or ", ".join(spec.names) or spec.kind
    from html import escape  # the HTML target only (html.entities is not a run's import)

    return (
        f'<div class="out-control" data-kind="{escape(spec.kind)}">'
        f'<span class="control-label">{escape(name)}</span> '
        f'<span class="control-value">{escape(spec.describe_value())}</span>'
        f'<span class="control-kind">{escape(spec.kind + _range(spec))}</span></div>'
    )

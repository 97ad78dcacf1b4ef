"""The window's renderers of the output types: one widget builder per ``window`` name in the
output registry (:data:`app.outputs.registry.OUTPUT_TYPES`), walked in the registry's order.

A builder gets the type, its data, the whole output and a :class:`RenderContext`, and returns
a widget or None to let the next type of the bundle try (an image that does not decode, a
table nobody can page, the optional web view not installed).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize
from PySide6.QtGui import QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from app.ui.outputs.controls import ControlSink

from app.core.controls import ControlSpec
from app.core.mime import IMAGE_SIZE_MIME
from app.core.state import RichOutput
from app.outputs.latex import latex_source, math_to_svg
from app.outputs.markdown import markdown_to_html
from app.outputs.registry import candidates
from app.ui.outputs.math_images import MATH_POINTS, math_images, text_color
from app.ui.outputs.pictures import HtmlOutput, ImageOutput, SvgOutput
from app.ui.outputs.table_view import TableInfo, TableOutput, TableSource
from app.ui.outputs.text_output import TextOutput

_RASTER_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF"}


@dataclass(frozen=True, slots=True)
class RenderContext:
    parent: QWidget | None = None
    #: Who pages kernel tables (None: a table shows its static preview).
    table_source: TableSource | None = None
    #: Who owns control values (None: a control shows as text).
    controls: ControlSink | None = None


Builder = Callable[[str, str, RichOutput, RenderContext], QWidget | None]


def rich_output_widget(
    output: RichOutput,
    parent: QWidget | None = None,
    table_source: TableSource | None = None,
    controls: ControlSink | None = None,
) -> QWidget:
    """The widget for the best type of ``output`` the window can show (the registry's order)."""
    context = RenderContext(parent, table_source, controls)
    for kind, data in candidates(output.data):
        builder = BUILDERS.get(kind.window or "")
        if builder is not None:
            widget = builder(kind.mime, data, output, context)
            if widget is not None:
                return widget
    kinds = ", ".join(sorted(output.data)) or "nothing"
    return plain_piece(f"[an output of type {kinds} that cannot be shown]", parent)


def plain_piece(text: str, parent: QWidget | None) -> TextOutput:
    piece = TextOutput(parent=parent)
    piece.append_text(text)
    piece.flush()
    return piece


# -- the builders ---------------------------------------------------------------------------------


def control(mime: str, data: str, output: RichOutput, context: RenderContext) -> QWidget | None:
    if context.controls is None:
        return None  # nobody takes its changes: its text form shows
    from app.ui.outputs.controls import ControlOutput

    try:
        spec = ControlSpec.from_json(data)
    except (ValueError, TypeError):
        return None  # malformed: the text form shows
    return ControlOutput(spec, context.controls, context.parent, tables=context.table_source)


def kernel_table(
    mime: str, data: str, output: RichOutput, context: RenderContext
) -> QWidget | None:
    if context.table_source is None:
        return None  # nobody pages it: its static preview (text/html) shows
    try:
        info = TableInfo.from_json(data)
    except ValueError:
        return None  # a malformed description: the static preview still shows
    return TableOutput(info, context.table_source, context.parent)


def web_chart(mime: str, data: str, output: RichOutput, context: RenderContext) -> QWidget | None:
    from app.ui.outputs.web_output import WebChartOutput, web_engine_available

    if not web_engine_available():  # optional (cascade-notebook[web]); else the PNG or the note
        return None
    return WebChartOutput(data, context.parent)


def markdown(mime: str, data: str, output: RichOutput, context: RenderContext) -> QWidget:
    view = HtmlOutput(context.parent)
    view.setHtml(markdown_to_html(data, math_images(view.palette())))
    return view


def html(mime: str, data: str, output: RichOutput, context: RenderContext) -> QWidget:
    view = HtmlOutput(context.parent)
    view.setHtml(data)
    return view


def latex(mime: str, data: str, output: RichOutput, context: RenderContext) -> QWidget | None:
    source, display = latex_source(data)
    svg = math_to_svg(source, display, MATH_POINTS * 1.2, text_color(QPalette()))
    if svg is None:
        return None  # the text/plain form shows
    renderer = QSvgRenderer(svg.encode("utf-8"))
    return SvgOutput(renderer, context.parent) if renderer.isValid() else None


def svg(mime: str, data: str, output: RichOutput, context: RenderContext) -> QWidget | None:
    renderer = QSvgRenderer(data.encode("utf-8"))
    return SvgOutput(renderer, context.parent) if renderer.isValid() else None


def raster(mime: str, data: str, output: RichOutput, context: RenderContext) -> QWidget | None:
    raw = _decode_base64(data)
    pixmap = QPixmap()
    if raw is None or not pixmap.loadFromData(raw, _RASTER_FORMATS[mime]):
        return None  # not an image: the next type (text/plain) shows
    return ImageOutput(pixmap, context.parent, _logical_size(output))


def json_text(mime: str, data: str, output: RichOutput, context: RenderContext) -> QWidget:
    try:
        pretty = json.dumps(json.loads(data), indent=2, ensure_ascii=False)
    except ValueError:
        pretty = data
    return plain_piece(pretty, context.parent)


def plain(mime: str, data: str, output: RichOutput, context: RenderContext) -> QWidget:
    return plain_piece(data, context.parent)


#: The registry's ``window`` names → builders (a test checks every name has one).
BUILDERS: dict[str, Builder] = {
    "control": control,
    "kernel_table": kernel_table,
    "web_chart": web_chart,
    "markdown": markdown,
    "html": html,
    "latex": latex,
    "svg": svg,
    "raster": raster,
    "json": json_text,
    "plain": plain,
}


def _logical_size(output: RichOutput) -> QSize | None:
    """The size the kernel says an image means (``IMAGE_SIZE_MIME``), if it says."""
    raw = output.data.get(IMAGE_SIZE_MIME)
    if raw is None:
        return None
    try:
        size = json.loads(raw)
        width, height = int(size["width"]), int(size["height"])
    except (ValueError, KeyError, TypeError):
        return None
    return QSize(width, height) if width > 0 and height > 0 else None


def _decode_base64(data: str) -> bytes | None:
    try:
        return base64.b64decode(data)
    except (binascii.Error, ValueError):
        return None

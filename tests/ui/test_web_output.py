"""Interactive plotly charts: a sandboxed web view when QtWebEngine is installed, otherwise the
static image or the note. CI runs without PySide6-Addons, so each test asserts exactly the
path :func:`web_engine_available` says this machine takes (no skips)."""

from __future__ import annotations

import base64

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QUrl
from PySide6.QtGui import QColor, QPixmap
from pytestqt.qtbot import QtBot

from app.core.state import RichOutput
from app.ui import web_output
from app.ui.output_view import ImageOutput, TextOutput, rich_output_widget
from app.ui.web_output import (
    CHART_HEIGHT,
    WebChartOutput,
    web_engine_available,
    web_engine_unavailable_reason,
)

# QtWebEngine logs from its own GPU thread when it starts; pytest-qt swaps its Python message
# handler around every test phase, and a warning racing that swap crashes PySide (seen as a
# segfault in "Chrome_InProcGpu" inside the handler call). Leave Qt's own handler in place here.
pytestmark = pytest.mark.no_qt_log

PLOTLY = "application/vnd.plotly.v1+html"
LOAD_TIMEOUT_MS = 60_000
PAGE = (
    '<img src="http://example.com/x.png">'
    '<a id="link" href="https://example.org/">elsewhere</a>'
    "<script>document.title = 'ok';</script>"
)


def _png_base64() -> str:
    pixmap = QPixmap(8, 4)
    pixmap.fill(QColor("red"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert pixmap.save(buffer, "PNG")
    return base64.b64encode(bytes(data.data())).decode("ascii")


def _chart(qtbot: QtBot, html: str) -> WebChartOutput:
    chart = WebChartOutput(html)
    qtbot.addWidget(chart)
    chart.resize(600, CHART_HEIGHT)
    chart.show()
    return chart


def test_availability_is_decided_with_a_reason(qapp: object) -> None:
    available = web_engine_available()
    assert web_engine_available() is available  # cached
    if available:
        assert web_engine_unavailable_reason() is None
    else:
        assert web_engine_unavailable_reason()
        with pytest.raises(RuntimeError, match="QtWebEngine is unavailable"):
            WebChartOutput(PAGE)


def test_chart_page_runs_scripts_and_blocks_the_network(qtbot: QtBot) -> None:
    if not web_engine_available():
        with pytest.raises(RuntimeError):
            WebChartOutput(PAGE)
        return
    chart = _chart(qtbot, PAGE)
    qtbot.waitUntil(
        lambda: chart.is_written() and chart.view.title() == "ok" and bool(chart.blocked_urls),
        timeout=LOAD_TIMEOUT_MS,
    )
    assert chart.blocked_urls == [QUrl("http://example.com/x.png")]
    assert chart.page.url() == QUrl("about:blank")
    assert chart.height() == CHART_HEIGHT
    profile = chart.page.profile()
    assert profile.isOffTheRecord()
    assert profile.persistentCookiesPolicy() == profile.PersistentCookiesPolicy.NoPersistentCookies
    # After the first load nothing may navigate: links, scripts, frames.
    link = web_output._web_classes()[1].NavigationType.NavigationTypeLinkClicked
    assert not chart.page.acceptNavigationRequest(QUrl("https://example.org/"), link, True)
    assert not chart.page.acceptNavigationRequest(QUrl("about:blank"), link, True)


def test_chart_larger_than_set_html_allows_still_loads(qtbot: QtBot) -> None:
    """setHtml stops at 2 MB; a plotly fragment with plotly.js inlined is about 5 MB."""
    big = "<script>/*" + "x" * 3_000_000 + "*/ document.title = 'ok';</script>"
    if not web_engine_available():
        with pytest.raises(RuntimeError):
            WebChartOutput(big)
        return
    chart = _chart(qtbot, big)
    with qtbot.waitSignal(chart.chart_loaded, timeout=LOAD_TIMEOUT_MS) as loaded:
        pass
    assert loaded.args == [True]
    qtbot.waitUntil(lambda: chart.view.title() == "ok", timeout=LOAD_TIMEOUT_MS)
    assert chart.blocked_urls == []


def test_rich_output_widget_picks_the_web_chart_when_available(qtbot: QtBot) -> None:
    bundle = RichOutput({PLOTLY: PAGE, "image/png": _png_base64(), "text/plain": "plotly chart"})
    widget = rich_output_widget(bundle)
    qtbot.addWidget(widget)
    if web_engine_available():
        assert isinstance(widget, WebChartOutput)
    else:
        assert isinstance(widget, ImageOutput)
        assert widget.natural_size().width() == 8


def test_without_web_engine_the_static_image_or_the_note_shows(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web_output, "web_engine_available", lambda: False)
    with_png = rich_output_widget(
        RichOutput({PLOTLY: PAGE, "image/png": _png_base64(), "text/plain": "plotly chart"})
    )
    qtbot.addWidget(with_png)
    assert isinstance(with_png, ImageOutput)
    note = "plotly chart: install kaleido for a static image"
    only_note = rich_output_widget(RichOutput({PLOTLY: PAGE, "text/plain": note}))
    qtbot.addWidget(only_note)
    assert isinstance(only_note, TextOutput)
    assert only_note.full_text() == note

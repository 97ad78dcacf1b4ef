"""Output widgets against real Qt widgets (offscreen): streams, the view cap, rich outputs,
errors, staleness and the markdown cell view. No sleeps: the batching timer is awaited with
``qtbot.waitUntil``."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QFontInfo,
    QImage,
    QImageWriter,
    QPalette,
    QTextDocument,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from app.core.state import CellError, RichOutput, StreamText
from app.ui.outputs.markdown_view import EMPTY_MARKDOWN_PLACEHOLDER, MarkdownView, SafeTextBrowser
from app.ui.outputs.output_view import ErrorOutput, OutputArea
from app.ui.outputs.pictures import HtmlOutput, ImageOutput, SvgOutput
from app.ui.outputs.renderers import rich_output_widget
from app.ui.outputs.stale_veil import StaleVeil
from app.ui.outputs.text_output import (
    MAX_PIECE_HEIGHT,
    MAX_VIEW_CHARS,
    MAX_VIEW_LINES,
    TextOutput,
)
from app.ui.theme import colors_for
from tests.ui.widgets import UrlRecorder

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80" viewBox="0 0 120 80">'
    '<rect x="10" y="10" width="100" height="60" fill="#36c"/></svg>'
)

#: Qt reads GIF but cannot write it, so the smallest valid GIF, spelled out.
GIF_1X1 = "R0lGODlhAQABAIAAAAAAAP///ywAAAAAAQABAAACAUwAOw=="


# -- fixtures and helpers ---------------------------------------------------------------------


@pytest.fixture
def area(host: QWidget) -> OutputArea:
    widget = OutputArea(host)
    widget.setGeometry(0, 0, 760, 880)
    widget.show()
    return widget


def image_base64(fmt: str, width: int = 64, height: int = 32) -> str:
    """A real encoded image, as the worker sends it (base64 text)."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(200, 30, 30))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert QImageWriter(buffer, QByteArray(fmt.encode("ascii"))).write(image)
    buffer.close()
    return base64.b64encode(bytes(data.data())).decode("ascii")


def text_pieces(area: OutputArea) -> list[TextOutput]:
    pieces = area.pieces()
    assert all(isinstance(p, TextOutput) for p in pieces)
    return [p for p in pieces if isinstance(p, TextOutput)]


def view_text(piece: TextOutput) -> str:
    return piece.view.toPlainText()


def base_color(piece: TextOutput) -> QColor:
    return piece.view.palette().color(QPalette.ColorRole.Base)


# -- streams ----------------------------------------------------------------------------------


def test_consecutive_same_stream_appends_share_one_view(qtbot: QtBot, area: OutputArea) -> None:
    area.append(StreamText("stdout", "first\n"))
    area.append(StreamText("stdout", "second\n"))
    area.append(StreamText("stdout", "third"))

    (piece,) = text_pieces(area)
    assert piece.stream == "stdout"
    qtbot.waitUntil(lambda: view_text(piece) == "first\nsecond\nthird")


def test_alternating_streams_make_separate_pieces_in_order(qtbot: QtBot, area: OutputArea) -> None:
    area.append(StreamText("stdout", "out 1\n"))
    area.append(StreamText("stderr", "err 1\n"))
    area.append(StreamText("stderr", "err 2\n"))
    area.append(StreamText("stdout", "out 2\n"))

    pieces = text_pieces(area)
    assert [p.stream for p in pieces] == ["stdout", "stderr", "stdout"]
    qtbot.waitUntil(
        lambda: [view_text(p) for p in pieces] == ["out 1\n", "err 1\nerr 2\n", "out 2\n"]
    )


def test_stderr_is_tinted_and_stdout_is_not(area: OutputArea) -> None:
    area.set_outputs([StreamText("stdout", "o\n"), StreamText("stderr", "e\n")], None)

    stdout, stderr = text_pieces(area)
    assert base_color(stderr) == colors_for(stderr.palette()).stderr_bg
    assert base_color(stdout) == stdout.palette().color(QPalette.ColorRole.Base)
    assert base_color(stderr) != base_color(stdout)


def test_appends_are_buffered_then_flushed_in_one_go(qtbot: QtBot, area: OutputArea) -> None:
    lines = [f"line {i}\n" for i in range(500)]
    for line in lines:
        area.append(StreamText("stdout", line))

    (piece,) = text_pieces(area)
    # No event loop has run since the appends, so the batching timer cannot have fired yet.
    assert view_text(piece) == ""
    assert piece.full_text() == "".join(lines)
    qtbot.waitUntil(lambda: view_text(piece) == "".join(lines))
    assert piece.view.document().blockCount() == 501  # one block per line + the empty tail


def test_a_flush_within_the_cap_inserts_at_the_end_without_rebuilding(
    qtbot: QtBot, area: OutputArea
) -> None:
    area.set_outputs([StreamText("stdout", "first\n")], None)
    (piece,) = text_pieces(area)
    changes: list[tuple[int, int, int]] = []
    piece.view.document().contentsChange.connect(lambda *args: changes.append(args))

    area.append(StreamText("stdout", "second\n"))
    area.append(StreamText("stdout", "third\n"))
    qtbot.waitUntil(lambda: view_text(piece) == "first\nsecond\nthird\n")

    assert changes == [(6, 0, 13)]  # one insert at the old end, nothing removed


def test_set_outputs_shows_text_at_once_and_merges_same_stream_chunks(area: OutputArea) -> None:
    # The run state splits one long stream into several chunks; on screen it is one view.
    area.set_outputs([StreamText("stdout", "a" * 10 + "\n"), StreamText("stdout", "b\n")], None)

    (piece,) = text_pieces(area)
    assert view_text(piece) == "a" * 10 + "\nb\n"


def test_short_output_has_no_inner_scrollbar_and_long_output_scrolls(
    qtbot: QtBot, area: OutputArea
) -> None:
    area.set_outputs([StreamText("stdout", "a\nb\nc")], None)
    (short,) = text_pieces(area)
    assert short.view.height() < MAX_PIECE_HEIGHT
    assert short.view.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    qtbot.waitUntil(short.view.isVisible)  # the layout shows new pieces on the next loop turn
    assert short.view.verticalScrollBar().maximum() == 0  # every line fits the widget

    area.set_outputs([StreamText("stdout", "".join(f"{i}\n" for i in range(1000)))], None)
    (long,) = text_pieces(area)
    assert long.view.height() == MAX_PIECE_HEIGHT
    assert long.view.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded
    qtbot.waitUntil(long.view.isVisible)
    bar = long.view.verticalScrollBar()
    assert bar.maximum() > 0
    assert bar.value() == bar.maximum()  # a long output shows its end

    area.append(StreamText("stdout", "tail line\n"))
    qtbot.waitUntil(lambda: view_text(long).endswith("tail line\n"))
    assert bar.value() == bar.maximum()  # and keeps following it

    bar.setValue(0)  # the user scrolls up to read
    area.append(StreamText("stdout", "another\n"))
    qtbot.waitUntil(lambda: view_text(long).endswith("another\n"))
    assert bar.value() == 0


# -- the view cap -----------------------------------------------------------------------------


@pytest.fixture
def capped(qtbot: QtBot, area: OutputArea) -> Iterator[tuple[TextOutput, str]]:
    """10,000 lines appended one by one: 8,000 more than the view shows."""
    lines = [f"line {i}\n" for i in range(10_000)]
    for line in lines:
        area.append(StreamText("stdout", line))
    (piece,) = text_pieces(area)
    full = "".join(lines)
    qtbot.waitUntil(lambda: not piece.note.isHidden())
    yield piece, full


def test_the_view_holds_only_the_tail(capped: tuple[TextOutput, str]) -> None:
    piece, full = capped
    shown = view_text(piece)
    assert shown == "".join(f"line {i}\n" for i in range(10_000 - MAX_VIEW_LINES, 10_000))
    assert piece.view.document().blockCount() <= MAX_VIEW_LINES + 1
    assert piece.view.document().characterCount() <= MAX_VIEW_CHARS + 1
    assert piece.full_text() == full
    assert piece.is_truncated()
    assert piece.hidden_lines() == 8_000


def test_the_truncation_note_says_how_many_lines_are_hidden(capped: tuple[TextOutput, str]) -> None:
    piece, _full = capped
    assert "output truncated — 8,000 lines hidden" in piece.note.text()
    assert "Show all" in piece.note.text()
    assert "Save to file…" in piece.note.text()


def test_show_all_loads_the_full_text(capped: tuple[TextOutput, str]) -> None:
    piece, full = capped
    piece.note.linkActivated.emit("show-all")  # what a click on the link does

    assert view_text(piece) == full
    assert piece.note.isHidden()
    assert not piece.is_truncated()


def test_after_show_all_new_text_is_appended_uncapped(
    qtbot: QtBot, area: OutputArea, capped: tuple[TextOutput, str]
) -> None:
    piece, full = capped
    piece.show_all()
    area.append(StreamText("stdout", "more\n"))

    qtbot.waitUntil(lambda: view_text(piece) == full + "more\n")
    assert piece.note.isHidden()


def test_save_text_to_writes_the_full_text(capped: tuple[TextOutput, str], tmp_path: Path) -> None:
    piece, full = capped
    target = tmp_path / "out.txt"
    piece.save_text_to(target)

    assert target.read_bytes() == full.encode("utf-8")


def test_the_save_link_asks_for_a_file_then_saves(
    capped: tuple[TextOutput, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    piece, full = capped
    target = tmp_path / "chosen.txt"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(target), ""))
    )
    piece.note.linkActivated.emit("save")

    assert target.read_text(encoding="utf-8") == full


def test_one_huge_line_is_capped_by_characters(area: OutputArea) -> None:
    area.set_outputs([StreamText("stdout", "x" * (MAX_VIEW_CHARS + 100_000))], None)

    (piece,) = text_pieces(area)
    assert len(view_text(piece)) == MAX_VIEW_CHARS
    assert "output truncated — 100,000 characters hidden" in piece.note.text()
    assert not piece.note.isHidden()


def test_output_within_the_cap_has_no_note(area: OutputArea) -> None:
    area.set_outputs([StreamText("stdout", "hello\n" * 100)], None)

    (piece,) = text_pieces(area)
    assert piece.note.isHidden()
    assert not piece.is_truncated()


# -- rich outputs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "widget_type"),
    [
        ({"text/markdown": "# Hi", "text/plain": "Hi"}, HtmlOutput),
        ({"text/html": "<b>bold</b>", "text/plain": "bold"}, HtmlOutput),
        ({"image/png": image_base64("PNG"), "text/plain": "<Figure>"}, ImageOutput),
        ({"image/jpeg": image_base64("JPEG")}, ImageOutput),
        ({"image/gif": GIF_1X1}, ImageOutput),
        ({"image/svg+xml": SVG, "text/plain": "<svg>"}, SvgOutput),
        ({"text/latex": r"$\alpha$"}, SvgOutput),  # math is drawn (ziamath), not shown as code
        ({"application/json": '{"a": 1}'}, TextOutput),
        ({"text/plain": "42"}, TextOutput),
    ],
    ids=["markdown", "html", "png", "jpeg", "gif", "svg", "latex", "json", "plain"],
)
def test_rich_output_picks_the_widget_for_the_best_mime(
    area: OutputArea, data: dict[str, str], widget_type: type[QWidget]
) -> None:
    area.append(RichOutput(data))

    (piece,) = area.pieces()
    assert type(piece) is widget_type


def html_output(html: str, host: QWidget) -> HtmlOutput:
    widget = HtmlOutput(host)
    widget.setHtml(html)
    return widget


def test_markdown_output_is_rendered(host: QWidget) -> None:
    widget = rich_output_widget(RichOutput({"text/markdown": "# Big\n\nbody"}), host)

    assert isinstance(widget, HtmlOutput)
    assert widget.toPlainText() == "Big\nbody"
    assert widget.document().firstBlock().blockFormat().headingLevel() == 1


def test_html_output_fetches_nothing_and_runs_no_script(host: QWidget) -> None:
    html = (
        '<p>table <img src="http://example.com/x.png"></p>'
        '<script>document.write("pwned")</script><p>after</p>'
    )
    widget = rich_output_widget(RichOutput({"text/html": html}), host)
    assert isinstance(widget, HtmlOutput)
    widget.show()
    widget.document().size()  # lays the document out, which asks for the image

    assert QUrl("http://example.com/x.png") in widget.blocked_urls
    text = widget.toPlainText()
    assert "table" in text
    assert "after" in text
    assert "pwned" not in text
    assert "document.write" not in text


@pytest.mark.parametrize(
    "url", ["http://example.com/x.png", "https://example.com/x.css", "file:///etc/passwd", "x.png"]
)
def test_safe_browser_answers_every_non_data_url_with_nothing(host: QWidget, url: str) -> None:
    browser = SafeTextBrowser(host)

    result = browser.loadResource(int(QTextDocument.ResourceType.ImageResource), QUrl(url))

    assert result is None or len(result) == 0
    assert QUrl(url) in browser.blocked_urls


def test_safe_browser_lets_inline_data_images_load(host: QWidget) -> None:
    browser = SafeTextBrowser(host)
    browser.setGeometry(0, 0, 400, 100)
    browser.show()
    browser.setHtml(f'<img src="data:image/png;base64,{image_base64("PNG", 40, 20)}">')

    assert browser.blocked_urls == []
    assert browser.document().idealWidth() >= 40  # the image took its room (not a broken icon)


def test_only_clicked_web_links_are_handed_to_the_desktop(host: QWidget) -> None:
    recorder = UrlRecorder()
    for scheme in ("https", "file"):
        QDesktopServices.setUrlHandler(scheme, recorder, "open")  # type: ignore[arg-type]
    try:
        widget = html_output('<a href="https://example.com/">site</a>', host)
        assert recorder.opened == []  # rendering opens nothing
        widget.anchorClicked.emit(QUrl("https://example.com/"))
        widget.anchorClicked.emit(QUrl("file:///etc/passwd"))
    finally:
        for scheme in ("https", "file"):
            QDesktopServices.unsetUrlHandler(scheme)

    assert recorder.opened == [QUrl("https://example.com/")]


def test_html_output_grows_to_its_document_then_scrolls(host: QWidget) -> None:
    short = html_output("<p>one line</p>", host)
    short.setGeometry(0, 0, 700, short.height())
    short.show()
    assert short.height() < MAX_PIECE_HEIGHT
    assert short.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff

    tall = html_output("<p>para</p>" * 200, host)
    tall.setGeometry(0, 0, 700, tall.height())
    tall.show()
    assert tall.height() == MAX_PIECE_HEIGHT
    assert tall.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded


def test_html_output_in_the_area_fits_its_document_once_laid_out(
    qtbot: QtBot, area: OutputArea
) -> None:
    area.append(RichOutput({"text/html": "".join(f"<p>row {i}</p>" for i in range(5))}))
    (piece,) = area.pieces()
    assert isinstance(piece, HtmlOutput)

    qtbot.waitUntil(lambda: piece.isVisible() and piece.height() == piece.document_height())
    assert piece.height() > 5 * piece.fontMetrics().height()
    assert piece.verticalScrollBar().maximum() == 0


def test_png_shows_at_natural_size_and_scales_down_keeping_aspect(host: QWidget) -> None:
    widget = rich_output_widget(RichOutput({"image/png": image_base64("PNG", 640, 480)}), host)

    assert isinstance(widget, ImageOutput)
    assert widget.natural_size().width() == 640
    assert widget.natural_size().height() == 480
    assert widget.toolTip() == "640\N{MULTIPLICATION SIGN}480 px"
    assert widget.display_size(1000).toTuple() == (640, 480)  # never enlarged
    assert widget.display_size(320).toTuple() == (320, 240)

    widget.setGeometry(0, 0, 320, 480)
    widget.show()
    assert widget.height() == 240  # the widget follows the scaled height
    assert not widget.grab().isNull()


def test_svg_renders_at_its_declared_size(host: QWidget) -> None:
    widget = rich_output_widget(RichOutput({"image/svg+xml": SVG}), host)

    assert isinstance(widget, SvgOutput)
    assert widget.natural_size().toTuple() == (120, 80)
    assert widget.toolTip() == "120\N{MULTIPLICATION SIGN}80 px"
    widget.setGeometry(0, 0, 300, 80)
    widget.show()
    image = widget.grab().toImage()
    assert image.pixelColor(QPoint(60, 40)) == QColor("#3366cc")  # the rectangle was drawn


def test_json_is_pretty_printed(host: QWidget) -> None:
    widget = rich_output_widget(RichOutput({"application/json": '{"a": [1, 2], "é": null}'}), host)

    assert isinstance(widget, TextOutput)
    assert view_text(widget) == json.dumps({"a": [1, 2], "é": None}, indent=2, ensure_ascii=False)


def test_latex_is_drawn_and_plain_text_shows_as_monospace_text(host: QWidget) -> None:
    latex = rich_output_widget(RichOutput({"text/latex": r"$\frac{1}{2}$"}), host)
    plain = rich_output_widget(RichOutput({"text/plain": "array([1, 2, 3])"}), host)

    assert isinstance(latex, SvgOutput) and latex.natural_size().height() > 10
    assert isinstance(plain, TextOutput)
    assert view_text(plain) == "array([1, 2, 3])"
    assert QFontInfo(plain.view.font()).fixedPitch()


def test_an_image_that_does_not_decode_falls_back_to_plain_text(host: QWidget) -> None:
    output = RichOutput({"image/png": base64.b64encode(b"not a png").decode(), "text/plain": "fig"})
    widget = rich_output_widget(output, host)

    assert isinstance(widget, TextOutput)
    assert view_text(widget) == "fig"


# -- error ------------------------------------------------------------------------------------


ERROR = CellError(
    ename="ValueError",
    evalue="bad",
    traceback=(
        "Traceback (most recent call last):\n"
        '  File "cell", line 3, in <module>\n'
        "    raise ValueError('bad')\n"
        "ValueError: bad\n"
    ),
    line=3,
)


def test_error_shows_a_header_and_the_traceback(area: OutputArea) -> None:
    area.set_outputs([StreamText("stdout", "before\n")], ERROR)

    widget = area.error_widget()
    assert isinstance(widget, ErrorOutput)
    assert area.error() == ERROR
    error = area.error()
    assert error is not None
    assert error.line == 3  # for the caller to highlight in the editor
    assert widget.header.text() == "ValueError: bad"
    assert widget.header.font().bold()
    # The traceback's last line says what the header says: shown once, in the header.
    assert view_text(widget.traceback) == ERROR.traceback.rstrip("\n").removesuffix(
        "\nValueError: bad"
    )
    assert "ValueError: bad" not in view_text(widget.traceback)
    assert base_color(widget.traceback) == colors_for(widget.palette()).error_bg
    assert not area.is_empty()


def test_error_stays_below_outputs_appended_later(area: OutputArea) -> None:
    area.set_error(ERROR)
    area.append(RichOutput({"text/plain": "late"}))

    layout = area.layout()
    assert layout is not None
    item = layout.itemAt(layout.count() - 1)
    assert item is not None
    assert item.widget() is area.error_widget()


def test_set_error_none_removes_the_error(area: OutputArea) -> None:
    area.set_error(ERROR)
    area.set_error(None)

    assert area.error() is None
    assert area.error_widget() is None
    assert area.is_empty()


# -- replacing, clearing, staleness -----------------------------------------------------------


def test_set_outputs_replaces_previous_pieces(area: OutputArea) -> None:
    area.set_outputs(
        [StreamText("stdout", "old\n"), RichOutput({"text/plain": "1"}), StreamText("stderr", "!")],
        ERROR,
    )
    old = [*area.pieces(), area.error_widget()]

    area.set_outputs([RichOutput({"text/html": "<i>new</i>"})], None)

    (piece,) = area.pieces()
    assert isinstance(piece, HtmlOutput)
    assert area.error() is None
    assert all(widget is not None and widget.parent() is None for widget in old)
    layout = area.layout()
    assert layout is not None
    assert layout.count() == 2  # the (hidden) omitted-output note, then the piece
    assert layout.itemAt(0).widget() is area.omitted_note


def test_clear_empties_the_area(area: OutputArea) -> None:
    assert area.is_empty()
    area.append(StreamText("stdout", "x"))
    assert not area.is_empty()

    area.clear()

    assert area.is_empty()
    assert area.pieces() == []


def test_set_stale_dims_with_a_veil_not_a_graphics_effect(qtbot: QtBot, area: OutputArea) -> None:
    """A QGraphicsOpacityEffect painted ghost text of other cells while scrolling (issue 12):
    stale outputs are dimmed by a veil of the card colour instead."""
    area.set_outputs([StreamText("stdout", "█" * 20 + "\n")], None)
    text = area.pieces()[0]
    qtbot.waitUntil(lambda: text.isVisible() and text.height() > 0)
    spot = text.mapTo(area, text.rect().center())
    spot.setX(text.mapTo(area, text.rect().topLeft()).x() + 12)
    fresh = area.grab().toImage().pixelColor(spot)

    area.set_stale(True)
    assert area.is_stale()
    assert area.graphicsEffect() is None
    assert not any(w.graphicsEffect() for w in area.findChildren(QWidget))
    veil = area.findChild(StaleVeil)
    assert veil is not None and veil.geometry() == area.rect()
    dimmed = area.grab().toImage().pixelColor(spot)
    assert dimmed.lightness() > fresh.lightness() + 60  # dark text greyed towards the card

    area.resize(500, area.height() + 40)
    assert veil.geometry() == area.rect()  # follows the outputs' size
    area.set_stale(False)
    assert not area.is_stale()
    assert veil.isHidden()


# -- the markdown cell ------------------------------------------------------------------------


@pytest.fixture
def markdown(host: QWidget) -> MarkdownView:
    view = MarkdownView(host)
    view.setGeometry(0, 0, 700, view.height())
    view.show()
    return view


def test_markdown_title_renders_as_a_heading(markdown: MarkdownView) -> None:
    markdown.set_markdown("# Title\n\nSome *text*.")

    html = markdown.document().toHtml()
    assert "<h1" in html
    assert "Title" in html
    assert markdown.document().firstBlock().blockFormat().headingLevel() == 1
    assert markdown.markdown() == "# Title\n\nSome *text*."


def test_markdown_view_grows_with_its_document(markdown: MarkdownView) -> None:
    markdown.set_markdown("one line")
    short = markdown.height()
    markdown.set_markdown("\n\n".join(f"paragraph {i}" for i in range(30)))

    assert markdown.height() > short
    assert markdown.height() >= markdown.document().size().height()
    assert markdown.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff


def test_double_click_requests_editing(qtbot: QtBot, markdown: MarkdownView) -> None:
    markdown.set_markdown("# Title")

    with qtbot.waitSignal(markdown.edit_requested, timeout=1000):
        QTest.mouseDClick(markdown.viewport(), Qt.MouseButton.LeftButton)


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_enter_requests_editing(qtbot: QtBot, markdown: MarkdownView, key: Qt.Key) -> None:
    markdown.set_markdown("text")

    with qtbot.waitSignal(markdown.edit_requested, timeout=1000):
        QTest.keyClick(markdown, key)


def test_empty_markdown_shows_a_muted_placeholder(markdown: MarkdownView) -> None:
    markdown.set_markdown("   \n")

    assert markdown.toPlainText() == ""
    assert markdown.placeholderText() == EMPTY_MARKDOWN_PLACEHOLDER
    with_placeholder = markdown.grab().toImage()
    markdown.setPlaceholderText("")
    without = markdown.grab().toImage()
    assert with_placeholder != without  # the placeholder is actually painted


def test_markdown_images_from_the_web_are_not_fetched(markdown: MarkdownView) -> None:
    markdown.set_markdown("![chart](https://example.com/chart.png)")
    markdown.document().size()

    # The sanitiser drops the address before the browser sees it (outputs do the same); a
    # remote address that reached the browser would be refused (blocked_urls, tested above).
    assert "example.com" not in markdown.document().toHtml()

"""Interactive plotly charts: a sandboxed web view that lets no traffic out (issue 9 §1).

QtWebEngine (the ``[web]`` extra, installed for tests) cannot survive the many event loops of a
test process, so the real engine runs in tests/ui/web_engine_probe.py, one process per
scenario; here in the test process it is always "unavailable" (tests/ui/conftest.py), which
is the path machines without the extra take.
"""

from __future__ import annotations

import base64
import json
import os
import select
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QUrl
from PySide6.QtGui import QColor, QPixmap
from pytestqt.qtbot import QtBot

from app.core.state import RichOutput
from app.ui.outputs import web_output
from app.ui.outputs.pictures import ImageOutput
from app.ui.outputs.renderers import rich_output_widget
from app.ui.outputs.text_output import TextOutput
from app.ui.outputs.web_output import (
    CHART_HEIGHT,
    NETWORK_LOCKDOWN_FLAGS,
    chart_settings,
    is_inline,
    prepare_web_engine,
)

ROOT = Path(__file__).resolve().parents[2]
PLOTLY = "application/vnd.plotly.v1+html"
PAGE = "<script>document.title = 'ok';</script>"
PROBE_TIMEOUT_S = 180
STUN_BINDING_REQUEST = b"\x00\x01"
STUN_MAGIC_COOKIE = b"\x21\x12\xa4\x42"


def _probe(*args: str, **options: Any) -> Any:
    command = [sys.executable, "-m", "tests.ui.web_engine_probe", *args]
    return subprocess.Popen(command, cwd=ROOT, text=True, stdout=subprocess.PIPE, **options)


def _facts(process: subprocess.Popen[str]) -> dict[str, Any]:
    out, _ = process.communicate(timeout=PROBE_TIMEOUT_S)
    assert process.returncode == 0, out
    facts: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return facts


# -- in the test process: the configuration, and the path without QtWebEngine ----------------------


def test_lockdown_flags_come_after_the_users_and_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "--user-flag --proxy-server=http://mine:3128")
    prepare_web_engine()
    prepare_web_engine()
    flags = os.environ["QTWEBENGINE_CHROMIUM_FLAGS"]
    assert flags.startswith("--user-flag --proxy-server=http://mine:3128 ")
    for flag in NETWORK_LOCKDOWN_FLAGS:
        assert flags.count(flag) == 1
    # Chromium keeps the last value of a repeated switch: ours.
    assert flags.rindex("--proxy-server=http://127.0.0.1:1") > flags.index("http://mine")
    assert "--force-webrtc-ip-handling-policy=disable_non_proxied_udp" in flags
    assert "--proxy-bypass-list=<-loopback>" in flags


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("data:text/html,x", True),
        ("DATA:image/png;base64,AA==", True),
        ("blob:null/1234", True),
        ("about:blank", True),
        ("http://127.0.0.1/x", False),
        ("https://example.com/", False),
        ("ws://127.0.0.1:1/", False),
        ("wss://example.com/", False),
        ("file:///etc/passwd", False),
        ("ftp://example.com/", False),
        ("qrc:/x", False),
        ("chrome://gpu", False),
        ("javascript:alert(1)", False),
    ],
)
def test_only_inline_urls_are_loaded(url: str, allowed: bool) -> None:
    assert is_inline(QUrl(url)) is allowed


def test_chart_settings_switch_every_way_out_off() -> None:
    names = [
        "JavascriptEnabled", "LocalContentCanAccessRemoteUrls", "LocalContentCanAccessFileUrls",
        "JavascriptCanOpenWindows", "JavascriptCanAccessClipboard", "JavascriptCanPaste",
        "PluginsEnabled", "PdfViewerEnabled", "LocalStorageEnabled", "ErrorPageEnabled",
        "DnsPrefetchEnabled", "HyperlinkAuditingEnabled", "AutoLoadIconsForPage",
        "NavigateOnDropEnabled", "AllowRunningInsecureContent",
        "AllowGeolocationOnInsecureOrigins", "ScreenCaptureEnabled", "WebRTCPublicInterfacesOnly",
    ]  # fmt: skip
    settings = chart_settings(SimpleNamespace(**{name: name for name in names}))
    on = {name for name, value in settings.items() if value}
    assert on == {"JavascriptEnabled", "WebRTCPublicInterfacesOnly"}
    assert set(settings) == set(names)


def _png_base64() -> str:
    pixmap = QPixmap(8, 4)
    pixmap.fill(QColor("red"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert pixmap.save(buffer, "PNG")
    return base64.b64encode(bytes(data.data())).decode("ascii")


def test_without_web_engine_the_static_image_or_the_note_shows(qtbot: QtBot) -> None:
    assert not web_output.web_engine_available()  # in this process, by tests/ui/conftest.py
    with_png = rich_output_widget(
        RichOutput({PLOTLY: PAGE, "image/png": _png_base64(), "text/plain": "plotly chart"})
    )
    qtbot.addWidget(with_png)
    assert isinstance(with_png, ImageOutput)
    assert with_png.natural_size().width() == 8
    note = "plotly chart: install kaleido for a static image"
    only_note = rich_output_widget(RichOutput({PLOTLY: PAGE, "text/plain": note}))
    qtbot.addWidget(only_note)
    assert isinstance(only_note, TextOutput)
    assert only_note.full_text() == note


# -- the real engine, in its own process ------------------------------------------------------------


@pytest.mark.slow
def test_a_chart_runs_its_scripts_confined() -> None:
    facts = _facts(_probe("chart"))
    assert facts["available"], facts["reason"]
    assert facts["loaded"]
    assert facts["blocked"] == ["http://example.com/x.png"]
    assert facts["url"] == "about:blank"
    assert facts["height"] == CHART_HEIGHT
    assert facts["off_the_record"] and facts["no_persistent_cookies"]
    assert facts["push_service"] is False
    assert facts["settings_applied"]
    # After the first load nothing may navigate: links, scripts, frames.
    assert facts["navigates_to_link"] is False and facts["navigates_to_blank"] is False
    # setHtml stops at 2 MB; a plotly fragment with plotly.js inlined is about 5 MB.
    assert facts["big_loaded"] == [True] and facts["big_title"] == "ok"
    assert facts["big_blocked"] == []
    assert facts["widget"] == "WebChartOutput"
    for flag in NETWORK_LOCKDOWN_FLAGS:
        assert flag in facts["flags"]


@pytest.fixture
def listeners() -> Iterator[tuple[socket.socket, socket.socket]]:
    """A TCP and a UDP socket on loopback, for a chart page to (fail to) reach."""
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp,
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp,
    ):
        tcp.bind(("127.0.0.1", 0))
        tcp.listen(64)
        udp.bind(("127.0.0.1", 0))
        tcp.setblocking(False)
        udp.setblocking(False)
        yield tcp, udp


def _ports(tcp: socket.socket, udp: socket.socket) -> tuple[str, str]:
    return str(tcp.getsockname()[1]), str(udp.getsockname()[1])


def _arrived(tcp: socket.socket, udp: socket.socket) -> list[str]:
    """What reached the listeners (the kernel queues it, so nothing can be missed)."""
    seen: list[str] = []
    while True:
        try:
            connection, _ = tcp.accept()
        except BlockingIOError:
            break
        connection.close()
        seen.append("tcp connection")
    while True:
        try:
            datagram = udp.recv(4096)
        except BlockingIOError:
            break
        seen.append(f"udp {datagram[:8].hex()}")
    return seen


@pytest.mark.slow
def test_a_chart_page_reaches_nothing(listeners: tuple[socket.socket, socket.socket]) -> None:
    tcp, udp = listeners
    facts = _facts(_probe("network", *_ports(tcp, udp)))
    assert facts["settled"], facts["title"]
    # Every attempt ran to its end: the page's scripts ran, WebRTC gathered all it could.
    assert facts["title"].split() == [
        "done", "fetch-failed", "ws-failed", "img-failed", "ice-complete", "ice-complete",
    ]  # fmt: skip
    port = tcp.getsockname()[1]
    assert facts["blocked"] == [
        f"http://127.0.0.1:{port}/beacon",
        f"http://127.0.0.1:{port}/fetch",
        f"http://127.0.0.1:{port}/img.png",
        f"ws://127.0.0.1:{port}/ws",
    ]
    assert _arrived(tcp, udp) == []


@pytest.mark.slow
def test_without_the_lockdown_the_listeners_hear_webrtc(
    listeners: tuple[socket.socket, socket.socket],
) -> None:
    """The control: the same page without NETWORK_LOCKDOWN_FLAGS sends STUN requests over UDP
    and opens TCP connections (preconnect, TURN) — what the test above would see."""
    tcp, udp = listeners
    probe = _probe("network", *_ports(tcp, udp), "--unlocked", stderr=subprocess.DEVNULL)
    datagram, connected = b"", False
    try:
        while not (datagram and connected):
            ready, _, _ = select.select([tcp, udp], [], [], PROBE_TIMEOUT_S)
            assert ready, "nothing arrived"
            if udp in ready:
                datagram = datagram or udp.recv(4096)
            if tcp in ready:
                tcp.accept()[0].close()
                connected = True
    finally:
        probe.kill()
        probe.communicate()
    assert datagram[:2] == STUN_BINDING_REQUEST
    assert datagram[4:8] == STUN_MAGIC_COOKIE

"""QtWebEngine in a process of its own, for tests/ui/test_web_output.py.

QtWebEngine does not survive a second ``QCoreApplication.exit()`` (a segfault inside Qt), and a
test process runs many event loops; so every test that needs the real engine runs one scenario
here, in a fresh process with its own QApplication, and reads the one JSON line it prints:

``python -m tests.ui.web_engine_probe chart``
    availability, a chart page's confinement, a chart larger than ``setHtml`` takes, and the
    output widget chosen for a plotly bundle.
``python -m tests.ui.web_engine_probe network TCP_PORT UDP_PORT [--unlocked]``
    a page that tries every way out it has — fetch, WebSocket, an image, a beacon, an iframe,
    preconnect, DNS prefetch, RTCPeerConnection with STUN and TURN servers (also from a fresh
    iframe's window) — at loopback listeners the test owns, until each attempt has settled
    (ICE gathering complete). ``--unlocked`` leaves out :data:`NETWORK_LOCKDOWN_FLAGS`, to show
    the listeners do hear what gets out.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEventLoop, QUrl
from PySide6.QtWidgets import QApplication

from app.ui.outputs import web_output

TIMEOUT_MS = 90_000
CHART_PAGE = (
    '<img src="http://example.com/x.png">'
    '<a id="link" href="https://example.org/">elsewhere</a>'
    "<script>document.title = 'ok';</script>"
)


def wait_until(condition: Callable[[], bool], timeout_ms: int = TIMEOUT_MS) -> bool:
    """Run the event loop until ``condition()`` holds (True) or the time is up (False)."""
    deadline = QDeadlineTimer(timeout_ms)
    while not condition():
        if deadline.hasExpired():
            return False
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    return True


def chart_scenario() -> dict[str, Any]:
    from app.core.state import RichOutput
    from app.ui.outputs.renderers import rich_output_widget

    available = web_output.web_engine_available()
    facts: dict[str, Any] = {
        "available": available,
        "reason": web_output.web_engine_unavailable_reason(),
        "flags": os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", ""),
    }
    if not available:
        return facts
    chart = web_output.WebChartOutput(CHART_PAGE)
    chart.resize(600, web_output.CHART_HEIGHT)
    chart.show()
    facts["loaded"] = wait_until(
        lambda: chart.is_written() and chart.view.title() == "ok" and bool(chart.blocked_urls)
    )
    page_class = web_output._web_classes()[1]
    link = page_class.NavigationType.NavigationTypeLinkClicked
    profile = chart.page.profile()
    facts |= {
        "blocked": [url.toString() for url in chart.blocked_urls],
        "url": chart.page.url().toString(),
        "height": chart.height(),
        "off_the_record": profile.isOffTheRecord(),
        "no_persistent_cookies": profile.persistentCookiesPolicy()
        == profile.PersistentCookiesPolicy.NoPersistentCookies,
        "push_service": profile.isPushServiceEnabled(),
        "navigates_to_link": chart.page.acceptNavigationRequest(
            QUrl("https://example.org/"), link, True
        ),
        "navigates_to_blank": chart.page.acceptNavigationRequest(QUrl("about:blank"), link, True),
    }
    settings = chart.page.settings()
    facts["settings_applied"] = all(
        settings.testAttribute(attribute) == on
        for attribute, on in web_output.chart_settings(type(settings).WebAttribute).items()
    )
    big = web_output.WebChartOutput(
        "<script>/*" + "x" * 3_000_000 + "*/ document.title='ok';</script>"
    )
    big.show()
    loaded: list[bool] = []
    big.chart_loaded.connect(loaded.append)
    wait_until(lambda: bool(loaded) and big.view.title() == "ok")
    facts |= {"big_loaded": loaded, "big_title": big.view.title(), "big_blocked": big.blocked_urls}
    bundle = RichOutput(
        {"application/vnd.plotly.v1+html": CHART_PAGE, "text/plain": "plotly chart"}
    )
    facts["widget"] = type(rich_output_widget(bundle)).__name__
    return facts


def network_page(tcp: int, udp: int) -> str:
    target = f"127.0.0.1:{tcp}"
    return f"""
<link rel="preconnect" href="http://{target}/"><link rel="dns-prefetch" href="http://{target}/">
<link rel="preconnect" href="http://localhost:{tcp}/">
<iframe src="http://{target}/frame"></iframe>
<script>
const attempts = [];
const settle = (promise, ok, failed) => attempts.push(promise.then(() => ok, () => failed));
settle(fetch("http://{target}/fetch"), "fetch-answered", "fetch-failed");
attempts.push(new Promise(done => {{
  const ws = new WebSocket("ws://{target}/ws");
  ws.onopen = () => done("ws-open"); ws.onerror = () => done("ws-failed");
}}));
attempts.push(new Promise(done => {{
  const image = new Image();
  image.onload = () => done("img-loaded"); image.onerror = () => done("img-failed");
  image.src = "http://{target}/img.png";
}}));
navigator.sendBeacon("http://{target}/beacon", "x");
function gather(Connection, servers) {{
  return new Promise(done => {{
    const pc = new Connection({{iceServers: servers}});
    pc.onicegatheringstatechange = () => {{
      if (pc.iceGatheringState === "complete") done("ice-complete");
    }};
    pc.createDataChannel("x");
    pc.createOffer().then(offer => pc.setLocalDescription(offer));
  }});
}}
const servers = [
  {{urls: "stun:127.0.0.1:{udp}"}},
  {{urls: "turn:127.0.0.1:{tcp}?transport=tcp", username: "u", credential: "p"}},
];
attempts.push(gather(RTCPeerConnection, servers));
const frame = document.createElement("iframe");
document.body.appendChild(frame);
attempts.push(gather(frame.contentWindow.RTCPeerConnection, servers));
Promise.all(attempts).then(results => {{ document.title = "done " + results.join(" "); }});
</script>"""


def network_scenario(tcp: int, udp: int) -> dict[str, Any]:
    chart = web_output.WebChartOutput(network_page(tcp, udp))
    chart.resize(600, web_output.CHART_HEIGHT)
    chart.show()
    settled = wait_until(lambda: chart.view.title().startswith("done"))
    return {
        "settled": settled,
        "title": chart.view.title(),
        "blocked": sorted({url.toString() for url in chart.blocked_urls}),
        "flags": os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", ""),
    }


def main(argv: list[str]) -> int:
    if "--unlocked" in argv:
        web_output.NETWORK_LOCKDOWN_FLAGS = ()
    web_output.prepare_web_engine()
    app = QApplication(sys.argv[:1])
    scenario = argv[0]
    facts = chart_scenario() if scenario == "chart" else network_scenario(*map(int, argv[1:3]))
    print(json.dumps(facts), flush=True)
    del app
    os._exit(0)  # QtWebEngine's own shutdown is not what is tested here


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Interactive plotly charts in a sandboxed web view (optional: needs ``cascade-notebook[web]``).

QtWebEngine ships in PySide6-Addons, which is optional. :func:`web_engine_available` says
whether it can be used; :class:`WebChartOutput` shows one chart's HTML confined to the output.
No traffic leaves a chart page — a notebook is not trusted to phone home:

- a private off-the-record profile (no disk cache, no persistent cookies, no push service);
- every request whose scheme is not ``data``, ``blob`` or ``about`` is blocked, by the
  profile and by the page (no network, no local files), and the page may not navigate anywhere
  after its first load; DNS prefetch, hyperlink auditing, favicons, plugins, PDF and screen
  capture are off;
- what does not go through those requests is stopped in Chromium itself
  (:data:`NETWORK_LOCKDOWN_FLAGS`): WebRTC may not use UDP outside a proxy (a STUN request
  to any host was possible), every connection goes through a proxy at a dead address —
  loopback included, which Chromium otherwise exempts (``<link rel=preconnect>``, WebRTC's
  TCP), and no host name resolves;
- JavaScript runs (plotly needs it) but may not open windows or touch the clipboard.

tests/ui/web_engine_probe.py proves it: a page trying fetch, WebSocket, an image, a beacon,
preconnect and RTCPeerConnection with STUN and TURN servers at loopback listeners, which
receive nothing.

Two platform details, both handled here:

- Chromium refuses to start as root without ``--no-sandbox`` (its sandbox needs an unprivileged
  user), so for root only we add ``--no-sandbox --disable-gpu`` to
  ``QTWEBENGINE_CHROMIUM_FLAGS`` before QtWebEngine is first imported (Chromium reads it once,
  at start-up, as it does the lock-down flags).
- QtWebEngine wants ``Qt.AA_ShareOpenGLContexts`` set before the QApplication exists (GPU
  compositing shares textures with Qt's GL context). :func:`prepare_web_engine` does that when
  called early; when the application was created without it, we ask Chromium for software
  compositing (``--disable-gpu``), which needs no shared context, instead of failing.
"""

from __future__ import annotations

import functools
import json
import os
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QUrl, Signal
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

#: The height plotly gives a figure that names none.
CHART_HEIGHT = 460
#: URL schemes a chart page may load: inline content only.
ALLOWED_SCHEMES = frozenset({"data", "blob", "about"})
#: Blocked URLs kept per chart (for tests and diagnostics; nothing is logged).
MAX_RECORDED_BLOCKS = 100
#: Chromium switches that stop what request interception cannot see (see the module docstring).
#: Appended after the user's own QTWEBENGINE_CHROMIUM_FLAGS, so they win.
NETWORK_LOCKDOWN_FLAGS = (
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--proxy-server=http://127.0.0.1:1",
    "--proxy-bypass-list=<-loopback>",
    '--host-resolver-rules="MAP * ~NOTFOUND"',
)

_SHELL = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0"></body></html>'
)

_available: bool | None = None
_reason: str | None = None
_profile: QObject | None = None  # the QWebEngineProfile all charts share


def _add_chromium_flag(flag: str) -> None:
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if flag not in flags:
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} {flag}".strip()


def prepare_web_engine() -> None:
    """Set what QtWebEngine needs before start-up; call before the QApplication exists.

    Cheap (imports nothing from QtWebEngine). Later calls, and calls after the application was
    created, only set the Chromium flags; :func:`web_engine_available` calls it too.
    """
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium's sandbox cannot run as root; without this every page's renderer dies.
        _add_chromium_flag("--no-sandbox")
        _add_chromium_flag("--disable-gpu")
    for flag in NETWORK_LOCKDOWN_FLAGS:
        _add_chromium_flag(flag)
    if QCoreApplication.instance() is None:
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    elif not QCoreApplication.testAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts):
        # Too late to share GL contexts: software compositing needs none.
        _add_chromium_flag("--disable-gpu")


def is_inline(url: QUrl) -> bool:
    """Whether a chart page may load ``url``: inline content only, never the network or files."""
    return url.scheme().lower() in ALLOWED_SCHEMES


def web_engine_available() -> bool:
    """Whether interactive charts can be shown (QtWebEngine imports and a profile starts).

    Decided once per process; before a QApplication exists the answer is False and not kept.
    """
    global _available, _reason, _profile
    if _available is not None:
        return _available
    if QCoreApplication.instance() is None:
        _reason = "no QApplication yet"
        return False
    prepare_web_engine()
    try:
        # PySide6-Addons is optional (its .pyi stubs ship with Essentials, so mypy always sees it).
        from PySide6.QtWebEngineCore import (
            QWebEngineProfile,
        )
        from PySide6.QtWebEngineWidgets import (
            QWebEngineView,  # noqa: F401 - the widget must load too
        )
    except ImportError as exc:
        _available, _reason = False, f"QtWebEngine is not installed ({exc})"
        return False
    try:
        profile = QWebEngineProfile(QCoreApplication.instance())  # no storage name: off the record
        profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
        profile.setPersistentCookiesPolicy(
            QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies
        )
        profile.setPushServiceEnabled(False)
        profile.setSpellCheckEnabled(False)
        profile.setUrlRequestInterceptor(_web_classes()[0](profile))
        if not profile.isOffTheRecord():
            raise RuntimeError("the chart profile is not off the record")
    except Exception as exc:  # a broken install or platform: the static image still shows
        _available, _reason = False, f"QtWebEngine could not start ({exc})"
        return False
    _profile = profile
    _available, _reason = True, None
    app = QCoreApplication.instance()
    assert app is not None
    app.aboutToQuit.connect(_on_about_to_quit)
    return True


def _on_about_to_quit() -> None:
    """QtWebEngine shuts down with the application's first ``exit()``: no charts after it.

    (It does not survive a second ``exit()`` either — a segfault inside Qt — so a process that
    runs its event loop more than once, like qasync's ``run_until_complete`` in tests, must
    not start it before the last one.)
    """
    global _available, _reason
    _available, _reason = False, "QtWebEngine shut down with the application"


def web_engine_unavailable_reason() -> str | None:
    """Why :func:`web_engine_available` said False (None when it is available or not asked)."""
    return _reason


def chart_settings(attribute: Any) -> dict[Any, bool]:
    """What a chart page may do (``attribute`` is ``QWebEngineSettings.WebAttribute``)."""
    return {
        attribute.JavascriptEnabled: True,  # plotly draws with it
        attribute.LocalContentCanAccessRemoteUrls: False,
        attribute.LocalContentCanAccessFileUrls: False,
        attribute.JavascriptCanOpenWindows: False,
        attribute.JavascriptCanAccessClipboard: False,
        attribute.JavascriptCanPaste: False,
        attribute.PluginsEnabled: False,
        attribute.PdfViewerEnabled: False,
        attribute.LocalStorageEnabled: False,
        attribute.ErrorPageEnabled: False,
        attribute.DnsPrefetchEnabled: False,
        attribute.HyperlinkAuditingEnabled: False,
        attribute.AutoLoadIconsForPage: False,
        attribute.NavigateOnDropEnabled: False,
        attribute.AllowRunningInsecureContent: False,
        attribute.AllowGeolocationOnInsecureOrigins: False,
        attribute.ScreenCaptureEnabled: False,
        attribute.WebRTCPublicInterfacesOnly: True,
    }


def _wrap(fragment: str) -> str:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
        f'<body style="margin:0">{fragment}</body></html>'
    )


class WebChartOutput(QWidget):
    """One interactive chart (``application/vnd.plotly.v1+html``) in a locked-down web view.

    ``setHtml`` cannot take more than 2 MB (it becomes a ``data:`` URL) and a plotly fragment
    is about 5 MB, so an empty page is loaded with ``setHtml(shell, about:blank)`` and the
    chart is written into it with ``document.write`` once that page has loaded.
    :attr:`chart_loaded` says whether that worked.
    """

    chart_loaded = Signal(bool)

    def __init__(self, html: str, parent: QWidget | None = None) -> None:
        if not web_engine_available():
            raise RuntimeError(f"QtWebEngine is unavailable: {web_engine_unavailable_reason()}")
        from PySide6.QtWebEngineCore import (
            QWebEngineSettings,
        )
        from PySide6.QtWebEngineWidgets import (
            QWebEngineView,
        )

        super().__init__(parent)
        self._html = _wrap(html)
        self._written = False
        self.view = QWebEngineView(self)
        interceptor_class, page_class = _web_classes()
        self.interceptor = interceptor_class(self)
        assert _profile is not None
        self.page = page_class(_profile, self.view)
        self.page.setUrlRequestInterceptor(self.interceptor)
        settings = self.page.settings()
        for name, on in chart_settings(QWebEngineSettings.WebAttribute).items():
            settings.setAttribute(name, on)
        self.view.setPage(self.page)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.page.loadFinished.connect(self._on_shell_loaded)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(1)
        self.setFixedHeight(CHART_HEIGHT)
        self.page.setHtml(_SHELL, QUrl("about:blank"))

    @property
    def blocked_urls(self) -> list[QUrl]:
        """Requests the page tried and was refused (the first :data:`MAX_RECORDED_BLOCKS`)."""
        blocked: list[QUrl] = self.interceptor.blocked_urls
        return blocked

    def is_written(self) -> bool:
        """Whether the chart's HTML is in the page (its inline scripts have run)."""
        return self._written

    def _on_shell_loaded(self, ok: bool) -> None:
        self.page.loadFinished.disconnect(self._on_shell_loaded)
        if not ok:
            self.chart_loaded.emit(False)
            return
        script = f"document.open();document.write({json.dumps(self._html)});document.close();true"
        self.page.runJavaScript(script, 0, self._on_written)

    def _on_written(self, result: Any) -> None:
        self._written = result is True
        self.chart_loaded.emit(self._written)


@functools.cache
def _web_classes() -> tuple[Any, Any]:
    """The QtWebEngine subclasses, defined on first use (the module is optional)."""
    from PySide6.QtWebEngineCore import (
        QWebEnginePage,
        QWebEngineUrlRequestInfo,
        QWebEngineUrlRequestInterceptor,
    )

    class InlineOnlyInterceptor(QWebEngineUrlRequestInterceptor):
        """Blocks every request whose scheme is not inline; records what it blocked."""

        def __init__(self, owner: QObject) -> None:
            super().__init__(owner)
            self.blocked_urls: list[QUrl] = []

        def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
            url = info.requestUrl()
            if is_inline(url):
                return
            info.block(True)
            if len(self.blocked_urls) < MAX_RECORDED_BLOCKS:
                self.blocked_urls.append(QUrl(url))

    class ConfinedPage(QWebEnginePage):
        """A page that refuses every navigation but its first (setHtml's inline shell)."""

        def __init__(self, profile: Any, owner: QObject) -> None:
            super().__init__(profile, owner)
            self._initial_pending = True

        def acceptNavigationRequest(
            self, url: QUrl | str, type: QWebEnginePage.NavigationType, isMainFrame: bool
        ) -> bool:
            url = QUrl(url)
            # setHtml(shell, about:blank) navigates to a data: URL shown as about:blank.
            if self._initial_pending and isMainFrame and url.scheme() in ("data", "about"):
                self._initial_pending = False
                return True
            return False

    return InlineOnlyInterceptor, ConfinedPage

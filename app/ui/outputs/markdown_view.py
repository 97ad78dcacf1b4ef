"""Read-only rich-text views: a browser that never fetches anything, and the markdown cell view.

:class:`SafeTextBrowser` is the one place that decides which resources rendered HTML or markdown
may load (only inline ``data:`` URLs), so a notebook output or a markdown cell can never make a
network request or read a local file behind the user's back. Both the markdown cell and the
HTML/markdown outputs (:mod:`app.ui.outputs.output_view`) build on it.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeyEvent, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextBrowser, QWidget

from app.outputs.markdown import markdown_to_html
from app.ui.outputs.math_images import math_images
from app.ui.outputs.wheel_chain import pass_wheel_on, scrolls_further
from app.ui.theme.apply import theme_for
from app.ui.theme.fonts import monospace_font

#: Link schemes a click may hand to the desktop (browser, mail client); anything else is ignored.
OPENABLE_SCHEMES = frozenset({"http", "https", "mailto"})

EMPTY_MARKDOWN_PLACEHOLDER = "Empty markdown cell — double-click to edit"


class SafeTextBrowser(QTextBrowser):
    """A read-only text browser that loads no remote or local resources and grows with its text.

    Responsibilities:
    - resources: only ``data:`` URLs are decoded; every other URL (http, https, file, relative
      paths) gets an empty answer, so Qt shows a broken-image box instead of fetching. Blocked
      URLs are recorded in :attr:`blocked_urls` (for tests and a future "load images" button).
    - links: nothing navigates inside the view; a click on an http(s)/mailto link opens the
      desktop's handler, and only on an explicit click.
    - height: the widget is as tall as its document (no inner scrollbar) up to ``max_height``
      pixels, then scrolls; ``max_height=None`` means always as tall as the document.
    """

    def __init__(self, parent: QWidget | None = None, *, max_height: int | None = None) -> None:
        super().__init__(parent)
        self._max_height = max_height
        self.blocked_urls: list[QUrl] = []
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setReadOnly(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.anchorClicked.connect(self._open_link)
        self._style_code()
        layout = self.document().documentLayout()
        layout.documentSizeChanged.connect(self._fit_height)
        self._fit_height()

    def _style_code(self) -> None:
        """Inline code (in lists and tables too) and code blocks in the app's code font;
        inline code on a tint, so it stands out in prose as JupyterLab's does; prose a little
        more open than Qt's single spacing."""
        family = monospace_font().family()
        tint = theme_for(self.palette()).chip_bg
        self.document().setDefaultStyleSheet(
            f"code, pre, tt {{ font-family: '{family}'; }} "
            f"code, pre {{ background-color: {tint}; }} p, li {{ line-height: 135%; }}"
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._style_code()  # before a subclass renders again in the new theme
        super().changeEvent(event)

    def wheelEvent(self, e: QWheelEvent) -> None:
        """Scroll inside a tall output while there is more this way, else the notebook."""
        if scrolls_further(self, e):
            super().wheelEvent(e)
        else:
            pass_wheel_on(self, e)

    # -- resources ----------------------------------------------------------------------------

    def loadResource(self, type: int, name: QUrl | str) -> Any:
        """Only inline ``data:`` URLs load (Qt decodes them when this returns None); everything
        else gets an empty byte array, which also stops QTextDocument's local-file fallback."""
        url = QUrl(name) if isinstance(name, str) else name
        if url.scheme().lower() == "data":
            return None
        if url not in self.blocked_urls:
            self.blocked_urls.append(url)
        return QByteArray()

    def _open_link(self, url: QUrl) -> None:
        if url.scheme().lower() in OPENABLE_SCHEMES:
            QDesktopServices.openUrl(url)

    # -- height -------------------------------------------------------------------------------

    def document_height(self) -> int:
        """Pixels the whole document needs at the current width, frame included."""
        doc_height = math.ceil(self.document().size().height())
        margins = self.contentsMargins()
        viewport_margins = self.viewportMargins()
        extra = margins.top() + margins.bottom() + viewport_margins.top()
        extra += viewport_margins.bottom()
        if self.document().idealWidth() > self.viewport().width() + 1:
            extra += self.horizontalScrollBar().sizeHint().height()
        return max(doc_height + extra, self.fontMetrics().height())

    def _fit_height(self, *_args: object) -> None:
        wanted = self.document_height()
        capped = self._max_height is not None and wanted > self._max_height
        height = self._max_height if capped and self._max_height is not None else wanted
        policy = (
            Qt.ScrollBarPolicy.ScrollBarAsNeeded
            if capped
            else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        if self.verticalScrollBarPolicy() != policy:
            self.setVerticalScrollBarPolicy(policy)
        if self.height() != height or self.minimumHeight() != height:
            self.setFixedHeight(height)

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.height())


class MarkdownView(SafeTextBrowser):
    """A rendered markdown cell. Read-only: editing happens in the editor the caller swaps in
    when :attr:`edit_requested` fires (double-click, or Enter while the view has focus)."""

    edit_requested = Signal()
    """The user asked to edit the markdown source (double-click or Enter)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # Qt paints the placeholder in the palette's muted PlaceholderText colour when the
        # document is empty, so an empty cell is visible and says how to fill it.
        self.setPlaceholderText(EMPTY_MARKDOWN_PLACEHOLDER)
        self._markdown = ""
        # Prose shows the page (or the card, when one is drawn) through it: no white box.
        self.viewport().setAutoFillBackground(False)

    def set_markdown(self, text: str) -> None:
        """Render ``text`` as markdown outputs are (CommonMark, tables, ``$…$`` and ``$$…$$``
        math drawn in the text colour); blank text leaves the document empty so the
        placeholder shows."""
        self._markdown = text
        if text.strip():
            self.setHtml(markdown_to_html(text, math_images(self.palette())))
        else:
            self.clear()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._markdown.strip():
            self.set_markdown(self._markdown)  # math is drawn in the theme's text colour

    def markdown(self) -> str:
        """The source last given to :meth:`set_markdown`."""
        return self._markdown

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            event.accept()
            self.edit_requested.emit()
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            self.edit_requested.emit()
            return
        super().keyPressEvent(event)

"""Rich output widgets: rendered HTML and markdown, raster images and SVG at their logical
size (scaled down to fit, never up), all of it inert (nothing is fetched or run)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPixmap, QResizeEvent
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.ui.outputs.markdown_view import SafeTextBrowser
from app.ui.outputs.text_output import MAX_PIECE_HEIGHT


class HtmlOutput(SafeTextBrowser):
    """A ``text/markdown`` or ``text/html`` output (markdown arrives as sanitised HTML, math
    drawn): rendered, no scripts, nothing fetched."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, max_height=MAX_PIECE_HEIGHT)


class _Picture(QWidget):
    """A picture at its natural size in device-independent pixels, scaled down (keeping its
    aspect ratio) when the output area is narrower. The scaled rendering is cached."""

    def __init__(self, natural: QSize, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if natural.width() <= 0 or natural.height() <= 0:
            natural = QSize(300, 150)  # the size browsers give an SVG that names none
        self._natural = natural
        self._cache: QPixmap | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(1)
        self.setToolTip(f"{natural.width()}\N{MULTIPLICATION SIGN}{natural.height()} px")
        self.setFixedHeight(natural.height())

    def natural_size(self) -> QSize:
        """The picture's own size in device-independent pixels."""
        return QSize(self._natural)

    def display_size(self, width: int) -> QSize:
        """The size drawn when ``width`` pixels are available (never larger than natural)."""
        if width >= self._natural.width() or width <= 0:
            return QSize(self._natural)
        height = max(1, round(self._natural.height() * width / self._natural.width()))
        return QSize(width, height)

    def sizeHint(self) -> QSize:
        return QSize(self._natural)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        height = self.display_size(event.size().width()).height()
        if height != self.height() or height != self.minimumHeight():
            self.setFixedHeight(height)

    def paintEvent(self, event: QPaintEvent) -> None:
        size = self.display_size(self.width())
        ratio = self.devicePixelRatioF()
        cache = self._cache
        if cache is None or cache.deviceIndependentSize().toSize() != size:
            cache = self._render(size, ratio)
            self._cache = cache
        painter = QPainter(self)
        painter.drawPixmap(0, 0, cache)
        painter.end()

    def _render(self, size: QSize, ratio: float) -> QPixmap:
        raise NotImplementedError


class ImageOutput(_Picture):
    """A PNG, JPEG or GIF output (first frame of a GIF)."""

    def __init__(
        self, pixmap: QPixmap, parent: QWidget | None = None, logical: QSize | None = None
    ) -> None:
        """``logical``: the size to show it at (a 2× figure shows at half its pixels, sharp)."""
        self.pixmap = pixmap
        super().__init__(logical if logical is not None else pixmap.size(), parent)

    def _render(self, size: QSize, ratio: float) -> QPixmap:
        scaled = self.pixmap.scaled(
            size * ratio,
            Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        scaled.setDevicePixelRatio(ratio)
        return scaled


class SvgOutput(_Picture):
    """An ``image/svg+xml`` output, rendered by QtSvg at the displayed size (stays sharp)."""

    def __init__(self, renderer: QSvgRenderer, parent: QWidget | None = None) -> None:
        self.renderer = renderer
        super().__init__(renderer.defaultSize(), parent)
        renderer.setParent(self)

    def _render(self, size: QSize, ratio: float) -> QPixmap:
        pixmap = QPixmap(size * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.renderer.render(painter, QRectF(0, 0, size.width(), size.height()))
        painter.end()
        return pixmap

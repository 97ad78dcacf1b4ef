"""Dependencies panel: the notebook's cells as a layered diagram (boxes with their status
colour, arrows labelled with the names they carry, cycles and double definitions in the error
colour); the selected cell is outlined and kept in view; clicking a box jumps to the cell."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QWidget,
)

from app.coordinator.view import NotebookState
from app.core.graph import Graph
from app.core.state import Status
from app.ui.cells.card_chrome import STATUS_WORDS
from app.ui.panels.graph_layout import NODE_H, NODE_W, GraphLayout, layout_graph
from app.ui.tasks import spawn
from app.ui.theme.apply import theme_for
from app.ui.theme.palettes import Theme

CELL_KEY = 0
#: The smallest zoom used to fit a diagram (below it, labels are unreadable: scroll instead).
MIN_ZOOM = 0.6  # QGraphicsItem.data key holding a node's cell id


class DependenciesPanel(QGraphicsView):
    """See the module docstring. :meth:`refresh` after the notebook changed."""

    jump_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dependencies")
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.layout_: GraphLayout | None = None
        self._laid_out_for: tuple[Graph, tuple[str, ...]] | None = None
        self._statuses: dict[str, Status] = {}
        self._selected = ""
        self.node_items: dict[str, QGraphicsPathItem] = {}

    def refresh(self, state: NotebookState, name_cell: Callable[[str], str]) -> None:
        """Lay out again only when the graph or the cells changed; recolour otherwise."""
        cell_ids = tuple(c.id for c in state.notebook.cells if c.kind != "markdown")
        key = (state.graph, cell_ids)
        statuses = {c: state.states[c].status if c in state.states else "idle" for c in cell_ids}
        self._statuses = statuses
        laid_out = self._laid_out_for
        if laid_out is not None and key[1] == laid_out[1] and key[0] is laid_out[0]:
            self._colour_nodes()
            return
        self._laid_out_for = key
        names = {cell_id: name_cell(cell_id) for cell_id in cell_ids}
        spawn(self._lay_out(key, state.graph, list(cell_ids), names))

    async def _lay_out(
        self,
        key: tuple[Graph, tuple[str, ...]],
        graph: Graph,
        cell_ids: list[str],
        names: dict[str, str],
    ) -> None:
        """grandalf is pure Python (a 500-cell chain about 0.13 s, 500 densely linked cells
        0.4-0.7 s; an edit that keeps the links a few ms, see graph_layout.py): it runs in a
        thread so the window stays responsive; a newer request wins."""
        layout = await asyncio.to_thread(layout_graph, graph, cell_ids, names.__getitem__)
        if key is self._laid_out_for:
            self.layout_ = layout
            self._draw()

    def follow(self, cell_id: str) -> None:
        """Outline the selected cell's box and bring it into view."""
        self._selected = cell_id
        self._colour_nodes()
        item = self.node_items.get(cell_id)
        if item is not None:
            self.ensureVisible(item)

    # -- drawing ------------------------------------------------------------------------------
    def _theme(self) -> Theme:
        return theme_for(self.palette())

    def _draw(self) -> None:
        scene = self.scene()
        scene.clear()
        self.node_items = {}
        if self.layout_ is None:
            return
        theme = self._theme()
        muted = QColor(theme.muted)
        label_font = QFont(self.font())
        label_font.setPointSizeF(max(7.0, self.font().pointSizeF() - 1))
        for edge in self.layout_.edges:
            a, b = self.layout_.nodes[edge.source], self.layout_.nodes[edge.target]
            start = QPointF(a.x, a.y + NODE_H / 2)
            end = QPointF(b.x, b.y - NODE_H / 2)
            color = QColor(theme.error_text) if edge.cycle else muted
            path = QPainterPath(start)
            mid_y = (start.y() + end.y()) / 2
            path.cubicTo(QPointF(start.x(), mid_y), QPointF(end.x(), mid_y), end)
            line = scene.addPath(path, QPen(color, 1.2))
            line.setZValue(-1)
            scene.addPolygon(_arrow_head(end), QPen(color), QBrush(color))
            if edge.names:
                text = ", ".join(edge.names[:3]) + (" …" if len(edge.names) > 3 else "")
                label = scene.addSimpleText(text, label_font)
                label.setBrush(color)
                point = path.pointAtPercent(0.5)
                label.setPos(point.x() + 4, point.y() - label.boundingRect().height() / 2)
        for node in self.layout_.nodes.values():
            box = QPainterPath()
            box.addRoundedRect(
                QRectF(node.x - NODE_W / 2, node.y - NODE_H / 2, NODE_W, NODE_H), 5, 5
            )
            item = QGraphicsPathItem(box)
            item.setData(CELL_KEY, node.cell_id)
            item.setCursor(Qt.CursorShape.PointingHandCursor)
            scene.addItem(item)
            caption = QGraphicsSimpleTextItem(_elide(node.label), item)
            caption.setBrush(QColor(theme.text))
            bounds = caption.boundingRect()
            caption.setPos(node.x - bounds.width() / 2, node.y - bounds.height() / 2)
            self.node_items[node.cell_id] = item
        self._colour_nodes()
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-20, -20, 20, 20))
        self._fit()

    def _fit(self) -> None:
        """Show the whole diagram if it fits at a readable zoom (>= MIN_ZOOM), else its top
        left corner, where the notebook's first cells are (centring a diagram wider than the
        view cut the boxes at its left edge in half); the scroll bars reach the rest."""
        self.resetTransform()
        rect = self.scene().sceneRect()
        view = self.viewport().rect()
        zoom = min(1.0, view.width() / max(rect.width(), 1), view.height() / max(rect.height(), 1))
        zoom = max(zoom, MIN_ZOOM)
        self.scale(zoom, zoom)
        shown_width = view.width() / zoom
        x = rect.center().x() if rect.width() <= shown_width else rect.left() + shown_width / 2
        self.centerOn(x, rect.top() + view.height() / zoom / 2)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.layout_ is not None:
            self._fit()

    def _colour_nodes(self) -> None:
        if self.layout_ is None:
            return
        theme = self._theme()
        for cell_id, item in self.node_items.items():
            node = self.layout_.nodes[cell_id]
            status = self._statuses.get(cell_id, "idle")
            border = theme.accent if cell_id == self._selected else theme.status.of(status)
            if node.problem:
                border = theme.error_text
            item.setPen(QPen(QColor(border), 2.5 if cell_id == self._selected else 1.5))
            item.setBrush(QColor(theme.surface))
            words = STATUS_WORDS[status]
            tip = f"{node.label}: {words}"
            if node.problem:
                tip += " — a cycle or a name defined twice"
            item.setToolTip(tip)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        item = self.itemAt(event.position().toPoint())
        while item is not None and item.data(CELL_KEY) is None:
            item = item.parentItem()
        if item is not None and event.button() == Qt.MouseButton.LeftButton:
            self.jump_requested.emit(item.data(CELL_KEY))
            return
        super().mousePressEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._draw()


def _arrow_head(tip: QPointF, size: float = 6.0) -> QPolygonF:
    return QPolygonF(
        [
            tip,
            QPointF(tip.x() - size / 2, tip.y() - size),
            QPointF(tip.x() + size / 2, tip.y() - size),
        ]
    )


def _elide(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

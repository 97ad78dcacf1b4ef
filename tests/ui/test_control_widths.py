"""Controls are drawn as wide as a value needs, at the left of a wide cell (as marimo and
ipywidgets draw them), except the kinds that need the room: a table, a form, a file path."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from PySide6.QtWidgets import QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.core.controls import ControlSpec
from app.ui.outputs.controls import COMPACT_WIDTHS, ControlOutput


class _Sink:
    def control_value(self, spec: ControlSpec) -> Any:
        return spec.value

    async def set_control_value(self, control_id: str, value: Any) -> None:
        return None

    async def set_control_values(self, values: Mapping[str, Any]) -> None:
        return None


@pytest.fixture
def pages(qtbot: QtBot) -> Iterator[list[QWidget]]:
    """The test's pages, alive to its end (qtbot holds its widgets weakly)."""
    kept: list[QWidget] = []
    yield kept
    for page in kept:
        page.close()


def _shown(
    qtbot: QtBot, pages: list[QWidget], spec: ControlSpec, width: int = 1000
) -> ControlOutput:
    page = QWidget()
    pages.append(page)
    qtbot.addWidget(page)
    layout = QVBoxLayout(page)
    out = ControlOutput(spec, _Sink(), page)
    layout.addWidget(out)
    page.resize(width, 120)
    page.show()
    qtbot.waitExposed(page)
    return out


@pytest.mark.parametrize(
    ("kind", "options", "value"),
    [
        ("slider", {"start": 1, "stop": 10, "step": 1, "integer": True}, 3),
        ("dropdown", {"options": [["sine", "sin"], ["cosine", "cos"]]}, "sin"),
        ("number", {"start": 0, "stop": 10, "step": 1}, 2),
    ],
)
def test_a_value_control_is_compact_and_at_the_left(
    qtbot: QtBot, pages: list[QWidget], kind: str, options: dict[str, Any], value: Any
) -> None:
    spec = ControlSpec(id="c1:0", kind=kind, value=value, options=options, label="freq")
    out = _shown(qtbot, pages, spec)
    assert out.editor.width() <= COMPACT_WIDTHS[kind]
    assert out.editor.geometry().right() < out.width() // 2  # at the left, not stretched
    assert out.editor.width() >= min(COMPACT_WIDTHS[kind], 150)  # still easy to use


def test_a_control_in_a_narrow_cell_shrinks_with_it(qtbot: QtBot, pages: list[QWidget]) -> None:
    spec = ControlSpec(
        id="c1:0",
        kind="slider",
        value=3,
        options={"start": 1, "stop": 10, "step": 1, "integer": True},
        label="frequency",
    )
    out = _shown(qtbot, pages, spec, width=300)
    assert out.editor.geometry().right() <= out.width()

"""The worker's control registry in-process: ids per cell, kept values, controls let go."""

from __future__ import annotations

import gc
import weakref

import pytest

from kernel_worker import cascade_api as cs
from kernel_worker.controls import ControlRegistry, registry


@pytest.fixture(autouse=True)
def fresh_registry(monkeypatch: pytest.MonkeyPatch) -> ControlRegistry:
    fresh = ControlRegistry()
    monkeypatch.setattr(registry, "__dict__", fresh.__dict__)
    return registry


def test_a_cells_earlier_controls_are_let_go_when_it_runs_again() -> None:
    registry.begin_cell("c1")
    old = cs.slider(0, 9)
    gone = weakref.ref(old)
    assert registry.set_value("c1:0", 4) is None
    del old
    registry.begin_cell("c1")  # the cell runs again and creates no control this time
    gc.collect()
    assert gone() is None and "c1:0" not in registry.live
    registry.begin_cell("c1")
    assert cs.slider(0, 9).value == 4  # created again with the same arguments: the value stays


def test_ids_follow_the_order_of_creation_within_each_cell() -> None:
    registry.begin_cell("a")
    first, second = cs.text("x"), cs.checkbox()
    registry.begin_cell("b")
    third = cs.button("Go")
    assert (first.id, second.id, third.id) == ("a:0", "a:1", "b:0")
    assert (
        registry.set_value("a:1", "yes") == "checkbox a:1: a checkbox is True or False, not 'yes'"
    )

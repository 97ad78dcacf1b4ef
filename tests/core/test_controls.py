"""Controls as the app reads them: the MIME payload, where a control is shown, and values
typed as text (``--set``) checked against the control."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.core.controls import (
    ControlSpec,
    ControlValueError,
    controls_by_name,
    find_control,
    parse_value,
)
from app.core.mime import CONTROL_MIME
from app.core.state import CellRunState, RichOutput, StreamText


def spec(kind: str, options: dict[str, Any], value: Any = None, **more: Any) -> ControlSpec:
    return ControlSpec(id="c1:0", kind=kind, value=value, options=options, **more)


SLIDER = {"start": 0, "stop": 10, "step": 1, "integer": True}


def shown(*payloads: dict[str, Any]) -> CellRunState:
    outputs = [StreamText("stdout", "hi\n")]
    outputs += [RichOutput({CONTROL_MIME: json.dumps(p), "text/plain": "x"}) for p in payloads]
    return CellRunState(status="success", outputs=tuple(outputs))


def test_controls_are_found_by_id_and_by_variable_name() -> None:
    states = {
        "c1": shown(
            {"id": "c1:0", "kind": "slider", "value": 3, "names": ["n"], "options": SLIDER},
            {"id": "c1:1", "kind": "text", "value": "Oslo", "names": ["city", "town"]},
        ),
        "c2": CellRunState(outputs=(RichOutput({CONTROL_MIME: "not json"}),)),
    }
    found = find_control(states, "c1:1")
    assert found is not None and found.value == "Oslo" and found.cell_id == "c1"
    assert find_control(states, "c9:0") is None
    assert sorted(controls_by_name(states)) == ["city", "n", "town"]
    assert controls_by_name(states)["n"].options["stop"] == 10


@pytest.mark.parametrize(
    ("control", "text", "wire"),
    [
        (spec("slider", SLIDER), "7", 7),
        (spec("slider", {"start": 0.0, "stop": 1.0, "integer": False}), "0.25", 0.25),
        (spec("number", {"start": None, "stop": None, "integer": True}), "-40", -40),
        (spec("checkbox", {}), "true", True),
        (spec("switch", {}), "off", False),
        (spec("dropdown", {"options": ["Oslo", "Lima"]}), "Lima", "Lima"),
        (spec("multiselect", {"options": ["a", "b", "c"]}), "c, a", ["c", "a"]),
        (spec("date", {"start": None, "stop": None}), "2024-03-01", "2024-03-01"),
        (spec("date_range", {}), "2024-01-01..2024-02-01", ["2024-01-01", "2024-02-01"]),
        (spec("button", {}), "3", 3),
        (spec("text", {}), "any words", "any words"),
        (spec("table", {"selection": "multi", "table": {"rows": 9}}), "5, 1", [1, 5]),
    ],
)
def test_text_values_become_wire_values(control: ControlSpec, text: str, wire: Any) -> None:
    assert parse_value(control, text) == wire


@pytest.mark.parametrize(
    ("control", "text", "message"),
    [
        (spec("slider", SLIDER), "11", "outside 0..10"),
        (spec("slider", SLIDER), "2.5", "not a whole number"),
        (spec("slider", SLIDER), "many", "not a number"),
        (spec("checkbox", {}), "maybe", "not on/off"),
        (spec("dropdown", {"options": ["Oslo", "Lima"]}), "Rome", "not one of Oslo, Lima"),
        (spec("date", {"start": "2024-01-01", "stop": None}), "2023-12-31", "outside"),
        (spec("date", {}), "tomorrow", "not a date"),
        (spec("date_range", {}), "2024-02-01..2024-01-01", "ends before it starts"),
        (spec("button", {}), "-1", ">= 0"),
        (spec("table", {"selection": "multi", "table": {"rows": 3}}), "3", "within 0..2"),
        (spec("table", {"selection": "single", "table": {"rows": 3}}), "0,1", "a single row"),
    ],
)
def test_invalid_text_values_say_why(control: ControlSpec, text: str, message: str) -> None:
    with pytest.raises(ControlValueError, match=message):
        parse_value(control, text)


def test_values_read_as_words() -> None:
    assert spec("checkbox", {}, True).describe_value() == "on"
    assert spec("button", {}, 1).describe_value() == "clicked 1 time"
    assert spec("date_range", {}, ["2024-01-01", "2024-01-02"]).describe_value() == (
        "2024-01-01 – 2024-01-02"
    )
    assert spec("slider", SLIDER, 3).describe_value(5) == "5"


def test_controls_inside_a_stack_are_found_and_the_groups_name_means_the_group() -> None:
    child = {"id": "c1:0", "kind": "slider", "value": 1, "names": ["row", "x"], "options": SLIDER}
    group = {"id": "c1:1", "kind": "stack", "value": None, "names": ["row"], "children": [child]}
    states = {"c1": shown(group)}
    found = find_control(states, "c1:0")
    assert found is not None and found.value == 1
    assert controls_by_name(states)["row"].kind == "stack"
    assert controls_by_name(states)["x"].id == "c1:0"
    with pytest.raises(ControlValueError, match="cannot be set from the command line"):
        parse_value(controls_by_name(states)["row"], "3")


def test_a_control_shown_by_another_cell_is_found_there() -> None:
    payload = {"id": "c1:0", "kind": "slider", "value": 2, "names": ["n"], "options": SLIDER}
    states = {"c1": CellRunState(status="success"), "c2": shown(payload)}
    found = find_control(states, "c1:0")
    assert found is not None and found.cell_id == "c1" and found.value == 2

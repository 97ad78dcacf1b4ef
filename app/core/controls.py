"""Reactive controls as the app sees them: the control MIME type's JSON as a value, where a
control is shown, and a value typed as text (``cascade run --set n=20``) checked against it.

The kernel owns a control's value (:mod:`kernel_worker.cascade_api`); the app reads what the
worker displayed, and checks a value before it sends one so that bad input gets a clear
message here instead of a warning from the worker (docs/SEMANTICS.md §8).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

from app.core.mime import CONTROL_MIME
from app.core.record import Record, replace
from app.core.state import CellRunState, Output, RichOutput


class ControlValueError(ValueError):
    """A value a control cannot take; the message says why, for a person."""


class ControlSpec(Record):
    """One displayed control: ``id`` stays the same across runs of its cell, ``instance`` is
    new each time the control is created, ``value`` is in wire form (JSON), ``names`` are the
    variables holding it."""

    id: str
    kind: str
    value: Any
    instance: int = 0
    label: str = ""
    disabled: bool = False
    debounce: bool = False
    options: Mapping[str, Any] = MappingProxyType({})
    names: tuple[str, ...] = ()
    #: The controls of a stack or form (kind "stack" / "form"), shown inside it.
    children: tuple[ControlSpec, ...] = ()

    @property
    def cell_id(self) -> str:
        return self.id.rsplit(":", 1)[0]

    @classmethod
    def from_json(cls, data: str) -> ControlSpec:
        """The control a MIME payload describes; ValueError when it is not one."""
        return cls.from_dict(json.loads(data))

    @classmethod
    def from_dict(cls, raw: Any) -> ControlSpec:
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            raise ValueError("a control needs an id")
        options = raw.get("options")
        names = raw.get("names")
        children = raw.get("children")
        return cls(
            id=raw["id"],
            kind=str(raw.get("kind", "")),
            value=raw.get("value"),
            instance=int(raw.get("instance", 0)),
            label=str(raw.get("label", "")),
            disabled=bool(raw.get("disabled", False)),
            debounce=bool(raw.get("debounce", False)),
            options=options if isinstance(options, dict) else {},
            names=tuple(str(n) for n in names) if isinstance(names, list) else (),
            children=tuple(map(cls.from_dict, children)) if isinstance(children, list) else (),
        )

    def walk(self) -> Iterator[ControlSpec]:
        """This control and every control inside it."""
        yield self
        for child in self.children:
            yield from child.walk()

    def describe_value(self, value: Any = None) -> str:
        """The value as a person reads it (exports, the terminal)."""
        wire = self.value if value is None else value
        if self.kind in ("checkbox", "switch"):
            return "on" if wire else "off"
        if self.kind == "button":
            return f"clicked {wire} time{'s' if wire != 1 else ''}"
        if self.children:
            return "; ".join(
                f"{child.label or child.kind}: {child.describe_value()}" for child in self.children
            )
        if self.kind == "table":
            return f"rows {', '.join(map(str, wire))} selected" if wire else "no rows selected"
        if isinstance(wire, list):
            return " – ".join(map(str, wire)) if self.kind == "date_range" else ", ".join(wire)
        return "" if wire is None else str(wire)


def shown_controls(states: Mapping[str, CellRunState]) -> Iterator[ControlSpec]:
    """Every control the cells' current outputs show."""
    for state in states.values():
        for output in state.outputs:
            if isinstance(output, RichOutput) and CONTROL_MIME in output.data:
                try:
                    shown = ControlSpec.from_json(output.data[CONTROL_MIME])
                except (ValueError, TypeError):
                    continue  # malformed: it is not drawn either
                yield from shown.walk()


def find_control(states: Mapping[str, CellRunState], control_id: str) -> ControlSpec | None:
    """The control ``control_id`` as it is shown: under the cell that created it, or else
    under a cell that displays it (``n`` as the last expression of another cell)."""
    cell_id = control_id.rsplit(":", 1)[0]
    owner = {cell_id: states[cell_id]} if cell_id in states else {}
    for scope in (owner, states):
        for spec in shown_controls(scope):
            if spec.id == control_id:
                return spec
    return None


def controls_by_name(states: Mapping[str, CellRunState]) -> dict[str, ControlSpec]:
    """Shown controls by the names of the variables that hold them (a stack's or form's
    name stands for the group, not for the controls inside it)."""
    found: dict[str, ControlSpec] = {}
    for spec in shown_controls(states):
        for name in spec.names:
            if name not in found or spec.children:
                found[name] = spec
    return found


# -- values typed as text -----------------------------------------------------------------------

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def parse_value(spec: ControlSpec, text: str) -> Any:
    """``text`` as a wire value of ``spec`` (``--set n=20``); ControlValueError says why not."""
    kind, options = spec.kind, spec.options
    if kind in ("slider", "number"):
        return _number(text, options)
    if kind in ("checkbox", "switch"):
        lowered = text.strip().lower()
        if lowered in _TRUE | _FALSE:
            return lowered in _TRUE
        raise ControlValueError(f"{text!r} is not on/off (use true or false)")
    if kind in ("dropdown", "radio"):
        return _choice(text, options)
    if kind == "multiselect":
        return [_choice(part.strip(), options) for part in text.split(",") if part.strip()]
    if kind == "date":
        return _date(text, options)
    if kind == "date_range":
        parts = text.split("..")
        if len(parts) != 2:
            raise ControlValueError(f"{text!r} is not a date range (FIRST..LAST)")
        first, last = (_date(part.strip(), options) for part in parts)
        if last < first:
            raise ControlValueError(f"the range {text!r} ends before it starts")
        return [first, last]
    if kind == "button":
        try:
            count = int(text)
        except ValueError:
            raise ControlValueError(f"{text!r} is not a click count") from None
        if count < 0:
            raise ControlValueError("a click count is >= 0")
        return count
    if kind in ("text", "text_area", "file"):
        return text
    if kind == "table":
        try:
            rows = [int(part) for part in text.split(",") if part.strip()]
        except ValueError:
            raise ControlValueError(f"{text!r} is not row positions (like 0,2,5)") from None
        count = int((options.get("table") or {}).get("rows", 0))
        if any(not 0 <= row < count for row in rows):
            raise ControlValueError(f"row positions must be within 0..{count - 1}")
        if options.get("selection") == "single" and len(rows) > 1:
            raise ControlValueError("this table selects a single row")
        return sorted(set(rows))
    raise ControlValueError(f"a {kind or 'control'} cannot be set from the command line")


def _number(text: str, options: Mapping[str, Any]) -> int | float:
    try:
        value = float(text)
    except ValueError:
        raise ControlValueError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise ControlValueError(f"{text!r} is not a finite number")
    start, stop = options.get("start"), options.get("stop")
    if (start is not None and value < start) or (stop is not None and value > stop):
        raise ControlValueError(f"{text} is outside {start}..{stop}")
    if options.get("integer"):
        if value != int(value):
            raise ControlValueError(f"{text} is not a whole number")
        return int(value)
    return value


def _choice(text: str, options: Mapping[str, Any]) -> str:
    labels = [str(label) for label in options.get("options", ())]
    if text not in labels:
        raise ControlValueError(f"{text!r} is not one of {', '.join(labels) or 'no options'}")
    return text


def _date(text: str, options: Mapping[str, Any]) -> str:
    import datetime as dt  # a date control's --set only: not on every run's path

    try:
        iso = dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise ControlValueError(f"{text!r} is not a date (YYYY-MM-DD)") from None
    start, stop = options.get("start"), options.get("stop")
    if (start and iso < start) or (stop and iso > stop):
        raise ControlValueError(f"{iso} is outside {start or '…'}..{stop or '…'}")
    return iso


def resolve_settings(
    states: Mapping[str, CellRunState], settings: Mapping[str, str]
) -> dict[str, Any]:
    """``--set name=text`` settings as control id -> wire value, checked against the controls
    the run showed; ControlValueError names the setting at fault and what would be valid."""
    by_name = controls_by_name(states)
    resolved: dict[str, Any] = {}
    for name, text in settings.items():
        spec = by_name.get(name)
        if spec is None:
            known = ", ".join(sorted(by_name)) or "none"
            raise ControlValueError(
                f"--set {name}: no control is held by `{name}` (controls: {known})"
            )
        try:
            resolved[spec.id] = parse_value(spec, text)
        except ControlValueError as exc:
            raise ControlValueError(f"--set {name}={text}: {exc}") from None
    return resolved


def with_values(
    states: Mapping[str, CellRunState], values: Mapping[tuple[str, int], Any]
) -> dict[str, CellRunState]:
    """``states`` with every shown control at the value the user set it to since its cell ran
    (``values``: (control id, instance) -> wire value), for exports of what is on screen."""
    if not values:
        return dict(states)

    def patch(raw: Any) -> Any:
        if isinstance(raw, dict):
            key = (raw.get("id"), raw.get("instance", 0))
            if key in values:
                raw = {**raw, "value": values[key]}  # type: ignore[index]
            if isinstance(raw.get("children"), list):
                raw = {**raw, "children": [patch(child) for child in raw["children"]]}
        return raw

    result: dict[str, CellRunState] = {}
    for cell_id, state in states.items():
        outputs: list[Output] = []
        for output in state.outputs:
            if isinstance(output, RichOutput) and CONTROL_MIME in output.data:
                try:
                    raw = patch(json.loads(output.data[CONTROL_MIME]))
                    spec = ControlSpec.from_dict(raw)
                except (ValueError, TypeError):
                    outputs.append(output)
                    continue
                title = f"{spec.label}: " if spec.label else ""
                data = {
                    **output.data,
                    CONTROL_MIME: json.dumps(raw, ensure_ascii=False),
                    "text/plain": f"{title}{spec.describe_value()} ({spec.kind})",
                }
                outputs.append(RichOutput(data))
            else:
                outputs.append(output)
        result[cell_id] = replace(state, outputs=tuple(outputs))
    return result

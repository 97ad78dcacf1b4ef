"""Reactive controls for Cascade notebooks: ``import cascade as cs``.

A control's ``.value`` is what the user chose. Show the control (make it the cell's last
expression, or ``display`` it) and Cascade draws a native widget under the cell; when the user
changes it, the cells that read the variable holding the control run again — no callbacks::

    # cell 1
    import cascade as cs
    n = cs.slider(1, 100, value=20, label="points")
    n

    # cell 2 — runs again whenever the slider moves
    import matplotlib.pyplot as plt
    plt.plot(range(n.value))

The rules (docs/SEMANTICS.md §8): a control belongs to the cell that created it; when that cell
runs again with the same arguments the control keeps the user's value, else it starts from its
new default; values are never written into the notebook file. ``cascade run NB.py --set n=50``
sets a control by the name of its variable.
"""

from __future__ import annotations

import datetime as _dt
import json as _json
import math as _math
import sys as _sys
from collections.abc import Mapping as _Mapping
from collections.abc import Sequence as _Sequence
from contextlib import suppress as _suppress
from typing import Any, ClassVar

from kernel_worker.controls import registry as _registry
from kernel_worker.protocol import CONTROL_MIME as _CONTROL_MIME

__all__ = [
    "Button",
    "Checkbox",
    "Control",
    "Date",
    "DateRange",
    "Dropdown",
    "File",
    "Form",
    "Multiselect",
    "Number",
    "Radio",
    "Slider",
    "Stack",
    "Switch",
    "Table",
    "Text",
    "TextArea",
    "button",
    "checkbox",
    "date",
    "date_range",
    "dropdown",
    "file",
    "form",
    "hstack",
    "multiselect",
    "number",
    "radio",
    "slider",
    "switch",
    "table",
    "text",
    "text_area",
    "vstack",
]


class Control:
    """A value the user sets with a widget. Read it with ``.value``.

    ``id``: the control's identity (its cell and its place among the cell's controls);
    ``label``: shown beside the widget; ``disabled``: shown but not changeable; ``debounce``:
    the value changes only when the user is done (the slider released, Enter pressed) rather
    than continuously.
    """

    kind: ClassVar[str] = ""

    def __init__(
        self,
        default: Any,
        options: dict[str, Any],
        *,
        label: str = "",
        disabled: bool = False,
        debounce: bool = False,
    ) -> None:
        self.label = str(label)
        self.disabled = bool(disabled)
        #: Stacks and forms this control was put in (their variables read it too).
        self._containers: list[Control] = []
        self.debounce = bool(debounce)
        self._options = options
        self._default = self._check(default)
        self._wire = self._default
        self.id, self.instance, kept = _registry.register(self)
        if kept is not None:
            with _suppress(TypeError, ValueError):  # no longer valid: the default rules
                self._wire = self._check(kept)

    # -- the value ---------------------------------------------------------------------------
    @property
    def value(self) -> Any:
        """The current value (the user's choice, or the default)."""
        return self._from_wire(self._wire)

    def _check(self, raw: Any) -> Any:
        """``raw`` as this control's wire value (JSON); ValueError/TypeError if invalid."""
        raise NotImplementedError

    def _from_wire(self, wire: Any) -> Any:
        return wire

    def _set_wire_value(self, raw: Any) -> None:
        self._wire = self._check(raw)

    def _wire_value(self) -> Any:
        return self._wire

    # -- identity and display ----------------------------------------------------------------
    def signature(self) -> str:
        """The control's arguments: equal signatures keep the user's value across runs."""
        parts = [self.kind, self.label, self.debounce, self._options, self._default]
        return _json.dumps(parts, sort_keys=True, default=str)

    def names(self) -> list[str]:
        """The notebook variables that hold this control, or a stack or form it is in (the
        cells reading them re-run when it changes)."""
        main = _sys.modules.get("__main__")
        namespace = vars(main) if main is not None else {}
        own = {k for k, v in list(namespace.items()) if v is self and k[:1] != "_"}
        for container in self._containers:
            own.update(container.names())
        return sorted(own)

    def spec(self) -> dict[str, Any]:
        """What the window needs to draw the control (the control MIME type's JSON)."""
        return {
            "id": self.id,
            "instance": self.instance,
            "kind": self.kind,
            "label": self.label,
            "disabled": self.disabled,
            "debounce": self.debounce,
            "options": self._options,
            "value": self._wire,
            "names": self.names(),
        }

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {
            _CONTROL_MIME: _json.dumps(self.spec(), ensure_ascii=False, default=str),
            "text/plain": repr(self),
        }

    def __repr__(self) -> str:
        title = f"{self.label}: " if self.label else ""
        return f"{title}{self.value!r} ({self.kind})"


# -- numbers --------------------------------------------------------------------------------------


def _number(raw: Any, what: str) -> float | int:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise TypeError(f"{what} must be a number, not {type(raw).__name__}")
    if isinstance(raw, float) and not _math.isfinite(raw):
        raise ValueError(f"{what} must be finite")
    return raw


def _whole(*values: Any) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) for v in values if v is not None)


class _Numeric(Control):
    def _check(self, raw: Any) -> Any:
        value = _number(raw, "the value")
        start, stop = self._options["start"], self._options["stop"]
        if (start is not None and value < start) or (stop is not None and value > stop):
            low = "-∞" if start is None else start
            high = "∞" if stop is None else stop
            raise ValueError(f"{value} is outside {low}..{high}")
        if self._options["integer"]:
            if value != int(value):
                raise ValueError(f"{value} is not a whole number")
            return int(value)
        return float(value)


class Slider(_Numeric):
    kind = "slider"


class Number(_Numeric):
    kind = "number"


def slider(
    start: float,
    stop: float,
    step: float = 1,
    value: float | None = None,
    *,
    label: str = "",
    disabled: bool = False,
    debounce: bool = False,
) -> Slider:
    """A slider from ``start`` to ``stop`` (inclusive) in steps of ``step``.

    Its value is an ``int`` when ``start``, ``stop`` and ``step`` are whole numbers, else a
    ``float``; it starts at ``value`` (default: ``start``). ``debounce=True``: the value
    changes when the handle is released, not while it is dragged.

    >>> n = cs.slider(0, 100, step=5, value=20, label="rows")
    >>> n.value
    20
    """
    _number(start, "start")
    _number(stop, "stop")
    if _number(step, "step") <= 0 or stop <= start:
        raise ValueError("a slider needs start < stop and step > 0")
    options = {"start": start, "stop": stop, "step": step, "integer": _whole(start, stop, step)}
    default = start if value is None else value
    return Slider(default, options, label=label, disabled=disabled, debounce=debounce)


def number(
    start: float | None = None,
    stop: float | None = None,
    step: float = 1,
    value: float | None = None,
    *,
    label: str = "",
    disabled: bool = False,
    debounce: bool = True,
) -> Number:
    """A number field (with up/down arrows by ``step``), optionally bounded.

    >>> rate = cs.number(0.0, 1.0, step=0.05, value=0.25, label="rate")
    >>> rate.value
    0.25
    """
    if _number(step, "step") <= 0:
        raise ValueError("step must be > 0")
    if start is not None and stop is not None and _number(stop, "stop") < _number(start, "start"):
        raise ValueError("a number field needs start <= stop")
    default = value if value is not None else (start if start is not None else 0)
    integer = _whole(start, stop, step, default)
    options = {"start": start, "stop": stop, "step": step, "integer": integer}
    return Number(default, options, label=label, disabled=disabled, debounce=debounce)


# -- text and booleans ----------------------------------------------------------------------------


class Text(Control):
    kind = "text"

    def _check(self, raw: Any) -> Any:
        if not isinstance(raw, str):
            raise TypeError(f"text must be a str, not {type(raw).__name__}")
        return raw


class TextArea(Text):
    kind = "text_area"


def text(
    value: str = "",
    *,
    placeholder: str = "",
    label: str = "",
    disabled: bool = False,
    debounce: bool = True,
) -> Text:
    """A one-line text field. ``debounce=True`` (default): the value changes when the user
    presses Enter or leaves the field; ``False``: as they type.

    >>> city = cs.text("Oslo", label="city")
    >>> city.value
    'Oslo'
    """
    options = {"placeholder": placeholder}
    return Text(value, options, label=label, disabled=disabled, debounce=debounce)


def text_area(
    value: str = "",
    *,
    placeholder: str = "",
    label: str = "",
    disabled: bool = False,
    debounce: bool = True,
) -> TextArea:
    """A multi-line text field (the value changes when the user leaves it, with debounce).

    >>> notes = cs.text_area("first line\\nsecond line", label="notes")
    """
    options = {"placeholder": placeholder}
    return TextArea(value, options, label=label, disabled=disabled, debounce=debounce)


class Checkbox(Control):
    kind = "checkbox"

    def _check(self, raw: Any) -> Any:
        if not isinstance(raw, bool):
            raise TypeError(f"a {self.kind} is True or False, not {raw!r}")
        return raw


class Switch(Checkbox):
    kind = "switch"


def checkbox(value: bool = False, *, label: str = "", disabled: bool = False) -> Checkbox:
    """A checkbox; its value is ``True`` or ``False``.

    >>> log_scale = cs.checkbox(label="log scale")
    >>> log_scale.value
    False
    """
    return Checkbox(bool(value), {}, label=label, disabled=disabled)


def switch(value: bool = False, *, label: str = "", disabled: bool = False) -> Switch:
    """An on/off switch (a checkbox drawn as a toggle); its value is ``True`` or ``False``.

    >>> live = cs.switch(True, label="live data")
    """
    return Switch(bool(value), {}, label=label, disabled=disabled)


# -- choices --------------------------------------------------------------------------------------


def _choices(options: _Sequence[Any] | _Mapping[str, Any]) -> tuple[list[str], list[Any]]:
    """(labels, values): a mapping is label -> value; a sequence's items are their own values,
    labelled by ``str``."""
    if isinstance(options, _Mapping):
        labels = [str(k) for k in options]
        values = list(options.values())
    elif isinstance(options, str | bytes) or not isinstance(options, _Sequence | set | frozenset):
        raise TypeError("options must be a list of values or a dict of label -> value")
    else:
        values = list(options)
        labels = [str(v) for v in values]
    if len(set(labels)) != len(labels):
        raise ValueError("two options have the same label")
    return labels, values


def _label_of(labels: list[str], values: list[Any], choice: Any) -> str:
    """The label of ``choice``, given as a label or as one of the values."""
    if isinstance(choice, str) and choice in labels:
        return choice
    for label, value in zip(labels, values, strict=True):
        try:
            if value is choice or bool(value == choice):
                return label
        except Exception:  # arrays and frames do not compare to a single truth value
            continue
    raise ValueError(f"{choice!r} is not one of the options")


class _Choice(Control):
    """One of the options; the wire value is the chosen label (or None when there are none)."""

    def __init__(self, labels: list[str], values: list[Any], default: Any, **kwargs: Any) -> None:
        self._values = values
        super().__init__(default, {"options": labels}, **kwargs)

    def _check(self, raw: Any) -> Any:
        labels: list[str] = self._options["options"]
        if raw is None and not labels:
            return None
        if not isinstance(raw, str) or raw not in labels:
            raise ValueError(f"{raw!r} is not one of the options {labels}")
        return raw

    def _from_wire(self, wire: Any) -> Any:
        if wire is None:
            return None
        return self._values[self._options["options"].index(wire)]


class Dropdown(_Choice):
    kind = "dropdown"


class Radio(_Choice):
    kind = "radio"


def _first_choice(
    options: _Sequence[Any] | _Mapping[str, Any], value: Any
) -> tuple[list[str], list[Any], Any]:
    labels, values = _choices(options)
    if value is not None:
        return labels, values, _label_of(labels, values, value)
    return labels, values, (labels[0] if labels else None)


def dropdown(
    options: _Sequence[Any] | _Mapping[str, Any],
    value: Any = None,
    *,
    label: str = "",
    disabled: bool = False,
) -> Dropdown:
    """Pick one of ``options``: a list (each item its own value) or a dict label -> value.
    ``value``: the label or value chosen at first (default: the first option).

    >>> city = cs.dropdown(["Oslo", "Lima", "Pune"], value="Lima", label="city")
    >>> city.value
    'Lima'
    >>> unit = cs.dropdown({"metres": 1.0, "feet": 0.3048}, label="unit")
    >>> unit.value
    1.0
    """
    labels, values, default = _first_choice(options, value)
    return Dropdown(labels, values, default, label=label, disabled=disabled)


def radio(
    options: _Sequence[Any] | _Mapping[str, Any],
    value: Any = None,
    *,
    label: str = "",
    disabled: bool = False,
) -> Radio:
    """Radio buttons: one of ``options`` (list or dict label -> value), like :func:`dropdown`.

    >>> kind = cs.radio(["line", "bar"], label="chart")
    """
    labels, values, default = _first_choice(options, value)
    return Radio(labels, values, default, label=label, disabled=disabled)


class Multiselect(Control):
    """Several of the options; the wire value is the list of chosen labels."""

    kind = "multiselect"

    def __init__(self, labels: list[str], values: list[Any], default: Any, **kwargs: Any) -> None:
        self._values = values
        super().__init__(default, {"options": labels}, **kwargs)

    def _check(self, raw: Any) -> Any:
        labels: list[str] = self._options["options"]
        if isinstance(raw, str) or not isinstance(raw, _Sequence):
            raise TypeError("a multiselect's value is a list of option labels")
        unknown = [item for item in raw if item not in labels]
        if unknown:
            raise ValueError(f"{unknown} are not among the options {labels}")
        return [label for label in labels if label in raw]  # in the options' order

    def _from_wire(self, wire: Any) -> Any:
        labels: list[str] = self._options["options"]
        return [self._values[labels.index(label)] for label in wire]


def multiselect(
    options: _Sequence[Any] | _Mapping[str, Any],
    value: _Sequence[Any] | None = None,
    *,
    label: str = "",
    disabled: bool = False,
) -> Multiselect:
    """Pick any number of ``options`` (list or dict label -> value); the value is a list.

    >>> cols = cs.multiselect(["a", "b", "c"], value=["a"], label="columns")
    >>> cols.value
    ['a']
    """
    labels, values = _choices(options)
    default = [_label_of(labels, values, item) for item in (value or ())]
    return Multiselect(labels, values, default, label=label, disabled=disabled)


# -- dates ----------------------------------------------------------------------------------------


def _iso_date(raw: Any, what: str) -> str:
    if isinstance(raw, _dt.datetime):
        raw = raw.date()
    if isinstance(raw, _dt.date):
        return raw.isoformat()
    if isinstance(raw, str):
        try:
            return _dt.date.fromisoformat(raw).isoformat()
        except ValueError:
            raise ValueError(f"{what} {raw!r} is not a date (YYYY-MM-DD)") from None
    raise TypeError(f"{what} must be a date or 'YYYY-MM-DD', not {type(raw).__name__}")


class Date(Control):
    kind = "date"

    def _in_range(self, iso: str) -> str:
        start, stop = self._options["start"], self._options["stop"]
        if (start and iso < start) or (stop and iso > stop):
            raise ValueError(f"{iso} is outside {start or '…'}..{stop or '…'}")
        return iso

    def _check(self, raw: Any) -> Any:
        return self._in_range(_iso_date(raw, "the date"))

    def _from_wire(self, wire: Any) -> Any:
        return _dt.date.fromisoformat(wire)


class DateRange(Date):
    kind = "date_range"

    def _check(self, raw: Any) -> Any:
        if isinstance(raw, str) or not isinstance(raw, _Sequence) or len(raw) != 2:
            raise TypeError("a date range is two dates (first, last)")
        first, last = (self._in_range(_iso_date(item, "the date")) for item in raw)
        if last < first:
            raise ValueError(f"the range ends ({last}) before it starts ({first})")
        return [first, last]

    def _from_wire(self, wire: Any) -> Any:
        return tuple(_dt.date.fromisoformat(item) for item in wire)


def _bounds(start: Any, stop: Any) -> dict[str, Any]:
    return {
        "start": None if start is None else _iso_date(start, "start"),
        "stop": None if stop is None else _iso_date(stop, "stop"),
    }


def date(
    value: _dt.date | str | None = None,
    *,
    start: _dt.date | str | None = None,
    stop: _dt.date | str | None = None,
    label: str = "",
    disabled: bool = False,
) -> Date:
    """A date picker; the value is a :class:`datetime.date` (default: today).

    >>> day = cs.date("2024-03-01", label="from")
    >>> day.value
    datetime.date(2024, 3, 1)
    """
    default = value if value is not None else _dt.date.today()
    return Date(default, _bounds(start, stop), label=label, disabled=disabled)


def date_range(
    value: tuple[_dt.date | str, _dt.date | str] | None = None,
    *,
    start: _dt.date | str | None = None,
    stop: _dt.date | str | None = None,
    label: str = "",
    disabled: bool = False,
) -> DateRange:
    """Two dates (first, last); the value is a tuple of :class:`datetime.date`.

    >>> period = cs.date_range(("2024-01-01", "2024-03-31"), label="period")
    >>> period.value[0]
    datetime.date(2024, 1, 1)
    """
    today = _dt.date.today()
    default = list(value) if value is not None else [today, today]
    return DateRange(default, _bounds(start, stop), label=label, disabled=disabled)


# -- actions --------------------------------------------------------------------------------------


class Button(Control):
    kind = "button"

    def _check(self, raw: Any) -> Any:
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            raise ValueError(f"a button's value is a click count (an int >= 0), not {raw!r}")
        return raw


def button(label: str = "Run", *, disabled: bool = False) -> Button:
    """A push button; its value is how many times it was clicked (0 at first), so the cells
    that read it run again on every click.

    >>> refresh = cs.button("Refresh")
    >>> refresh.value
    0
    """
    return Button(0, {}, label=label, disabled=disabled)


# -- files ----------------------------------------------------------------------------------------


class File(Control):
    """A file's path (a ``str``), or None before one is chosen."""

    kind = "file"

    def _check(self, raw: Any) -> Any:
        if raw is None or isinstance(raw, str):
            return raw or None
        raise TypeError(f"a file control's value is a path, not {type(raw).__name__}")


def file(
    value: str | None = None,
    *,
    filter: str = "",
    save: bool = False,
    label: str = "",
    disabled: bool = False,
) -> File:
    """Choose a file (a path field with a *Choose…* button); the value is its path or None.
    ``filter``: which files the dialog offers (``"CSV files (*.csv)"``); ``save``: the dialog
    asks for a file to write.

    >>> source = cs.file(filter="CSV files (*.csv)", label="data")
    >>> source.value is None
    True
    """
    options = {"filter": filter, "save": bool(save)}
    return File(value, options, label=label, disabled=disabled)


# -- layout and forms -----------------------------------------------------------------------------


class Stack(Control):
    """Controls shown together. Its value is theirs: a list, or a dict when they were given
    by name. Changing one re-runs the readers of that control *and* of the stack."""

    kind = "stack"

    def __init__(
        self,
        controls: _Sequence[Control] | _Mapping[str, Control],
        options: dict[str, Any],
        *,
        label: str = "",
    ) -> None:
        if isinstance(controls, _Mapping):
            self._keys: list[str] | None = [str(k) for k in controls]
            children = list(controls.values())
        else:
            self._keys = None
            children = list(controls)
        for child in children:
            if not isinstance(child, Control):
                raise TypeError(f"only controls can be stacked, not {type(child).__name__}")
            child._containers.append(self)
        self._children = children
        super().__init__(None, options, label=label)

    def _check(self, raw: Any) -> Any:
        if raw is not None:
            raise ValueError("set the controls inside, not the group")
        return None

    @property
    def value(self) -> Any:
        values = [child.value for child in self._children]
        return values if self._keys is None else dict(zip(self._keys, values, strict=True))

    def spec(self) -> dict[str, Any]:
        spec = super().spec()
        spec["children"] = [child.spec() for child in self._children]
        return spec

    def __repr__(self) -> str:
        inside = ", ".join(repr(child) for child in self._children)
        return f"{self.kind}[{inside}]"


class Form(Stack):
    """Controls whose new values count only when the user presses Submit."""

    kind = "form"


def hstack(controls: _Sequence[Control] | _Mapping[str, Control], *, label: str = "") -> Stack:
    """Show controls side by side (a list, or a dict name -> control: then the value is a
    dict).

    >>> row = cs.hstack([cs.slider(0, 10, label="x"), cs.slider(0, 10, label="y")])
    >>> row.value
    [0, 0]
    """
    return Stack(controls, {"direction": "row"}, label=label)


def vstack(controls: _Sequence[Control] | _Mapping[str, Control], *, label: str = "") -> Stack:
    """Show controls one under another (a list, or a dict name -> control).

    >>> panel = cs.vstack({"n": cs.slider(1, 9), "city": cs.text("Oslo")})
    >>> panel.value
    {'n': 1, 'city': 'Oslo'}
    """
    return Stack(controls, {"direction": "column"}, label=label)


def form(
    controls: _Sequence[Control] | _Mapping[str, Control],
    *,
    submit: str = "Submit",
    label: str = "",
) -> Form:
    """Controls with a *Submit* button: their changes are sent together, and only when the
    user submits, so the cells reading them run once per submission.

    >>> query = cs.form({"city": cs.text("Oslo"), "year": cs.number(2000, 2030, value=2024)})
    >>> query.value
    {'city': 'Oslo', 'year': 2024}
    """
    return Form(controls, {"direction": "column", "submit": submit}, label=label)


# -- tables ---------------------------------------------------------------------------------------


class Table(Control):
    """A table whose selected rows are the value (a DataFrame of those rows, in the frame's
    order). The frame stays in the kernel and is paged into the window like any table."""

    kind = "table"

    def __init__(self, frame: Any, selection: str, *, label: str = "") -> None:
        if selection not in ("single", "multi"):
            raise ValueError("selection is 'single' or 'multi'")
        if type(frame).__name__ == "Series":
            frame = frame.to_frame()
        if not hasattr(frame, "iloc") or not hasattr(frame, "columns"):
            raise TypeError(f"cs.table shows a pandas DataFrame, not {type(frame).__name__}")
        self._frame = frame
        describe = _registry.describe_table
        described = describe(frame) if describe is not None else None
        super().__init__([], {"selection": selection, "table": described}, label=label)

    def signature(self) -> str:
        """Same kind, label, selection mode and shape: the selection is kept."""
        columns = [str(c) for c in self._frame.columns]
        parts = [self.kind, self.label, self._options["selection"], len(self._frame), columns]
        return _json.dumps(parts)

    def _check(self, raw: Any) -> Any:
        if isinstance(raw, str) or not isinstance(raw, _Sequence):
            raise TypeError("a table's value is a list of row positions")
        rows = sorted({int(r) for r in raw if not isinstance(r, bool)})
        if len(rows) != len(raw):
            raise ValueError("row positions must be distinct whole numbers")
        if rows and (rows[0] < 0 or rows[-1] >= len(self._frame)):
            raise ValueError(f"row positions must be within 0..{len(self._frame) - 1}")
        if self._options["selection"] == "single" and len(rows) > 1:
            raise ValueError("this table selects a single row")
        return rows

    def _from_wire(self, wire: Any) -> Any:
        return self._frame.iloc[list(wire)]

    def __repr__(self) -> str:
        title = f"{self.label}: " if self.label else ""
        return f"{title}{len(self._wire)} of {len(self._frame)} rows selected (table)"


def table(frame: Any, selection: str = "multi", *, label: str = "") -> Table:
    """Show ``frame`` as a table whose selected rows are the value: a DataFrame of the rows the
    user selected (``selection="single"``: at most one), empty at first.

    >>> picked = cs.table(df, selection="multi", label="orders")
    >>> picked.value          # the selected rows of df (none yet)
    Empty DataFrame ...
    """
    return Table(frame, selection, label=label)

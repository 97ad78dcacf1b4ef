"""Reactive controls drawn with native widgets (SEMANTICS.md §8).

One :class:`ControlOutput` per displayed control: a label and the editor for its kind — a
labelled slider from superqt (a well-kept library of the widgets Qt lacks: the slider with its
value box, the toggle switch), a spin box, a line or text edit, a checkbox, a combo box, radio
buttons, a checkable list, date edits or a push button. A change calls the coordinator's
``set_control_value``; the coordinator coalesces quick changes, so the widget simply reports
each one and never waits.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, Protocol

from PySide6.QtCore import QDate, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.controls import ControlSpec
from app.ui.outputs.table_view import TableInfo, TableOutput, TableSource
from app.ui.tasks import spawn

os.environ.setdefault("QT_API", "pyside6")  # superqt's qtpy: this app's binding, never another
from superqt import QLabeledDoubleSlider, QLabeledSlider, QToggleSwitch

#: Bounds of a number field the control leaves open.
_OPEN = 1e12
#: A multi-line text field's value is sent this long after the last keystroke (debounce).
TEXT_AREA_DEBOUNCE_MS = 600


class ControlSink(Protocol):
    """Who owns control values (the coordinator, or a fake in tests)."""

    def control_value(self, spec: ControlSpec) -> Any: ...

    def set_control_value(self, control_id: str, value: Any) -> Coroutine[Any, Any, None]: ...

    def set_control_values(self, values: Mapping[str, Any]) -> Coroutine[Any, Any, None]: ...


class HeldValues:
    """A form's sink: changes wait here until :meth:`submit` sends them all in one plan."""

    def __init__(self, sink: ControlSink) -> None:
        self._sink = sink
        self.values: dict[str, Any] = {}

    def control_value(self, spec: ControlSpec) -> Any:
        return self.values.get(spec.id, self._sink.control_value(spec))

    async def set_control_value(self, control_id: str, value: Any) -> None:
        self.values[control_id] = value

    async def set_control_values(self, values: Mapping[str, Any]) -> None:
        self.values.update(values)

    def submit(self) -> None:
        if self.values:
            held, self.values = self.values, {}
            spawn(self._sink.set_control_values(held))


class ControlOutput(QWidget):
    """One control under its cell. ``changed(control_id, wire value)`` on every change the
    user makes (also sent to the sink)."""

    changed = Signal(str, object)
    #: A form's values waiting for Submit (None for other controls).
    held: HeldValues | None = None

    def __init__(
        self,
        spec: ControlSpec,
        sink: ControlSink,
        parent: QWidget | None = None,
        *,
        tables: TableSource | None = None,
    ) -> None:
        super().__init__(parent)
        self.spec = spec
        self.sink = sink
        #: Who pages kernel tables (a table control's rows).
        self.tables = tables
        self.setObjectName("controlOutput")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        if spec.label and spec.kind not in ("checkbox", "button"):
            layout.addWidget(QLabel(spec.label, self))
        build = _EDITORS.get(spec.kind)
        value = sink.control_value(spec)
        self.editor: QWidget = (
            build(self, spec, value) if build else QLabel(f"[{spec.kind} control]", self)
        )
        self.editor.setEnabled(not spec.disabled)
        layout.addWidget(self.editor, 1)  # a table, a form, a file path: the cell's width
        widest = COMPACT_WIDTHS.get(spec.kind)
        if widest is not None:
            # As marimo and ipywidgets draw them: as wide as a value needs, not the page's
            # width (a slider the width of the cell moved in steps of 2 % of a screen).
            self.editor.setMaximumWidth(widest)
            layout.addStretch(0)

    def report(self, value: Any) -> None:
        """The user changed the control to ``value`` (wire form)."""
        self.changed.emit(self.spec.id, value)
        if isinstance(self.sink, HeldValues):
            self.sink.values[self.spec.id] = value  # a form's: held until Submit
        else:
            spawn(self.sink.set_control_value(self.spec.id, value))


# -- editors: (output, spec, current value) -> widget wired to output.report -----------------------


def _snap(value: float, start: float, step: float) -> float:
    return start + round((value - start) / step) * step


def _slider(out: ControlOutput, spec: ControlSpec, value: Any) -> QWidget:
    options = spec.options
    start, stop, step = options["start"], options["stop"], options.get("step", 1)
    integer = bool(options.get("integer"))
    slider = (
        QLabeledSlider(Qt.Orientation.Horizontal, out)
        if integer
        else QLabeledDoubleSlider(Qt.Orientation.Horizontal, out)
    )
    slider.setRange(start, stop)
    slider.setSingleStep(step)
    slider.setPageStep(step)
    slider.setValue(value)
    slider.setTracking(not spec.debounce)  # debounce: the value changes on release

    def moved(raw: float) -> None:
        snapped: float = _snap(raw, start, step)
        if integer:
            snapped = round(snapped)
        if snapped != raw:
            slider.blockSignals(True)
            slider.setValue(snapped)
            slider.blockSignals(False)
        out.report(snapped)

    slider.valueChanged.connect(moved)
    return slider


def _number(out: ControlOutput, spec: ControlSpec, value: Any) -> QWidget:
    options = spec.options
    low, high, step = options.get("start"), options.get("stop"), options.get("step", 1)
    box: QSpinBox | QDoubleSpinBox
    if options.get("integer"):
        box = QSpinBox(out)
        limit = 2**31 - 1
        box.setRange(-limit if low is None else int(low), limit if high is None else int(high))
        box.setSingleStep(int(step))
        box.setValue(int(value))
        box.valueChanged.connect(lambda v: out.report(int(v)))
    else:
        box = QDoubleSpinBox(out)
        box.setDecimals(6)
        box.setRange(-_OPEN if low is None else float(low), _OPEN if high is None else float(high))
        box.setSingleStep(float(step))
        box.setValue(float(value))
        box.valueChanged.connect(lambda v: out.report(float(v)))
    box.setKeyboardTracking(not spec.debounce)
    box.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.UpDownArrows)
    return box


def _text(out: ControlOutput, spec: ControlSpec, value: Any) -> QWidget:
    edit = QLineEdit(str(value), out)
    edit.setPlaceholderText(str(spec.options.get("placeholder", "")))
    if spec.debounce:
        edit.editingFinished.connect(lambda: out.report(edit.text()))
    else:
        edit.textChanged.connect(out.report)
    return edit


def _text_area(out: ControlOutput, spec: ControlSpec, value: Any) -> QWidget:
    edit = QPlainTextEdit(str(value), out)
    edit.setPlaceholderText(str(spec.options.get("placeholder", "")))
    edit.setMaximumHeight(120)
    if not spec.debounce:
        edit.textChanged.connect(lambda: out.report(edit.toPlainText()))
        return edit
    timer = QTimer(edit)
    timer.setSingleShot(True)
    timer.setInterval(TEXT_AREA_DEBOUNCE_MS)
    timer.timeout.connect(lambda: out.report(edit.toPlainText()))
    edit.textChanged.connect(timer.start)
    return edit


def _checkbox(out: ControlOutput, spec: ControlSpec, value: Any) -> QWidget:
    box = QCheckBox(spec.label, out)
    box.setChecked(bool(value))
    box.toggled.connect(out.report)
    return box


def _switch(out: ControlOutput, spec: ControlSpec, value: Any) -> QWidget:
    switch = QToggleSwitch(out)
    switch.setChecked(bool(value))
    switch.toggled.connect(out.report)
    return switch


def _dropdown(out: ControlOutput, spec: ControlSpec, value: Any) -> QWidget:
    combo = QComboBox(out)
    labels = [str(label) for label in spec.options.get("options", ())]
    combo.addItems(labels)
    if value in labels:
        combo.setCurrentIndex(labels.index(value))
    combo.currentTextChanged.connect(out.report)
    return combo


def _radio(out: ControlOutput, spec: ControlSpec, value: Any) -> QWidget:
    box = QWidget(out)
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    group = QButtonGroup(box)
    for label in spec.options.get("options", ()):
        button = QRadioButton(str(label), box)
        button.setChecked(label == value)
        group.addButton(button)
        row.addWidget(button)
    row.addStretch(1)

    def picked(button: QRadioButton, checked: bool) -> None:
        if checked:
            out.report(button.text())

    group.buttonToggled.connect(picked)
    return box


def _multiselect(out: ControlOutput, spec: ControlSpec, value: Any) -> QWidget:
    listing = QListWidget(out)
    chosen = set(value or ())
    for label in spec.options.get("options", ()):
        item = QListWidgetItem(str(label), listing)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if label in chosen else Qt.CheckState.Unchecked)
    listing.setMaximumHeight(min(160, 22 * max(1, listing.count()) + 6))

    def checked_labels(_item: QListWidgetItem) -> None:
        items = (listing.item(i) for i in range(listing.count()))
        out.report([i.text() for i in items if i.checkState() == Qt.CheckState.Checked])

    listing.itemChanged.connect(checked_labels)
    return listing


def _date_edit(parent: QWidget, spec: ControlSpec, iso: str) -> QDateEdit:
    edit = QDateEdit(QDate.fromString(iso, Qt.DateFormat.ISODate), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    if spec.options.get("start"):
        edit.setMinimumDate(QDate.fromString(spec.options["start"], Qt.DateFormat.ISODate))
    if spec.options.get("stop"):
        edit.setMaximumDate(QDate.fromString(spec.options["stop"], Qt.DateFormat.ISODate))
    return edit


def _iso(edit: QDateEdit) -> str:
    return edit.date().toString(Qt.DateFormat.ISODate)


def _date(out: ControlOutput, spec: ControlSpec, value: Any) -> QWidget:
    edit = _date_edit(out, spec, str(value))
    edit.dateChanged.connect(lambda _d: out.report(_iso(edit)))
    return edit


def _date_range(out: ControlOutput, spec: ControlSpec, value: Any) -> QWidget:
    box = QWidget(out)
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    first, last = (_date_edit(box, spec, str(iso)) for iso in value)
    row.addWidget(first)
    row.addWidget(QLabel("–", box))
    row.addWidget(last)
    row.addStretch(1)

    def changed(_date: QDate) -> None:
        if last.date() >= first.date():  # a range that ends before it starts is not sent
            out.report([_iso(first), _iso(last)])

    first.dateChanged.connect(changed)
    last.dateChanged.connect(changed)
    return box


def _button(out: ControlOutput, spec: ControlSpec, value: Any) -> QWidget:
    button = QPushButton(spec.label or "Run", out)
    clicks = [int(value or 0)]

    def clicked() -> None:
        clicks[0] += 1
        out.report(clicks[0])

    button.clicked.connect(clicked)
    return button


def _file(out: ControlOutput, spec: ControlSpec, value: Any) -> QWidget:
    box = QWidget(out)
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    path = QLineEdit(str(value or ""), box)
    path.setPlaceholderText("no file chosen")
    choose = QPushButton("Choose…", box)
    row.addWidget(path, 1)
    row.addWidget(choose)
    path.editingFinished.connect(lambda: out.report(path.text() or None))

    def dialog() -> None:
        ask = (
            QFileDialog.getSaveFileName if spec.options.get("save") else QFileDialog.getOpenFileName
        )
        chosen, _ = ask(
            box, spec.label or "Choose a file", path.text(), str(spec.options.get("filter", ""))
        )
        if chosen:
            path.setText(chosen)
            out.report(chosen)

    choose.clicked.connect(dialog)
    return box


def _group(out: ControlOutput, spec: ControlSpec, sink: ControlSink) -> QWidget:
    box = QWidget(out)
    row = spec.options.get("direction") == "row"
    layout: QHBoxLayout | QVBoxLayout = QHBoxLayout(box) if row else QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for child in spec.children:
        layout.addWidget(ControlOutput(child, sink, box, tables=out.tables))
    return box


def _stack(out: ControlOutput, spec: ControlSpec, value: Any) -> QWidget:
    return _group(out, spec, out.sink)


def _form(out: ControlOutput, spec: ControlSpec, value: Any) -> QWidget:
    held = HeldValues(out.sink)
    box = _group(out, spec, held)
    submit = QPushButton(str(spec.options.get("submit") or "Submit"), box)
    submit.setObjectName("formSubmit")
    submit.clicked.connect(held.submit)
    layout = box.layout()
    assert layout is not None
    layout.addWidget(submit)
    out.held = held  # the form's pending values live as long as its widget
    return box


def _table(out: ControlOutput, spec: ControlSpec, value: Any) -> QWidget:
    described = spec.options.get("table")
    if out.tables is None or not isinstance(described, dict):
        return QLabel(f"[table of {described.get('rows', '?') if described else '?'} rows]", out)
    table = TableOutput(TableInfo.from_json(json.dumps(described)), out.tables, out)
    view = table.view
    view.setSortingEnabled(False)  # rows are the frame's positions: the order stays the frame's
    view.horizontalHeader().setSortIndicatorShown(False)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    single = spec.options.get("selection") == "single"
    view.setSelectionMode(
        QAbstractItemView.SelectionMode.SingleSelection
        if single
        else QAbstractItemView.SelectionMode.ExtendedSelection
    )
    selection = view.selectionModel()
    model = table.model
    for row in value or ():
        selection.select(
            model.index(int(row), 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )

    def selected(*_args: object) -> None:
        out.report(sorted({index.row() for index in selection.selectedRows()}))

    selection.selectionChanged.connect(selected)
    return table


#: The widest a control of each kind is drawn (pixels); a kind not named takes the cell's width.
COMPACT_WIDTHS: dict[str, int] = {
    "slider": 360,
    "number": 200,
    "text": 360,
    "checkbox": 360,
    "switch": 360,
    "dropdown": 280,
    "multiselect": 360,
    "date": 200,
    "date_range": 360,
    "button": 360,
}

_EDITORS: dict[str, Callable[[ControlOutput, ControlSpec, Any], QWidget]] = {
    "table": _table,
    "file": _file,
    "stack": _stack,
    "form": _form,
    "slider": _slider,
    "number": _number,
    "text": _text,
    "text_area": _text_area,
    "checkbox": _checkbox,
    "switch": _switch,
    "dropdown": _dropdown,
    "radio": _radio,
    "multiselect": _multiselect,
    "date": _date,
    "date_range": _date_range,
    "button": _button,
}

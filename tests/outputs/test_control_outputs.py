"""Controls outside the window: static HTML (export), one line of text (``cascade run``),
text only in ``.ipynb`` exports, and exports showing the value on screen."""

from __future__ import annotations

import json

from app.core.controls import with_values
from app.core.mime import CONTROL_MIME
from app.core.state import CellRunState, RichOutput, StreamText
from app.outputs.registry import portable_bundle, render_html, render_text

SPEC = {
    "id": "c1:0",
    "instance": 3,
    "kind": "slider",
    "label": "points <n>",
    "value": 20,
    "names": ["n"],
    "options": {"start": 1, "stop": 100, "step": 1, "integer": True},
}
BUNDLE = {CONTROL_MIME: json.dumps(SPEC), "text/plain": "points <n>: 20 (slider)"}


def test_html_shows_the_state_statically_and_escaped() -> None:
    html = render_html(BUNDLE)
    assert 'class="out-control"' in html and "<input" not in html and "<script" not in html
    assert "points &lt;n&gt;" in html and ">20<" in html and "slider (1–100)" in html


def test_text_and_ipynb_forms() -> None:
    assert render_text(BUNDLE) == "[slider] points <n>: 20 (1–100)"
    assert portable_bundle(BUNDLE) == {"text/plain": "points <n>: 20 (slider)"}
    broken = {CONTROL_MIME: "{not json", "text/plain": "fallback"}
    assert render_text(broken) == "fallback" and "fallback" in render_html(broken)


def test_exports_show_the_value_the_user_set_since_the_cell_ran() -> None:
    state = CellRunState(
        status="success", outputs=(StreamText("stdout", "x\n"), RichOutput(BUNDLE))
    )
    patched = with_values({"c1": state}, {("c1:0", 3): 42})["c1"]
    rich = patched.outputs[1]
    assert isinstance(rich, RichOutput)
    assert json.loads(rich.data[CONTROL_MIME])["value"] == 42
    assert rich.data["text/plain"] == "points <n>: 42 (slider)"
    assert patched.outputs[0] == state.outputs[0]
    # A value set for an older instance of the control does not apply to a new one.
    assert with_values({"c1": state}, {("c1:0", 2): 42})["c1"] == state

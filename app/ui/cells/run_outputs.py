"""Which outputs a cell shows while it runs: the last run's stay until this run's come (or
it ends without any), so a quick re-run updates them in place (one new value in the same
text piece) instead of blanking the cell and rebuilding its output widgets — the layout does
not jump and a slider dragging over a chain of cells stays smooth."""

from __future__ import annotations

from app.core.state import CellRunState, Output, StreamText
from app.ui.outputs.output_view import OutputArea


class RunOutputs:
    """Feeds one cell's :class:`OutputArea` from its run states."""

    def __init__(self, outputs: OutputArea) -> None:
        self._outputs = outputs
        #: The area still shows the last run's outputs while this run has none yet.
        self.holding = False

    def show(self, state: CellRunState, previous: CellRunState, appended: Output | None) -> None:
        outputs = self._outputs
        rewrites = isinstance(appended, StreamText) and "\r" in appended.text
        running = state.status == "running"
        if self.holding and not running:
            self.holding = False
            outputs.set_outputs(state.outputs, state.error)
        elif self.holding and (state.outputs or state.error is not None):
            # This run's outputs so far take the last run's places; the rest stay till the end.
            self.holding = not outputs.reconcile(state.outputs)
        elif appended is not None and previous.outputs and running and not rewrites:
            outputs.append(appended)
        elif appended is not None and not previous.outputs:
            outputs.set_outputs(state.outputs, None)
        elif state.outputs != previous.outputs or state.error != previous.error:
            self.holding = running and not state.outputs and not outputs.is_empty()
            if not self.holding:
                outputs.set_outputs(state.outputs, state.error)

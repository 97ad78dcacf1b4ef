"""The step each planned cell is sent as, remembered per cell between plans.

A re-run sends mostly the cells it sent last time, unchanged: the same cell (document
snapshots share unchanged cells), the same analysis, name and inputs. Their
:class:`StepSpec` is reused instead of built again (the kernel client reuses its wire form
too), so preparing a plan of 10,000 cells after one edit builds one step, not 10,000.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.coordinator.kernel_client import StepSpec
from app.core.analysis import CellAnalysis
from app.core.document import AnalysedNotebook
from app.core.notebook import Cell
from app.core.planner import PlannedStep


class StepSpecs:
    """Builds the steps of a plan, reusing each cell's step while nothing it is made of
    changed (checked by identity for the cell and its analysis: cheap, and never wrong)."""

    def __init__(self) -> None:
        self._kept: dict[str, tuple[Cell, CellAnalysis, PlannedStep, StepSpec]] = {}
        #: Steps built (not reused) so far: what a test of the reuse counts.
        self.built = 0

    def build(self, document: AnalysedNotebook, planned: Iterable[PlannedStep]) -> list[StepSpec]:
        cell_of = document.notebook.cell
        analyses = document.analyses
        names = document.cell_names()
        kept = self._kept
        if len(kept) > 2 * len(document.notebook) + 100:
            kept.clear()  # cells deleted since: forget them all once in a while
        steps: list[StepSpec] = []
        for planned_step in planned:
            cell_id = planned_step.cell_id
            cell = cell_of(cell_id)
            analysis = analyses[cell_id]
            label = names.get(cell_id, cell_id)
            entry = kept.get(cell_id)
            if (
                entry is not None
                and entry[0] is cell
                and entry[1] is analysis
                and entry[3].label == label
                # The planner hands out the same step while the graph stays the same.
                and (entry[2] is planned_step or entry[3].depends_on == planned_step.depends_on)
            ):
                steps.append(entry[3])
                continue
            step = StepSpec(
                cell_id=cell_id,
                kind=cell.kind,
                code=cell.code,
                label=label,
                depends_on=planned_step.depends_on,
                private_names=tuple(sorted(analysis.private_defs)),
                name=cell.name,
                # A cell this Python cannot parse may parse in the kernel's: it looks itself.
                ends_with_expression=analysis.ends_with_expression
                or analysis.syntax_error is not None,
            )
            self.built += 1
            kept[cell_id] = (cell, analysis, planned_step, step)
            steps.append(step)
        return steps

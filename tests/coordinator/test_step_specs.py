"""The steps of a plan are built once per cell and reused while nothing they are made of
changed (a re-run of a 10,000-cell notebook must not build 10,000 steps again)."""

from __future__ import annotations

from app.coordinator.kernel_client import KernelClient, StepSpec
from app.coordinator.step_specs import StepSpecs
from app.core.document import AnalysedNotebook
from app.core.notebook import Cell, Notebook
from app.core.planner import plan_run_all
from tests.coordinator.fake_kernel import FakeKernel


def _document(codes: list[str]) -> AnalysedNotebook:
    return AnalysedNotebook.of(
        Notebook(tuple(Cell(f"c{i}", "python", c) for i, c in enumerate(codes)))
    )


def _steps(specs: StepSpecs, document: AnalysedNotebook) -> list[StepSpec]:
    return specs.build(document, plan_run_all(document.notebook, document.graph, {}).steps)


def test_an_edit_builds_the_edited_cells_step_only() -> None:
    document = _document(["x_0 = 0", *(f"x_{i} = x_{i - 1} + 1" for i in range(1, 1000))])
    specs = StepSpecs()
    first = _steps(specs, document)
    assert specs.built == 1000
    edited, _ = document.update(
        document.notebook.update_code("c500", "x_500 = x_499 * 2"), ["c500"]
    )
    again = _steps(specs, edited)
    assert specs.built == 1001
    assert again == _steps(StepSpecs(), edited)  # the same steps as built from scratch
    assert again[500].code == "x_500 = x_499 * 2"
    assert all(again[i] is first[i] for i in range(1000) if i != 500)


def test_a_step_whose_name_changed_is_built_again() -> None:
    """An unchanged cell is named anew when another cell stops sharing its name."""
    document = _document(["print(1)", "print(1)"])
    specs = StepSpecs()
    assert [s.label for s in _steps(specs, document)] == ["print(1)", "print(1) #2"]
    edited, _ = document.update(document.notebook.update_code("c0", "print(0)"), ["c0"])
    assert [s.label for s in _steps(specs, edited)] == ["print(0)", "print(1)"]


def test_a_step_whose_inputs_changed_is_built_again() -> None:
    document = _document(["a = 1", "b = 2", "c = a"])
    specs = StepSpecs()
    assert _steps(specs, document)[2].depends_on == ("c0",)
    edited, _ = document.update(document.notebook.update_code("c2", "c = b"), ["c2"])
    assert _steps(specs, edited)[2].depends_on == ("c1",)


def test_the_kernel_client_reuses_the_wire_form_of_a_step_sent_again() -> None:
    client = KernelClient(FakeKernel(), lambda _event: None)
    step = StepSpec("c1", "python", "x = 1", "x")
    wire = client._wire_step(step)
    assert client._wire_step(step) is wire
    changed = StepSpec("c1", "python", "x = 2", "x")
    assert client._wire_step(changed).code == "x = 2"


def test_a_step_says_whether_its_code_may_end_with_an_expression() -> None:
    """Protocol v11: the worker compiles a cell whose last statement is not an expression
    without parsing it; a cell this Python cannot parse is left for the kernel's to judge."""
    document = _document(["x = 1", "x", "x  # shown", "x;", "def f():\n    return 1", "x +", ""])
    flags = [step.ends_with_expression for step in _steps(StepSpecs(), document)]
    assert flags == [False, True, True, True, False, True, False]

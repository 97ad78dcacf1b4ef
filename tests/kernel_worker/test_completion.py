"""Completion from the live namespace, through the real worker process."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kernel_worker import protocol as p
from tests.kernel_worker import worker_client
from tests.kernel_worker.worker_client import WorkerClient, finished

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def worker() -> Iterator[WorkerClient]:
    client = WorkerClient()
    yield client
    client.close()


def complete(worker: WorkerClient, code: str, request_id: int = 1) -> p.Completions:
    lines = code.split("\n")
    worker.send(p.Complete(request_id, code, len(lines), len(lines[-1])))
    answer = worker.read_until(p.Completions)[-1]
    assert isinstance(answer, p.Completions) and answer.request_id == request_id
    return answer


def names(answer: p.Completions) -> list[str]:
    return [item.name for item in answer.items]


def test_completes_a_module_attribute_with_kind_and_the_suffix_to_insert(
    worker: WorkerClient,
) -> None:
    assert finished(worker.run("import os"))["c1"].status == "success"
    answer = complete(worker, "os.pa")
    assert not answer.unavailable and not answer.error
    path = next(item for item in answer.items if item.name == "path")
    assert path.insert == "th"
    assert path.kind == "module"


def test_completes_live_objects_that_static_analysis_cannot_know(worker: WorkerClient) -> None:
    # The attribute exists only at run time: jedi.Interpreter reads the real object.
    code = "class Box: pass\nbox = Box()\nsetattr(box, 'made_at_run_time', 1)"
    assert finished(worker.run(code))["c1"].status == "success"
    assert "made_at_run_time" in names(complete(worker, "box.made"))


def test_dataframe_columns_complete_inside_a_subscript(worker: WorkerClient) -> None:
    code = "import pandas as pd\ndf = pd.DataFrame({'revenue': [1], 'region': ['x']})"
    assert finished(worker.run(code))["c1"].status == "success"
    answer = complete(worker, 'df["re')
    columns = {item.name: item for item in answer.items if item.kind == "column"}
    assert set(columns) == {'"revenue"', '"region"'}
    assert columns['"revenue"'].insert == 'venue"'  # typed `"re` + insert = the whole key
    assert all(item.kind != "path" for item in answer.items)  # not files in df["
    assert "revenue" in names(complete(worker, "df.rev"))
    assert '"alpha"' in names(complete(worker, "d = {'alpha': 1}\nd[\"al"))


def test_functions_carry_a_one_line_signature(worker: WorkerClient) -> None:
    assert (
        finished(worker.run("def scale(value, factor=2):\n    return value * factor"))["c1"].status
        == "success"
    )
    item = next(i for i in complete(worker, "sca").items if i.name == "scale")
    assert item.kind == "function"
    assert "value" in item.detail and "factor" in item.detail and "\n" not in item.detail


def test_a_kernel_without_jedi_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A jedi that cannot be imported stands for an interpreter that lacks it.
    blocker = tmp_path / "jedi"
    blocker.mkdir()
    (blocker / "__init__.py").write_text("raise ImportError('no jedi here')\n")
    real_launch = worker_client.worker_launch

    def launch_without_jedi(**kwargs: object) -> object:
        launch = real_launch(**kwargs)  # type: ignore[arg-type]
        launch.env["PYTHONPATH"] = os.pathsep.join((str(tmp_path), launch.env["PYTHONPATH"]))
        return launch

    monkeypatch.setattr(worker_client, "worker_launch", launch_without_jedi)
    client = WorkerClient()
    try:
        answer = complete(client, "import os\nos.pa")
        assert answer.unavailable and answer.items == ()
        assert finished(client.run("x = 1"))["c1"].status == "success"  # the worker carries on
    finally:
        client.close()


def test_attribute_completion_runs_no_property_of_the_users(worker: WorkerClient) -> None:
    code = (
        "calls = []\n"
        "class Lazy:\n"
        "    @property\n"
        "    def costly(self):\n"
        "        calls.append(1)\n"
        "        return self\n"
        "lazy = Lazy()"
    )
    assert finished(worker.run(code))["c1"].status == "success"
    item = next(i for i in complete(worker, "lazy.cos").items if i.name == "costly")
    assert item.kind == "property"
    complete(worker, "lazy.costly.cos")  # through a property: jedi answers, nothing runs
    assert finished(worker.run("assert calls == [], calls"))["c1"].status == "success"


def test_names_inside_a_block_still_come_from_jedi(worker: WorkerClient) -> None:
    answer = complete(worker, "def f(parameter_one):\n    return paramet")
    assert "parameter_one" in names(answer)


def test_signature_help_names_the_parameter_being_typed(worker: WorkerClient) -> None:
    assert finished(worker.run("import os"))["c1"].status == "success"
    code = 'os.path.join("a", '
    worker.send(p.Inspect(20, code, 1, len(code)))
    answer = worker.read_until(p.Inspection)[-1]
    assert isinstance(answer, p.Inspection)
    assert answer.name == "join" and answer.signature.startswith("join(")
    assert answer.parameter == 1 and answer.params[0] == "a"


def test_docs_of_a_live_name(worker: WorkerClient) -> None:
    code = "def scaled(value):\n    '''Twice the value, for the chart.'''\n    return 2 * value"
    assert finished(worker.run(code))["c1"].status == "success"
    worker.send(p.Inspect(21, "scaled", 1, 3, docs=True))
    answer = worker.read_until(p.Inspection)[-1]
    assert isinstance(answer, p.Inspection)
    assert answer.name == "scaled" and "Twice the value" in answer.doc


# -- completion runs no module's code ------------------------------------------------------------
def plant_sourceless_module(folder: Path, name: str) -> Path:
    """A bare ``NAME.pyc`` in ``folder`` (Python imports it; jedi would, to inspect it) whose
    code writes a marker file; returns the marker's path."""
    import py_compile

    marker = folder / f"{name}-ran.txt"
    source = folder / f"{name}_src.py"
    source.write_text(
        f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\nvalue = 1\n"
    )
    py_compile.compile(str(source), cfile=str(folder / f"{name}.pyc"), doraise=True)
    source.unlink()
    return marker


def test_completion_never_imports_a_compiled_module_from_the_notebook_folder(
    tmp_path: Path,
) -> None:
    marker = plant_sourceless_module(tmp_path, "planted")
    (tmp_path / "helpers.py").write_text("def helper_function():\n    pass\n")
    client = WorkerClient(notebook_dir=tmp_path)
    try:
        for request_id, code in enumerate(("import planted\nplanted.", "import planted\nplanted")):
            answer = complete(client, code, request_id)
            assert not answer.error
        lines = ["import planted", "planted.value("]
        client.send(p.Inspect(9, "\n".join(lines), 2, len(lines[1]), docs=True))
        client.read_until(p.Inspection)
        assert not marker.exists(), "completion ran a module's code"
        # Python source beside the notebook is read (never run): it still completes.
        assert "helper_function" in names(complete(client, "import helpers\nhelpers.help", 7))
        # The guard only hides it from completion: a cell that imports it runs it as asked.
        assert finished(client.run("import planted\nx = planted.value"))["c1"].status == "success"
        assert marker.exists()
    finally:
        client.close()


def test_docs_say_where_a_library_name_is_defined(worker: WorkerClient) -> None:
    # os.path is a frozen module in 3.11+: its source is found through the module's file.
    assert finished(worker.run("import os\nimport json"))["c1"].status == "success"
    for request_id, (code, defined) in enumerate(
        (("os.path.join", "def join("), ("json.dumps", "def dumps(")), start=40
    ):
        worker.send(p.Inspect(request_id, code, 1, len(code), docs=True))
        answer = worker.read_until(p.Inspection)[-1]
        assert isinstance(answer, p.Inspection) and answer.path.endswith(".py"), answer
        line = Path(answer.path).read_text().splitlines()[answer.line - 1]
        assert line.startswith(defined)
    worker.send(p.Inspect(50, "len", 1, 3, docs=True))  # a builtin: its typeshed stub, as VS Code
    answer = worker.read_until(p.Inspection)[-1]
    assert isinstance(answer, p.Inspection) and answer.path.endswith("builtins.pyi")
    assert "def len(" in Path(answer.path).read_text().splitlines()[answer.line - 1]

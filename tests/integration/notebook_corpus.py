"""Run a ``.ipynb`` notebook through Jupyter (nbclient, one kernel) and through Cascade (convert,
then the real worker via ``app.cli_run.run_headless``) and compare them cell by cell.

Per code cell both sides give a :class:`CellResult`: status, stdout, and the displayed results
as plain text (images as ``<image>``, tables as ``<table>``). Text that differs between any two
runs is normalised on both sides: memory addresses, timings printed by ``%time``/``%timeit``,
carriage-return progress (kept as the terminal would show it).

Used by ``tests/integration/test_ipynb_corpus.py`` and by ``scripts/record_notebook_corpus.py``,
which records the Jupyter side as JSON fixtures (``tests/data/notebooks/jupyter_results.json``)
so the test does not start a Jupyter kernel per notebook.
"""

from __future__ import annotations

import ast
import hashlib
import io
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from app.core.convert import Conversion, read_ipynb
from app.core.state import RichOutput
from app.core.terminal import settle

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "notebooks"
RECORDED = CORPUS / "jupyter_results.json"

_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_TIMING = re.compile(
    r"^(CPU times:.*|Wall time:.*|.*per loop \(mean ± std\. dev\. of .*\)|.*loops?, best of .*"
    r"|The slowest run took .*)$",
    re.MULTILINE,
)
_IMAGES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml")
_TABLE_MIME = "application/vnd.cascade.table+json"


@dataclass(frozen=True, slots=True)
class CellResult:
    status: str  # success | error | blocked | …
    stdout: str
    results: tuple[str, ...]


#: Where a library lives differs by machine (the recording's venv vs this one's).
_SITE_PACKAGES = re.compile(r"[^\s'\"]*/site-packages/")


def normalise(text: str) -> str:
    text = settle(text) if "\r" in text else text
    text = _ADDRESS.sub("0x…", text)
    text = _SITE_PACKAGES.sub("<site-packages>/", text)
    text = _TIMING.sub("<timing>", text)
    while "<timing>\n<timing>" in text:  # IPython may add "The slowest run took …"
        text = text.replace("<timing>\n<timing>", "<timing>")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


_CLASS = re.compile(r"<class '([\w.]+)'>")
_FUNCTION = re.compile(r"<function (?:__main__\.)?([\w.<>]+?)(?:\(.*?\))?(?: at 0x…)?>")
_OBJECT_AT = re.compile(r"<([\w.]+) (?:object )?at 0x…>")


def normalise_result(text: str) -> str:
    """A displayed value's text, without the layout IPython's pretty-printer adds: Jupyter
    shows ``int`` for ``<class 'int'>``, ``<function f(x)>`` for ``<function f at 0x…>``,
    ``<X at 0x…>`` for ``<X object at 0x…>``, and wraps long containers over lines."""
    text = _sorted_set(normalise(text))
    text = _CLASS.sub(r"\1", text)
    text = _FUNCTION.sub(r"<function \1>", text)
    text = _OBJECT_AT.sub(r"<\1 at 0x…>", text)
    return " ".join(text.split())


def _sorted_set(text: str) -> str:
    """Sets' items in sorted order (also inside lists, tuples, dicts), as IPython's
    pretty-printer shows them; ``repr`` follows the hash order, which changes from process to
    process."""
    if "{" not in text or len(text) > 200_000:
        return text
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        return text
    try:
        return _canonical(value)
    except TypeError:
        return text


def _canonical(value: Any) -> str:
    if isinstance(value, set | frozenset):
        return "{" + ", ".join(_canonical(item) for item in sorted(value)) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_canonical(item) for item in value) + "]"
    if isinstance(value, tuple):
        return (
            "("
            + ", ".join(_canonical(item) for item in value)
            + ("," if len(value) == 1 else "")
            + ")"
        )
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_canonical(k)}: {_canonical(v)}" for k, v in value.items()) + "}"
    return repr(value)


def _is_series_text(text: str) -> bool:
    last = text.rstrip().split("\n")[-1]
    return last.startswith(("dtype:", "Name:", "Freq:", "Length:"))


def _jupyter_result(data: Mapping[str, Any]) -> str:
    if any(mime in data for mime in _IMAGES):
        return "<image>"
    html = str(data.get("text/html", ""))
    plain = data.get("text/plain", "")
    plain = "".join(plain) if isinstance(plain, list) else str(plain)
    if "<table" in html and "dataframe" in html:
        return "<table>"
    if _is_series_text(plain) and "\n" in plain.strip():
        return "<table>"
    return normalise_result(plain)


def _cascade_result(data: Mapping[str, str]) -> str:
    if any(mime in data for mime in _IMAGES):
        return "<image>"
    if _TABLE_MIME in data:
        return "<table>"
    return normalise_result(data.get("text/plain", ""))


# -- Jupyter ----------------------------------------------------------------------------------
def run_jupyter(path: Path, workdir: Path, timeout: int = 120) -> list[CellResult | None]:
    """Every code cell's result (None for markdown/raw), run top to bottom in one kernel
    (errors do not stop the run, as in Cascade)."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=timeout,
        allow_errors=True,
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()
    return saved_results(notebook)


def saved_results(notebook: Any) -> list[CellResult | None]:
    """Every code cell's result as saved in an nbformat notebook (None for markdown/raw)."""
    results: list[CellResult | None] = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            results.append(None)
            continue
        status = "success"
        stdout: list[str] = []
        shown: list[str] = []
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "stream" and output.get("name") == "stdout":
                stdout.append(output.get("text", ""))
            elif kind in ("display_data", "execute_result"):
                shown.append(_jupyter_result(output.get("data", {})))
            elif kind == "error":
                status = "error"
        results.append(CellResult(status, normalise("".join(stdout)), tuple(shown)))
    return results


# -- Cascade ----------------------------------------------------------------------------------
def convert(path: Path) -> Conversion:
    return read_ipynb(path.read_text(encoding="utf-8"), name=path.stem)


def run_cascade(path: Path, workdir: Path) -> tuple[list[CellResult | None], Conversion, list[str]]:
    """Convert, write the notebook into ``workdir``, run every cell through the real worker.

    Returns the results by *source* cell index, the conversion, and the reasons of cells
    blocked by a multiple definition or a cycle (a conversion-made conflict)."""
    from app.cli_run import cell_reports, run_headless
    from app.core import fileformat

    conversion = convert(path)
    target = workdir / f"{path.stem}.py"
    fileformat.save(conversion.notebook, target)
    err = io.StringIO()
    coordinator = run_headless(target, conversion.notebook, err)
    assert coordinator is not None, err.getvalue()
    reports = cell_reports(coordinator)
    count = sum(1 for _ in _source_cells(path))
    results: list[CellResult | None] = [None] * count
    conflicts = []
    for origin, report in zip(conversion.origin, reports, strict=True):
        if report["kind"] == "markdown":
            continue
        # The reports hold one representation per output; the state has the whole bundle.
        outputs = coordinator.states[report["id"]].outputs
        shown = tuple(_cascade_result(o.data) for o in outputs if isinstance(o, RichOutput))
        status = report["status"]
        if (
            status == "blocked"
            and report["error"]
            and ("more than one cell" in report["error"] or "cycle" in report["error"])
        ):
            conflicts.append(f"cell {origin + 1}: {report['error']}")
        results[origin] = CellResult(status, normalise(report["stdout"]), shown)
    return results, conversion, conflicts


def _source_cells(path: Path) -> list[Any]:
    import nbformat

    return list(nbformat.read(path, as_version=4).cells)


# -- comparing ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Comparison:
    """``differences``: one line per code cell that differs. ``propagated``: cells that failed
    in Jupyter and were blocked in Cascade because a cell they read from failed (both say the
    cell could not compute; Cascade does not run it at all)."""

    differences: tuple[str, ...]
    propagated: tuple[int, ...]

    @property
    def agrees(self) -> bool:
        return not self.differences


def compare(
    jupyter: Sequence[CellResult | None], cascade: Sequence[CellResult | None]
) -> Comparison:
    differences = []
    propagated = []
    for index, (expected, got) in enumerate(zip(jupyter, cascade, strict=True)):
        if expected is None:
            continue
        if got is None:
            got = CellResult("success", "", ())  # dropped: only %matplotlib and the like
        if expected.status == "error" and got.status == "blocked":
            propagated.append(index + 1)
            continue
        for field in ("status", "stdout", "results"):
            want, have = getattr(expected, field), getattr(got, field)
            if want != have:
                differences.append(f"cell {index + 1} {field}: jupyter {want!r} cascade {have!r}")
                break
    return Comparison(tuple(differences), tuple(propagated))


def workdir(path: Path, folder: Path) -> Path:
    """A fresh folder holding the files the notebook reads (those beside it in the corpus)."""
    for data in path.parent.iterdir():
        if data.is_dir():
            shutil.copytree(data, folder / data.name)
        elif data.suffix != ".ipynb" and data.name not in ("LICENSE", "SOURCE", "README.md"):
            shutil.copy(data, folder / data.name)
    return folder


def key(path: Path) -> str:
    return path.relative_to(CORPUS).as_posix()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def notebooks() -> list[Path]:
    return sorted(CORPUS.rglob("*.ipynb"))


def as_json(results: Sequence[CellResult | None]) -> list[dict[str, Any] | None]:
    return [asdict(result) if result is not None else None for result in results]


def from_json(data: Sequence[Mapping[str, Any] | None]) -> list[CellResult | None]:
    """Recorded results, normalised again (a recording made before a new rule still compares)."""
    return [
        CellResult(
            item["status"],
            normalise(item["stdout"]),
            tuple(normalise(r) if isinstance(r, str) else r for r in item["results"]),
        )
        if item is not None
        else None
        for item in data
    ]

"""``cascade convert``, ``cascade run NB.ipynb`` and ``cascade export --ipynb``, as a user runs
them (real subprocesses): Jupyter and marimo notebooks in, Jupyter notebooks out."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from app.core import fileformat
from tests.integration.cli_helpers import cascade
from tests.integration.notebook_corpus import run_jupyter, saved_results
from tests.integration.notebook_files import jupyter

pytestmark = pytest.mark.slow

MARIMO = """\
import marimo

app = marimo.App()


@app.cell
def _():
    x = 2
    return (x,)


@app.cell
def _(x):
    print(x * 21)
    return


if __name__ == "__main__":
    app.run()
"""


def test_convert_writes_a_new_notebook_beside_and_reports(tmp_path: Path) -> None:
    source = jupyter(tmp_path, "md:# Title", "df = [3, 1, 2]", "df = sorted(df)", "print(df)")
    before = source.read_bytes()
    result = cascade("convert", source)
    assert result.returncode == 0, result.stderr
    target = tmp_path / "NB.py"
    assert result.stdout == f"wrote {target}\n"
    assert result.stderr.startswith("Import NB.ipynb\nRenamed so that every name is defined")
    assert "cell 3: df -> df_2" in result.stderr
    notebook = fileformat.load(target).notebook
    assert [cell.code for cell in notebook.cells] == [
        "# Title", "df = [3, 1, 2]", "df_2 = sorted(df)", "print(df_2)"
    ]  # fmt: skip
    assert source.read_bytes() == before  # never written to

    written = target.read_bytes()
    again = cascade("convert", source)  # NB.py exists: never replaced silently
    assert (again.returncode, again.stdout) == (2, "")
    assert again.stderr == (
        f"cascade: cannot write {target}: it exists; name the output with -o (it is then"
        " replaced)\n"
    )
    assert target.read_bytes() == written

    named = cascade("convert", source, "-o", target)  # named explicitly: replaced, and said so
    assert named.returncode == 0 and named.stdout == f"replaced {target}\n"


@pytest.mark.parametrize(
    ("output", "reason"),
    [
        ("NB.ipynb", "NB.ipynb is not a .py file; Cascade notebooks are .py files"),
        ("missing/out.py", "no folder"),
    ],
)
def test_convert_never_writes_the_input_or_a_non_notebook(
    tmp_path: Path, output: str, reason: str
) -> None:
    source = jupyter(tmp_path, "x = 1")
    before = source.read_bytes()
    result = cascade("convert", source, "-o", tmp_path / output)
    assert result.returncode == 2
    assert result.stderr.startswith(f"cascade: cannot write {tmp_path / output}: ")
    assert reason in result.stderr
    assert source.read_bytes() == before


def test_convert_refuses_what_it_cannot_convert(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"nbformat": 4, "cells": [')
    result = cascade("convert", broken)
    assert result.returncode == 2
    assert result.stderr.startswith(f"cascade: cannot convert {broken}: not a Jupyter notebook")
    plain = tmp_path / "plain.py"
    fileformat.save(fileformat.loads('# %% id="a"\nx = 1\n'), plain)
    result = cascade("convert", plain)
    assert result.returncode == 2 and "is already a Cascade notebook" in result.stderr
    assert not (tmp_path / "broken.py").exists()


def test_a_marimo_notebook_converts_beside_under_its_own_name_and_runs(tmp_path: Path) -> None:
    source = tmp_path / "app.py"
    source.write_text(MARIMO)
    result = cascade("convert", source)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {tmp_path / 'app_cascade.py'}\n"
    assert source.read_text() == MARIMO
    run = cascade("run", source, "--json")
    assert run.returncode == 0, run.stderr
    cells = json.loads(run.stdout)["cells"]
    assert [cell["stdout"] for cell in cells] == ["", "42\n"]


def test_run_converts_a_jupyter_notebook_in_memory(tmp_path: Path) -> None:
    (tmp_path / "data.txt").write_text("read from beside the notebook\n")
    source = jupyter(
        tmp_path, "x = 1", "x += 1", "print(open('data.txt').read().strip(), x)", "1/0"
    )
    before = sorted(tmp_path.iterdir())
    result = cascade("run", source, "--json")
    assert result.returncode == 1  # the last cell fails
    document = json.loads(result.stdout)
    assert document["notebook"] == "NB"
    assert [cell["status"] for cell in document["cells"]] == [
        "success", "success", "success", "error"
    ]  # fmt: skip
    assert document["cells"][2]["stdout"] == "read from beside the notebook 2\n"
    assert "converted in memory" in result.stderr
    assert sorted(tmp_path.iterdir()) == before  # nothing written beside it


def test_run_applies_the_trust_rule_to_an_imported_database(tmp_path: Path) -> None:
    source = jupyter(tmp_path, "%sql sqlite:///other.db", "%%sql\nSELECT 1 AS one")
    result = cascade("run", source)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith(f"cascade: {source} is not trusted: it ")
    trusted = cascade("run", "--trust", source, "--json")
    assert trusted.returncode == 0, trusted.stderr


def test_export_ipynb_writes_the_run_as_a_valid_jupyter_notebook(tmp_path: Path) -> None:
    source = jupyter(
        tmp_path,
        "md:# Squares",
        "values = [1, 2, 3]",
        "values = [v * v for v in values]\nprint(values)",
        "sum(values)",
    )
    assert cascade("convert", source).returncode == 0
    out = tmp_path / "out.ipynb"
    result = cascade("export", tmp_path / "NB.py", "--ipynb", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {out}\n"
    exported = nbformat.read(out, as_version=nbformat.NO_CONVERT)
    nbformat.validate(exported)
    assert (exported.nbformat, exported.nbformat_minor) == (4, 5)
    ours = saved_results(exported)
    assert ours[2] is not None and ours[2].stdout == "[1, 4, 9]"  # normalised
    assert ours[3] is not None and ours[3].results == ("14",)
    assert run_jupyter(out, tmp_path) == ours  # Jupyter, running it again, agrees

    refused = cascade("export", tmp_path / "NB.py", "--ipynb", tmp_path / "NB.py")
    assert refused.returncode == 2 and "will not overwrite the notebook" in refused.stderr


def test_help_lists_convert_and_the_ipynb_export() -> None:
    result = cascade("--help")
    assert result.returncode == 0
    assert "cascade convert NB.ipynb [-o OUT.py]" in result.stdout
    assert "cascade export NOTEBOOK.py --ipynb OUT.ipynb" in result.stdout

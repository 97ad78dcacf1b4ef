"""marimo notebooks read with ``ast`` (never imported): cells, markdown, SQL, setup, API notes."""

from __future__ import annotations

import pytest

from app.core import fileformat
from app.core.convert import ConversionError, is_marimo_source, read_marimo

NOTEBOOK = '''\
# /// script
# requires-python = ">=3.11"
# dependencies = ["marimo", "pandas"]
# ///

import marimo

__generated_with = "0.19.7"
app = marimo.App(width="medium", app_title="Sales")


@app.cell
def _():
    import marimo as mo
    import pandas as pd
    return mo, pd


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    # Sales

    Orders *by region*: {not a field}.
    """)
    return


@app.cell
def load_orders(pd):
    # the orders, as a frame
    orders = pd.DataFrame(
        {"region": ["n", "s"], "amount": [10, 20]}
    )
    threshold = 5
    return orders, threshold


@app.cell
def _(mo, threshold):
    big = mo.sql(
        f"""
        SELECT * FROM orders WHERE amount > {threshold} AND note = '{{x}}'
        """,
        output=False,
    )
    return (big,)


@app.cell
def _(mo):
    slider = mo.ui.slider(1, 10)
    slider
    return (slider,)


@app.cell
def _(big):
    big.head()
    return


@app.function
def helper(x: int) -> int:
    """Doubles."""
    return 2 * x


if __name__ == "__main__":
    app.run()
'''


def test_detection() -> None:
    assert is_marimo_source(NOTEBOOK)
    assert not is_marimo_source("import marimo\nprint(1)\n")
    assert not is_marimo_source("app = 1\n@app.cell\ndef _():\n    pass\n")  # no marimo.App
    assert not is_marimo_source("def broken(:\n")


def test_cells() -> None:
    conversion = read_marimo(NOTEBOOK, name="file")
    notebook = conversion.notebook
    cells = [(c.kind, c.code, c.name) for c in notebook.cells]
    assert cells == [
        ("python", "import marimo as mo\nimport pandas as pd", None),
        ("markdown", "# Sales\n\nOrders *by region*: {not a field}.", None),
        (
            "python",
            '# the orders, as a frame\norders = pd.DataFrame(\n    {"region": ["n", "s"], '
            '"amount": [10, 20]}\n)\nthreshold = 5',
            None,
        ),
        ("sql", "SELECT * FROM orders WHERE amount > {threshold} AND note = '{{x}}'", "big"),
        ("python", "slider = mo.ui.slider(1, 10)\nslider", None),
        ("python", "big.head()", None),
        ("python", 'def helper(x: int) -> int:\n    """Doubles."""\n    return 2 * x', None),
    ]
    assert notebook.name == "Sales"
    assert ("title", "load_orders") in notebook.cells[2].meta
    assert 'requires-python = ">=3.11"' in notebook.extra_header
    assert fileformat.loads(fileformat.dumps(notebook)) == notebook
    kinds = [(n.cell, n.kind) for n in conversion.report.notes]
    assert (3, "marimo") in kinds and (4, "marimo") in kinds
    assert not [n for n in conversion.report.notes if n.kind == "conflict"]


def test_unused_marimo_import_is_dropped() -> None:
    text = NOTEBOOK.replace(
        "    slider = mo.ui.slider(1, 10)\n    slider\n    return (slider,)", "    return"
    )
    first = read_marimo(text).notebook.cells[0]
    assert first.code == "import pandas as pd"


def test_setup_block_and_unparsable_cell() -> None:
    text = '''import marimo
app = marimo.App()

with app.setup:
    import math

@app.cell
def _():
    x = math.pi
    return (x,)

app._unparsable_cell(r"""
print("unfinished
""", name="_")
'''
    conversion = read_marimo(text)
    assert [c.code for c in conversion.notebook.cells] == [
        "import math",
        "x = math.pi",
        'print("unfinished',
    ]
    assert [(n.cell, n.kind) for n in conversion.report.notes if n.kind == "syntax"] == [
        (2, "syntax")
    ]


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ('mo.md("plain")', "markdown"),
        ('mo.md(f"no fields")', "markdown"),
        ('mo.md(f"value {x}")', "python"),
        ('result = mo.sql("SELECT 1")', "sql"),
        ('mo.sql(f"SELECT {x.attr}")', "python"),
    ],
)
def test_cell_kinds(body: str, kind: str) -> None:
    text = (
        f"import marimo\napp = marimo.App()\n\n@app.cell\ndef _(mo, x):\n    {body}\n    return\n"
    )
    assert read_marimo(text).notebook.cells[0].kind == kind


def test_not_marimo_raises() -> None:
    with pytest.raises(ConversionError, match="not a marimo notebook"):
        read_marimo("print('hello')\n")

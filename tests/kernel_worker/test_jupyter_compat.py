"""Jupyter habits the worker honours for every notebook: IPython's ``display`` functions show
like Cascade's own ``display``, a trailing ``;`` hides the last value, and a missing submodule
of an installed package is not answered with "install the package"."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from kernel_worker import protocol as p
from kernel_worker.compiled_cells import compile_cell
from tests.kernel_worker.worker_client import WorkerClient, displays, finished, stream_text

pytestmark = pytest.mark.slow

TINY_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


@pytest.fixture(scope="module")
def worker() -> Iterator[WorkerClient]:
    client = WorkerClient()
    yield client
    client.close()


def _shown(worker: WorkerClient, code: str) -> list[dict[str, str]]:
    messages = worker.run(code)
    assert finished(messages)["c1"].status == "success", finished(messages)["c1"].error
    return displays(messages, "c1")


# -- IPython's display -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "mime", "text"),
    [
        ("from IPython.display import display, Markdown\ndisplay(Markdown('**bold**'))",
         "text/markdown", "**bold**"),
        ("from IPython.display import display, HTML\ndisplay(HTML('<b>x</b>'))", "text/html", "<b>x</b>"),
        ("import IPython.display\nIPython.display.display(IPython.display.Markdown('# T'))",
         "text/markdown", "# T"),
        ("from IPython.display import display, Image\nimport base64\n"
         f"display(Image(data=base64.b64decode('{TINY_PNG}')))", "image/png", TINY_PNG),
        ("from IPython.display import display\ndisplay({'text/plain': 'raw text'}, raw=True)",
         "text/plain", "raw text"),
        ("from IPython.display import display_markdown\ndisplay_markdown('*m*', raw=True)",
         "text/markdown", "*m*"),
        ("from IPython.display import publish_display_data\n"
         "publish_display_data({'text/html': '<i>p</i>', 'text/plain': 'p'})", "text/html", "<i>p</i>"),
        ("from IPython.core.display_functions import display\ndisplay(1234)", "text/plain", "1234"),
    ],
    ids=["markdown", "html", "module_attribute", "image", "raw", "display_markdown",
         "publish_display_data", "core_module"],
)  # fmt: skip
def test_ipython_display_shows_like_cascade(
    worker: WorkerClient, code: str, mime: str, text: str
) -> None:
    shown = _shown(worker, code)
    assert len(shown) == 1
    assert shown[0][mime] == text


def test_ipython_display_prints_nothing_and_matches_cascades_display(worker: WorkerClient) -> None:
    code = (
        "import pandas as pd\nfrom IPython.display import display as ipython_display\n"
        "frame = pd.DataFrame({'a': [1, 2]})\nipython_display(frame, 7)\ndisplay(frame, 7)"
    )
    messages = worker.run(code)
    assert finished(messages)["c1"].status == "success"
    assert stream_text(messages, "c1") == ""  # IPython without a shell would print(*objs)
    ipython, own = displays(messages, "c1")[:2], displays(messages, "c1")[2:]
    assert p.TABLE_MIME in ipython[0] and p.TABLE_MIME in own[0]
    strip = [{k: v for k, v in b.items() if k != p.TABLE_MIME} for b in (*ipython, *own)]
    assert strip[:2] == strip[2:]


def test_ipython_display_handle_update_shows_the_new_value(worker: WorkerClient) -> None:
    code = (
        "from IPython.display import display\nhandle = display('first', display_id=True)\n"
        "handle.update('second')"
    )
    shown = _shown(worker, code)
    assert [bundle["text/plain"] for bundle in shown] == ["'first'", "'second'"]


def test_clear_output_prints_no_escape_codes(worker: WorkerClient) -> None:
    messages = worker.run(
        "from IPython.display import clear_output\nprint('a')\nclear_output(wait=True)\nprint('b')"
    )
    assert stream_text(messages, "c1") == "a\nb\n"


def test_display_include_keeps_only_those_representations(worker: WorkerClient) -> None:
    code = "from IPython.display import display_html, HTML\ndisplay_html(HTML('<b>h</b>'))"
    shown = _shown(worker, code)
    assert shown == [{"text/html": "<b>h</b>"}]


# -- trailing semicolon ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "hidden"),
    [
        ("1 + 1;", True),
        ("1 + 1 ;  # quiet", True),
        ("x = 5\nx;", True),
        ("(1 +\n 2);", True),
        ("1 + 1", False),
        ("x = 1; x", False),
        ("'a;b'", False),
        ("1 + 1  # ;", False),
    ],
)
def test_trailing_semicolon_hides_the_last_value(code: str, hidden: bool) -> None:
    body, expr = compile_cell(code, "<cell>")
    assert (expr is None) is hidden
    if hidden:
        assert body is not None  # the expression still runs


def test_semicolon_hides_the_value_not_the_figure(worker: WorkerClient) -> None:
    shown = _shown(
        worker,
        "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\nplt.plot([1, 2]);",
    )
    assert len(shown) == 1 and "image/png" in shown[0]  # the figure, no `[<Line2D …>]`
    assert _shown(worker, "print('ran');") == []


def test_figures_of_a_failing_cell_still_show(worker: WorkerClient) -> None:
    messages = worker.run(
        "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
        "plt.plot([1, 2])\nraise ValueError('late')"
    )
    assert finished(messages)["c1"].status == "error"
    assert ["image/png" in bundle for bundle in displays(messages, "c1")] == [True]


# -- ModuleNotFoundError -----------------------------------------------------------------------
def test_missing_submodule_of_installed_package_does_not_say_install(worker: WorkerClient) -> None:
    error = finished(worker.run("import json.no_such_module"))["c1"].error
    assert error is not None and error.ename == "ModuleNotFoundError"
    assert "json" in error.evalue and "is installed" in error.evalue
    assert "pip install" not in error.evalue and "pip install" not in error.traceback


def test_missing_package_still_says_how_to_install(worker: WorkerClient) -> None:
    error = finished(worker.run("import no_such_package_xyz.sub"))["c1"].error
    assert error is not None
    assert "pip install no_such_package_xyz" in error.evalue


def test_display_bundle_json_is_unchanged_by_the_bridge(worker: WorkerClient) -> None:
    """A value's own ``_repr_mimebundle_`` still goes through the same normalisation."""
    code = (
        "class V:\n    def _repr_mimebundle_(self, include=None, exclude=None):\n"
        "        return {'application/json': {'a': 1}, 'text/plain': 'v'}\nV()"
    )
    shown = _shown(worker, code)
    assert json.loads(shown[0]["application/json"]) == {"a": 1}

"""IPython syntax in Jupyter cells turned into plain Python: what each magic becomes, that IPython
itself finds magics on the same lines, and that the generated code does what the magic did."""

from __future__ import annotations

import ast
import contextlib
import io
import os
from pathlib import Path

import pytest
from IPython.core.inputtransformer2 import TransformerManager

from app.core.convert import transform_ipython
from app.core.convert.magics.scanner import magic_lines

KNOWN = frozenset({"x", "path", "files", "np", "a", "slow", "f", "name"})

#: (id, cell, expected code (None: only check it parses), expected kind, note kinds)
CASES: list[tuple[str, str, str | None, str, list[str]]] = [
    (
        "plain_python_untouched",
        "x = 5 % 3\nprint('%d!' % x)",
        "x = 5 % 3\nprint('%d!' % x)",
        "python",
        [],
    ),
    (
        "matplotlib_inline_dropped",
        "%matplotlib inline\nimport numpy as np",
        "import numpy as np",
        "python",
        [],
    ),
    ("matplotlib_other_backend_noted", "%matplotlib notebook\nx = 1", "x = 1", "python", ["magic"]),
    (
        "config_inline_backend_dropped",
        "%config InlineBackend.figure_format = 'retina'\nx = 1",
        "x = 1",
        "python",
        [],
    ),
    (
        "magic_in_block_becomes_pass",
        "if x:\n    %matplotlib inline",
        "if x:\n    pass",
        "python",
        [],
    ),
    ("indented_cell_dedented", "  %matplotlib inline\n  x = 1", "x = 1", "python", []),
    (
        "shell_command",
        "!ls -l",
        "import subprocess as _subprocess\n_subprocess.run('ls -l', shell=True, stderr=_subprocess.STDOUT);",
        "python",
        [],
    ),
    (
        "shell_expands_known_names",
        "!ls {path} $x",
        'import subprocess as _subprocess\n_subprocess.run(f"ls {path} {x}", shell=True, stderr=_subprocess.STDOUT);',
        "python",
        [],
    ),
    (
        "shell_leaves_unknown_names_to_the_shell",
        "!echo $HOME {x}",
        "import subprocess as _subprocess\n_subprocess.run('echo $HOME {x}', shell=True, stderr=_subprocess.STDOUT);",
        "python",
        [],
    ),
    (
        "shell_dollar_escape",
        "!echo $$x {{y}}",
        "import subprocess as _subprocess\n_subprocess.run('echo $x {y}', shell=True, stderr=_subprocess.STDOUT);",
        "python",
        [],
    ),
    (
        "shell_output_assigned",
        "files = !ls *.py",
        "import subprocess as _subprocess\nfiles = _subprocess.run('ls *.py', shell=True, "
        "stdout=_subprocess.PIPE, stderr=_subprocess.STDOUT, text=True).stdout.splitlines()",
        "python",
        [],
    ),
    (
        "double_bang_shows_lines",
        "!!date",
        "import subprocess as _subprocess\n_subprocess.run('date', shell=True, "
        "stdout=_subprocess.PIPE, stderr=_subprocess.STDOUT, text=True).stdout.splitlines()",
        "python",
        [],
    ),
    (
        "shell_in_loop_imports_there",
        "for f in files:\n    !cp {f} /tmp\nprint('done')",
        "for f in files:\n    import subprocess as _subprocess\n"
        "    _subprocess.run(f\"cp {f} /tmp\", shell=True, stderr=_subprocess.STDOUT);\nprint('done')",
        "python",
        [],
    ),
    ("shell_in_function", "def g():\n    !ls\n    return 1", None, "python", []),
    (
        "system_magic",
        "%system echo hi",
        "import subprocess as _subprocess\n_subprocess.run('echo hi', shell=True, stderr=_subprocess.STDOUT);",
        "python",
        [],
    ),
    (
        "sx_magic_assigned",
        "out = %sx echo hi",
        "import subprocess as _subprocess\nout = _subprocess.run('echo hi', shell=True, "
        "stdout=_subprocess.PIPE, stderr=_subprocess.STDOUT, text=True).stdout.splitlines()",
        "python",
        [],
    ),
    (
        "shell_alias_ls",
        "%ls -la",
        "import subprocess as _subprocess\n_subprocess.run('ls -la', shell=True, stderr=_subprocess.STDOUT);",
        "python",
        [],
    ),
    ("continued_magic_line", "!echo a \\\n  b", None, "python", []),
    (
        "pip_install_magic",
        "%pip install pandas numpy",
        "# %pip install pandas numpy  # install packages into the kernel's Python instead",
        "python",
        ["install"],
    ),
    ("pip_install_shell", "!pip install -q seaborn", None, "python", ["install"]),
    ("python_m_pip_install", "!python -m pip install x", None, "python", ["install"]),
    ("conda_install", "%conda install -y scipy", None, "python", ["install"]),
    (
        "pip_list_runs",
        "!pip list",
        "import subprocess as _subprocess\n_subprocess.run('pip list', shell=True, stderr=_subprocess.STDOUT);",
        "python",
        [],
    ),
    ("time_statement", "%time y = slow(3)", None, "python", []),
    ("time_expression_last_line", "%time slow(3)", None, "python", []),
    ("time_assigned", "v = %time slow(3)", None, "python", []),
    ("cell_time", "%%time\nx = 1\nx + 1", None, "python", []),
    ("cell_time_statement_last", "%%time\nx = 1", None, "python", []),
    ("timeit_line", "%timeit np.sum(a)", None, "python", []),
    ("timeit_flags", "%timeit -n 3 -r 2 sum(range(10))", None, "python", []),
    ("cell_timeit_with_setup", "%%timeit -n 10 setup = 1\nsum(range(setup))", None, "python", []),
    ("capture", "%%capture out\nprint('hi')", None, "python", []),
    ("capture_no_stderr", "%%capture --no-stderr\nprint('hi')", None, "python", []),
    (
        "capture_keeps_future_import_first",
        "%%capture\nfrom __future__ import annotations\nx: Later = 1",
        None,
        "python",
        [],
    ),
    (
        "time_keeps_future_import_first",
        "%%time\nfrom __future__ import annotations\nx = 1",
        None,
        "python",
        [],
    ),
    (
        "line_magic_after_future_import",
        "from __future__ import annotations\n!ls",
        None,
        "python",
        [],
    ),
    ("bash_cell", "%%bash\necho hello\nls", None, "python", []),
    ("sh_cell", "%%sh\necho hi", None, "python", []),
    ("script_cell", "%%script python3\nprint(1)", None, "python", []),
    (
        "bash_output_to_variables",
        "%%bash --out output --err error\necho hi",
        "import subprocess as _subprocess\n_script = _subprocess.run(['bash'], input='echo hi\\n', "
        "text=True, check=True, stdout=_subprocess.PIPE, stderr=_subprocess.PIPE)\n"
        "output = _script.stdout\nerror = _script.stderr",
        "python",
        [],
    ),
    ("bash_background_commented", "%%bash --bg\nsleep 1", None, "python", ["magic"]),
    ("python3_cell", "%%python3\nprint(1)", None, "python", []),
    ("writefile", "%%writefile hello.py\nprint('hi')", None, "python", []),
    ("writefile_append", "%%writefile -a log.txt\nline", None, "python", []),
    ("file_alias", "%%file data.csv\na,b\n1,2", None, "python", []),
    ("html_cell", "%%html\n<b>bold</b>", None, "python", []),
    ("svg_cell", "%%svg\n<svg></svg>", None, "python", []),
    ("latex_cell", "%%latex\n$x^2$", None, "python", []),
    ("markdown_cell", "%%markdown\n# Title\ntext", "# Title\ntext", "markdown", ["magic"]),
    (
        "sql_cell_params",
        "%%sql\nSELECT * FROM t WHERE a = :x AND b = {{name}}",
        "SELECT * FROM t WHERE a = {x} AND b = {name}",
        "sql",
        ["magic"],
    ),
    ("sql_cell_named", "%%sql rows <<\nSELECT 1", "SELECT 1", "sql", ["magic"]),
    ("sql_connect_line", "%sql sqlite:///data.db\nx = 1", "x = 1", "python", ["magic"]),
    (
        "javascript_commented",
        "%%javascript\nalert(1)",
        "# cell magic not converted:\n# %%javascript\n# alert(1)",
        "python",
        ["magic"],
    ),
    ("unknown_cell_magic", "%%cython\ncdef int a = 0", None, "python", ["magic"]),
    (
        "load_ext_commented",
        "%load_ext autoreload\n%autoreload 2",
        "# %load_ext autoreload  # IPython-only\n# %autoreload 2  # IPython-only",
        "python",
        ["magic", "magic"],
    ),
    (
        "run_script",
        "%run other.py",
        "import runpy as _runpy\n_runpy.run_path('other.py', run_name='__main__');",
        "python",
        ["magic"],
    ),
    ("run_script_with_arguments", "%run other.py -v x", None, "python", ["magic"]),
    (
        "run_notebook_commented",
        "%run other.ipynb",
        "# %run other.ipynb  # IPython magic, not converted",
        "python",
        ["magic"],
    ),
    ("help_suffix", "np.sum?", "# np.sum?  # IPython help; use help(...)", "python", ["magic"]),
    (
        "help_prefix_double",
        "??np.sum",
        "# ??np.sum  # IPython help; use help(...)",
        "python",
        ["magic"],
    ),
    (
        "cd",
        "%cd /tmp",
        "import os as _os\n_os.chdir(_os.path.expanduser('/tmp'))\nprint(_os.getcwd())",
        "python",
        [],
    ),
    ("pwd_assigned", "here = %pwd", "import os as _os\nhere = _os.getcwd()", "python", []),
    ("env_set", "%env MY_VAR=1", None, "python", []),
    ("env_get", "%env HOME", "import os as _os\n_os.environ['HOME']", "python", []),
    ("cell_magic_not_first_is_commented", "x = 1\n%%time\ny = 2", None, "python", ["magic"]),
    ("magic_inside_brackets_is_python", "x = (1,\n%bogus\n)", "x = (1,\n%bogus\n)", "python", []),
    (
        "magic_inside_string_is_text",
        "s = '''\n%not magic\n!nor this\n'''",
        "s = '''\n%not magic\n!nor this\n'''",
        "python",
        [],
    ),
    (
        "comment_with_question_mark",
        "x = 1  # why?\n# really?",
        "x = 1  # why?\n# really?",
        "python",
        [],
    ),
]


#: Cells that are no valid Python for IPython either (left as they are).
INVALID = {"x = (1,\n%bogus\n)"}


def test_enough_cases() -> None:
    assert len(CASES) >= 50
    assert len({case[0] for case in CASES}) == len(CASES)


@pytest.mark.parametrize(
    ("cell", "expected", "kind", "notes"),
    [pytest.param(c, e, k, n, id=i) for i, c, e, k, n in CASES],
)
def test_magic(cell: str, expected: str | None, kind: str, notes: list[str]) -> None:
    result = transform_ipython(cell, KNOWN)
    assert result.kind == kind
    if expected is not None:
        assert result.code == expected
    if kind == "python" and cell not in INVALID:
        ast.parse(result.code)  # plain Python now
        assert "get_ipython" not in result.code
    assert [note.kind for note in result.notes] == notes


@pytest.mark.parametrize(
    "cell",
    [c for _, c, _, _, _ in CASES if not c.startswith(("%%", "  "))]
    + [
        "for i in range(3):\n    !echo {i}\n    %time f()\nprint(i)",
        "def f():\n    x = !ls\n    return x",
        "a = 1\nb = (a,\n     2)\n%who\nc = '''\n%x\n'''\n!ls",
        "if a:\n    x?\nelse:\n    %pwd",
    ],
)
def test_finds_magics_on_the_lines_ipython_does(cell: str) -> None:
    ipython = TransformerManager().transform_cell(cell)
    lines = cell.split("\n")
    changed = {
        index
        for index, line in enumerate(ipython.split("\n"))
        if "get_ipython()" in line and index < len(lines)
    }
    if len(ipython.rstrip("\n").split("\n")) == len(lines):  # no continuation joined
        assert magic_lines(cell) == changed


def _run(code: str) -> tuple[str, dict[str, object]]:
    namespace: dict[str, object] = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<cell>", "exec"), namespace)
    return out.getvalue(), namespace


def test_time_prints_the_timing_and_keeps_the_value() -> None:
    code = transform_ipython("%%time\nx = 2\nx * 21").code
    printed, namespace = _run(code)
    assert printed.startswith("CPU times: ") and "\nWall time: " in printed
    assert namespace["_value"] == 42 and code.rstrip().endswith("_value")


def test_timeit_runs_the_statement_in_its_own_scope() -> None:
    printed, namespace = _run(transform_ipython("%timeit -n 2 -r 3 y = 1").code)
    assert printed.endswith("per loop (mean ± std. dev. of 3 runs, 2 loops each)\n")
    assert "y" not in namespace  # as in IPython: what the timed statement binds stays inside


def test_capture_keeps_output_and_gives_it_to_the_name() -> None:
    printed, namespace = _run(transform_ipython("%%capture out\nprint('hidden')\nx = 1").code)
    assert printed == "" and namespace["x"] == 1
    captured = namespace["out"]
    assert captured.stdout == "hidden\n"  # type: ignore[attr-defined]
    for show in (captured.show, captured):  # type: ignore[attr-defined]
        again = io.StringIO()
        with contextlib.redirect_stdout(again):
            show()
        assert again.getvalue() == "hidden\n"


def test_capture_keeps_figures_out_of_the_cell() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    code = transform_ipython("%%capture kept\nplt.plot([1, 2])").code
    _, namespace = _run(f"import matplotlib.pyplot as plt\n{code}")
    assert plt.get_fignums() == []  # nothing left open for the cell to show
    (figure,) = namespace["kept"].outputs  # type: ignore[attr-defined]
    assert figure.axes


def test_run_runs_the_script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "script.py").write_text("import sys\nprint('ran', sys.argv[1:], __name__)")
    assert _run(transform_ipython("%run script.py a b").code)[0] == "ran ['a', 'b'] __main__\n"


def test_writefile_writes_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code = transform_ipython("%%writefile hello.py\nprint('hi')\n# x = {not a field}").code
    assert _run(code)[0] == "Writing hello.py\n"
    assert (tmp_path / "hello.py").read_text() == "print('hi')\n# x = {not a field}\n"
    assert _run(code)[0] == "Overwriting hello.py\n"
    append = transform_ipython("%%writefile -a hello.py\nmore").code
    assert _run(append)[0] == "Appending to hello.py\n"
    assert (tmp_path / "hello.py").read_text().endswith("field}\nmore\n")


def test_shell_output_lines() -> None:
    _, namespace = _run(transform_ipython("lines = !printf 'a\\nb\\n'").code)
    assert namespace["lines"] == ["a", "b"]


def test_shell_expansion_uses_the_value(tmp_path: Path) -> None:
    target = tmp_path / "made"
    code = transform_ipython("!mkdir {name}", frozenset({"name"})).code
    exec(compile(code, "<cell>", "exec"), {"name": str(target)})
    assert target.is_dir()


def test_bash_output_goes_to_the_variables() -> None:
    code = transform_ipython(
        "%%bash --out out --err err --no-raise-error\necho a\necho b >&2\nexit 2"
    ).code
    _, namespace = _run(code)
    assert (namespace["out"], namespace["err"]) == ("a\n", "b\n")


def test_bash_cell_fails_like_ipython() -> None:
    code = transform_ipython("%%bash\nexit 3").code
    with pytest.raises(Exception, match="returned non-zero exit status 3"):
        _run(code)


def test_env_sets_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CASCADE_TEST_VAR", raising=False)
    printed, _ = _run(transform_ipython("%env CASCADE_TEST_VAR=hello").code)
    assert os.environ["CASCADE_TEST_VAR"] == "hello" and printed == "env: CASCADE_TEST_VAR=hello\n"


def test_html_cell_displays_html() -> None:
    _, namespace = _run(transform_ipython("%%html\n<b>x</b>\n<i>y</i>").code)
    shown = namespace["_Html"]()  # type: ignore[operator]
    assert shown._repr_html_() == "<b>x</b>\n<i>y</i>"


def test_sql_connection_becomes_the_database() -> None:
    assert transform_ipython("%sql sqlite:///data.db").database == "sqlite:///data.db"
    assert transform_ipython("%%sql sqlite:///x.db\nSELECT 1").database == "sqlite:///x.db"

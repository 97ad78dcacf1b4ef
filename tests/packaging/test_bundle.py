"""The PyInstaller bundle, built from a clean checkout of HEAD and used as a user would.

About a minute (2 cores), nearly all of it the build: ``-m "not bundle"`` leaves it out. The
build runs without ``--clean`` so PyInstaller's cache of processed libraries can be reused; the
checkout itself is always fresh.
"""

from __future__ import annotations

import configparser
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kernel_worker.protocol import NONCE_ENV, FrameDecoder, Ready, Shutdown, encode, new_nonce

pytestmark = [pytest.mark.slow, pytest.mark.bundle, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT_S = 600
#: The size budget of dist/Cascade.
MAX_BUNDLE_BYTES = 300 * 1024 * 1024
#: Left out on purpose: the Qt modules Cascade does not use, and Tk.
UNWANTED = ("libQt6WebEngineCore", "libQt6Quick", "libQt6Qml", "libQt6Pdf", "libQt6Multimedia",
            "libQt63D", "_tkinter", "libtk", "libtcl")  # fmt: skip


def _ensure_pyinstaller() -> None:
    """CI needs no extra step: install PyInstaller into this interpreter when it is missing."""
    if importlib.util.find_spec("PyInstaller") is None:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "pyinstaller>=6.10,<7"],
            check=True,
            timeout=BUILD_TIMEOUT_S,
        )


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean clone of HEAD with dist/Cascade built in it (what scripts/build.sh does)."""
    where = tmp_path_factory.mktemp("bundle") / "cascade"
    subprocess.run(
        ["git", "-c", "safe.directory=*", "clone", "--quiet", str(ROOT), str(where)],
        check=True,
        timeout=120,
    )
    _ensure_pyinstaller()
    assert shutil.which("objcopy"), "PyInstaller needs objcopy: apt-get install binutils"
    log = where.parent / "pyinstaller.log"
    with log.open("wb") as out:
        built = subprocess.run(
            [sys.executable, "-m", "PyInstaller", "--noconfirm", "build.spec"],
            cwd=where,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=BUILD_TIMEOUT_S,
            check=False,
        )
    tail = log.read_text(errors="replace")[-4000:]
    assert built.returncode == 0, f"pyinstaller failed:\n{tail}"
    return where


def cascade(
    checkout: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the bundled executable from the checkout, as a user would."""
    return subprocess.run(
        [str(checkout / "dist" / "Cascade" / "Cascade"), *args],
        capture_output=True,
        text=True,
        cwd=checkout,
        env=env,
        timeout=180,
        check=False,
    )


def test_the_bundle_runs_the_demo_headless(checkout: Path) -> None:
    result = cascade(checkout, "run", "notebooks/demo.py", "--json")
    assert result.returncode == 0, result.stderr
    cells = json.loads(result.stdout)["cells"]
    assert [c["status"] for c in cells] == ["success"] * len(cells)
    by_id = {c["id"]: c for c in cells}
    sql = by_id["e5f6a7b8"]
    assert sql["kind"] == "sql"
    assert sql["outputs"][0]["mime"] == "text/html"
    assert "1 row × 3 columns" in sql["outputs"][0]["data"]
    assert by_id["f9a0b1c2"]["stdout"] == "mean square: 42.17\n"


def test_the_bundle_takes_a_screenshot_offscreen(checkout: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = cascade(checkout, "--screenshot", str(out), "notebooks/demo.py", env=env)
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 10_000  # a rendered window, not an empty picture


def test_the_bundle_opens_a_notebook_as_an_app(checkout: Path, tmp_path: Path) -> None:
    """``Cascade app NB.py``, the way an analysis is handed over: the frozen binary opens it in
    app view (here offscreen, with a picture as the proof that it ran and rendered)."""
    out = tmp_path / "app.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = cascade(checkout, "app", "notebooks/demo.py", "--screenshot", str(out), env=env)
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_the_bundle_is_its_own_kernel_worker(checkout: Path) -> None:
    """``--kernel-worker`` says Ready with the bundled packages, then exits on Shutdown."""
    nonce = new_nonce()
    worker = subprocess.run(
        [str(checkout / "dist" / "Cascade" / "Cascade"), "--kernel-worker"],
        input=encode(Shutdown(), nonce),
        env={**os.environ, NONCE_ENV: nonce.hex()},
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert worker.returncode == 0, worker.stderr
    ready = FrameDecoder(nonce).feed(worker.stdout)[0]
    assert isinstance(ready, Ready)
    assert Path(ready.executable) == checkout / "dist" / "Cascade" / "Cascade"
    expected_missing = () if importlib.util.find_spec("matplotlib") else ("matplotlib",)
    assert ready.missing == expected_missing


LAZY_HOOKS_NOTEBOOK = """\
# %%
import sys
before = sorted(m for m in ("inspect", "pkgutil", "multiprocessing") if m in sys.modules)
print(before)

# %%
import inspect
import json
import multiprocessing
import multiprocessing.process
import pkgutil
print(multiprocessing.process.ORIGINAL_DIR, multiprocessing.freeze_support.__name__)
print(any(m.name == "sqlalchemy" for m in pkgutil.iter_modules()))
def twice(x):
    return 2 * x
print(inspect.getsource(twice), end="")
print(inspect.getsourcefile(json).endswith("json/__init__.py"))
"""


def test_stock_run_time_hooks_patch_their_module_when_it_is_imported(
    checkout: Path, tmp_path: Path
) -> None:
    """PyInstaller's hooks for inspect, pkgutil and multiprocessing run on first import, not
    at every start (resources/pyinstaller/lazy_stock_hooks.py), and patch as they did; a
    function a cell defined has its source (the stock inspect hook lost it)."""
    notebook = tmp_path / "hooks.py"
    notebook.write_text(LAZY_HOOKS_NOTEBOOK, encoding="utf-8")
    result = cascade(checkout, "run", str(notebook), "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    first, second = json.loads(result.stdout)["cells"]
    assert first["stdout"] == "[]\n"  # nothing imported them at the worker's start
    assert second["stdout"] == (
        "None _freeze_support\nTrue\ndef twice(x):\n    return 2 * x\nTrue\n"
    )


def test_the_bundle_installs_its_desktop_entry(checkout: Path, tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path)}
    result = cascade(checkout, "--install-desktop", env=env)
    assert result.returncode == 0, result.stderr
    parser = configparser.RawConfigParser()
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(tmp_path / "applications" / "cascade.desktop", encoding="utf-8")
    executable = checkout / "dist" / "Cascade" / "Cascade"
    assert parser["Desktop Entry"]["Exec"] == f"{executable} %f"
    icon = tmp_path / "icons" / "hicolor" / "256x256" / "apps" / "cascade.png"
    assert icon.read_bytes() == (checkout / "resources" / "cascade.png").read_bytes()


def test_the_bundle_holds_what_it_needs_and_stays_small(checkout: Path) -> None:
    bundle = checkout / "dist" / "Cascade"
    internal = bundle / "_internal"
    for name in ("cascade.svg", "cascade.png", "cascade.desktop"):
        assert (internal / "resources" / name).is_file()
    assert (internal / "notebooks" / "demo.py").is_file()
    for name in ("JetBrainsMono-Regular.ttf", "OFL.txt"):  # the code font and its licence
        assert (internal / "resources" / "fonts" / name).is_file(), name
    assert list((internal / "qtawesome" / "fonts").glob("materialdesignicons6*.ttf"))  # icons
    names = {p.name for p in internal.rglob("*")}
    for unwanted in UNWANTED:
        assert not any(name.startswith(unwanted) for name in names), unwanted
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    assert size <= MAX_BUNDLE_BYTES, f"dist/Cascade is {size / 2**20:.0f} MiB"

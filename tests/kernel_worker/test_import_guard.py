"""The completion guard: in a guarded thread, compiled or sourceless modules the policy
rejects cannot be found or imported; other threads, source modules and allowed places are
untouched."""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kernel_worker.import_guard import outside, source_only, standard_library
from tests.kernel_worker.test_completion import plant_sourceless_module


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    sys.path.insert(0, str(tmp_path))
    try:
        yield tmp_path
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n.startswith("guarded_")]:
            del sys.modules[name]


def test_a_sourceless_module_in_the_rejected_folder_is_not_found_and_does_not_run(
    folder: Path,
) -> None:
    marker = plant_sourceless_module(folder, "guarded_pyc")
    with source_only(outside(folder)), pytest.raises(ImportError, match="not Python source"):
        importlib.import_module("guarded_pyc")
    assert not marker.exists()
    importlib.import_module("guarded_pyc")  # unguarded: Python imports it as usual
    assert marker.exists()


def test_python_source_in_the_folder_still_imports_under_the_guard(folder: Path) -> None:
    (folder / "guarded_source.py").write_text("value = 42\n")
    with source_only(outside(folder)):
        assert importlib.import_module("guarded_source").value == 42


def test_the_guard_is_inert_in_other_threads(folder: Path) -> None:
    marker = plant_sourceless_module(folder, "guarded_other")
    imported = threading.Event()

    def other_thread() -> None:
        importlib.import_module("guarded_other")
        imported.set()

    with source_only(outside(folder)):
        thread = threading.Thread(target=other_thread)
        thread.start()
        assert imported.wait(30)
        thread.join(30)
    assert marker.exists()


def test_the_app_policy_allows_the_standard_librarys_compiled_modules_only(folder: Path) -> None:
    allowed = standard_library()
    import _json  # a compiled stdlib module (lib-dynload or built in)

    stdlib_file = getattr(_json, "__file__", None)
    if stdlib_file is not None:
        assert allowed(Path(stdlib_file))
    assert not allowed(folder / "anything.pyc")
    site = next(p for p in sys.path if "site-packages" in p)
    assert not allowed(Path(site) / "numpy" / "core" / "_multiarray_umath.so")
    marker = plant_sourceless_module(folder, "guarded_app")
    with source_only(allowed), pytest.raises(ImportError):
        importlib.import_module("guarded_app")
    assert not marker.exists()


def test_the_guard_nests_and_restores(folder: Path) -> None:
    marker = plant_sourceless_module(folder, "guarded_nested")
    with source_only(lambda _path: True):
        with source_only(outside(folder)), pytest.raises(ImportError):
            importlib.import_module("guarded_nested")
        assert not marker.exists()
        importlib.import_module("guarded_nested")  # the outer policy allows it
    assert marker.exists()

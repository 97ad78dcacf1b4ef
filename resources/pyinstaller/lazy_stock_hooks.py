"""Run-time hook of the bundle: three of PyInstaller's stock run-time hooks (those for
``inspect``, ``pkgutil`` and ``multiprocessing``) run when their module is first imported,
not at the start of every process.

Each stock hook imports its module to patch it for a frozen app, which made every process
import all three: ~50 ms of the kernel worker's start (134 -> 81 ms to Ready, measured with
the three left out). Their sources ship unchanged in ``_pyi_lazy_rthooks`` (build.spec moves
them there); each runs right after its module's own code, before any importer sees the module,
so what it patches is patched as before for every user of the module.
"""

from __future__ import annotations

import os
import sys

#: For the type checker only: this hook runs at the start of every process of the bundle,
#: where importing ``typing`` would cost milliseconds.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from importlib.machinery import ModuleSpec
    from types import ModuleType
    from typing import Any

#: The module each deferred stock hook patches, and its file in ``_pyi_lazy_rthooks``.
DEFERRED = {
    "inspect": "pyi_rth_inspect.py",
    "pkgutil": "pyi_rth_pkgutil.py",
    "multiprocessing": "pyi_rth_multiprocessing.py",
}


#: The deferred hooks not run yet.
_WAITING = dict(DEFERRED)


def _run_stock_hook(filename: str) -> None:
    bundle: str = getattr(sys, "_MEIPASS")  # noqa: B009 (set by PyInstaller's bootloader)
    path = os.path.join(bundle, "_pyi_lazy_rthooks", filename)
    with open(path, encoding="utf-8") as source:
        code = compile(source.read(), path, "exec")
    inspect = sys.modules["inspect"] if filename == "pyi_rth_inspect.py" else None
    unpatched = getattr(inspect, "getsourcefile", None)
    exec(code, {"__name__": "__main__", "__file__": path})
    if inspect is not None and unpatched is not None:
        patched = getattr(inspect, "getsourcefile")  # noqa: B009
        setattr(inspect, "getsourcefile", _cells_as_named(inspect, unpatched, patched))  # noqa: B010


def _cells_as_named(
    inspect: ModuleType, unpatched: Callable[[Any], Any], patched: Callable[[Any], Any]
) -> Callable[[Any], Any]:
    """The stock ``getsourcefile`` takes every relative name for a file in the bundle, a
    notebook cell's ``<cell 3>`` too, so ``inspect.getsource`` of a function a cell defined
    failed in the bundle's kernel (and worked in a source checkout's). Names in angle brackets
    are no file: the unpatched function finds them where they are (in ``linecache``)."""

    def getsourcefile(object: Any) -> Any:
        filename = inspect.getfile(object)
        if filename.startswith("<") and filename.endswith(">"):
            return unpatched(object)
        return patched(object)

    return getsourcefile


class _AfterImport:
    """A finder that finds nothing itself: for a module of :data:`DEFERRED`, it has the
    finders after it find the module and runs its hook once the module's code has run."""

    @classmethod
    def find_spec(
        cls, name: str, path: Any = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        filename = _WAITING.get(name)
        if filename is None:
            return None
        spec: ModuleSpec | None = None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is cls or find is None:
                continue
            spec = find(name, path, target)  # (typed: the finders' ModuleSpec or None)
            if spec is not None:
                break
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        run_module = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            run_module(module)  # (a loader shared by many modules runs theirs here too)
            if module.__name__ == name and name in _WAITING:
                del _WAITING[name]
                if "exec_module" in getattr(loader, "__dict__", {}):
                    del loader.exec_module  # (the loader's own again)
                if not _WAITING and cls in sys.meta_path:
                    sys.meta_path.remove(cls)
                _run_stock_hook(filename)

        try:
            loader.exec_module = exec_module  # type: ignore[method-assign]
        except AttributeError:  # a loader that takes no attribute: one in front of it
            spec.loader = _Then(loader, exec_module)  # type: ignore[assignment]
        return spec


class _Then:
    """A loader that runs ``exec_module`` (the real loader's, then the hook) and is the real
    loader for everything else (its source, its resources)."""

    def __init__(self, loader: Any, exec_module: Callable[[ModuleType], None]) -> None:
        self._loader = loader
        self.exec_module = exec_module

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        module: ModuleType | None = self._loader.create_module(spec)
        return module

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)


def _install() -> None:
    already = [name for name in DEFERRED if name in sys.modules]
    for name in already:  # imported before this hook (not so today): patch it now
        del _WAITING[name]
        _run_stock_hook(DEFERRED[name])
    if _WAITING:
        sys.meta_path.insert(0, _AfterImport)


_install()

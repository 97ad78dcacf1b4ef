"""Completion must never run a module's code: a guard that hides compiled modules from jedi.

``jedi`` reads Python source without running it, but it *imports* a module it has no source
for (an extension module ``.so``/``.pyd``, or a bare ``.pyc``) to inspect it. A notebook folder
can hold such a file (``evil.pyc`` next to the notebook), so typing ``import evil`` and asking
for completions would run its code before the user ran anything. While :func:`source_only` is
active *in the calling thread*, a module that is not Python source is "not found" unless it
lives where the caller trusts (the worker: anywhere but the notebook's folder; the app: the
standard library). Other threads import as usual: the guard is inert for them.

Stdlib only: the worker imports it (it is stdlib-only at import) and so does the app.
"""

from __future__ import annotations

import importlib.machinery
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

TYPE_CHECKING = False  # typing is for the type checker only (see kernel_worker.protocol)
if TYPE_CHECKING:
    from importlib.machinery import ModuleSpec

#: Loaders that run code from something other than Python source the guard can vouch for.
_NOT_SOURCE = (importlib.machinery.ExtensionFileLoader, importlib.machinery.SourcelessFileLoader)


class _SourceOnlyFinder:
    """A meta path finder that refuses, in guarded threads, what ``allowed`` rejects."""

    def __init__(self) -> None:
        self.local = threading.local()

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        allowed: Callable[[Path], bool] | None = getattr(self.local, "allowed", None)
        if allowed is None:
            return None  # not guarded in this thread: the usual finders decide
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or not isinstance(spec.loader, _NOT_SOURCE) or spec.origin is None:
            return None
        if allowed(Path(spec.origin)):
            return None
        # jedi treats ImportError as "no such module"; an import statement does the same.
        raise ImportError(f"{name}: not loaded while completing (not Python source)", name=name)


_FINDER = _SourceOnlyFinder()
_INSTALL_LOCK = threading.Lock()


def _install() -> None:
    with _INSTALL_LOCK:
        if _FINDER not in sys.meta_path:
            sys.meta_path.insert(0, _FINDER)


@contextmanager
def source_only(allowed: Callable[[Path], bool]) -> Iterator[None]:
    """Within this block, in this thread, a compiled or sourceless module whose file
    ``allowed`` rejects cannot be found or imported (already imported modules stay)."""
    _install()
    previous = getattr(_FINDER.local, "allowed", None)
    _FINDER.local.allowed = allowed
    try:
        yield
    finally:
        _FINDER.local.allowed = previous


def outside(folder: str | Path | None) -> Callable[[Path], bool]:
    """A policy: modules anywhere but under ``folder`` (the notebook's) may load."""
    if folder is None:
        return lambda _path: True
    root = Path(folder).resolve()

    def allowed(path: Path) -> bool:
        return not path.resolve().is_relative_to(root)

    return allowed


def standard_library() -> Callable[[Path], bool]:
    """A policy: only the interpreter's own compiled modules (``lib-dynload``) may load."""
    roots = {Path(p).resolve() for p in (sys.base_prefix, sys.base_exec_prefix)}
    site = {Path(p).resolve() for p in sys.path if "site-packages" in p or "dist-packages" in p}

    def allowed(path: Path) -> bool:
        resolved = path.resolve()
        in_base = any(resolved.is_relative_to(root) for root in roots)
        return in_base and not any(resolved.is_relative_to(s) for s in site)

    return allowed

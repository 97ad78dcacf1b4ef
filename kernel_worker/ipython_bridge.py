"""IPython's ``display`` functions, when user code imports them, show through Cascade.

``from IPython.display import display`` is in most notebooks. Outside an IPython shell that
function just ``print``s its arguments, and ``publish_display_data`` fails for want of a
shell. The worker runs no shell (and must not need IPython), so when user code imports
IPython's display module, its ``display`` and ``publish_display_data`` are replaced by ones
that show values exactly as Cascade's own ``display`` does (``raw=True`` MIME dicts and
``include``/``exclude`` filters are honoured; ``display_id`` returns IPython's handle, whose
``update`` shows the new value below; ``clear_output`` does nothing, as outputs cannot be taken
back).

A finder on ``sys.meta_path`` patches the module right after it has run, before
``IPython.display`` copies the names with ``from … import *``. Nothing is imported here: a
kernel without IPython never notices.
"""

from __future__ import annotations

import importlib.machinery
import sys
import types
from collections.abc import Callable, Mapping, Sequence

from kernel_worker.display import mime_bundle

TYPE_CHECKING = False  # typing is for the type checker only (see kernel_worker.protocol)
if TYPE_CHECKING:
    from typing import Any

    Show = Callable[[Any], None]
    Publish = Callable[[Mapping[str, Any], Any], None]

__all__ = ["IPYTHON_DISPLAY_MODULES", "install"]

#: Where IPython keeps ``display`` (8.x and later, then 7.x, which has no display_functions).
IPYTHON_DISPLAY_MODULES = ("IPython.core.display_functions", "IPython.core.display")


class _Bridge:
    """IPython's display API, implemented with the executor's ``show`` and ``publish``."""

    def __init__(self, show: Show, publish: Publish) -> None:
        self.show = show
        self.publish = publish

    def display(
        self,
        *objs: Any,
        include: Sequence[str] | None = None,
        exclude: Sequence[str] | None = None,
        metadata: Mapping[str, Any] | None = None,
        transient: Any = None,
        display_id: Any = None,
        raw: bool = False,
        clear: bool = False,
        **kwargs: Any,
    ) -> Any:
        """``IPython.display.display``, shown as Cascade shows values."""
        for obj in objs:
            if raw:
                if isinstance(obj, Mapping):
                    self.publish(obj, metadata)
            elif include is not None or exclude is not None:
                bundle = {
                    mime: data
                    for mime, data in mime_bundle(obj).items()
                    if (include is None or mime in include)
                    and (exclude is None or mime not in exclude)
                }
                if bundle:
                    self.publish(bundle, metadata)
            else:
                self.show(obj)
        if display_id:
            return _handle(display_id)
        return None

    def publish_display_data(
        self,
        data: Mapping[str, Any],
        metadata: Mapping[str, Any] | None = None,
        *,
        transient: Any = None,
        **kwargs: Any,
    ) -> None:
        """``IPython.display.publish_display_data``: a ready MIME dict."""
        self.publish(data, metadata)

    @staticmethod
    def clear_output(wait: bool = False) -> None:
        """``IPython.display.clear_output``: Cascade cannot take back shown outputs; without a
        shell IPython would print terminal escape codes instead, so nothing happens."""

    def patch(self, module: types.ModuleType) -> None:
        if callable(getattr(module, "display", None)):
            module.display = self.display  # type: ignore[attr-defined]
        if callable(getattr(module, "publish_display_data", None)):
            module.publish_display_data = self.publish_display_data  # type: ignore[attr-defined]
        if callable(getattr(module, "clear_output", None)):
            module.clear_output = self.clear_output  # type: ignore[attr-defined]


def _handle(display_id: Any) -> Any:
    """IPython's ``DisplayHandle`` for ``display(..., display_id=…)`` (its ``update`` calls
    ``display(..., update=True)``, which shows the new value)."""
    module = sys.modules.get(IPYTHON_DISPLAY_MODULES[0]) or sys.modules.get(
        IPYTHON_DISPLAY_MODULES[1]
    )
    handle_class = getattr(module, "DisplayHandle", None)
    if handle_class is None:
        return None
    return handle_class() if display_id is True else handle_class(display_id)


class _PatchingFinder:
    """Finds IPython's display modules through the other finders and patches them once they
    have executed (a meta path finder needs only ``find_spec``: importlib.abc, which costs
    10 ms of a worker start, is not imported)."""

    def __init__(self, bridge: _Bridge) -> None:
        self.bridge = bridge

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in IPYTHON_DISPLAY_MODULES:
            return None
        spec: importlib.machinery.ModuleSpec | None = None
        for finder in sys.meta_path:
            if finder is self or isinstance(finder, _PatchingFinder):
                continue
            find = getattr(finder, "find_spec", None)
            if find is None:
                continue
            spec = find(fullname, path, target)
            if spec is not None:
                break
        loader = spec.loader if spec is not None else None
        original = getattr(loader, "exec_module", None)
        if spec is None or loader is None or original is None:
            return spec
        bridge = self.bridge

        def exec_module(module: types.ModuleType) -> None:
            original(module)
            bridge.patch(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install(show: Show, publish: Publish) -> None:
    """Route IPython's display functions to ``show`` (a value) and ``publish`` (a MIME dict
    and its metadata), now and for a later ``import IPython.display``."""
    bridge = _Bridge(show, publish)
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _PatchingFinder)]
    sys.meta_path.insert(0, _PatchingFinder(bridge))
    for name in IPYTHON_DISPLAY_MODULES:
        module = sys.modules.get(name)
        if module is not None:
            bridge.patch(module)
    # `IPython.display` copied the names when it was imported: patch its copies as well.
    facade = sys.modules.get("IPython.display")
    if facade is not None:
        bridge.patch(facade)

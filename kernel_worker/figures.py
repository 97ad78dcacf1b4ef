"""Matplotlib in the worker: a backend that never opens a window, ``plt.show()`` that shows the
figures under the cell, and figures a cell leaves open shown once when it ends, then closed.

Stdlib only: matplotlib is never imported here. Everything looks in ``sys.modules`` first, so
a notebook that never uses matplotlib pays one dict lookup per cell.

Hooks for the executor (``display`` is ``Executor.display``: it shows one value, rendered by
:func:`kernel_worker.display.mime_bundle`, which turns a figure into a 2x PNG):

* :func:`prepare` once at worker start, before any user code.
* :func:`patch_show` at the start of every Python cell.
* :func:`after_cell` when the cell's code succeeded, *instead of* displaying the last value.
* :func:`close_all` when the cell ended in any other way (error, interrupt), so the next cell
  starts with no figure open; calling it after :func:`after_cell` as well is harmless.

A figure is shown at most once per cell by the automatic paths (``plt.show()``, the cell's value,
left open at the end); an explicit ``display(fig)`` always shows it, and counts as its showing.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import weakref
from collections.abc import Callable, Iterator

TYPE_CHECKING = False  # typing is for the type checker only (see kernel_worker.protocol)
if TYPE_CHECKING:
    from typing import Any

    #: Shows one value under the running cell (``Executor.display`` takes ``*values``).
    Display = Callable[[Any], object]

_PYPLOT = "matplotlib.pyplot"
_MAX_DEPTH = 3  # (fig, axes_array) is depth 2; deeper nests are not "a figure" values


class _State:
    def __init__(self) -> None:
        self.display: Display | None = None
        #: Figures shown in the running cell (closed figures drop out by themselves).
        self.shown: weakref.WeakSet[Any] = weakref.WeakSet()


_state = _State()


# -- worker start ---------------------------------------------------------------------------------
def prepare() -> None:
    """Pick the non-interactive Agg backend (unless the user chose one) and make sure
    ``plt.show()`` is ours from the moment pyplot is imported, even in the cell importing it.

    Imports nothing: matplotlib reads ``MPLBACKEND`` when it is first imported, and the import
    hook only wraps pyplot's loader (an Agg ``show()`` would warn and leave the figure open)."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    if _PYPLOT in sys.modules:
        _patch_pyplot(sys.modules[_PYPLOT])
    elif not any(isinstance(finder, _PyplotImportHook) for finder in sys.meta_path):
        sys.meta_path.insert(0, _PyplotImportHook())


class _PyplotImportHook:
    """A meta path finder that finds only ``matplotlib.pyplot`` (through the other finders)
    and wraps its loader so the module is patched right after it executes."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname != _PYPLOT:
            return None
        spec: Any = None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _PatchingLoader(spec.loader)
        return spec


class _PatchingLoader:
    """Delegates to pyplot's real loader, then patches ``show``."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self._loader.exec_module(module)
        _patch_pyplot(module)

    def __getattr__(self, name: str) -> Any:  # get_source, get_resource_reader, ...
        return getattr(self._loader, name)


def _patch_pyplot(plt: Any) -> None:
    """Replace ``plt.show`` (once) by a show that displays under the running cell; the
    original still runs outside a cell."""
    original = getattr(plt, "show", None)
    if original is None or getattr(original, "_cascade_show", False):
        return

    @functools.wraps(original)
    def show(*args: Any, **kwargs: Any) -> Any:
        if _state.display is None:  # not inside a cell (tests, the worker's own code)
            return original(*args, **kwargs)
        _show_open_figures(_state.display, plt)
        return None

    show._cascade_show = True  # type: ignore[attr-defined]
    plt.show = show


def _show_open_figures(display: Display, plt: Any) -> None:
    """``plt.show()`` in a cell: show every open figure now (in order with what was printed),
    then close them all, as Jupyter's inline backend does."""
    try:
        for figure in open_figures():
            if figure not in _state.shown:
                display(figure)
    finally:
        _close(plt)


# -- each cell ------------------------------------------------------------------------------------
def patch_show(display: Display) -> None:
    """Start of a cell: route ``plt.show()`` to ``display`` and close any figure an earlier cell
    left open. Cheap when pyplot isn't imported (the import hook from :func:`prepare` patches
    it when the cell imports it)."""
    _state.display = display
    if "matplotlib" not in sys.modules:
        return  # nothing can have been shown or drawn (the usual cell: one dict lookup)
    _state.shown.clear()
    plt = sys.modules.get(_PYPLOT)
    if plt is not None:
        _patch_pyplot(plt)
        if open_figures():  # left by a cell that was not closed after: never show them here
            _close(plt)


def after_cell(display: Display, value: Any) -> None:
    """End of a successful cell: show its value, then every figure it left open, then close all.

    Replaces the executor's ``if value is not None: display(value)``. A value that is a Figure,
    an Axes, or a list/tuple/dict/array of them shows those figures (each once, in the value's
    order) instead of their repr; figures already shown in this cell are not shown again; the
    other open figures follow in creation order. Nothing is returned: everything is displayed
    here, in the order Jupyter uses (value first, then the open figures). Never raises an
    ``Exception`` of its own (``display`` keeps rendering failures in the bundle); a
    ``KeyboardInterrupt`` while rendering propagates, so call it inside ``user_code()``."""
    if "matplotlib" not in sys.modules:
        if value is not None:
            display(value)
        return
    try:
        figures = figures_of(value)
        if figures is None:
            if value is not None:
                display(value)
        else:
            for figure in figures:
                if figure not in _state.shown:
                    display(figure)
        for figure in open_figures():
            if figure not in _state.shown:
                display(figure)
    finally:
        close_all()


def close_all() -> None:
    """Close every pyplot figure and forget what was shown, so nothing leaks into the next cell
    (call after a failed or interrupted cell). Never raises; a no-op without pyplot."""
    if "matplotlib" not in sys.modules:
        return  # no figure was ever shown or drawn
    _state.shown.clear()
    plt = sys.modules.get(_PYPLOT)
    if plt is not None:
        _close(plt)


def _close(plt: Any) -> None:
    with contextlib.suppress(Exception):  # a broken backend must not break the kernel
        plt.close("all")


# -- figures --------------------------------------------------------------------------------------
def open_figures() -> list[Any]:
    """The figures pyplot holds open, in creation order (by figure number)."""
    helpers = sys.modules.get("matplotlib._pylab_helpers")
    if helpers is None:
        return []
    try:
        managers = sorted(helpers.Gcf.figs.items(), key=lambda item: item[0])
        return [manager.canvas.figure for _, manager in managers]
    except Exception:
        return []


def as_figure(value: Any) -> Any | None:
    """The top-level Figure of a Figure, SubFigure or Axes; ``None`` for anything else
    (without importing matplotlib: such a value means it is imported already)."""
    module = sys.modules.get("matplotlib.figure")
    if module is None:
        return None
    figure_cls = module.Figure
    axes_module = sys.modules.get("matplotlib.axes")
    kinds: tuple[type, ...] = (getattr(module, "FigureBase", figure_cls),)
    if axes_module is not None:
        kinds += (axes_module.Axes,)
    if not isinstance(value, kinds):
        return None
    current = value
    for _ in range(16):  # Axes -> SubFigure -> ... -> Figure
        if isinstance(current, figure_cls):
            return current
        current = getattr(current, "figure", None)
        if current is None:
            return None
    return None


def note_shown(figure: Any) -> None:
    """Record that ``figure`` was displayed in this cell (called by the display code)."""
    with contextlib.suppress(TypeError):
        _state.shown.add(figure)


def figures_of(value: Any) -> list[Any] | None:
    """The figures a value stands for: a Figure or Axes, or a list, tuple, dict or array made
    only of them (``plt.subplots()``, ``axs``, ``subplot_mosaic``); ``None`` otherwise."""
    if "matplotlib.figure" not in sys.modules or value is None:
        return None
    found: list[Any] = []
    if not _collect(value, found, 0):
        return None
    return found


def _collect(value: Any, found: list[Any], depth: int) -> bool:
    figure = as_figure(value)
    if figure is not None:
        if not any(figure is f for f in found):
            found.append(figure)
        return True
    if depth >= _MAX_DEPTH:
        return False
    items = _items(value)
    if items is None:
        return False
    empty = True
    for item in items:
        empty = False
        if not _collect(item, found, depth + 1):
            return False  # the first non-figure item ends the walk: cheap for big lists
    return not empty


def _items(value: Any) -> Iterator[Any] | None:
    if isinstance(value, list | tuple):
        return iter(value)
    if isinstance(value, dict):
        return iter(value.values())
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.ndarray) and value.dtype == object:
        flat: Iterator[Any] = iter(value.flat)
        return flat
    return None

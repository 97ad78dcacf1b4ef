"""Keeps the cyclic garbage collector off a big notebook's long-lived objects.

A 10,000-cell notebook leaves a few hundred thousand objects alive for as long as it is open
(its cells, analyses, graph, plan, the cards' Python wrappers). Each full collection walks all
of them: 86 and 166 ms pauses of the window while the cards were built
(``benchmarks/window_scale.py``). Once a notebook is open (and again once its cards are built)
everything alive goes to the collector's permanent generation (``gc.freeze``), which full
collections skip; a window that closes hands them back (``gc.unfreeze``), so cycles among a
closed notebook's objects are still collected.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Everything alive now is long-lived: later collections skip it."""
    gc.freeze()


def release() -> None:
    """Let collections see every object again (a notebook closed: its cycles may be garbage)."""
    gc.unfreeze()

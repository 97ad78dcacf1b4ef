"""Bulk work without the cyclic garbage collector.

Opening a notebook of thousands of cells makes hundreds of thousands of objects that live until
it is done (syntax trees, lines, cells); each automatic collection meanwhile walks all of them
again, which cost about a fifth of the time of an open. The work makes no garbage cycles of its
own worth collecting at once, so the collector rests while it runs and is turned back on after
(if it was on), whatever happens.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No automatic garbage collection inside the ``with`` block."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

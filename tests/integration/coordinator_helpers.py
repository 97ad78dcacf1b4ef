"""What the coordinator-over-a-real-worker tests share: cells added without running, and the
value a cell displayed. (The ``coordinator`` fixture itself is in conftest.py.)"""

from __future__ import annotations

from app.coordinator.coordinator import Coordinator
from app.core.state import RichOutput


async def cells(c: Coordinator, *codes: str) -> list[str]:
    """Add cells without running them (lazy), then switch back to autorun."""
    await c.set_mode("lazy")
    ids = [await c.add_cell("python", code=code) for code in codes]
    await c.set_mode("autorun")
    return ids


def value(c: Coordinator, cell_id: str) -> str:
    """The text/plain of the cell's last displayed value."""
    rich = [o for o in c.states[cell_id].outputs if isinstance(o, RichOutput)]
    assert rich, f"{cell_id} displayed nothing: {c.states[cell_id]}"
    return rich[-1].data["text/plain"]

"""The coordinator's control intents: the user changed a control, run what reads it.

A change becomes one plan (:func:`app.core.planner.plan_run` with the control's variables as
``changed_names``) carrying the new value, which the worker sets before the steps. Changes
coalesce per control: while a run for a control is in flight, newer values wait, and only the
latest of them runs next — dragging a slider never queues a run per pixel (SEMANTICS.md §8).

Values live in the kernel, never in the notebook file; the coordinator remembers the value
each shown control was last set to (by control instance), so a redrawn widget shows it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.coordinator.control_memory import ControlMemory
from app.coordinator.events import CoordinatorEvent, Notice
from app.core.controls import ControlSpec, find_control, with_values
from app.core.state import CellRunState

if TYPE_CHECKING:
    from app.coordinator.runner import Runner

Apply = Callable[[str, Any], Awaitable[None]]


class Coalescer:
    """At most one application in flight per key; the latest value submitted meanwhile is
    applied next, the ones in between are dropped. Everyone who submitted while a flight was
    on waits for that flight to end."""

    def __init__(self) -> None:
        self._latest: dict[str, Any] = {}
        self._flights: dict[str, asyncio.Future[None]] = {}
        #: Applications started (for tests and the benchmark: how well changes coalesce).
        self.applied = 0

    async def submit(self, key: str, value: Any, apply: Apply) -> None:
        self._latest[key] = value
        flight = self._flights.get(key)
        if flight is None:
            flight = self._flights[key] = asyncio.ensure_future(self._fly(key, apply))
        await asyncio.shield(flight)

    async def _fly(self, key: str, apply: Apply) -> None:
        try:
            while key in self._latest:
                value = self._latest.pop(key)
                self.applied += 1
                await apply(key, value)
        except BaseException:
            self._latest.pop(key, None)  # the next change starts a fresh flight
            raise
        finally:
            del self._flights[key]

    def busy(self, key: str) -> bool:
        return key in self._flights


class ControlIntents:
    """Mixed into the coordinator: the intents about controls."""

    _controls: Coalescer
    _control_memory: ControlMemory
    #: (control id, instance) -> the wire value the user last set it to.
    _control_values: dict[tuple[str, int], Any]
    _runner: Runner

    if TYPE_CHECKING:

        @property
        def states(self) -> Mapping[str, CellRunState]: ...

        @property
        def path(self) -> Path | None: ...

        def _emit(self, event: CoordinatorEvent) -> None: ...

    @property
    def remember_controls(self) -> bool:
        """Whether this notebook keeps its control values in the user's data folder."""
        return self._control_memory.enabled(self.path)

    def set_remember_controls(self, on: bool) -> None:
        """View → Remember control values (off: the remembered values are forgotten)."""
        if self.path is not None:
            self._control_memory.enable(self.path, on)

    def remembered_control_values(self) -> dict[str, Any]:
        """What a plan carries so controls come back at the values the user left them at."""
        return self._control_memory.values(self.path)

    def exported_states(self) -> dict[str, CellRunState]:
        """The run states with every control at the value on screen (for the exports)."""
        return with_values(self.states, self._control_values)

    def control_value(self, spec: ControlSpec) -> Any:
        """The value to show for a displayed control: the user's latest, else its own."""
        return self._control_values.get((spec.id, spec.instance), spec.value)

    async def set_control_value(self, control_id: str, value: Any) -> None:
        """The user set a control: the cells reading its variables run (autorun) with the new
        value, coalesced with other changes of the same control (see the module docstring).
        Completes when the run that carries this value (or a newer one) has finished."""
        spec = find_control(self.states, control_id)
        if spec is None:
            self._emit(Notice("warning", "That control is gone: run its cell again."))
            return
        self._keep_value(spec, value)
        await self._controls.submit(control_id, value, self._apply_control_value)

    def _keep_value(self, spec: ControlSpec, value: Any) -> None:
        """The user's value for this instance of the control; values set on earlier
        instances (before its cell re-ran) are dropped, so this holds one per control."""
        for key in [k for k in self._control_values if k[0] == spec.id and k[1] != spec.instance]:
            del self._control_values[key]
        self._control_values[(spec.id, spec.instance)] = value

    async def _apply_control_value(self, control_id: str, value: Any) -> None:
        """One coalesced application: remembered (a file write, so once per run, not per
        pixel of a drag) and run."""
        self._control_memory.remember(self.path, {control_id: value})
        spec = find_control(self.states, control_id)
        names = spec.names if spec is not None else ()
        await self._runner.run_cells((), changed_names=names, control_values={control_id: value})

    async def set_control_values(
        self, values: Mapping[str, Any], *, with_definers: bool = False
    ) -> None:
        """Set several controls at once (``cascade run --set``) in one plan: their readers run;
        ``with_definers``: their cells too, so the controls show the values they were set to."""
        specs = [spec for cid in values if (spec := find_control(self.states, cid)) is not None]
        names = {name for spec in specs for name in spec.names}
        roots = {spec.cell_id for spec in specs} if with_definers else set()
        for spec in specs:
            self._keep_value(spec, values[spec.id])
        self._control_memory.remember(self.path, values)
        await self._runner.run_cells(roots, changed_names=names, control_values=values)

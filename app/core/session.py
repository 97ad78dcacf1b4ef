"""The run session: what the kernel did to each cell, folded from its events, purely.

The coordinator's kernel client turns worker frames into the small event values below; this
module folds them into per-cell run state (:func:`app.core.state.reduce`), tracks the plan
in flight and the names the kernel holds (SEMANTICS.md §4), and says what changed. No loop,
no I/O: a test replays an event list and checks the states.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal, Protocol, TypeAlias

from app.core.gc_pause import gc_paused
from app.core.problems import BlockedBy, Reason, Stale
from app.core.record import Record
from app.core.state import (
    Blocked,
    CellError,
    CellRunState,
    Finished,
    MadeStale,
    Output,
    OutputAdded,
    OutputOmitted,
    OutputsCleared,
    RichOutput,
    RunEvent,
    Started,
    StreamName,
    StreamText,
    queued,
    ran,
    reduce,
)

# -- what the kernel reports (translated from the worker's protocol) ---------------------------


class StepBegan(Record):
    plan_id: int
    cell_id: str
    at: float  # monotonic


class StreamReceived(Record):
    """Text a step printed; ``dropped`` characters were not sent (``full_output`` has all)."""

    plan_id: int
    cell_id: str
    stream: StreamName
    text: str
    dropped: int = 0
    full_output: str = ""


class DisplayReceived(Record):
    plan_id: int
    cell_id: str
    data: Mapping[str, str]


StepOutcome = Literal["success", "error", "interrupted", "blocked", "not_run"]


class StepEnded(Record):
    """A step is over. ``unannounced``: it was brief and silent, so this is its start too."""

    plan_id: int
    cell_id: str
    status: StepOutcome
    at: float
    duration_ms: float = 0.0
    error: CellError | None = None
    blocked_by: tuple[str, ...] = ()
    unannounced: bool = False


class QuietStep(Protocol):
    """How a brief step that printed nothing and raised nothing ended."""

    @property
    def cell_id(self) -> str: ...

    @property
    def status(self) -> StepOutcome: ...  # "success", "blocked" or "not_run"

    @property
    def duration_ms(self) -> float: ...

    @property
    def blocked_by(self) -> tuple[str, ...]: ...


class StepsEnded(Record):
    """Several brief quiet steps of a plan are over, in the order they ran: a ``success``
    one ran (this is its start and its end), a ``blocked`` or ``not_run`` one was skipped.
    Folded in one pass into one :class:`Changes`, so observers hear of them once."""

    plan_id: int
    at: float
    steps: Sequence[QuietStep]


class PlanEnded(Record):
    plan_id: int


SessionEvent: TypeAlias = (
    StepBegan | StreamReceived | DisplayReceived | StepEnded | StepsEnded | PlanEnded
)


class LateOutputDropped(Record):
    """A thread a cell started printed after that cell ran again: its output was dropped."""

    cell_id: str


# -- the fold ------------------------------------------------------------------------------------


class ActivePlan:
    """The plan the worker is running (its progress is written as the worker reports)."""

    __slots__ = ("defs", "done", "finished", "interrupted", "order", "plan_id", "running")

    def __init__(
        self, plan_id: int, order: tuple[str, ...], defs: Mapping[str, frozenset[str]]
    ) -> None:
        self.plan_id = plan_id
        self.order = order  # steps in the order the worker runs them
        self.defs = defs
        self.running: str | None = None
        self.interrupted = False
        self.finished: set[str] = set()
        self.done = False

    @property
    def unfinished(self) -> set[str]:
        return set(self.order) - self.finished

    def current_step(self) -> str | None:
        """The step the worker is in: announced, or else the first unfinished one (a brief
        step is announced only when it ends, so a crash inside it names it this way)."""
        if self.running is not None:
            return self.running
        return next((c for c in self.order if c not in self.finished), None)


class Changes:
    """What one fold step changed: new states (with the output just added, if that was the
    change), things to tell the user, spill files no longer shown, whether the plan ended."""

    __slots__ = ("notices", "obsolete_files", "plan_done", "states")

    def __init__(self, plan_done: bool = False) -> None:
        self.states: dict[str, tuple[CellRunState, Output | None]] = {}
        self.notices: list[LateOutputDropped] = []
        self.obsolete_files: list[str] = []
        self.plan_done = plan_done


class RunSession:
    """Run state of every cell plus the kernel's namespace bookkeeping for one notebook."""

    def __init__(self) -> None:
        self.states: dict[str, CellRunState] = {}
        #: name -> cell whose last run bound it in the kernel namespace (SEMANTICS.md §4)
        self.kernel_names: dict[str, str] = {}
        self.active: ActivePlan | None = None
        #: cell -> the plan its latest run belongs to (late output of its threads goes there).
        self._last_run: dict[str, int] = {}
        self._dropped_late: set[tuple[int, str]] = set()

    # -- cells -------------------------------------------------------------------------------
    def reset(self, cell_ids: Iterable[str]) -> None:
        """A new document: every cell never run, nothing in the kernel known."""
        self.states = {cell_id: CellRunState() for cell_id in cell_ids}
        self.kernel_names.clear()
        self.active = None

    def add(self, cell_id: str, state: CellRunState | None = None) -> None:
        self.states[cell_id] = state or CellRunState()

    def remove(self, cell_id: str) -> None:
        self.states.pop(cell_id, None)

    def set_state(self, cell_id: str, event: RunEvent, changes: Changes | None = None) -> Changes:
        """Apply ``event`` to one cell (ignored for a cell that is gone)."""
        changes = changes if changes is not None else Changes()
        if cell_id in self.states:
            state = reduce(self.states[cell_id], event)
            self.states[cell_id] = state
            changes.states[cell_id] = (
                state,
                event.output if isinstance(event, OutputAdded) else None,
            )
        return changes

    def mark_stale(self, cell_ids: Iterable[str], reason: Stale) -> Changes:
        changes = Changes()
        for cell_id in cell_ids:
            self.set_state(cell_id, MadeStale(reason), changes)
        return changes

    def clear_outputs(self, cell_ids: Iterable[str]) -> Changes:
        """Clear these cells' outputs (statuses stay); their spill files are no longer shown."""
        changes = Changes()
        for cell_id in cell_ids:
            state = self.states.get(cell_id)
            if state is None:
                continue
            self.set_state(cell_id, OutputsCleared(), changes)
            if state.full_output and self.states[cell_id].full_output is None:
                changes.obsolete_files.append(state.full_output)
        return changes

    @property
    def up_to_date(self) -> set[str]:
        return {c for c, s in self.states.items() if s.up_to_date}

    @property
    def ran(self) -> set[str]:
        return {c for c, s in self.states.items() if s.status != "idle"}

    # -- plans ------------------------------------------------------------------------------
    def begin_plan(
        self,
        plan_id: int,
        order: tuple[str, ...],
        defs: Mapping[str, frozenset[str]],
        delete_names: Iterable[str],
        blocked: Mapping[str, Reason],
        stale: Iterable[str],
        held: Iterable[str] = (),
    ) -> Changes:
        """A plan is about to be sent: its names leave the kernel, blocked cells say why,
        lazily stale ones go stale, and its steps are queued."""
        for name in delete_names:
            self.kernel_names.pop(name, None)
        changes = Changes()
        for cell_id, reason in blocked.items():
            self.set_state(cell_id, Blocked(reason), changes)
        for cell_id in stale:
            self.set_state(cell_id, MadeStale(Stale("input_changed")), changes)
        for cell_id in held:
            self.set_state(cell_id, MadeStale(Stale("autorun_off")), changes)
        # Queued, as set_state would (every cell of every plan: without an event or a match).
        states, changed = self.states, changes.states
        with gc_paused():  # a new state for every cell of the plan, no garbage among them
            for cell_id in order:
                old = states.get(cell_id)
                if old is not None:
                    states[cell_id] = state = queued(old)
                    changed[cell_id] = (state, None)
        self.active = ActivePlan(plan_id, order, defs)
        return changes

    def held_names(self, names: Iterable[str]) -> list[str]:
        """Which of ``names`` the kernel actually holds."""
        return [name for name in names if name in self.kernel_names]

    def apply(self, event: SessionEvent) -> Changes:
        """Fold one kernel event."""
        match event:
            case StepBegan():
                return self._began(event)
            case StreamReceived():
                return self._stream(event)
            case DisplayReceived(plan_id=plan_id, cell_id=cell_id, data=data):
                if self._current(plan_id) is None:
                    return Changes()
                return self.set_state(cell_id, OutputAdded(RichOutput(dict(data))))
            case StepEnded():
                return self._ended(event)
            case StepsEnded():
                return self._steps_ended(event)
            case PlanEnded(plan_id=plan_id):
                active = self._current(plan_id)
                if active is None:
                    return Changes()
                active.done = True
                return Changes(plan_done=True)
        raise TypeError(f"not a session event: {event!r}")

    def _current(self, plan_id: int) -> ActivePlan | None:
        active = self.active
        return active if active is not None and active.plan_id == plan_id else None

    def _mark_started(self, active: ActivePlan, cell_id: str, changes: Changes) -> None:
        active.running = cell_id
        self._last_run[cell_id] = active.plan_id
        old = self.states.get(cell_id)
        if old is not None and old.full_output:
            changes.obsolete_files.append(old.full_output)  # its run is being replaced
        # Whatever the cell binds is in the namespace from now on, even if it fails later.
        for name in active.defs.get(cell_id, ()):
            self.kernel_names[name] = cell_id

    def _began(self, event: StepBegan) -> Changes:
        active = self._current(event.plan_id)
        if active is None:
            return Changes()
        changes = Changes()
        self._mark_started(active, event.cell_id, changes)
        return self.set_state(event.cell_id, Started(event.at), changes)

    def _stream(self, event: StreamReceived) -> Changes:
        """Output of a run: the running plan's, or late output of a thread a cell started —
        kept while that cell has not run again, dropped (the user is told once) after."""
        cell_id = event.cell_id
        changes = Changes()
        if cell_id not in self.states:
            return changes
        late = self._current(event.plan_id) is None
        if late and self._last_run.get(cell_id) != event.plan_id:
            if event.full_output:
                changes.obsolete_files.append(event.full_output)
            run = (event.plan_id, cell_id)
            if run not in self._dropped_late:
                self._dropped_late.add(run)
                changes.notices.append(LateOutputDropped(cell_id))
            return changes
        if event.dropped or event.full_output:
            self.set_state(cell_id, OutputOmitted(event.dropped, event.full_output), changes)
        if event.text:
            self.set_state(cell_id, OutputAdded(StreamText(event.stream, event.text)), changes)
        return changes

    def _ended(self, event: StepEnded) -> Changes:
        active = self._current(event.plan_id)
        changes = Changes()
        if active is not None:
            self._end_step(active, event, event.at, event.unannounced, changes)
        return changes

    def _steps_ended(self, event: StepsEnded) -> Changes:
        """Every step of the batch, in one pass, into one :class:`Changes`."""
        active = self._current(event.plan_id)
        changes = Changes()
        if active is None:
            return changes
        # What _end_step does for a brief quiet success (started and ended here), spelled
        # out: a batch holds hundreds of them, a plan of 10,000 cells ten thousand.
        states, changed, last_run = self.states, changes.states, self._last_run
        kernel_names, defs, plan_id = self.kernel_names, active.defs, active.plan_id
        finished = active.finished
        with gc_paused():  # a new state for every step of the batch
            for step in event.steps:
                if step.status != "success":
                    self._end_step(active, step, event.at, False, changes)
                    continue
                cell_id = step.cell_id
                last_run[cell_id] = plan_id
                for name in defs.get(cell_id, ()):
                    kernel_names[name] = cell_id
                finished.add(cell_id)
                old = states.get(cell_id)
                if old is not None:
                    if old.full_output:
                        changes.obsolete_files.append(old.full_output)
                    states[cell_id] = state = ran(step.duration_ms)
                    changed[cell_id] = (state, None)
            active.running = None
        return changes

    def _end_step(
        self,
        active: ActivePlan,
        step: QuietStep | StepEnded,
        at: float,
        unannounced: bool,
        changes: Changes,
    ) -> None:
        cell_id = step.cell_id
        if unannounced:
            # A brief, silent step: this is its start and its end.
            self._mark_started(active, cell_id, changes)
        active.finished.add(cell_id)
        active.running = None
        if unannounced and step.status == "success":
            # One state change (Ran), as set_state would: every brief step of a plan.
            if cell_id in self.states:
                self.states[cell_id] = state = ran(step.duration_ms)
                changes.states[cell_id] = (state, None)
            return
        if unannounced and cell_id in self.states:
            self.states[cell_id] = reduce(self.states[cell_id], Started(at))
        if step.status == "blocked":
            culprit = next(iter(step.blocked_by), "")
            self.set_state(cell_id, Blocked(BlockedBy(culprit, failed=True)), changes)
        elif step.status == "not_run":
            self.set_state(cell_id, MadeStale(Stale("interrupted")), changes)
        else:
            error = step.error if isinstance(step, StepEnded) else None
            self.set_state(cell_id, Finished(step.status, step.duration_ms, error), changes)

    def lose_kernel(self, message: str, *, forget: bool) -> Changes:
        """The kernel went away: the step it was in failed with ``message``, the rest of the
        plan did not run; with ``forget`` (it died, or restarted) every cell is stale and the
        namespace is empty."""
        changes = Changes()
        active, self.active = self.active, None
        if forget:
            self.kernel_names.clear()
            reason = Stale("kernel_lost", message) if message else Stale("kernel_restarted")
            for cell_id in self.states:
                self.set_state(cell_id, MadeStale(reason), changes)
        if active is not None:
            current = active.current_step()
            if current is not None:
                self.set_state(
                    current,
                    Finished("error", 0.0, CellError("KernelDied", message, message)),
                    changes,
                )
                active.finished.add(current)
            for cell_id in active.unfinished:
                self.set_state(cell_id, MadeStale(Stale("kernel_lost", message)), changes)
            changes.plan_done = True
        return changes

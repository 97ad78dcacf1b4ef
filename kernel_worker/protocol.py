"""The one message protocol between the coordinator and the kernel worker.

Every message is a frozen dataclass with a ``TYPE`` tag. On the wire a message is a frame::

    magic (4 bytes) | session nonce (8 bytes) | body length (u32 BE) | CRC-32 of body (u32 BE)
    | body: UTF-8 JSON {"type": TYPE, ...}

The worker moves its ends of the channel to high, close-on-exec file descriptors and points
fds 1 and 2 at capture pipes, so nothing user code prints reaches the channel (see
:mod:`kernel_worker.channel`). The header makes anything else detectable at once: stray bytes
fail the magic, a frame from another session (or forged without the nonce) fails the nonce, a
garbage length fails :data:`MAX_FRAME_BYTES`, damaged content fails the CRC. A receiver that
sees a bad frame cannot resynchronise and must drop the connection (:class:`ProtocolError`).

The nonce is chosen by the coordinator for each worker it starts and handed over in the
:data:`NONCE_ENV` environment variable, which the worker removes before any user code runs.

Versioning: the worker's first frame is :class:`Ready` carrying :data:`PROTOCOL_VERSION`; the
coordinator refuses a worker that speaks another version. Add fields with defaults to stay
compatible; bump the version for anything else (version 2: the framed header above; version 3:
:class:`StepsFinished`, many brief steps of a plan in one frame; version 4: reactive
controls, :class:`ControlValue` updates carried by a :class:`RunPlan`; version 5:
:class:`DescribeNamespace` / :class:`NamespaceSummary` for the Variables panel; version 6:
:class:`Complete` and its answer :class:`Completions`, code completion from the live namespace,
and :class:`Inspect` / :class:`Inspection`, signature help and docs; version 7:
:class:`DescribeSchema` / :class:`DatabaseSchema`, the database's tables and columns for
completion in SQL cells; version 8: a :class:`RunPlan`'s steps as arrays, see :class:`Step`;
version 9: :class:`ViewVariable` / :class:`VariableTable` and :class:`ReleaseTables`, a
namespace value opened in the table viewer;
version 10: a step the worker already has travels as its cell id alone, see :class:`StepRef`,
and :class:`Precompile`, cells compiled while the worker waits; version 11: a :class:`Step`
says whether its code may end with an expression, so the worker compiles the others without
parsing them; version 12: :class:`CompiledCode`, cells a worker compiled, handed back in
:attr:`Precompile.compiled` to the next worker of the same Python so a restart does not compile
them again).

Binary output data (``image/png``, ``image/jpeg``, ``image/gif``) travels base64-encoded in a
display bundle; every other MIME type is text.

Stdlib only: this module is imported by the app and by the worker, which may run inside any
Python >= 3.11 the user picks. It is the first thing a worker imports, so it imports neither
``typing`` nor ``dataclasses`` at run time: messages are :class:`Message` records (frozen,
slotted, typed like dataclasses through ``dataclass_transform``), which cost a few
microseconds each to define where ``@dataclass(frozen=True, slots=True)`` and its imports
cost about 1.5 ms each — 45 ms of a 60 ms worker start, measured.
"""

from __future__ import annotations

import gc
import json
import struct
import zlib
from collections.abc import Callable, Mapping

#: ``typing`` is for the type checker only (see the module docstring); mypy treats this name
#: as true, as it does ``typing.TYPE_CHECKING``.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar, Literal, TypeAlias, dataclass_transform
else:

    def dataclass_transform(**_options: object) -> Callable[[type], type]:
        return lambda cls: cls


PROTOCOL_VERSION = 12

#: Largest frame body accepted; anything bigger means the stream is corrupt. The worker never
#: sends one (it replaces an oversized display by a note, and caps stream output).
MAX_FRAME_BYTES = 256 * 1024 * 1024

#: First bytes of every frame (not ASCII, so text written by mistake never starts a frame).
FRAME_MAGIC = b"\x89CSK"
NONCE_BYTES = 8
#: The environment variable that hands the session nonce (hex) to the worker.
NONCE_ENV = "CASCADE_KERNEL_NONCE"
#: The environment variable naming the notebook's folder: the worker starts elsewhere (so
#: nothing there is imported while it starts) and changes to it itself.
NOTEBOOK_DIR_ENV = "CASCADE_NOTEBOOK_DIR"

_HEADER = struct.Struct(">4s8sII")
HEADER_BYTES = _HEADER.size

BINARY_MIME_TYPES = frozenset({"image/png", "image/jpeg", "image/gif"})

#: The logical (1×) size of an image drawn at a higher resolution: JSON {"width", "height"}.
IMAGE_SIZE_MIME = "application/vnd.cascade.image-size+json"

#: A table that stays in the kernel: JSON ``{"table_id", "rows", "columns": [{"name",
#: "dtype"}], "index_name", "first_rows": [[index, value, ...], ...]}`` with every value
#: already formatted as display text. Further rows come through :class:`FetchRows`.
TABLE_MIME = "application/vnd.cascade.table+json"

if TYPE_CHECKING:
    StepKind: TypeAlias = Literal["python", "sql"]
    StreamName: TypeAlias = Literal["stdout", "stderr"]
    StepStatus: TypeAlias = Literal["success", "error", "interrupted", "blocked", "not_run"]
else:  # run-time stand-ins: the literal types matter to the type checker only
    StepKind = StreamName = StepStatus = str
#: A SQL statement as sent to the worker: the 1-based cell line its text starts on, and its
#: parts: ("text", literal SQL) or ("param", Python variable name bound as a parameter).
SqlStatementSpec: TypeAlias = tuple[int, tuple[tuple[str, str], ...]]
#: What a step may end as without anything to report but its status (see StepsFinished).
QUIET_STATUSES = frozenset({"success", "blocked", "not_run"})


class ProtocolError(ValueError):
    """A frame or message that does not follow this protocol."""


# --------------------------------------------------------------------------------------------
# Message records
# --------------------------------------------------------------------------------------------


def _make_init(
    cls: type, names: tuple[str, ...], defaults: tuple[object, ...]
) -> Callable[..., None]:
    """An ``__init__`` taking ``names`` (the last ``len(defaults)`` optional), as a dataclass's
    would: one small function compiled per class (this is what ``dataclasses`` does too). It
    sets each field through its slot's descriptor, past the ``__setattr__`` that refuses
    changes (a third faster than ``object.__setattr__``: every step of a plan is a record)."""
    first_default = len(names) - len(defaults)
    params = "".join(
        f", {name}" if i < first_default else f", {name}=_defaults[{i - first_default}]"
        for i, name in enumerate(names)
    )
    body = "".join(f"\n    _set_{name}(self, {name})" for name in names) or "\n    pass"
    scope: dict[str, object] = {"_defaults": defaults}
    scope.update({f"_set_{name}": cls.__dict__[name].__set__ for name in names})
    exec(f"def __init__(self{params}):{body}", scope)
    init: Callable[..., None] = scope["__init__"]  # type: ignore[assignment]
    return init


def _first_init(self: Record, *args: object, **kwargs: object) -> None:
    """Every record class's ``__init__`` until it is first called: compiles the real one then
    (a quarter of a millisecond per class that a worker start would otherwise pay for all)."""
    cls = type(self)
    init = _make_init(cls, cls.FIELDS, cls.DEFAULTS)
    cls.__init__ = init  # type: ignore[method-assign]
    init(self, *args, **kwargs)


@dataclass_transform(frozen_default=True)
class _RecordType(type):
    """Makes a class body of annotated fields (with trailing defaults) a frozen, slotted
    record: ``__slots__``, ``__init__``, the field names in ``FIELDS`` and the trailing
    fields' defaults in ``DEFAULTS``. Records do not inherit fields from each other."""

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> _RecordType:
        annotations: dict[str, str] = namespace.get("__annotations__", {})
        names = tuple(n for n, kind in annotations.items() if not kind.startswith("ClassVar"))
        defaults = tuple(namespace.pop(n) for n in names if n in namespace)
        namespace["__slots__"] = names
        namespace["FIELDS"] = names
        namespace["DEFAULTS"] = defaults
        cls = super().__new__(mcs, name, bases, namespace)
        cls.__init__ = _first_init  # type: ignore[misc]
        return cls


class Record(metaclass=_RecordType):
    """Base of every message and of the values inside them: immutable after ``__init__``,
    compared and hashed by type and field values, shown as ``Name(field=value, …)``."""

    __slots__ = ()
    FIELDS: ClassVar[tuple[str, ...]] = ()
    DEFAULTS: ClassVar[tuple[object, ...]] = ()

    def values(self) -> tuple[Any, ...]:
        """The field values, in field order."""
        return tuple(getattr(self, name) for name in self.FIELDS)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Record)
        return self.values() == other.values()

    def __hash__(self) -> int:
        return hash((type(self), self.values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.FIELDS)
        return f"{type(self).__name__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable (cannot set {name})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable (cannot delete {name})")


# --------------------------------------------------------------------------------------------
# Requests: coordinator -> worker
# --------------------------------------------------------------------------------------------


class Step(Record):
    """One cell to run inside a :class:`RunPlan`.

    ``depends_on``: cells earlier in the same plan this one reads from; if any of them did not
    succeed in this run the worker skips this step and reports it ``blocked``.
    ``label``: how tracebacks name the cell ("cell 3"). ``private_names``: the cell's
    ``_private`` names, removed from the namespace after it runs. ``name``: a SQL cell's result
    variable (absent for Python). ``sql``: a SQL cell's statements, already split and parsed
    by the coordinator (the worker never parses templates). ``ends_with_expression``: false
    only when the coordinator's parse found that the code's last statement is not an
    expression, so no value is shown and the worker compiles the code as it is, without
    parsing it to take that expression apart (half a small cell's compile time); true, the
    default, makes the worker look for itself (version 11).

    On the wire (version 11) a step is an array of its fields in this order, every one present:
    ``[cell_id, kind, code, label, [depends_on…], [private_names…], name, sql,
    ends_with_expression]`` — a 10,000-step plan is encoded and decoded several times faster
    than as objects.
    """

    TYPE: ClassVar[str] = "step"
    cell_id: str
    kind: StepKind
    code: str
    label: str = ""
    depends_on: tuple[str, ...] = ()
    private_names: tuple[str, ...] = ()
    name: str | None = None
    sql: tuple[SqlStatementSpec, ...] = ()
    ends_with_expression: bool = True


def cell_filename(cell_id: str, label: str) -> str:
    """The name a cell's code is compiled under (its tracebacks show it; compiled code sent
    back in :class:`CompiledCode` is known by it)."""
    return f"<{label or 'cell ' + cell_id}>"


# -- reactive controls (docs/SEMANTICS.md §8) ---------------------------------------------------
#: A control shown under a cell: JSON ``{"id", "instance", "kind", "label", "disabled",
#: "debounce", "options", "value", "names"}``. ``id`` is stable across runs of its cell
#: ("cell:index"), ``instance`` is new each time the control is created, ``value`` is in wire
#: form (JSON), ``names`` are the notebook variables holding the control.
CONTROL_MIME = "application/vnd.cascade.control+json"


class ControlValue(Record):
    """The user set control ``control_id`` to ``value`` (wire form, JSON): the worker applies
    it before the plan's first step (an invalid or unknown one is reported as a WorkerLog)."""

    TYPE: ClassVar[str] = "control_value"
    control_id: str
    value: Any


# -- end of reactive controls ---------------------------------------------------------------------


class StepRef(Record):
    """A step of a :class:`RunPlan` that the worker already has: the same as the last
    :class:`Step` it received for ``cell_id`` (version 10). On the wire it is the cell id
    alone, a string: a re-run of 10,000 unchanged cells sends 10,000 short strings, not their
    code (see :func:`encode_plan`). The worker's reader replaces it by that step before the
    plan runs; a reference to a cell it never received is a protocol error."""

    TYPE: ClassVar[str] = "step_ref"
    cell_id: str


class RunPlan(Record):
    """Set ``control_values``, delete ``delete_names`` from the namespace, then run ``steps``
    in order (:class:`StepRef` only on the wire: the worker runs full steps)."""

    TYPE: ClassVar[str] = "run_plan"
    plan_id: int
    steps: tuple[Step | StepRef, ...]
    delete_names: tuple[str, ...] = ()
    control_values: tuple[ControlValue, ...] = ()


class ConfigureDatabase(Record):
    """Use this SQLAlchemy URL for SQL cells from now on, after checking it connects.

    ``password`` travels separately so it never has to be part of a URL anyone prints; the
    worker answers with :class:`DatabaseStatus` and keeps the previous engine on failure.
    """

    TYPE: ClassVar[str] = "configure_database"
    request_id: int
    url: str
    password: str | None = None


class FetchRows(Record):
    """Rows ``start`` .. ``start + count`` of a kernel table, optionally sorted by a column
    (``sort_column`` is a 0-based data column; absent: the frame's own order)."""

    TYPE: ClassVar[str] = "fetch_rows"
    request_id: int
    table_id: str
    start: int
    count: int
    sort_column: int | None = None
    ascending: bool = True


class ExportTable(Record):
    """Write a kernel table (in the given sort order) to ``path`` as CSV."""

    TYPE: ClassVar[str] = "export_table"
    request_id: int
    table_id: str
    path: str
    sort_column: int | None = None
    ascending: bool = True


class Shutdown(Record):
    """Exit cleanly after the current request."""

    TYPE: ClassVar[str] = "shutdown"


class Precompile(Record):
    """Compile these cells whenever the worker waits for a request (version 10), so the plan
    that runs them later does not: ``cells`` are ``(cell_id, label, code)`` as a Python
    :class:`Step` holds them. Nothing runs and nothing is answered; any request that arrives
    is served first (the compiling goes on when the worker is idle again), and a cell that
    does not compile cleanly (an error, a warning) is left to its step, which reports it.
    ``no_last_expression``: the cells whose last statement is not an expression, compiled
    without parsing them (see :attr:`Step.ends_with_expression`; version 11). ``compiled``:
    cells an earlier worker of the same Python compiled, as it sent them in
    :class:`CompiledCode` (version 12); the worker loads them while it waits (or a step
    first needing one does), and compiles the text instead of one that does not load. ``hand_back``: from now on, send the cells
    this worker compiles in :class:`CompiledCode` (a worker sends none unless asked)."""

    TYPE: ClassVar[str] = "precompile"
    cells: tuple[tuple[str, str, str], ...] = ()
    no_last_expression: tuple[str, ...] = ()
    compiled: tuple[tuple[str, str, str], ...] = ()
    hand_back: bool = False


# -- code intelligence (version 6) --------------------------------------------------------------
class Complete(Record):
    """Complete ``code`` at the 1-based ``line`` and 0-based ``column`` (code points) against
    the live namespace. Answered with :class:`Completions`; the worker reads it only while no
    plan runs (the coordinator completes statically meanwhile)."""

    TYPE: ClassVar[str] = "complete"
    request_id: int
    code: str
    line: int
    column: int
    limit: int = 200


class CompletionItem(Record):
    """One completion: ``name`` as shown, ``insert`` the text to add after what is typed,
    ``kind`` (module, class, function, keyword, instance, param, path, statement, …) and a
    one-line ``detail`` (a signature or a type)."""

    TYPE: ClassVar[str] = "completion_item"
    name: str
    insert: str
    kind: str = ""
    detail: str = ""


class Completions(Record):
    """Answer to :class:`Complete`. ``unavailable``: the kernel's interpreter lacks ``jedi``
    (the coordinator completes statically and says so once); ``error``: jedi failed."""

    TYPE: ClassVar[str] = "completions"
    request_id: int
    items: tuple[CompletionItem, ...] = ()
    unavailable: bool = False
    error: str = ""


class Inspect(Record):
    """What is being called at this position (signature help), or, with ``docs``, the
    documentation of the name at it. Answered with :class:`Inspection`, like :class:`Complete`."""

    TYPE: ClassVar[str] = "inspect"
    request_id: int
    code: str
    line: int
    column: int
    docs: bool = False


class Inspection(Record):
    """Answer to :class:`Inspect`: the callable's ``signature`` ("join(a, *p)") with its
    ``params`` and the ``parameter`` being typed (-1: none); ``doc``: the docstring when asked;
    ``module``: where the name is defined. Empty fields: nothing known there."""

    TYPE: ClassVar[str] = "inspection"
    request_id: int
    name: str = ""
    signature: str = ""
    params: tuple[str, ...] = ()
    parameter: int = -1
    doc: str = ""
    module: str = ""
    unavailable: bool = False
    error: str = ""
    #: Where the name is defined, with ``docs``: a source file and its 1-based line ("", 0:
    #: no source, e.g. a builtin).
    path: str = ""
    line: int = 0


# -- end of code intelligence --------------------------------------------------------------------


# -- the database's schema, for completion in SQL cells (version 7) -----------------------------
class DescribeSchema(Record):
    """The connected database's tables (default schema), with the columns of ``tables``
    (the worker reads at most a few tables' columns per request, see
    ``kernel_worker.sql_schema``). The worker answers from its cache, which it forgets when the
    database is reconfigured and after a SQL cell runs DDL; ``refresh`` reads everything again.
    Answered with :class:`DatabaseSchema`, like :class:`Complete` only while no plan runs."""

    TYPE: ClassVar[str] = "describe_schema"
    request_id: int
    tables: tuple[str, ...] = ()
    refresh: bool = False


class TableColumns(Record):
    """One table's column names and their database types (as the inspector names them)."""

    TYPE: ClassVar[str] = "table_columns"
    table: str
    columns: tuple[str, ...] = ()
    types: tuple[str, ...] = ()


class DatabaseSchema(Record):
    """Answer to :class:`DescribeSchema`: ``tables`` and ``views`` (sorted; ``truncated``:
    the database has more than were listed), ``columns`` of the tables asked for that exist,
    the worker's cache ``generation`` (a new one: what the receiver kept is stale), ``error``
    (no database, no SQLAlchemy, or the database refused) for a person."""

    TYPE: ClassVar[str] = "database_schema"
    request_id: int
    tables: tuple[str, ...] = ()
    views: tuple[str, ...] = ()
    columns: tuple[TableColumns, ...] = ()
    truncated: bool = False
    generation: int = 0
    error: str = ""


# -- end of the database's schema -----------------------------------------------------------------

# ``Request`` (the union of every request) is defined below, with ``Event``.


# --------------------------------------------------------------------------------------------
# Events: worker -> coordinator
# --------------------------------------------------------------------------------------------


#: Packages the worker uses when a cell needs them (none is needed to run Python cells), and
#: what a user cannot do without each: :attr:`Ready.missing` names the ones an interpreter lacks.
OPTIONAL_PACKAGES: dict[str, str] = {
    "pandas": "SQL results and tables",
    "sqlalchemy": "SQL cells",
    "psycopg": "PostgreSQL connections",
    "matplotlib": "plots",
}


class Ready(Record):
    """First frame of every worker: it is listening. ``python`` is its ``sys.version``;
    ``missing``: optional packages (pandas, sqlalchemy, …) its interpreter does not have."""

    TYPE: ClassVar[str] = "ready"
    protocol_version: int
    pid: int
    python: str
    executable: str = ""
    missing: tuple[str, ...] = ()


class StepStarted(Record):
    TYPE: ClassVar[str] = "step_started"
    plan_id: int
    cell_id: str


class StreamOutput(Record):
    """A batch of text the cell wrote to stdout or stderr (batched every ~20 ms or 64 KiB).

    ``plan_id`` / ``cell_id`` name the run that wrote it: a thread started by a cell writes
    into that cell's run even after it ended ("late" output, shown while the cell has not run
    again, dropped once it has). ``dropped``: characters of this run's output written before
    ``text`` that are not sent (the run went over its output cap): what the receiver holds of
    the run's earlier text no longer joins up with ``text``. ``full_output``: a file holding
    everything the run wrote so far (absent until the run goes over its cap).
    """

    TYPE: ClassVar[str] = "stream"
    plan_id: int
    cell_id: str
    stream: StreamName
    text: str
    dropped: int = 0
    full_output: str = ""


class DisplayData(Record):
    """One displayed value as a MIME bundle (richest first; ``text/plain`` always present)."""

    TYPE: ClassVar[str] = "display"
    plan_id: int
    cell_id: str
    data: Mapping[str, str]


class ErrorInfo(Record):
    """Why a step failed. ``line`` is the 1-based line in the cell (absent if unknown)."""

    TYPE: ClassVar[str] = "error_info"
    ename: str
    evalue: str
    traceback: str
    line: int | None = None


class StepFinished(Record):
    """A step ended. ``blocked_by``: for ``blocked``, the cells in ``depends_on`` that failed.
    ``unannounced``: the step ran (briefly, silently) without a :class:`StepStarted` first —
    the receiver treats this frame as both."""

    TYPE: ClassVar[str] = "step_finished"
    plan_id: int
    cell_id: str
    status: StepStatus
    duration_ms: float = 0.0
    error: ErrorInfo | None = None
    blocked_by: tuple[str, ...] = ()
    unannounced: bool = False


class StepResult(Record):
    """How one brief, quiet step of a :class:`StepsFinished` ended (on the wire: an array
    ``[cell_id, status, duration_ms, blocked_by]``, which keeps a 1000-step frame small)."""

    TYPE: ClassVar[str] = "step_result"
    cell_id: str
    status: StepStatus
    duration_ms: float = 0.0
    blocked_by: tuple[str, ...] = ()


class StepsFinished(Record):
    """Steps of a plan that ended without a :class:`StepStarted`, without output and without
    an error (status in :data:`QUIET_STATUSES`), in plan order: one frame for many brief
    steps. A ``success`` entry ran (the receiver treats it as started and finished); a
    ``blocked`` or ``not_run`` entry was skipped, as its :class:`StepFinished` would say.

    The worker sends a batch every ~5 ms while steps keep ending, and always before any other
    frame, so frames stay in run order: a step's output, a failing step's
    :class:`StepFinished` and :class:`PlanFinished` come after the batch of the steps before.
    """

    TYPE: ClassVar[str] = "steps_finished"
    plan_id: int
    steps: tuple[StepResult, ...]


class CompiledCode(Record):
    """Cells this worker compiled (version 12), once a :class:`Precompile` asked for them
    (``hand_back``): ``(filename, code, blob)``, the blob the base64 of
    ``marshal.dumps((body, expression))`` as :func:`cell_filename` names the cell. Sent before :class:`PlanFinished` for cells its steps compiled, and when compiling ahead
    ends; cells whose compiling showed a warning are left out (their next compile shows it
    again). The coordinator keeps them for the next worker of the same ``Ready.python`` and
    ``Ready.executable``, which gets them in :attr:`Precompile.compiled`: marshal is tied to
    the exact interpreter, so nothing else may use them."""

    TYPE: ClassVar[str] = "compiled_code"
    cells: tuple[tuple[str, str, str], ...]


class PlanFinished(Record):
    """Every step of the plan has a :class:`StepFinished` or an entry in a
    :class:`StepsFinished`. ``interrupted``: SIGINT stopped it."""

    TYPE: ClassVar[str] = "plan_finished"
    plan_id: int
    interrupted: bool = False


class DatabaseStatus(Record):
    """Answer to :class:`ConfigureDatabase`. ``message`` is for a person (never holds the
    password); ``server`` names the server and version when connected."""

    TYPE: ClassVar[str] = "database_status"
    request_id: int
    ok: bool
    message: str
    server: str = ""


class TableRows(Record):
    """Answer to :class:`FetchRows`: formatted rows (index first), the table's row count, or
    ``error`` (e.g. the table is gone because its cell ran again: the view is stale)."""

    TYPE: ClassVar[str] = "table_rows"
    request_id: int
    table_id: str
    start: int
    rows: tuple[tuple[str, ...], ...] = ()
    total: int = 0
    error: str | None = None


class TableExported(Record):
    """Answer to :class:`ExportTable` (``message`` says where, or why not)."""

    TYPE: ClassVar[str] = "table_exported"
    request_id: int
    ok: bool
    message: str


class WorkerLog(Record):
    """Something the worker itself wants known (a malformed request, an internal error)."""

    TYPE: ClassVar[str] = "log"
    level: Literal["warning", "error"]
    message: str


# --------------------------------------------------------------------------------------------
# The Variables panel (version 4): one request, one answer
# --------------------------------------------------------------------------------------------


class DescribeNamespace(Record):
    """Summarise these names of the user namespace (those absent are left out): type, a short
    value or shape, a size. The worker spends bounded time per name and never calls the repr
    of an object it does not know (``kernel_worker.variables``)."""

    TYPE: ClassVar[str] = "describe_namespace"
    request_id: int
    names: tuple[str, ...]


class VariableInfo(Record):
    """One name: ``summary`` is a short value ("42", "'abc…' (len 900)"), a shape ("1,000 rows
    × 3 columns", "(3, 4) float64") or a length; ``size`` in bytes (-1: unknown)."""

    name: str
    type_name: str
    summary: str
    size: int = -1


class NamespaceSummary(Record):
    """Answer to :class:`DescribeNamespace`."""

    TYPE: ClassVar[str] = "namespace_summary"
    request_id: int
    variables: tuple[VariableInfo, ...] = ()


# --------------------------------------------------------------------------------------------
# The table viewer (version 9): a namespace value paged like a displayed table
# --------------------------------------------------------------------------------------------


class ViewVariable(Record):
    """Keep the value the namespace calls ``name`` (a pandas or polars DataFrame or Series; a
    1-D or 2-D numpy array, wrapped without a copy when pandas is already imported) as a
    kernel table, paged with :class:`FetchRows` like a displayed one. Answered with
    :class:`VariableTable`. Read between plans, like :class:`DescribeNamespace`: asked while a
    plan runs, it is answered after the plan, about the value the plan left.

    ``owner``: the cell that defines ``name``; the table is dropped when a plan runs that cell
    again (before it runs, as that cell's displayed tables are), when ``name`` is deleted or
    bound to another value by a plan, when ``name`` is viewed again as another value, and on
    :class:`ReleaseTables`. Asked again while ``name`` holds the same value (of the same
    shape), the worker answers with the same table: nothing is registered twice."""

    TYPE: ClassVar[str] = "view_variable"
    request_id: int
    name: str
    owner: str = ""


class VariableTable(Record):
    """Answer to :class:`ViewVariable`: ``table`` is the :data:`TABLE_MIME` JSON of the
    registered table, or "" with ``problem`` saying why in words ("df is a dict, not a
    table"); ``defined`` is False when the namespace has no ``name`` (any more)."""

    TYPE: ClassVar[str] = "variable_table"
    request_id: int
    name: str
    table: str = ""
    problem: str = ""
    defined: bool = True


class ReleaseTables(Record):
    """The viewer of these tables closed: the worker forgets them (only tables registered by
    :class:`ViewVariable`; ids it does not know are ignored). Nothing is answered."""

    TYPE: ClassVar[str] = "release_tables"
    table_ids: tuple[str, ...]


Request: TypeAlias = (
    RunPlan
    | Precompile
    | ConfigureDatabase
    | FetchRows
    | ExportTable
    | Shutdown
    | DescribeNamespace
    | Complete
    | Inspect
    | DescribeSchema
    | ViewVariable
    | ReleaseTables
)
Event: TypeAlias = (
    Ready
    | StepStarted
    | StreamOutput
    | DisplayData
    | StepFinished
    | StepsFinished
    | CompiledCode
    | PlanFinished
    | DatabaseStatus
    | TableRows
    | TableExported
    | Completions
    | Inspection
    | WorkerLog
    | NamespaceSummary
    | DatabaseSchema
    | VariableTable
)
Message: TypeAlias = Request | Event

MESSAGE_TYPES: tuple[type[Any], ...] = (
    RunPlan,
    Precompile,
    ConfigureDatabase,
    FetchRows,
    ExportTable,
    Complete,
    Inspect,
    Shutdown,
    Ready,
    StepStarted,
    StreamOutput,
    DisplayData,
    StepFinished,
    StepsFinished,
    CompiledCode,
    PlanFinished,
    DatabaseStatus,
    TableRows,
    TableExported,
    Completions,
    Inspection,
    WorkerLog,
    DescribeNamespace,
    NamespaceSummary,
    DescribeSchema,
    DatabaseSchema,
    ViewVariable,
    VariableTable,
    ReleaseTables,
)

# Nested message fields: (class, field) -> how to rebuild the value from JSON.
_NESTED: dict[tuple[type[Any], str], Callable[[Any], Any]] = {}
# Fields with a compact JSON form: (class, field) -> the JSON-ready value.
_COMPACT: dict[tuple[type[Any], str], Callable[[Any], Any]] = {}
_REGISTRY: dict[str, type[Any]] = {cls.TYPE: cls for cls in MESSAGE_TYPES}


def _to_json(record: Record) -> dict[str, Any]:
    """A record as a JSON-ready dict. Tuples stay tuples (``json`` writes them as arrays)
    unless they hold records; a mapping that is not a dict becomes one."""
    cls = type(record)
    body: dict[str, Any] = {}
    for name in cls.FIELDS:
        value = getattr(record, name)
        compact = _COMPACT.get((cls, name))
        if compact is not None:
            value = compact(value)
        elif isinstance(value, Record):
            value = _to_json(value)
        elif isinstance(value, tuple) and value and isinstance(value[0], Record):
            value = [_to_json(item) for item in value]
        elif isinstance(value, Mapping) and not isinstance(value, dict):
            value = dict(value)
        body[name] = value
    return body


def _build(cls: type[Any], raw: Any) -> Any:
    if not isinstance(raw, dict):
        raise ProtocolError(f"{cls.__name__} must be an object, got {type(raw).__name__}")
    kwargs: dict[str, Any] = {}
    for name in cls.FIELDS:
        if name not in raw:
            continue
        value = raw[name]
        convert = _NESTED.get((cls, name))
        if convert is not None and value is not None:
            value = convert(value)
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[name] = value
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise ProtocolError(f"bad {cls.__name__}: {exc}") from None


def _strings(raw: Any) -> tuple[str, ...]:
    if type(raw) is not list:
        raise ValueError(raw)
    for item in raw:
        if type(item) is not str:
            raise ValueError(item)
    return tuple(raw)


def _step(item: Any) -> Step | StepRef:
    if type(item) is str:
        if not item:
            raise ValueError(item)
        return StepRef(item)
    cell_id, kind, code, label, depends_on, private_names, name, sql, ends_with_expression = item
    if (
        type(cell_id) is not str
        or (kind != "python" and kind != "sql")
        or type(code) is not str
        or type(label) is not str
        or (name is not None and type(name) is not str)
        or type(sql) is not list
        or type(ends_with_expression) is not bool
    ):
        raise ValueError(item)
    return Step(
        cell_id,
        kind,
        code,
        label,
        _strings(depends_on),
        _strings(private_names),
        name,
        _sql(sql) if sql else (),
        ends_with_expression,
    )


def _steps(raw: Any) -> tuple[Step | StepRef, ...]:
    try:
        return tuple(map(_step, raw))
    except (TypeError, ValueError):
        raise ProtocolError(
            "steps must be a list of [cell_id, kind, code, label, [depends_on…], "
            "[private_names…], name, sql, ends_with_expression] or of cell ids (steps the "
            "worker has)"
        ) from None


def _step_array(step: Step | StepRef) -> Any:
    if type(step) is StepRef:
        return step.cell_id
    assert isinstance(step, Step)
    return [
        step.cell_id,
        step.kind,
        step.code,
        step.label,
        step.depends_on,
        step.private_names,
        step.name,
        step.sql,
        step.ends_with_expression,
    ]


def _sql(raw: Any) -> tuple[SqlStatementSpec, ...]:
    try:
        return tuple(
            (int(line), tuple((str(kind), str(value)) for kind, value in parts))
            for line, parts in raw
        )
    except (TypeError, ValueError):
        raise ProtocolError("sql must be a list of [line, [[kind, value], ...]]") from None


def _triples(raw: Any, what: str) -> tuple[tuple[str, str, str], ...]:
    try:
        triples = tuple(tuple(item) for item in raw)
        if any(len(t) != 3 or any(type(v) is not str for v in t) for t in triples):
            raise ValueError(raw)
    except (TypeError, ValueError):
        raise ProtocolError(f"{what} must be a list of [text, text, text]") from None
    return triples


def _error_info(raw: Any) -> ErrorInfo:
    result: ErrorInfo = _build(ErrorInfo, raw)
    return result


def _step_result(item: Any) -> StepResult:
    cell_id, status, duration, blocked_by = item
    if type(cell_id) is not str or status not in QUIET_STATUSES or type(blocked_by) is not list:
        raise ValueError(status)
    # (A batch holds hundreds of these: the usual step was blocked by nothing.)
    return StepResult(cell_id, status, float(duration), _strings(blocked_by) if blocked_by else ())


def _step_results(raw: Any) -> tuple[StepResult, ...]:
    try:
        return tuple(map(_step_result, raw))
    except (TypeError, ValueError):
        raise ProtocolError(
            "steps must be a list of [cell_id, quiet status, duration_ms, [blocked_by…]]"
        ) from None


_NESTED[(RunPlan, "steps")] = _steps
_COMPACT[(RunPlan, "steps")] = lambda steps: list(map(_step_array, steps))
_NESTED[(RunPlan, "control_values")] = lambda raw: tuple(_build(ControlValue, item) for item in raw)
_NESTED[(StepsFinished, "steps")] = _step_results
_COMPACT[(StepsFinished, "steps")] = lambda steps: [
    (step.cell_id, step.status, step.duration_ms, step.blocked_by) for step in steps
]
_NESTED[(Step, "sql")] = _sql
_NESTED[(Precompile, "cells")] = lambda raw: _triples(raw, "cells")
_NESTED[(Precompile, "compiled")] = lambda raw: _triples(raw, "compiled")
_NESTED[(CompiledCode, "cells")] = lambda raw: _triples(raw, "cells")
_NESTED[(TableRows, "rows")] = lambda raw: tuple(tuple(str(v) for v in row) for row in raw)
_NESTED[(StepFinished, "error")] = _error_info
_NESTED[(Completions, "items")] = lambda raw: tuple(_build(CompletionItem, item) for item in raw)
_NESTED[(DatabaseSchema, "columns")] = lambda raw: tuple(_build(TableColumns, item) for item in raw)


def _variables(raw: Any) -> tuple[VariableInfo, ...]:
    try:
        return tuple(
            VariableInfo(str(name), str(type_name), str(summary), int(size))
            for name, type_name, summary, size in raw
        )
    except (TypeError, ValueError):
        raise ProtocolError("variables must be a list of [name, type, summary, size]") from None


_NESTED[(NamespaceSummary, "variables")] = _variables
_COMPACT[(NamespaceSummary, "variables")] = lambda variables: [v.values() for v in variables]


def to_dict(message: Message) -> dict[str, Any]:
    """The JSON-ready form of a message, with its ``type`` tag."""
    body: dict[str, Any] = _to_json(message)
    body["type"] = message.TYPE
    return body


def from_dict(raw: Mapping[str, Any]) -> Message:
    """Rebuild a message from :func:`to_dict` output; :class:`ProtocolError` if malformed."""
    tag = raw.get("type") if isinstance(raw, Mapping) else None
    cls = _REGISTRY.get(tag) if isinstance(tag, str) else None
    if cls is None:
        raise ProtocolError(f"unknown message type {tag!r}")
    message: Message = _build(cls, dict(raw))
    return message


def new_nonce() -> bytes:
    """A fresh session nonce for one worker."""
    import secrets

    return secrets.token_bytes(NONCE_BYTES)


def encode(message: Message, nonce: bytes) -> bytes:
    """One complete frame of this session: header + JSON body."""
    body = json.dumps(to_dict(message), ensure_ascii=False, separators=(",", ":")).encode()
    return _HEADER.pack(FRAME_MAGIC, nonce, len(body), zlib.crc32(body)) + body


#: Steps whose JSON text :class:`StepTexts` keeps (twice the largest notebook Cascade opens).
STEP_TEXTS_KEPT = 20_000


class StepTexts:
    """The JSON text of each cell's step, kept while that very step object is sent again: a
    plan after a restart (or to a new worker) sends every step in full, and their texts are
    then joined rather than encoded again."""

    __slots__ = ("_texts",)

    def __init__(self) -> None:
        self._texts: dict[str, tuple[Step, str]] = {}

    def text(self, step: Step) -> str:
        entry = self._texts.get(step.cell_id)
        if entry is not None and entry[0] is step:
            return entry[1]
        if len(self._texts) >= STEP_TEXTS_KEPT:
            self._texts.clear()
        text = json.dumps(_step_array(step), ensure_ascii=False, separators=(",", ":"))
        self._texts[step.cell_id] = (step, text)
        return text


_STEP_TEXTS = StepTexts()


def _references(cell_ids: list[str]) -> str:
    """Consecutive step references as JSON list items (one call for all of them)."""
    return json.dumps(cell_ids, ensure_ascii=False, separators=(",", ":"))[1:-1]


def encode_plan(
    plan: RunPlan, nonce: bytes, known: dict[str, Step], texts: StepTexts = _STEP_TEXTS
) -> bytes:
    """:func:`encode` for a plan sent to a worker that has already received the steps in
    ``known`` (cell id -> the step last sent for it; updated here): a step that is that very
    object travels as a :class:`StepRef`. ``known`` belongs to one worker process; ``texts``
    (one for the whole process by default) keeps the text of the steps sent in full."""
    body = to_dict(RunPlan(plan.plan_id, (), plan.delete_names, plan.control_values))
    del body["steps"]  # written last, from the texts of its parts
    parts: list[str] = []
    refs: list[str] = []
    for step in plan.steps:
        cell_id = step.cell_id
        if type(step) is StepRef or known.get(cell_id) is step:
            refs.append(cell_id)
            continue
        assert isinstance(step, Step)
        if refs:
            parts.append(_references(refs))
            refs = []
        known[cell_id] = step
        parts.append(texts.text(step))
    if refs:
        parts.append(_references(refs))
    head = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    data = f'{head[:-1]},"steps":[{",".join(parts)}]}}'.encode()
    return _HEADER.pack(FRAME_MAGIC, nonce, len(data), zlib.crc32(data)) + data


class KnownSteps:
    """The worker's side of :func:`encode_plan`: the last step received for each cell, and
    the plan with every :class:`StepRef` replaced by it."""

    __slots__ = ("_steps",)

    def __init__(self) -> None:
        self._steps: dict[str, Step] = {}

    def resolve(self, plan: RunPlan) -> RunPlan:
        """``plan`` with full steps; :class:`ProtocolError` for a cell never received."""
        known = self._steps
        steps: list[Step] = []
        for step in plan.steps:
            if type(step) is StepRef:
                full = known.get(step.cell_id)
                if full is None:
                    raise ProtocolError(f"a step refers to cell {step.cell_id!r}, never sent")
                steps.append(full)
            else:
                assert isinstance(step, Step)
                known[step.cell_id] = step
                steps.append(step)
        return RunPlan(plan.plan_id, tuple(steps), plan.delete_names, plan.control_values)


def check_header(header: bytes | bytearray, nonce: bytes, offset: int = 0) -> tuple[int, int]:
    """(body length, CRC) of a frame header of this session; :class:`ProtocolError` if the
    header is not one (stray bytes, another session's frame, an impossible length)."""
    magic, frame_nonce, length, crc = _HEADER.unpack_from(header, offset)
    if magic != FRAME_MAGIC:
        raise ProtocolError(f"bad frame header {bytes(header[offset : offset + 8])!r}")
    if frame_nonce != nonce:
        raise ProtocolError("frame from another session (wrong nonce)")
    if length > MAX_FRAME_BYTES:
        raise ProtocolError(f"frame of {length} bytes exceeds the limit")
    return length, crc


def decode_frame_body(body: bytes, crc: int) -> Message:
    """The message in a frame body whose header announced ``crc``."""
    if zlib.crc32(body) != crc:
        raise ProtocolError("frame body damaged (CRC mismatch)")
    return decode_body(body)


#: A body this large is decoded without the cyclic garbage collector (see :func:`decode_body`).
PAUSE_GC_BYTES = 16 * 1024


def decode_body(body: bytes) -> Message:
    """The message in a frame body. A large one (a plan of thousands of steps, a batch of
    their results) makes tens of thousands of lists, tuples and records, none of them
    garbage: collections triggered meanwhile walked them all again, 40% of decoding a plan
    of 10,000 cells. So the collector rests while such a body is decoded (if it was on)."""
    if len(body) < PAUSE_GC_BYTES or not gc.isenabled():
        return _decode_body(body)
    gc.disable()
    try:
        return _decode_body(body)
    finally:
        gc.enable()


def _decode_body(body: bytes) -> Message:
    try:
        raw = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"frame is not JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise ProtocolError("frame body must be a JSON object")
    return from_dict(raw)


class FrameDecoder:
    """Incremental decoder of one session's frames: feed bytes as they arrive, get complete
    messages back. Used by the coordinator's process adapter, which receives arbitrary chunks.

    A header is checked as soon as its bytes are in (a bad one raises at once, never waits for
    a body that will not come); the first bytes of a header are checked as they arrive too.
    """

    __slots__ = ("_buffer", "_nonce")

    def __init__(self, nonce: bytes) -> None:
        self._buffer = bytearray()
        self._nonce = nonce

    def feed(self, data: bytes) -> list[Message]:
        self._buffer += data
        messages: list[Message] = []
        buffer = self._buffer
        offset = 0
        while len(buffer) - offset >= _HEADER.size:
            length, crc = check_header(buffer, self._nonce, offset)
            end = offset + _HEADER.size + length
            if len(buffer) < end:
                break
            body = bytes(buffer[offset + _HEADER.size : end])
            messages.append(decode_frame_body(body, crc))
            offset = end
        if offset:
            del buffer[:offset]
        partial = bytes(buffer[: len(FRAME_MAGIC)])
        if partial and not FRAME_MAGIC.startswith(partial):
            raise ProtocolError(f"bad frame header {partial!r}")
        return messages

    @property
    def pending_bytes(self) -> int:
        return len(self._buffer)

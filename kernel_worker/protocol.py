"""The one message protocol between the coordinator and the kernel worker.

Every message is a frozen dataclass with a ``TYPE`` tag. On the wire a message is a frame: a
4-byte big-endian length followed by that many bytes of UTF-8 JSON (``{"type": TYPE, ...}``).
The worker writes frames on a private duplicate of fd 1, so nothing user code prints can ever
land inside a frame (see :mod:`kernel_worker.capture`).

Versioning: the worker's first frame is :class:`Ready` carrying :data:`PROTOCOL_VERSION`; the
coordinator refuses a worker that speaks another version. Add fields with defaults to stay
compatible; bump the version for anything else.

Binary output data (``image/png``, ``image/jpeg``, ``image/gif``) travels base64-encoded in a
display bundle; every other MIME type is text.

Stdlib only: this module is imported by the app and by the worker, which may run inside any
Python >= 3.11 the user picks.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Literal, TypeAlias

PROTOCOL_VERSION = 1

#: Largest frame accepted; anything bigger means the stream is corrupt.
MAX_FRAME_BYTES = 512 * 1024 * 1024

_HEADER = struct.Struct(">I")

BINARY_MIME_TYPES = frozenset({"image/png", "image/jpeg", "image/gif"})

#: The logical (1×) size of an image drawn at a higher resolution: JSON {"width", "height"}.
IMAGE_SIZE_MIME = "application/vnd.cascade.image-size+json"

#: A table that stays in the kernel: JSON ``{"table_id", "rows", "columns": [{"name",
#: "dtype"}], "index_name", "first_rows": [[index, value, ...], ...]}`` with every value
#: already formatted as display text. Further rows come through :class:`FetchRows`.
TABLE_MIME = "application/vnd.cascade.table+json"

StepKind = Literal["python", "sql"]
#: A SQL statement as sent to the worker: the 1-based cell line its text starts on, and its
#: parts: ("text", literal SQL) or ("param", Python variable name bound as a parameter).
SqlStatementSpec: TypeAlias = tuple[int, tuple[tuple[str, str], ...]]
StreamName = Literal["stdout", "stderr"]
StepStatus = Literal["success", "error", "interrupted", "blocked", "not_run"]


class ProtocolError(ValueError):
    """A frame or message that does not follow this protocol."""


# --------------------------------------------------------------------------------------------
# Requests: coordinator -> worker
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    """One cell to run inside a :class:`RunPlan`.

    ``depends_on``: cells earlier in the same plan this one reads from; if any of them did not
    succeed in this run the worker skips this step and reports it ``blocked``.
    ``label``: how tracebacks name the cell ("cell 3"). ``private_names``: the cell's
    ``_private`` names, removed from the namespace after it runs. ``name``: a SQL cell's result
    variable (absent for Python). ``sql``: a SQL cell's statements, already split and parsed
    by the coordinator (the worker never parses templates).
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


@dataclass(frozen=True, slots=True)
class RunPlan:
    """Delete ``delete_names`` from the namespace, then run ``steps`` in order."""

    TYPE: ClassVar[str] = "run_plan"
    plan_id: int
    steps: tuple[Step, ...]
    delete_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ConfigureDatabase:
    """Use this SQLAlchemy URL for SQL cells from now on, after checking it connects.

    ``password`` travels separately so it never has to be part of a URL anyone prints; the
    worker answers with :class:`DatabaseStatus` and keeps the previous engine on failure.
    """

    TYPE: ClassVar[str] = "configure_database"
    request_id: int
    url: str
    password: str | None = None


@dataclass(frozen=True, slots=True)
class FetchRows:
    """Rows ``start`` .. ``start + count`` of a kernel table, optionally sorted by a column
    (``sort_column`` is a 0-based data column; absent: the frame's own order)."""

    TYPE: ClassVar[str] = "fetch_rows"
    request_id: int
    table_id: str
    start: int
    count: int
    sort_column: int | None = None
    ascending: bool = True


@dataclass(frozen=True, slots=True)
class ExportTable:
    """Write a kernel table (in the given sort order) to ``path`` as CSV."""

    TYPE: ClassVar[str] = "export_table"
    request_id: int
    table_id: str
    path: str
    sort_column: int | None = None
    ascending: bool = True


@dataclass(frozen=True, slots=True)
class Shutdown:
    """Exit cleanly after the current request."""

    TYPE: ClassVar[str] = "shutdown"


Request: TypeAlias = RunPlan | ConfigureDatabase | FetchRows | ExportTable | Shutdown


# --------------------------------------------------------------------------------------------
# Events: worker -> coordinator
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ready:
    """First frame of every worker: it is listening. ``python`` is its ``sys.version``;
    ``missing``: optional packages (pandas, sqlalchemy, …) its interpreter does not have."""

    TYPE: ClassVar[str] = "ready"
    protocol_version: int
    pid: int
    python: str
    executable: str = ""
    missing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StepStarted:
    TYPE: ClassVar[str] = "step_started"
    plan_id: int
    cell_id: str


@dataclass(frozen=True, slots=True)
class StreamOutput:
    """A batch of text the cell wrote to stdout or stderr (batched every ~20 ms or 64 KiB)."""

    TYPE: ClassVar[str] = "stream"
    plan_id: int
    cell_id: str
    stream: StreamName
    text: str


@dataclass(frozen=True, slots=True)
class DisplayData:
    """One displayed value as a MIME bundle (richest first; ``text/plain`` always present)."""

    TYPE: ClassVar[str] = "display"
    plan_id: int
    cell_id: str
    data: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    """Why a step failed. ``line`` is the 1-based line in the cell (absent if unknown)."""

    TYPE: ClassVar[str] = "error_info"
    ename: str
    evalue: str
    traceback: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class StepFinished:
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


@dataclass(frozen=True, slots=True)
class PlanFinished:
    """Every step of the plan has a :class:`StepFinished`. ``interrupted``: SIGINT stopped it."""

    TYPE: ClassVar[str] = "plan_finished"
    plan_id: int
    interrupted: bool = False


@dataclass(frozen=True, slots=True)
class DatabaseStatus:
    """Answer to :class:`ConfigureDatabase`. ``message`` is for a person (never holds the
    password); ``server`` names the server and version when connected."""

    TYPE: ClassVar[str] = "database_status"
    request_id: int
    ok: bool
    message: str
    server: str = ""


@dataclass(frozen=True, slots=True)
class TableRows:
    """Answer to :class:`FetchRows`: formatted rows (index first), the table's row count, or
    ``error`` (e.g. the table is gone because its cell ran again: the view is stale)."""

    TYPE: ClassVar[str] = "table_rows"
    request_id: int
    table_id: str
    start: int
    rows: tuple[tuple[str, ...], ...] = ()
    total: int = 0
    error: str | None = None


@dataclass(frozen=True, slots=True)
class TableExported:
    """Answer to :class:`ExportTable` (``message`` says where, or why not)."""

    TYPE: ClassVar[str] = "table_exported"
    request_id: int
    ok: bool
    message: str


@dataclass(frozen=True, slots=True)
class WorkerLog:
    """Something the worker itself wants known (a malformed request, an internal error)."""

    TYPE: ClassVar[str] = "log"
    level: Literal["warning", "error"]
    message: str


Event: TypeAlias = (
    Ready
    | StepStarted
    | StreamOutput
    | DisplayData
    | StepFinished
    | PlanFinished
    | DatabaseStatus
    | TableRows
    | TableExported
    | WorkerLog
)
Message: TypeAlias = Request | Event

MESSAGE_TYPES: tuple[type[Any], ...] = (
    RunPlan,
    ConfigureDatabase,
    FetchRows,
    ExportTable,
    Shutdown,
    Ready,
    StepStarted,
    StreamOutput,
    DisplayData,
    StepFinished,
    PlanFinished,
    DatabaseStatus,
    TableRows,
    TableExported,
    WorkerLog,
)

# Nested message fields: (class, field) -> how to rebuild the value from JSON.
_NESTED: dict[tuple[type[Any], str], Callable[[Any], Any]] = {}
_REGISTRY: dict[str, type[Any]] = {cls.TYPE: cls for cls in MESSAGE_TYPES}
_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {
    cls: tuple(f.name for f in fields(cls)) for cls in (*MESSAGE_TYPES, Step, ErrorInfo)
}


def _to_json(value: Any) -> Any:
    """Dataclass -> dict, tuples -> lists, recursively (faster than ``dataclasses.asdict``)."""
    names = _FIELD_NAMES.get(type(value))
    if names is not None:
        return {name: _to_json(getattr(value, name)) for name in names}
    if isinstance(value, tuple | list):
        return [_to_json(v) for v in value]
    if isinstance(value, Mapping):
        return dict(value)
    return value


def _build(cls: type[Any], raw: Any) -> Any:
    if not isinstance(raw, dict):
        raise ProtocolError(f"{cls.__name__} must be an object, got {type(raw).__name__}")
    kwargs: dict[str, Any] = {}
    for name in _FIELD_NAMES[cls]:
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


def _steps(raw: Any) -> tuple[Step, ...]:
    if not isinstance(raw, list):
        raise ProtocolError("steps must be a list")
    return tuple(_build(Step, item) for item in raw)


def _sql(raw: Any) -> tuple[SqlStatementSpec, ...]:
    try:
        return tuple(
            (int(line), tuple((str(kind), str(value)) for kind, value in parts))
            for line, parts in raw
        )
    except (TypeError, ValueError):
        raise ProtocolError("sql must be a list of [line, [[kind, value], ...]]") from None


def _error_info(raw: Any) -> ErrorInfo:
    result: ErrorInfo = _build(ErrorInfo, raw)
    return result


_NESTED[(RunPlan, "steps")] = _steps
_NESTED[(Step, "sql")] = _sql
_NESTED[(TableRows, "rows")] = lambda raw: tuple(tuple(str(v) for v in row) for row in raw)
_NESTED[(StepFinished, "error")] = _error_info


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


def encode(message: Message) -> bytes:
    """One complete frame: length prefix + JSON body."""
    body = json.dumps(to_dict(message), ensure_ascii=False, separators=(",", ":")).encode()
    return _HEADER.pack(len(body)) + body


def decode_body(body: bytes) -> Message:
    try:
        raw = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"frame is not JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise ProtocolError("frame body must be a JSON object")
    return from_dict(raw)


class FrameDecoder:
    """Incremental decoder: feed bytes as they arrive, get complete messages back.

    Used by the coordinator's process adapter, which receives arbitrary chunks.
    """

    __slots__ = ("_buffer",)

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[Message]:
        self._buffer += data
        messages: list[Message] = []
        buffer = self._buffer
        offset = 0
        while len(buffer) - offset >= _HEADER.size:
            (length,) = _HEADER.unpack_from(buffer, offset)
            if length > MAX_FRAME_BYTES:
                raise ProtocolError(f"frame of {length} bytes exceeds the limit")
            end = offset + _HEADER.size + length
            if len(buffer) < end:
                break
            messages.append(decode_body(bytes(buffer[offset + _HEADER.size : end])))
            offset = end
        if offset:
            del buffer[:offset]
        return messages

    @property
    def pending_bytes(self) -> int:
        return len(self._buffer)

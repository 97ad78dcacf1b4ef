"""The message protocol: every message type round-trips; frames survive any chunking; anything
that is not a frame of this session is refused at once."""

from __future__ import annotations

import gc
import typing
import zlib

import pytest

from kernel_worker import protocol as p

NONCE = bytes.fromhex("0123456789abcdef")

EXAMPLES: list[p.Message] = [
    p.RunPlan(
        plan_id=7,
        steps=(
            p.Step("a", "python", "x = 1", "cell 1"),
            p.Step(
                "b",
                "sql",
                "SELECT {x}",
                "cell 2",
                ("a",),
                ("_tmp",),
                "df",
                ((1, (("text", "SELECT "), ("param", "x"))), (3, (("text", "SELECT 2"),))),
            ),
        ),
        delete_names=("x", "y"),
    ),
    p.Precompile((("a", "cell 1", "x = 1"), ("b", "cell 2", "x + 1")), ("a",)),
    p.Precompile((("a", "cell 1", "x = 1"),), (), (("<cell 2>", "y = 2", "4wAAAA=="),), True),
    p.ConfigureDatabase(3, "postgresql+psycopg://u@h/db", "s3cret"),
    p.FetchRows(4, "c1:1", 100, 50, 2, False),
    p.ExportTable(5, "c1:1", "/tmp/x.csv", None, True),
    p.Shutdown(),
    p.Ready(p.PROTOCOL_VERSION, 1234, "3.11.7 (main)", "/usr/bin/python3"),
    p.StepStarted(7, "a"),
    p.StreamOutput(7, "a", "stderr", "héllo\n\x00 ✓"),
    p.StreamOutput(7, "a", "stdout", "tail", 123_456, "/tmp/cascade-output-1.txt"),
    p.DisplayData(7, "a", {"text/plain": "1", "image/png": "iVBORw0KGgo="}),
    p.StepFinished(7, "a", "error", 1.5, p.ErrorInfo("ValueError", "bad", "Traceback…", 3), ()),
    p.StepFinished(7, "b", "blocked", 0.0, None, ("a",)),
    p.StepsFinished(
        7,
        (
            p.StepResult("c", "success", 0.004),
            p.StepResult("d", "blocked", 0.0, ("a", "b")),
            p.StepResult("e", "not_run"),
        ),
    ),
    p.PlanFinished(7, interrupted=True),
    p.CompiledCode((("<cell 1>", "x = 1", "4wAAAA=="), ("<name>", "y\n", ""))),
    p.DatabaseStatus(3, True, "connected", "PostgreSQL 15.18"),
    p.TableRows(4, "c1:1", 100, (("100", "1.5", "NaN"), ("101", "2", "None")), 10_000_000),
    p.TableRows(6, "c9:1", 0, (), 0, "stale"),
    p.TableExported(5, True, "wrote 3 rows to /tmp/x.csv"),
    p.WorkerLog("warning", "something"),
    p.DescribeNamespace(8, ("x", "df")),
    p.NamespaceSummary(
        8,
        (
            p.VariableInfo("x", "int", "42", 28),
            p.VariableInfo("df", "DataFrame", "3 rows × 2 columns", -1),
        ),
    ),
    p.Complete(8, "import os\nos.pa", 2, 5),
    p.Completions(8, (p.CompletionItem("path", "th", "module", "module os.path"),)),
    p.Completions(9, (), unavailable=True),
    p.Inspect(10, "os.path.join(", 1, 13),
    p.Inspect(11, "os.path.join", 1, 10, docs=True),
    p.Inspection(10, "join", "join(a, *p)", ("a", "p"), 0, "Join two…", "posixpath"),
    p.DescribeSchema(12),
    p.DescribeSchema(13, ("users", "orders"), refresh=True),
    p.DatabaseSchema(
        13,
        ("orders", "users"),
        ("active_users",),
        (p.TableColumns("users", ("id", "name"), ("INTEGER", "TEXT")),),
        truncated=True,
        generation=3,
    ),
    p.DatabaseSchema(14, error="No database is configured for this notebook."),
    p.ViewVariable(15, "df", "c1"),
    p.ViewVariable(16, "x"),
    p.VariableTable(15, "df", '{"table_id": "c1:ab-1", "rows": 3}'),
    p.VariableTable(16, "x", "", "x is an int, not a table"),
    p.VariableTable(17, "gone", "", "gone is not defined", defined=False),
    p.ReleaseTables(("c1:ab-1", "c2:ab-4")),
]


def test_every_message_type_has_an_example() -> None:
    assert {type(m) for m in EXAMPLES} == set(p.MESSAGE_TYPES)


def test_the_worker_reads_every_request_and_nothing_else() -> None:
    """The worker's list of request tags is the protocol's ``Request`` union, and every
    message type is a request or an event (a new request the worker refused would end it)."""
    from kernel_worker.transport import _REQUEST_TYPES

    requests = set(typing.get_args(p.Request))
    assert {cls.TYPE for cls in requests} == _REQUEST_TYPES
    assert requests | set(typing.get_args(p.Event)) == set(p.MESSAGE_TYPES)


@pytest.mark.parametrize("message", EXAMPLES, ids=lambda m: type(m).__name__)
def test_round_trip(message: p.Message) -> None:
    decoded = p.FrameDecoder(NONCE).feed(p.encode(message, NONCE))
    assert decoded == [message]
    assert isinstance(decoded[0], p.Record)


def test_frames_split_at_every_byte_boundary() -> None:
    stream = b"".join(p.encode(m, NONCE) for m in EXAMPLES)
    for chunk in (1, 2, 3, 7, 64, len(stream)):
        decoder = p.FrameDecoder(NONCE)
        got: list[p.Message] = []
        for i in range(0, len(stream), chunk):
            got.extend(decoder.feed(stream[i : i + chunk]))
        assert got == EXAMPLES
        assert decoder.pending_bytes == 0


def _frame(body: bytes, nonce: bytes = NONCE) -> bytes:
    return (
        p.FRAME_MAGIC
        + nonce
        + len(body).to_bytes(4, "big")
        + zlib.crc32(body).to_bytes(4, "big")
        + body
    )


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[1, 2]", b'{"type": "nope"}', b'{"type": "step_started"}', b"\xff\xfe"],
)
def test_malformed_frames_raise_protocol_error(body: bytes) -> None:
    with pytest.raises(p.ProtocolError):
        p.FrameDecoder(NONCE).feed(_frame(body))


def test_oversized_frame_is_rejected_before_buffering() -> None:
    header = p.FRAME_MAGIC + NONCE + (p.MAX_FRAME_BYTES + 1).to_bytes(4, "big") + bytes(4)
    with pytest.raises(p.ProtocolError, match="exceeds"):
        p.FrameDecoder(NONCE).feed(header)


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x00\x10",  # the length prefix of the old protocol, as a cell once wrote it
        b"hello world, this is not a frame at all",
        b"\x89CSX",
    ],
    ids=["old-length-prefix", "text", "almost-magic"],
)
def test_stray_bytes_are_refused_at_once_not_waited_on(data: bytes) -> None:
    with pytest.raises(p.ProtocolError, match="header"):
        p.FrameDecoder(NONCE).feed(data)


def test_a_frame_of_another_session_is_refused() -> None:
    forged = p.encode(p.PlanFinished(1), bytes(8))
    with pytest.raises(p.ProtocolError, match="nonce"):
        p.FrameDecoder(NONCE).feed(forged)


def test_a_damaged_body_is_detected() -> None:
    frame = bytearray(p.encode(p.StreamOutput(1, "a", "stdout", "x = 1"), NONCE))
    frame[-3] ^= 0x01  # still valid JSON, different text
    with pytest.raises(p.ProtocolError, match="CRC"):
        p.FrameDecoder(NONCE).feed(bytes(frame))


def test_unknown_fields_are_ignored_for_forward_compatibility() -> None:
    raw = p.to_dict(p.StepStarted(1, "a"))
    raw["added_in_a_later_version"] = True
    assert p.from_dict(raw) == p.StepStarted(1, "a")


def test_plan_steps_travel_as_arrays() -> None:
    """Version 6: a RunPlan's steps are arrays of their fields, in field order."""
    plan = EXAMPLES[0]
    assert isinstance(plan, p.RunPlan)
    raw = p.to_dict(plan)
    assert raw["steps"][0] == ["a", "python", "x = 1", "cell 1", (), (), None, (), True]
    assert len(raw["steps"][1]) == len(p.Step.FIELDS)


def _plan_with_step(step: object) -> bytes:
    import json

    body = {"type": "run_plan", "plan_id": 1, "steps": [step]}
    return _frame(json.dumps(body).encode())


@pytest.mark.parametrize(
    "step",
    [
        {"cell_id": "a", "kind": "python", "code": "x = 1"},  # the old (version 5) object form
        ["a", "python", "x = 1"],  # too short
        ["a", "python", "x = 1", "", [], [], None, []],  # version 10's steps: the flag missing
        ["a", "python", "x = 1", "", [], [], None, [], True, "extra"],
        ["a", "markdown", "x", "", [], [], None, [], True],  # not a kind the worker runs
        [1, "python", "x", "", [], [], None, [], True],
        ["a", "python", None, "", [], [], None, [], True],
        ["a", "python", "x", "", ["b", 2], [], None, [], True],
        ["a", "python", "x", "", [], "ab", None, [], True],
        ["a", "python", "x", "", [], [], 5, [], True],
        ["a", "python", "x", "", [], [], None, [], 1],  # the flag is a boolean
        ["a", "python", "x", "", [], [], None, [], None],
        ["a", "sql", "x", "", [], [], "df", [[1, "text"]], True],
        ["a", "sql", "x", "", [], [], "df", {}, True],
        "",  # a reference names a cell
        None,
    ],
)
def test_a_malformed_step_is_a_clear_protocol_error(step: object) -> None:
    with pytest.raises(p.ProtocolError, match="steps must be a list of"):
        p.FrameDecoder(NONCE).feed(_plan_with_step(step))


def test_steps_that_are_not_a_list_are_a_protocol_error() -> None:
    import json

    body = json.dumps({"type": "run_plan", "plan_id": 1, "steps": 3}).encode()
    with pytest.raises(p.ProtocolError, match="steps must be a list of"):
        p.FrameDecoder(NONCE).feed(_frame(body))


def _decoded(frame: bytes) -> p.Message:
    (message,) = p.FrameDecoder(NONCE).feed(frame)
    return message


def test_steps_the_worker_has_travel_as_their_cell_id() -> None:
    """Version 10: a re-run sends an unchanged step (the very object sent last time for its
    cell) as its cell id; the worker's KnownSteps puts the step it received back."""
    a = p.Step("a", "python", "x = 1", "cell 1")
    b = p.Step("b", "python", "y = x + 1", "cell 2", ("a",))
    known: dict[str, p.Step] = {}
    worker = p.KnownSteps()
    first = _decoded(p.encode_plan(p.RunPlan(1, (a, b), ("x",)), NONCE, known))
    assert isinstance(first, p.RunPlan)
    assert worker.resolve(first) == p.RunPlan(1, (a, b), ("x",))

    edited = p.Step("a", "python", "x = 2", "cell 1")
    frame = p.encode_plan(p.RunPlan(2, (edited, b), ("x", "y")), NONCE, known)
    second = _decoded(frame)
    assert isinstance(second, p.RunPlan)
    assert second.steps == (edited, p.StepRef("b"))
    assert b"y = x + 1" not in frame
    assert worker.resolve(second) == p.RunPlan(2, (edited, b), ("x", "y"))
    third = _decoded(p.encode_plan(p.RunPlan(3, (edited,)), NONCE, known))
    assert isinstance(third, p.RunPlan)
    assert worker.resolve(third).steps == (edited,)


def test_an_equal_step_that_is_another_object_travels_in_full() -> None:
    """Only the very step object sent before is referred to: never a stale one."""
    known: dict[str, p.Step] = {}
    p.encode_plan(p.RunPlan(1, (p.Step("a", "python", "x = 1"),)), NONCE, known)
    again = _decoded(p.encode_plan(p.RunPlan(2, (p.Step("a", "python", "x = 1"),)), NONCE, known))
    assert isinstance(again, p.RunPlan)
    assert again.steps == (p.Step("a", "python", "x = 1"),)


def test_a_reference_to_a_step_never_sent_is_a_protocol_error() -> None:
    plan = _decoded(_plan_with_step("a"))
    assert isinstance(plan, p.RunPlan)
    assert plan.steps == (p.StepRef("a"),)
    with pytest.raises(p.ProtocolError, match="never sent"):
        p.KnownSteps().resolve(plan)


@pytest.mark.parametrize("cells", [[["a", "cell 1"]], [["a", "cell 1", 3]], "abc", 5])
@pytest.mark.parametrize(
    ("message", "field"),
    [("precompile", "cells"), ("precompile", "compiled"), ("compiled_code", "cells")],
)
def test_cells_and_compiled_cells_must_be_triples_of_text(
    cells: object, message: str, field: str
) -> None:
    import json

    body = json.dumps({"type": message, field: cells}).encode()
    with pytest.raises(p.ProtocolError, match=f"{field} must be a list of"):
        p.FrameDecoder(NONCE).feed(_frame(body))


@pytest.mark.parametrize("collector_on", [True, False])
def test_a_large_body_decodes_whole_and_leaves_the_collector_as_it_was(
    collector_on: bool,
) -> None:
    """A plan of thousands of steps is decoded with the collector resting, and it is back
    on after (or stays off, if the process had turned it off), even when decoding fails."""
    steps = tuple(
        p.Step(f"{i:08x}", "python", f"x_{i} = {i}", f"cell {i + 1}", (), (), None, (), False)
        for i in range(2000)
    )
    plan = p.RunPlan(7, steps, ("a", "b"), ())
    frame = p.encode(plan, p.new_nonce())
    body = frame[p.HEADER_BYTES :]
    assert len(body) >= p.PAUSE_GC_BYTES
    was = gc.isenabled()
    try:
        if collector_on:
            gc.enable()
        else:
            gc.disable()
        assert p.decode_body(body) == plan
        assert gc.isenabled() is collector_on
        with pytest.raises(p.ProtocolError):
            p.decode_body(body[:-1] + b"!")
        assert gc.isenabled() is collector_on
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()

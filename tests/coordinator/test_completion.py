"""Completion: the live kernel's answer while it is idle; static jedi over the notebook's code
while a cell runs, before a kernel runs, or when the kernel's Python lacks jedi."""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.coordinator.completion import static_completions, static_inspection
from app.coordinator.coordinator import Coordinator
from app.coordinator.events import CoordinatorEvent, Notice
from kernel_worker import protocol as p
from tests.coordinator.fake_kernel import FakeKernel, Outcome


async def _notebook(kernel: FakeKernel, *codes: str) -> tuple[Coordinator, list[str]]:
    coordinator = Coordinator(kernel)
    coordinator.new()
    await coordinator.set_mode("lazy")
    ids = [await coordinator.add_cell("python", code=code) for code in codes]
    return coordinator, ids


def _names(result: object) -> list[str]:
    return [item.name for item in result.items]  # type: ignore[attr-defined]


def test_an_idle_kernel_answers_from_its_live_namespace() -> None:
    async def body() -> None:
        kernel = FakeKernel()
        c, (a,) = await _notebook(kernel, "live = 1")
        await c.start_kernel()
        result = await c.complete(a, "live", 1, 4)
        assert result.source == "kernel"
        assert _names(result) == ["live_name"]
        assert [r for r in kernel.requests if isinstance(r, p.Complete)][-1].code == "live"

    asyncio.run(body())


def test_while_a_cell_runs_completion_is_static_and_sees_cells_not_run_yet() -> None:
    async def body() -> None:
        kernel = FakeKernel(script={"import time": Outcome(hang=True)})
        c, (slow, _later, typing) = await _notebook(
            kernel, "import time", "revenue_total = 3", "rev"
        )
        running = asyncio.ensure_future(c.run_cell(slow))
        while c.kernel_status != "busy":
            await asyncio.sleep(0)
        result = await c.complete(typing, "rev", 1, 3)
        assert result.source == "static"
        assert "revenue_total" in _names(result)
        assert not any(isinstance(r, p.Complete) for r in kernel.requests)
        await c.interrupt()
        await running

    asyncio.run(body())


def test_without_a_kernel_completion_is_static() -> None:
    async def body() -> None:
        kernel = FakeKernel()
        c, (_a, b) = await _notebook(kernel, "import os", "os.pa")
        result = await c.complete(b, "os.pa", 1, 5)
        assert result.source == "static"
        assert "path" in _names(result)
        assert kernel.starts == 0  # asking for completion starts nothing

    asyncio.run(body())


def test_a_kernel_without_jedi_falls_back_and_says_so_once() -> None:
    async def body() -> None:
        kernel = FakeKernel(completions=p.Completions(0, (), unavailable=True))
        c, (_a, b) = await _notebook(kernel, "import os", "os.pa")
        notices: list[str] = []

        def observe(event: CoordinatorEvent) -> None:
            if isinstance(event, Notice):
                notices.append(event.message)

        c.subscribe(observe)
        await c.start_kernel()
        first = await c.complete(b, "os.pa", 1, 5)
        second = await c.complete(b, "os.pa", 1, 5)
        assert first.source == second.source == "static"
        assert "path" in _names(first)
        jedi_notices = [n for n in notices if "jedi" in n]
        assert len(jedi_notices) == 1 and "pip install jedi" in jedi_notices[0]
        # Asked once: that kernel is known to lack jedi until it is replaced.
        assert sum(isinstance(r, p.Complete) for r in kernel.requests) == 1

    asyncio.run(body())


def test_static_completion_never_raises_on_broken_code() -> None:
    assert isinstance(static_completions(["def broken(:"], "x = (", 1, 5), tuple)
    items = static_completions(["def broken(:"], "impo", 1, 4)
    assert "import" in [item.name for item in items]


def test_signature_help_is_live_when_idle_and_static_otherwise() -> None:
    async def body() -> None:
        kernel = FakeKernel()
        c, (helper, typing) = await _notebook(
            kernel,
            "import os\ndef scaled(value, factor=2):\n    '''Twice by default.'''\n",
            "",
        )
        code = 'os.path.join("a", '
        static = await c.inspect(typing, code, 1, len(code))
        assert static.signature.startswith("join(") and static.parameter == 1
        docs = await c.inspect(typing, "scaled", 1, 3, docs=True)  # a cell not run yet
        assert docs.name == "scaled" and "Twice by default" in docs.doc
        await c.start_kernel()
        live = await c.inspect(typing, "live(", 1, 5)
        assert (live.signature, live.parameter) == ("live(x)", 0)
        assert any(isinstance(r, p.Inspect) for r in kernel.requests)
        assert helper in c.notebook

    asyncio.run(body())


def test_static_completion_never_imports_a_compiled_module(tmp_path: Path) -> None:
    # The app process completes statically: a bare .pyc beside the notebook must not run
    # there (jedi imports what it has no source for, to inspect it).
    from tests.kernel_worker.test_completion import plant_sourceless_module

    marker = plant_sourceless_module(tmp_path, "planted_static")
    (tmp_path / "helpers.py").write_text("def helper_function():\n    pass\n")
    static_completions([], "import planted_static\nplanted_static.", 2, 15, tmp_path)
    static_inspection([], "import planted_static\nplanted_static.value(", 2, 21, True, tmp_path)
    assert not marker.exists(), "static completion ran a module's code in the window's process"
    items = static_completions(["import helpers"], "helpers.help", 1, 12, tmp_path)
    assert "helper_function" in [item.name for item in items]


def test_an_idle_kernels_answer_adds_names_of_cells_not_run_yet() -> None:
    async def body() -> None:
        kernel = FakeKernel()
        c, (_first, typing) = await _notebook(kernel, "live_later = 1", "liv")
        await c.start_kernel()
        result = await c.complete(typing, "liv", 1, 3)
        assert result.source == "kernel"
        assert _names(result) == ["live_name", "live_later"]  # the kernel's, then the notebook's
        later = result.items[1]
        assert later.insert == "e_later" and "not run yet" in later.detail
        assert (await c.complete(typing, "x.liv", 1, 5)).items == result.items[
            :1
        ]  # after a dot: no

    asyncio.run(body())

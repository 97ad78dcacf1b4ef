"""A new kernel gets the notebook's Python cells to compile while it waits (protocol v10), so
the first run does not compile them: sent once per kernel start, before anything else."""

from __future__ import annotations

import asyncio

from app.coordinator.coordinator import Coordinator
from kernel_worker import protocol as p
from tests.coordinator.fake_kernel import FakeKernel


def test_each_new_kernel_is_sent_the_python_cells_that_parse() -> None:
    async def body() -> None:
        kernel = FakeKernel()
        c = Coordinator(kernel)
        c.new(None)
        await c.set_mode("lazy")
        a = await c.add_cell("python", code="x = 1")
        await c.add_cell("markdown", code="# title")
        await c.add_cell("python", code="x = (")  # a syntax error: its run reports it
        await c.add_cell("python", code="   ")
        d = await c.add_cell("python", code="x + 1")
        await c.start_kernel()
        await c.restart_kernel()
        precompiles = [r for r in kernel.requests if isinstance(r, p.Precompile)]
        expected = ((a, c.cell_name(a), "x = 1"), (d, c.cell_name(d), "x + 1"))
        assert [r.cells for r in precompiles] == [expected] * kernel.starts
        # `x = 1` does not end with an expression: compiled without being parsed (v11).
        assert [r.no_last_expression for r in precompiles] == [(a,)] * kernel.starts
        assert kernel.starts == 2
        assert all(r.hand_back for r in precompiles)
        first = kernel.requests.index(precompiles[0])
        assert not any(isinstance(r, p.RunPlan) for r in kernel.requests[:first])
        await c.shutdown()

    asyncio.run(body())


def test_a_notebook_without_python_code_sends_nothing_to_compile() -> None:
    """The Precompile still goes: it asks the worker to hand back what it compiles (v12), so
    cells added later are kept across a restart too."""

    async def body() -> None:
        kernel = FakeKernel()
        c = Coordinator(kernel)
        c.new(None)
        await c.start_kernel()
        precompiles = [r for r in kernel.requests if isinstance(r, p.Precompile)]
        assert precompiles == [p.Precompile(hand_back=True)]
        await c.shutdown()

    asyncio.run(body())

"""Both kernel connections pass the same tests: a module that sets ``BOTH_CONNECTIONS = True``
runs each test that uses ``arun`` (or ``connection``) once with the window's QProcess
connection on a qasync loop and once with the headless asyncio connection on a plain
asyncio loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.coordinator.coordinator import Coordinator
from app.coordinator.kernel import KernelConnection
from tests.loops import running_on

CONNECTIONS = ("qprocess", "asyncio")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "connection" in metafunc.fixturenames and getattr(
        metafunc.module, "BOTH_CONNECTIONS", False
    ):
        metafunc.parametrize("connection", CONNECTIONS, indirect=True)


@pytest.fixture
def connection(request: pytest.FixtureRequest) -> str:
    """Which kernel connection the test runs with (the window's unless parametrised)."""
    return str(getattr(request, "param", "qprocess"))


@pytest.fixture
def make_kernel(connection: str) -> Callable[..., KernelConnection]:
    """``make_kernel(cwd=…)``: a kernel connection of the test's kind."""
    if connection == "asyncio":
        from app.coordinator.asyncio_kernel import AsyncioKernel

        return AsyncioKernel
    from app.coordinator.qprocess_kernel import QProcessKernel

    return QProcessKernel


@pytest.fixture
def arun(connection: str, request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """Run a coroutine to completion on the loop the test's connection runs on."""
    if connection == "asyncio":
        loop = asyncio.new_event_loop()
    else:
        import qasync

        loop = qasync.QEventLoop(request.getfixturevalue("qapp"))
    yield from running_on(loop)


@pytest.fixture
def coordinator(
    arun: Callable[..., Any], tmp_path: Path, make_kernel: Callable[..., KernelConnection]
) -> Iterator[Coordinator]:
    """A coordinator on a new notebook in ``tmp_path``, its kernel of the test's connection."""
    c = Coordinator(make_kernel(cwd=tmp_path))
    c.new(tmp_path / "notebook.py")
    yield c
    arun(c.shutdown())

"""A minimal synchronous client for driving a real worker process in tests (no Qt)."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import time
from pathlib import Path

from app.coordinator.launch import worker_launch
from kernel_worker import protocol as p


class WorkerClient:
    """A worker started exactly as the app starts one (see app.coordinator.launch)."""

    def __init__(self, notebook_dir: str | Path | None = None) -> None:
        launch = worker_launch(notebook_dir=notebook_dir)
        self.nonce = launch.nonce
        self.process = subprocess.Popen(
            [launch.program, *launch.args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=launch.env,
            cwd=launch.cwd,
        )
        self._decoder = p.FrameDecoder(self.nonce)
        self._plans = 0
        self.ready = self.read_until(p.Ready)[-1]

    def read_until(self, kind: type, timeout: float = 30.0) -> list[p.Message]:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        deadline = time.monotonic() + timeout
        messages: list[p.Message] = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {kind.__name__} within {timeout} s")
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            data = os.read(fd, 1 << 16)
            if not data:
                raise EOFError(f"worker exited ({self.process.wait()}) before {kind.__name__}")
            for message in self._decoder.feed(data):
                messages.append(message)
                if isinstance(message, kind):
                    return messages

    def send(self, request: p.Request) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(p.encode(request, self.nonce))
        self.process.stdin.flush()

    def start_plan(self, *codes: str, delete: tuple[str, ...] = (), chain: bool = False) -> int:
        self._plans += 1
        steps = []
        for i, code in enumerate(codes):
            depends = (f"c{i}",) if chain and i else ()
            steps.append(p.Step(f"c{i + 1}", "python", code, f"cell {i + 1}", depends))
        self.send(p.RunPlan(self._plans, tuple(steps), delete))
        return self._plans

    def run(
        self, *codes: str, delete: tuple[str, ...] = (), chain: bool = False
    ) -> list[p.Message]:
        self.start_plan(*codes, delete=delete, chain=chain)
        return self.read_until(p.PlanFinished)

    def run_plan_request(self, plan: p.RunPlan) -> list[p.Message]:
        """Send ``plan`` and read until it has finished."""
        self.send(plan)
        return self.read_until(p.PlanFinished)

    def interrupt(self) -> None:
        os.kill(self.process.pid, signal.SIGINT)

    def close(self) -> None:
        if self.process.poll() is None:
            self.send(p.Shutdown())
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def finished(messages: list[p.Message]) -> dict[str, p.StepFinished]:
    """How each step ended, whether it had a frame of its own or was part of a batch (a
    batched step is shown as the StepFinished it stands for: unannounced)."""
    ends: dict[str, p.StepFinished] = {}
    for m in messages:
        if isinstance(m, p.StepFinished):
            ends[m.cell_id] = m
        elif isinstance(m, p.StepsFinished):
            for s in m.steps:
                ran = s.status == "success"
                ends[s.cell_id] = p.StepFinished(
                    m.plan_id, s.cell_id, s.status, s.duration_ms, None, s.blocked_by, ran
                )
    return ends


def stream_text(messages: list[p.Message], cell_id: str, stream: str = "stdout") -> str:
    return "".join(
        m.text
        for m in messages
        if isinstance(m, p.StreamOutput) and m.cell_id == cell_id and m.stream == stream
    )


def displays(messages: list[p.Message], cell_id: str) -> list[dict[str, str]]:
    return [dict(m.data) for m in messages if isinstance(m, p.DisplayData) and m.cell_id == cell_id]


def process_gone(pid: int) -> bool:
    """True once ``pid`` no longer runs (reaped, or a zombie waiting for its parent)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError):  # gone, maybe while it was being read
        return True

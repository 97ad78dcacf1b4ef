"""How every benchmark reports (Qt-free, so the engine and SQL benchmarks use it too): numbers
formatted alike, the figure table, the target verdicts and the final line of JSON."""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Collection, Iterable
from typing import Any


def fmt(value: float | None, digits: int = 2) -> str:
    """A figure for the table: thousands grouped, fewer decimals as it grows; "—" if missing."""
    if value is None or value != value:
        return "—"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.1f}"
    return f"{value:.{digits}f}"


def print_table(header: list[str], rows: list[list[str]], right: Collection[int]) -> None:
    """A table under a ruled header: the columns in ``right`` (numbers) right-aligned."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for n, row in enumerate([header, *rows]):
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def verdict(value: float | None, target: float, unit: str) -> dict[str, Any]:
    """A figure against its target (lower is better); ``met`` None when it was not measured."""
    return {
        "target": target,
        "unit": unit,
        "value": value,
        "met": None if value is None else value <= target,
    }


def print_targets(
    figures: Iterable[tuple[str, str, str]],
    summary: dict[str, float],
    targets: dict[str, dict[str, Any]],
    *,
    last_header: str = "ok?",
    notes: dict[str, str] | None = None,
) -> None:
    """The figure table of the window benchmarks: median, min, target and ✓/✗ per figure
    (``figures``: key, label, unit; ``notes`` follow a key's target)."""
    rows: list[list[str]] = []
    for key, label, unit in figures:
        if key not in summary:
            continue
        minimum = summary.get(f"{key}_min")
        target = targets.get(key)
        target_text = f"≤ {target['target']:g} {unit}" if target else ""
        met = "" if not target or target["met"] is None else ("✓" if target["met"] else "✗")
        if target and notes and key in notes:
            target_text += notes[key]
        rows.append(
            [
                f"{label} ({unit})" if unit != "n" else label,
                fmt(summary[key]),
                fmt(minimum) if minimum is not None else "",
                target_text,
                met,
            ]
        )
    print_table(["figure", "median", "min", "target", last_header], rows, right={1, 2})


def machine() -> dict[str, Any]:
    """Where the figures were measured (goes in the document's ``config``)."""
    return {"python": platform.python_version(), "cpus": os.cpu_count()}


def print_document(document: dict[str, Any], started: float) -> None:
    """The benchmark's last line: every figure as JSON, with the whole run's duration."""
    document["elapsed_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(document, ensure_ascii=False, separators=(",", ":")))

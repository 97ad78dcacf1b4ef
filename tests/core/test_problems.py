"""Problems and reasons are data; words come last, naming cells as the reader sees them."""

from __future__ import annotations

import pytest

from app.core.problems import (
    BlockedBy,
    Cycle,
    Interrupted,
    MissingNames,
    MultipleDefinition,
    Reason,
    Stale,
    Unrunnable,
    cells_named,
    describe,
)

NAMES = {"a": "load", "b": "clean", "c": "plot"}


def name(cell_id: str) -> str:
    return NAMES[cell_id]


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        (
            MultipleDefinition("df", ("a", "b")),
            "'df' is defined by more than one cell: load, clean",
        ),
        (Cycle((("a", ("x",)), ("b", ("y", "z")))), "cycle: load (x) → clean (y, z) → load"),
        (MissingNames(("since",)), "'since' is not defined by any cell"),
        (MissingNames(("a1", "b2")), "'a1', 'b2' are not defined by any cell"),
        (BlockedBy("a", failed=True), "blocked by load, which failed"),
        (BlockedBy("b", failed=False), "blocked by clean, which cannot run"),
        (Stale("edited"), "edited since it last ran"),
        (Stale("input_changed"), "an input changed; run to update"),
        (
            Stale("kernel_lost", "kernel died: killed by SIGKILL"),
            "not run: kernel died: killed by SIGKILL",
        ),
        (Stale("kernel_lost"), "not run: the kernel went away"),
        (Interrupted(), "interrupted by the user"),
        (
            Unrunnable(
                (MultipleDefinition("x", ("a", "c")), Cycle((("a", ("x",)), ("c", ("y",)))))
            ),
            "'x' is defined by more than one cell: load, plot; cycle: load (x) → plot (y) → load",
        ),
    ],
)
def test_words(reason: Reason, words: str) -> None:
    assert describe(reason, name) == words


def test_every_stale_reason_has_words() -> None:
    from typing import get_args

    from app.core.problems import StaleWhy

    for why in get_args(StaleWhy):
        assert describe(Stale(why), name)


def test_html_words_use_the_callers_markup() -> None:
    words = describe(
        MultipleDefinition("df", ("a", "b")),
        lambda c: f'<a href="cell:{c}">{name(c)}</a>',
        lambda n: f"<code>{n}</code>",
    )
    assert words == (
        '<code>df</code> is defined by more than one cell: <a href="cell:a">load</a>, '
        '<a href="cell:b">clean</a>'
    )


def test_cells_named() -> None:
    assert cells_named(BlockedBy("a", failed=True)) == ("a",)
    assert cells_named(Unrunnable((MultipleDefinition("x", ("a", "b")),))) == ("a", "b")
    assert cells_named(Stale("edited")) == ()

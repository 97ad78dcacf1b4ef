"""The coordinator's cache of compiled cells (protocol v12): only for the interpreter that
made them, following the notebook, bounded in bytes."""

from __future__ import annotations

from app.coordinator.code_cache import CompiledCodeCache
from kernel_worker.protocol import cell_filename

CELLS = [("a", "cell 1", "x = 1"), ("b", "", "y = 2")]
ENTRIES = [("<cell 1>", "x = 1", "AAAA"), ("<cell b>", "y = 2", "BBBB")]


def _cache() -> CompiledCodeCache:
    cache = CompiledCodeCache()
    cache.use_interpreter("3.11.7 (main, …) [GCC 12]", "/usr/bin/python3")
    return cache


def test_cells_a_worker_compiled_go_to_the_next_one_compiled() -> None:
    cache = _cache()
    cache.add(ENTRIES)
    to_compile, compiled = cache.split([*CELLS, ("c", "cell 3", "z = 3")], cell_filename)
    assert to_compile == [("c", "cell 3", "z = 3")]
    assert compiled == ENTRIES


def test_an_edited_cell_is_compiled_and_its_old_code_forgotten() -> None:
    cache = _cache()
    cache.add(ENTRIES)
    to_compile, compiled = cache.split([("a", "cell 1", "x = 10"), CELLS[1]], cell_filename)
    assert to_compile == [("a", "cell 1", "x = 10")]
    assert compiled == ENTRIES[1:]
    assert len(cache) == 1  # "x = 1" is in no cell any more


def test_a_renamed_cell_is_compiled_again() -> None:
    """Its code is compiled under its name (tracebacks show it)."""
    cache = _cache()
    cache.add(ENTRIES)
    to_compile, _ = cache.split([("a", "loader", "x = 1")], cell_filename)
    assert to_compile == [("a", "loader", "x = 1")]


def test_another_interpreter_gets_nothing() -> None:
    cache = _cache()
    cache.add(ENTRIES)
    cache.use_interpreter("3.12.1 (main, …)", "/opt/py312/bin/python")
    assert cache.split(CELLS, cell_filename) == (CELLS, [])
    cache.add(ENTRIES)
    cache.use_interpreter("3.12.1 (main, …)", "/opt/py312/bin/python")  # the same again
    assert len(cache) == 2


def test_nothing_is_kept_while_the_interpreter_is_unknown() -> None:
    cache = CompiledCodeCache()
    cache.add(ENTRIES)
    assert len(cache) == 0
    cache.use_interpreter("", "")
    cache.add(ENTRIES)
    assert len(cache) == 0


def test_the_oldest_blobs_go_first_past_the_byte_limit() -> None:
    cache = CompiledCodeCache(max_bytes=10)
    cache.use_interpreter("3.11.7", "/usr/bin/python3")
    cache.add([("<1>", "a", "xxxx"), ("<2>", "b", "yyyy")])
    cache.add([("<1>", "a", "xxxx")])  # kept again: now the newest
    cache.add([("<3>", "c", "zzzz")])
    assert len(cache) == 2
    _, compiled = cache.split([("1", "1", "a"), ("2", "2", "b"), ("3", "3", "c")], cell_filename)
    assert [filename for filename, _, _ in compiled] == ["<1>", "<3>"]

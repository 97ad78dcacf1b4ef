"""Guards against a known-bad PySide6 (CONVENTIONS.md, Known traps)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject


def test_void_qt_calls_do_not_leak_references_to_none() -> None:
    """PySide6 6.12.0 on Python 3.11 decrements None's refcount on every void call and
    aborts the process after a few thousand; our pin keeps that build out."""
    obj = QObject()
    before = sys.getrefcount(None)
    for _ in range(10_000):
        obj.setObjectName("x")  # a void C++ method
    after = sys.getrefcount(None)
    assert after >= before - 100  # unrelated frames may drop a few; the bug drops 10,000

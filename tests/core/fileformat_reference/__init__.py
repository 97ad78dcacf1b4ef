"""The loader as it was before its bulk paths (commit 66dd976), frozen: the oracle.

``app.core.fileformat`` reads markers, values, strings, PEP 8 spacing, the preamble and the
header a faster way (a few passes in C for a whole file, whatever its shapes). These modules
are the reading half of that package as it was before, unchanged but for their imports: the
property tests in ``tests/core/test_fileformat_bulk.py`` hold :func:`parse` of the app to
:func:`parse` here on generated files. Do not edit them to follow the app: they are what the
app must keep giving.
"""

from tests.core.fileformat_reference.reader import parse

__all__ = ["parse"]

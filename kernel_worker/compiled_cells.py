"""The worker's compiled cells: kept for re-runs, compiled ahead while the worker waits
(protocol v10), and handed back to the coordinator (v12), which gives them to the next worker
of the same Python: after a restart, loading a cell takes a few microseconds where compiling
it took tens (a run of 1,000 small cells spent a third of its time compiling).

What a user sees never depends on where a cell's code came from: a cell whose compiling showed
a warning is not handed back (its next compile shows the warning again), a cell that does not
compile cleanly is left to its step, and a cell's lines reach ``linecache`` when it runs.
"""

from __future__ import annotations

import ast
import binascii
import linecache
import marshal
import types
import warnings
from collections.abc import Callable

from kernel_worker.protocol import CompiledCode, Precompile, cell_filename

CompiledCell = tuple[types.CodeType | None, types.CodeType | None]
#: (filename, code): a cell's code as it was compiled, under its name.
Key = tuple[str, str]

#: Compiled cells kept for re-runs: twice the largest notebook Cascade opens (10,000 cells),
#: so a re-run of a big notebook never compiles every cell again.
COMPILED_CELLS_KEPT = 20_000
#: A compiled cell larger than this is not handed back (the channel would carry more than a
#: compile costs).
BLOB_MAX_BYTES = 1 << 20
#: Cells per CompiledCode frame (bounds one frame's size and the coordinator's pause).
CELLS_PER_FRAME = 2_000


def compile_cell(code: str, filename: str, ends_with_expression: bool = True) -> CompiledCell:
    """Split a cell into its body and, when the last statement is an expression, that
    expression (evaluated separately so its value can be displayed, as in Jupyter).

    ``ends_with_expression=False`` (the coordinator's parse found the last statement is not
    one) compiles the code straight from its text: parsing it into Python objects first and
    compiling those took half of a small cell's run."""
    if not ends_with_expression:
        return compile(code, filename, "exec", dont_inherit=True), None
    tree = ast.parse(code, filename=filename, mode="exec")
    last: ast.expr | None = None
    if tree.body and isinstance(tree.body[-1], ast.Expr) and not _hidden(code, tree.body[-1]):
        last = tree.body[-1].value
        tree.body.pop()
    body = compile(tree, filename, "exec", dont_inherit=True) if tree.body else None
    expr = None
    if last is not None:
        expr = compile(ast.Expression(last), filename, "eval", dont_inherit=True)
    return body, expr


def _hidden(code: str, statement: ast.stmt) -> bool:
    """Whether a ``;`` follows the cell's last expression (``plt.plot(x);``): as in Jupyter,
    its value is then not shown."""
    line = code.split("\n")[(statement.end_lineno or statement.lineno) - 1]
    rest = line.encode("utf-8")[statement.end_col_offset or 0 :].decode("utf-8", "replace")
    return rest.lstrip().startswith(";")


class _WarningCount:
    """How many warnings the worker has shown (or recorded): a compile that moved it warned.

    Counted where the ``warnings`` machinery hands every warning it does not ignore or raise
    (``warnings._showwarnmsg``), so telling costs nothing per compile."""

    shown = 0

    @classmethod
    def install(cls) -> None:
        show = warnings._showwarnmsg  # type: ignore[attr-defined]
        if getattr(show, "_counts_for_cascade", False):
            return

        def counted(message: warnings.WarningMessage) -> None:
            cls.shown += 1
            show(message)

        counted._counts_for_cascade = True  # type: ignore[attr-defined]
        warnings._showwarnmsg = counted  # type: ignore[attr-defined]


def _load(blob: str, filename: str) -> CompiledCell | None:
    """A cell handed back by an earlier worker, or None if it is not one (it is then compiled
    from its text, which is always right)."""
    try:
        value = marshal.loads(binascii.a2b_base64(blob))
    except (ValueError, EOFError, TypeError):  # binascii.Error is a ValueError
        return None
    if type(value) is not tuple or len(value) != 2:
        return None
    for code in value:
        if code is not None and (type(code) is not types.CodeType or code.co_filename != filename):
            return None
    body, expr = value
    return body, expr


def _list_lines(filename: str, code: str) -> None:
    """Let tracebacks (and inspect) show the cell's own lines (set when the cell runs: a
    function an earlier version of the cell defined must not show these lines before)."""
    lines = code.splitlines(keepends=True)
    linecache.cache[filename] = (len(code), None, lines, filename)


class CompiledCells:
    """Compiled cells by ``(filename, code)``; ``send`` hands new ones to the coordinator."""

    def __init__(self, send: Callable[[CompiledCode], None]) -> None:
        self._send = send
        self._compiled: dict[Key, CompiledCell] = {}
        #: (filename, code, may end with an expression) of cells to compile while idle
        #: (:meth:`precompile`), last first.
        self._ahead: list[tuple[str, str, bool]] = []
        #: Compiled ahead or handed over, not run since: their lines are not in linecache yet.
        self._unlisted: set[Key] = set()
        #: Handed over by the coordinator (:attr:`Precompile.compiled`), loaded when first run.
        self._loadable: dict[Key, str] = {}
        #: Compiled here without a warning and not handed back yet (once asked to).
        self._fresh: list[Key] = []
        self._hand_back = False
        _WarningCount.install()

    def get(self, filename: str, code: str, ends_with_expression: bool) -> CompiledCell:
        """The cell compiled (SyntaxError if it does not compile), its lines listed."""
        key = (filename, code)
        compiled = self._compiled.get(key)
        if compiled is None:
            _list_lines(filename, code)
            blob = self._loadable.pop(key, None) if self._loadable else None
            compiled = None if blob is None else _load(blob, filename)
            if compiled is None:
                shown = _WarningCount.shown
                compiled = compile_cell(code, filename, ends_with_expression)
                if self._hand_back and _WarningCount.shown == shown:
                    self._fresh.append(key)
            self._keep(key, compiled)
        elif self._unlisted and key in self._unlisted:
            self._unlisted.discard(key)  # compiled ahead: its lines are listed when it runs
            _list_lines(filename, code)
        return compiled

    def _keep(self, key: Key, compiled: CompiledCell) -> None:
        if len(self._compiled) > COMPILED_CELLS_KEPT:
            self._compiled.clear()
            self._unlisted.clear()
        self._compiled[key] = compiled

    # -- handing back -------------------------------------------------------------------------
    def send_new(self) -> None:
        """Hand the coordinator the cells compiled since the last call (before a plan's
        PlanFinished, so a restart right after the plan finds them)."""
        if not self._fresh:
            return
        fresh, self._fresh = self._fresh, []
        entries: list[tuple[str, str, str]] = []
        for key in fresh:
            compiled = self._compiled.get(key)
            if compiled is None:  # dropped since (more than COMPILED_CELLS_KEPT cells)
                continue
            try:
                data = marshal.dumps(compiled)
            except ValueError:
                continue
            if len(data) <= BLOB_MAX_BYTES:
                blob = binascii.b2a_base64(data, newline=False).decode("ascii")
                entries.append((key[0], key[1], blob))
        for start in range(0, len(entries), CELLS_PER_FRAME):
            self._send(CompiledCode(tuple(entries[start : start + CELLS_PER_FRAME])))

    # -- compiling ahead ----------------------------------------------------------------------
    def precompile(self, request: Precompile) -> None:
        """Queue cells to compile while the worker waits (:meth:`compile_ahead`) and keep
        those handed over compiled."""
        self._hand_back = self._hand_back or request.hand_back
        for filename, code, blob in request.compiled:
            if (filename, code) not in self._compiled:
                self._loadable[filename, code] = blob
        plain = set(request.no_last_expression)
        cells = [
            (cell_filename(cell_id, label), code, cell_id not in plain)
            for cell_id, label, code in request.cells
        ]
        cells.reverse()  # popped from the end: in the order they came
        self._ahead = cells + self._ahead

    @property
    def compiling_ahead(self) -> bool:
        return bool(self._ahead or self._loadable)

    def compile_ahead(self, stop: Callable[[], bool]) -> None:
        """Load the cells handed over, then compile queued cells, until none is left or
        ``stop()`` (a request came). A cell that does not compile cleanly — an error, or a
        warning, which its step must show — is left for its step, which compiles and reports
        it as it always did (as is one whose blob does not load). Once the queue is empty,
        what was compiled is handed back."""
        loadable = self._loadable
        while loadable and not stop():
            key = next(iter(loadable))
            blob = loadable.pop(key)
            if key not in self._compiled:
                compiled = _load(blob, key[0])
                if compiled is not None:
                    self._keep(key, compiled)
                    self._unlisted.add(key)
        ahead = self._ahead
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            while ahead and not stop():
                filename, code, ends_with_expression = ahead.pop()
                key = (filename, code)
                if key in self._compiled:
                    continue
                try:
                    compiled = compile_cell(code, filename, ends_with_expression)
                except Exception:  # its step compiles it again and says why
                    continue
                self._keep(key, compiled)
                self._unlisted.add(key)
                if self._hand_back:
                    self._fresh.append(key)
        if not ahead:
            self.send_new()

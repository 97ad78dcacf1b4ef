"""Make a top-to-bottom notebook reactive: every name defined by exactly one cell, same results.

Jupyter runs cells in one shared namespace, so ``df = load()`` in one cell and
``df = df.dropna()`` in a later one is normal there; in Cascade two cells defining ``df`` is an
error (SEMANTICS §2). Following marimo's converter, every definition after the first gets a new
name (``df_2``, ``df_3`` …) and every read below it uses the latest one; reads of the previous
value inside the redefining cell keep the previous name (see :mod:`app.core.convert.rewrite`).

Because every edge of the result points downwards, Cascade's run order (topological, ties by
position) is exactly the notebook's order, so running everything gives Jupyter's results.

Special cases:

* **Imports** repeated in several cells are merged: the later copies are removed (the first
  import serves every cell). ``import os`` and ``import os.path`` bind the same package; the
  later one keeps loading its submodule under a private alias (``import os.path as _os_path``).
* **Builtins** a cell reads above a cell that rebinds them (``sum(...)`` and later ``sum = 0``)
  count as a first definition, so the user's ``sum`` is renamed and the builtin stays visible.
* **Private names** (``_tmp``) are private to their cell in Cascade; one that a later cell
  reads is renamed to a public name first (``tmp``).
* Names a cell rebinds within itself keep their name inside it (one cell = one binding).

Nothing here runs code; the result is checked again by :mod:`app.core.convert.conflicts`.
"""

from __future__ import annotations

import ast
import builtins
import keyword
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from app.core.analysis import is_private_name
from app.core.convert.cells import ParsedCell, SourceCell, all_identifiers
from app.core.convert.positions import Edit, EditConflict, apply_edits
from app.core.convert.report import MergedImport, Note, Renamed
from app.core.convert.rewrite import (
    CannotRename,
    ReadTracker,
    apply_cell_edits,
    import_key,
    occurrence_edits,
    plan_rename,
    remove_imports,
)

__all__ = ["IPYTHON_NAMES", "NameFactory", "ReactiveCells", "make_reactive"]

#: Names IPython provides that plain Python does not (output history, the shell itself).
IPYTHON_NAMES = frozenset(
    {"_", "__", "___", "_i", "_ii", "_iii", "_ih", "_oh", "_dh", "In", "Out", "get_ipython"}
)


@dataclass(frozen=True, slots=True)
class ReactiveCells:
    """The cells with new code (and SQL result names), and what was done."""

    cells: tuple[SourceCell, ...]
    renames: tuple[Renamed, ...] = ()
    merged_imports: tuple[MergedImport, ...] = ()
    notes: tuple[Note, ...] = ()


class NameFactory:
    """New names that clash with nothing written anywhere: ``df_2``, ``df_3`` …"""

    def __init__(self, taken: set[str]) -> None:
        self.taken = taken
        self._next: dict[str, int] = {}

    def fresh(self, base: str) -> str:
        number = self._next.get(base, 2)
        while f"{base}_{number}" in self.taken:
            number += 1
        self._next[base] = number + 1
        name = f"{base}_{number}"
        self.taken.add(name)
        return name

    def public(self, private: str) -> str:
        """A public name for a private one: ``_tmp`` -> ``tmp`` (or ``tmp_2`` if taken)."""
        base = private.lstrip("_")
        if not base.isidentifier() or keyword.iskeyword(base):
            base = "value"
        if base not in self.taken:
            self.taken.add(base)
            return base
        return self.fresh(base)


@dataclass(slots=True)
class _Version:
    """The latest definition of a name: what it is called now and who made it."""

    name: str
    cell: int  # -1: the builtin
    imports: frozenset[tuple[str, ...]] = frozenset()
    import_texts: frozenset[str] = frozenset()
    record: int | None = None  # its entry in the renames, for readers
    late_readers: list[int] = field(default_factory=list)  # cells whose functions read it


@dataclass(slots=True)
class _CellWork:
    edits: list[Edit] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    removals: dict[int, tuple[ast.Import | ast.ImportFrom, dict[ast.alias, str | None]]] = field(
        default_factory=dict
    )


class _Reactive:
    """One top-to-bottom pass. Responsibilities: keep the latest version of every name;
    decide per cell and name between keeping, merging and renaming; collect edits, records
    and notes."""

    def __init__(self, cells: list[ParsedCell], names: NameFactory) -> None:
        self.cells = cells
        self.names = names
        self.versions: dict[str, _Version] = {}
        self.first: dict[str, int] = {}
        self.renames: list[Renamed] = []
        self.readers: dict[int, list[int]] = {}
        self.merged: list[MergedImport] = []
        self.notes: list[Note] = []
        self.tracker = ReadTracker(cells)
        self.events = self._events()

    # -- who reads and defines what ---------------------------------------------------------
    def _events(self) -> dict[str, list[tuple[int, bool, bool]]]:
        """Per name, (cell, reads, defines) for every cell that touches it, in order."""
        events: dict[str, list[tuple[int, bool, bool]]] = {}
        for index, cell in enumerate(self.cells):
            analysis = cell.analysis
            for name in analysis.refs | analysis.deletes | analysis.defs:
                events.setdefault(name, []).append((index, cell.reads(name), cell.defines(name)))
        return events

    def read_later(self, name: str, index: int) -> bool:
        return self.tracker.read_later(name, index)

    def seed_builtins(self) -> None:
        """A builtin read above its first redefinition is the first version of that name."""
        for name, events in self.events.items():
            if not hasattr(builtins, name) or is_private_name(name):
                continue
            first_def = next((cell for cell, _, defines in events if defines), None)
            if first_def is None:
                continue
            if any(cell < first_def and reads for cell, reads, _ in events):
                self.versions[name] = _Version(name, -1)
                self.first[name] = -1

    # -- the pass ---------------------------------------------------------------------------
    def run(self) -> list[SourceCell]:
        self.seed_builtins()
        result = []
        for index, cell in enumerate(self.cells):
            if cell.cell.kind == "sql":
                result.append(self.sql_cell(index, cell))
            elif cell.cell.kind == "python" and cell.tree is not None:
                result.append(self.python_cell(index, cell))
            else:
                if cell.error is not None:
                    line = f" (line {cell.error.lineno})" if cell.error.lineno else ""
                    self.notes.append(
                        Note(
                            index,
                            "syntax",
                            f"does not parse{line}: {cell.error.msg}; left as it is "
                            "(it defines and reads nothing until fixed)",
                            "warning",
                        )
                    )
                result.append(cell.cell)
        return result

    def python_cell(self, index: int, cell: ParsedCell) -> SourceCell:
        work = _CellWork()
        self.note_reads(index, cell)
        for name in sorted(cell.occurrences):
            if is_private_name(name):
                continue  # private to the cell in Cascade: never shared, never clashing
            self.python_name(index, cell, name, work)
        for owner, replaced in work.removals.values():
            work.edits.extend(remove_imports(cell, owner, replaced))
        try:
            code = apply_cell_edits(cell, work.edits, work.aliases)
        except EditConflict as problem:  # never write corrupted code: keep the cell as it was
            self.notes.append(
                Note(index, "conflict", f"left unchanged, renaming failed: {problem}", "error")
            )
            return cell.cell
        return replace(cell.cell, code=code)

    def python_name(self, index: int, cell: ParsedCell, name: str, work: _CellWork) -> None:
        occurrences = cell.occurrences[name]
        version = self.versions.get(name)
        late = any(o.deferred and o.kind == "load" for o in occurrences)
        if not cell.defines(name):
            if version is not None:
                if any(o.kind != "declare" for o in occurrences):
                    self.read(version, index)
                if late:
                    version.late_readers.append(index)
                for occurrence in occurrences:
                    work.edits.extend(occurrence_edits(cell.source, occurrence, version.name))
            return
        binding = cell.binding(name)
        keys = frozenset(import_key(o) for o in binding if o.kind == "import")
        only_imports = bool(binding) and all(o.kind == "import" for o in binding)
        texts = frozenset(cell.source.code[o.start : o.end] for o in binding if o.kind == "import")
        if version is None:
            self.first[name] = index
            self.versions[name] = _Version(
                name, index, keys if only_imports else frozenset(), texts
            )
            return
        if only_imports and version.imports and keys <= version.imports:
            self.merge(index, cell, name, version, work)
            return
        new = self.names.fresh(name)
        try:
            plan = plan_rename(
                cell, name, previous=version.name, own=new, read_later=self.read_later(name, index)
            )
        except CannotRename as problem:
            self.notes.append(
                Note(index, "conflict", f"`{name}` not renamed: {problem}", "warning")
            )
            return
        work.edits.extend(plan.edits)
        if plan.alias is not None:
            work.aliases.append(plan.alias)
        if plan.reads_previous:
            self.read(version, index)
        record = Renamed(
            index,
            name,
            new,
            self.reason(name, version, binding),
            previous=version.name if plan.reads_previous else None,
            alias=plan.alias is not None,
        )
        self.note_late_readers(version, index, name, new)
        self.versions[name] = _Version(
            new,
            index,
            keys if only_imports else frozenset(),
            texts,
            len(self.renames),
            late_readers=[index] if late else [],
        )
        self.renames.append(record)

    def merge(
        self, index: int, cell: ParsedCell, name: str, version: _Version, work: _CellWork
    ) -> None:
        """Drop a repeated import; the cell reads the first one (by its current name)."""
        self.merged.append(MergedImport(index, name, version.cell))
        self.read(version, index)
        for occurrence in cell.occurrences[name]:
            if occurrence.kind != "import":
                work.edits.extend(occurrence_edits(cell.source, occurrence, version.name))
                continue
            alias = occurrence.node
            owner = occurrence.owner
            assert isinstance(alias, ast.alias) and isinstance(owner, ast.Import | ast.ImportFrom)
            text = cell.source.code[occurrence.start : occurrence.end]
            replacement: str | None = None
            submodule = isinstance(owner, ast.Import) and alias.asname is None and "." in alias.name
            if submodule and text not in version.import_texts:  # keep loading the submodule
                replacement = f"{alias.name} as _{alias.name.replace('.', '_')}"
            _, replaced = work.removals.setdefault(id(owner), (owner, {}))
            replaced[alias] = replacement

    def sql_cell(self, index: int, cell: ParsedCell) -> SourceCell:
        edits = []
        for start, end, name in cell.placeholders:
            version = self.versions.get(name)
            if version is None:
                continue
            self.read(version, index)
            if version.name != name:
                edits.append(Edit(start, end, version.name, expected=name))
        code = apply_edits(cell.cell.code, edits)
        result_name = cell.cell.name
        if result_name and not is_private_name(result_name):
            version = self.versions.get(result_name)
            if version is None:
                self.first[result_name] = index
                self.versions[result_name] = _Version(result_name, index)
            else:
                new = self.names.fresh(result_name)
                record = Renamed(index, result_name, new, self.reason(result_name, version, []))
                self.versions[result_name] = _Version(new, index, record=len(self.renames))
                self.renames.append(record)
                result_name = new
        return replace(cell.cell, code=code, name=result_name)

    # -- bookkeeping ------------------------------------------------------------------------
    def read(self, version: _Version, index: int) -> None:
        if version.record is not None:
            readers = self.readers.setdefault(version.record, [])
            if index != self.renames[version.record].cell and index not in readers:
                readers.append(index)

    def reason(self, name: str, version: _Version, binding: Sequence[object]) -> str:
        if version.cell < 0:
            return f"shadows the builtin `{name}`, which cells above use"
        augmented = any(getattr(o, "kind", "") == "augmented" for o in binding)
        first = self.first.get(name, version.cell)
        if augmented:
            return f"updates `{name}` from cell {version.cell + 1}"
        return f"defined again; first defined in cell {first + 1}"

    def note_late_readers(self, version: _Version, index: int, name: str, new: str) -> None:
        """Functions read globals when called: Jupyter's would see this new definition."""
        for reader in version.late_readers:
            self.notes.append(
                Note(
                    reader,
                    "late-read",
                    f"a function here reads `{name}` when it is called; cell {index + 1} "
                    f"defines `{name}` again (now `{new}`), so calls below cell {index + 1} "
                    f"still see `{version.name}`, where Jupyter would see the new value",
                    "warning",
                )
            )

    def note_reads(self, index: int, cell: ParsedCell) -> None:
        """Reads that cannot work as in Jupyter: IPython's own names, and names only a later
        cell defines."""
        for name in sorted(IPYTHON_NAMES & cell.occurrences.keys()):
            if is_private_name(name) and not cell.binding(name):
                self.notes.append(
                    Note(
                        index,
                        "ipython",
                        f"uses IPython's `{name}` (an earlier output), which exists only "
                        "inside IPython",
                        "warning",
                    )
                )
        for name in sorted(cell.analysis.refs):
            if name in self.versions or hasattr(builtins, name):
                continue
            later = next(
                (c for c, _, defines in self.events.get(name, ()) if defines and c > index), None
            )
            if later is not None:
                self.notes.append(
                    Note(
                        index,
                        "forward",
                        f"reads `{name}` before any cell above defines it; run top to bottom "
                        f"this was a NameError, Cascade runs cell {later + 1} first",
                        "warning",
                    )
                )
            elif name in IPYTHON_NAMES:
                self.notes.append(
                    Note(
                        index,
                        "ipython",
                        f"uses IPython's `{name}`, which exists only inside IPython",
                        "warning",
                    )
                )

    def finished_renames(self) -> tuple[Renamed, ...]:
        return tuple(
            replace(record, readers=tuple(self.readers.get(number, ())))
            for number, record in enumerate(self.renames)
        )


def _share_private_names(
    cells: list[ParsedCell], names: NameFactory
) -> tuple[list[ParsedCell], list[Renamed]]:
    """Give a public name to every private name one cell binds and another reads."""
    binders: dict[str, list[int]] = {}
    readers: dict[str, list[int]] = {}
    for index, cell in enumerate(cells):
        for name, occurrences in cell.occurrences.items():
            if not is_private_name(name) or name == "_":
                continue
            if any(o.kind in ("store", "import", "augmented") for o in occurrences):
                binders.setdefault(name, []).append(index)
            elif any(o.kind in ("load", "delete") for o in occurrences):
                readers.setdefault(name, []).append(index)
    shared = sorted(name for name in readers if name in binders)
    if not shared:
        return cells, []
    targets = {name: names.public(name) for name in shared}
    records = [
        Renamed(
            binders[name][0],
            name,
            targets[name],
            "a name with a leading underscore is private to its cell in Cascade",
            readers=tuple(readers[name]),
        )
        for name in shared
    ]
    result = []
    for cell in cells:
        edits: list[Edit] = []
        try:
            for name, target in targets.items():
                for occurrence in cell.occurrences.get(name, ()):
                    edits.extend(occurrence_edits(cell.source, occurrence, target))
            code = apply_edits(cell.cell.code, edits)
        except (CannotRename, EditConflict):
            code = cell.cell.code
        result.append(cell if not edits else ParsedCell(replace(cell.cell, code=code)))
    return result, records


def make_reactive(cells: Sequence[SourceCell]) -> ReactiveCells:
    """Rename redefinitions so that the cells, run in dependency order, give what running them
    top to bottom in one namespace gives (see the module docstring)."""
    parsed = [ParsedCell(cell) for cell in cells]
    names = NameFactory(all_identifiers(parsed))
    parsed, private_renames = _share_private_names(parsed, names)
    reactive = _Reactive(parsed, names)
    new_cells = reactive.run()
    renames = sorted(
        [*private_renames, *reactive.finished_renames()], key=lambda r: (r.cell, r.old)
    )
    return ReactiveCells(
        tuple(new_cells),
        tuple(renames),
        tuple(reactive.merged),
        tuple(sorted(reactive.notes, key=lambda n: n.cell if n.cell is not None else -1)),
    )

"""From what a reader found to a notebook: missing ids and SQL result names are filled in, and
a database password is moved out of the document."""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from types import MappingProxyType
from typing import TypeGuard

from app.core.notebook import Cell, Notebook, sql_result_names
from app.core.words import plural
from tests.core.fileformat_reference.model import Draft, LoadedNotebook, Read
from tests.core.fileformat_reference.passwords import strip_password

_ID_BYTES = 4  # as app.core.notebook.new_cell_id: 8 hex digits


def finish(read: Read) -> LoadedNotebook:
    """Fill in missing ids and result names, move the password out, build the notebook."""
    notices = list(read.notices)
    # The drafts' fields as columns (in C): most files need no per-cell step to settle them.
    kinds, codes, given_ids, given_names, metas, _ = (
        zip(*read.drafts, strict=True) if read.drafts else ((),) * 6
    )
    ids = given_ids if ids_settled(given_ids) else _settle_ids(read.drafts, notices)
    names = (
        given_names if names_settled(kinds, given_names) else _settle_names(read.drafts, notices)
    )
    found: dict[str, str] = {}
    database = read.database
    if database is not None:
        database, password = strip_password(database)
        if password is not None:
            found["database_password"] = password
            notices.append("the database password was moved out of the file")
    cells = tuple(map(Cell, ids, kinds, codes, names, metas))
    notebook = Notebook(cells, read.name, database, read.extra_header, read.preamble)
    return LoadedNotebook(notebook, read.source_format, MappingProxyType(found), tuple(notices))


def ids_settled(ids: Sequence[str | None]) -> TypeGuard[Sequence[str]]:
    """Whether every cell has its own id (the drafts' ``ids``): nothing for
    :func:`_settle_ids` to do."""
    return None not in ids and len(set(ids)) == len(ids)


def names_settled(kinds: Sequence[str], names: Sequence[str | None]) -> bool:
    """Whether no cell is a SQL cell and none has a name (the drafts' ``kinds`` and ``names``):
    nothing for :func:`_settle_names` to do."""
    return "sql" not in kinds and names.count(None) == len(names)


def _settle_ids(drafts: Sequence[Draft], notices: list[str]) -> list[str]:
    """Keep each first use of an id; give new ones to cells without one and to later duplicates."""
    taken = {draft.cell_id for draft in drafts if draft.cell_id}
    fresh = _fresh_ids(taken, len(drafts) - len(taken))
    seen: set[str] = set()
    ids: list[str] = []
    missing = duplicates = 0
    for draft in drafts:
        cell_id = draft.cell_id
        if cell_id is None or cell_id in seen:
            if cell_id is not None:
                duplicates += 1
            elif draft.from_marker:
                missing += 1
            cell_id = next(fresh)
        seen.add(cell_id)
        ids.append(cell_id)
    if missing:
        notices.append(f"{plural(missing, 'cell')} had no id; ids were added")
    if duplicates:
        notices.append(
            f"{plural(duplicates, 'cell')} repeated an earlier cell's id; new ids were given"
        )
    return ids


def _fresh_ids(taken: set[str], expected: int) -> Iterator[str]:
    """New random ids not in ``taken`` (which grows with them), drawn ``expected`` at a time
    (one call for the randomness of a whole file, not one per cell)."""
    while True:
        batch = secrets.token_hex(_ID_BYTES * max(expected, 1))
        for start in range(0, len(batch), 2 * _ID_BYTES):
            cell_id = batch[start : start + 2 * _ID_BYTES]
            if cell_id not in taken:
                taken.add(cell_id)
                yield cell_id


def _settle_names(drafts: Sequence[Draft], notices: list[str]) -> list[str | None]:
    """Give SQL cells without a result name ``df``, ``df_2`` … (as Notebook.next_sql_name does)."""
    used = {draft.name for draft in drafts if draft.kind == "sql" and draft.name}
    fresh = sql_result_names(used)
    names: list[str | None] = []
    given: list[str] = []
    for draft in drafts:
        if draft.kind != "sql":
            names.append(None)
        elif draft.name is not None:
            names.append(draft.name)
        else:
            given.append(next(fresh))
            names.append(given[-1])
    if given:
        shown = ", ".join(given[:3]) + (" …" if len(given) > 3 else "")
        notices.append(f"{plural(len(given), 'SQL cell')} had no result name; named {shown}")
    return names

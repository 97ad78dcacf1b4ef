"""Notebook settings kept in the header's ``[tool.cascade]`` table beyond name and database
(e.g. ``python``, the kernel's interpreter), read and written without disturbing the rest."""

from __future__ import annotations

from typing import Any

from app.core.notebook import Notebook
from app.core.record import replace


def get_setting(notebook: Notebook, key: str) -> str | None:
    """A string setting from ``[tool.cascade]``, or None when absent or not a string."""
    if not notebook.extra_header:
        return None
    import tomllib  # not for a header of Cascade's settings only (the usual one)

    try:
        data = tomllib.loads(notebook.extra_header)
    except tomllib.TOMLDecodeError:
        return None
    value = data.get("tool", {}).get("cascade", {}).get(key)
    return value if isinstance(value, str) else None


def set_setting(notebook: Notebook, key: str, value: str | None) -> Notebook:
    """The notebook with ``[tool.cascade] key = value`` (None removes the key)."""
    import tomlkit  # imported to write only

    doc = tomlkit.parse(notebook.extra_header) if notebook.extra_header else tomlkit.document()
    tool: Any = doc.setdefault("tool", tomlkit.table(is_super_table=True))
    cascade: Any = tool.setdefault("cascade", tomlkit.table())
    if value is None:
        cascade.pop(key, None)
        if not cascade:  # loading drops an empty table: so must we, to read back the same
            tool.pop("cascade")
        if not tool:
            doc.pop("tool")
    else:
        cascade[key] = value
    text = tomlkit.dumps(doc)
    return replace(notebook, extra_header=text if text.endswith("\n") or not text else text + "\n")

"""Jupyter notebooks (``.ipynb``, nbformat 4.x and older) read into a reactive Cascade notebook.

Read and validated with ``nbformat``, the Jupyter project's own library (older formats are
upgraded by it). Markdown cells stay markdown; raw cells become markdown cells marked
``cell_type="raw"`` (exported back as raw); outputs and execution counts are dropped; cell ids
valid for nbformat 4.5 (``[A-Za-z0-9_-]{1,64}``, unique) are kept, the others get new ones.
The kernel and language are kept in the header as ``[tool.cascade] jupyter_kernel`` and
``jupyter_language``. Code cells go through :mod:`app.core.convert.magics` and then the
renaming that makes them reactive.

Pure: text in, :class:`Conversion` out; the caller reads and writes files.
"""

from __future__ import annotations

import ast
import builtins
import itertools
import json
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from app.core.convert.cells import SourceCell
from app.core.convert.magics.transform import transform_ipython
from app.core.convert.magics.translation import MagicResult
from app.core.convert.pipeline import DraftCell, finish
from app.core.convert.pysource import parse_module
from app.core.convert.report import Conversion, ConversionError, Note
from app.core.notebook import Notebook
from app.core.settings import set_setting

__all__ = [
    "KERNEL_SETTING",
    "LANGUAGE_SETTING",
    "RAW_CELL_META",
    "is_ipynb_text",
    "read_ipynb",
]

#: Marks a markdown cell that was a Jupyter raw cell (written back as raw on export).
RAW_CELL_META = ("cell_type", "raw")
#: ``[tool.cascade]`` keys noting where the notebook came from.
KERNEL_SETTING = "jupyter_kernel"
LANGUAGE_SETTING = "jupyter_language"

_PYTHON_LANGUAGES = frozenset({"python", "python2", "python3", "ipython", "ipython3", "py"})


def is_ipynb_text(text: str) -> bool:
    """Whether ``text`` looks like a Jupyter notebook (JSON with cells and nbformat)."""
    start = text.lstrip()[:1]
    if start != "{":
        return False
    try:
        data = json.loads(text)
    except ValueError:
        return False
    return (
        isinstance(data, dict) and "nbformat" in data and ("cells" in data or "worksheets" in data)
    )


def _load(text: str) -> tuple[Any, list[Note]]:
    import nbformat
    from nbformat.reader import NotJSONError

    notes: list[Note] = []
    if not is_ipynb_text(text):
        try:
            json.loads(text)
        except ValueError as error:
            raise ConversionError(
                f"not a Jupyter notebook: the file is not JSON ({error})"
            ) from None
        raise ConversionError("not a Jupyter notebook: no nbformat version and cells")
    captured: dict[str, Any] = {}
    reads: Callable[..., Any] = nbformat.reads
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # nbformat warns (and fixes) duplicate ids
            notebook = reads(text, as_version=4, capture_validation_error=captured)
    except NotJSONError as error:
        raise ConversionError(f"not a Jupyter notebook: the file is not JSON ({error})") from None
    except Exception as error:  # nbformat raises many kinds for a broken structure
        raise ConversionError(f"not a Jupyter notebook: {error}") from None
    problem = captured.get("ValidationError")
    if problem is not None:
        first = str(getattr(problem, "message", problem)).split("\n")[0][:200]
        notes.append(
            Note(
                None,
                "format",
                f"the file does not follow the nbformat schema ({first}); "
                "converted what could be read",
                "warning",
            )
        )
    if not isinstance(notebook.get("cells"), list):
        raise ConversionError("not a Jupyter notebook: it has no list of cells")
    return notebook, notes


def _language(metadata: Mapping[str, Any]) -> tuple[str, str, str]:
    """(kernel name, language, language version) from the notebook's metadata."""
    kernelspec = metadata.get("kernelspec") or {}
    info = metadata.get("language_info") or {}
    kernel = str(kernelspec.get("name") or "")
    language = str(info.get("name") or kernelspec.get("language") or "")
    version = str(info.get("version") or "")
    return kernel, language, version


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(str(part) for part in source)
    return str(source).replace("\r\n", "\n").replace("\r", "\n")


def _bound_names(code: str) -> set[str]:
    """Names some statement of ``code`` binds, at any depth (for shell ``{x}`` expansion)."""
    try:
        tree = parse_module(code)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.alias):
            names.add(node.asname or node.name.partition(".")[0])
    return names


def _code_cells(sources: Sequence[str]) -> list[MagicResult]:
    """Every code cell through the IPython-syntax transform; a first pass finds the names the
    notebook binds, so ``{x}`` in a shell command expands only when IPython's would."""
    known: set[str] = set(dir(builtins))
    for source in sources:
        known |= _bound_names(transform_ipython(source).code)
    frozen = frozenset(known)
    return [transform_ipython(source, frozen) for source in sources]


def _out_of_order(cells: Sequence[Mapping[str, Any]]) -> Note | None:
    counts: list[int] = [
        cell["execution_count"]
        for cell in cells
        if cell.get("cell_type") == "code" and isinstance(cell.get("execution_count"), int)
    ]
    if all(a < b for a, b in itertools.pairwise(counts)):
        return None
    return Note(
        None,
        "format",
        "the saved outputs came from running the cells out of order; the conversion follows "
        "the order of the cells, top to bottom",
    )


def read_ipynb(text: str, *, name: str = "") -> Conversion:
    """A reactive Cascade notebook from the text of a ``.ipynb`` file.

    ``name`` is the notebook's name (the caller passes the file's stem); the notebook's own
    ``metadata.title`` wins when present. Raises :class:`ConversionError` for text that is not
    a notebook, or a notebook in another language than Python.
    """
    notebook, notes = _load(text)
    metadata = notebook.get("metadata") or {}
    kernel, language, version = _python_language(metadata)
    cells = list(notebook.get("cells", []))
    order_note = _out_of_order(cells)
    if order_note is not None:
        notes.append(order_note)
    drafts, database, dropped_outputs = _drafts(cells, notes)
    drafts = _name_sql_cells(drafts)
    if dropped_outputs:
        notes.append(
            Note(
                None, "format", f"{dropped_outputs} saved outputs dropped (Cascade runs the cells)"
            )
        )
    database, password_note = _database(database)
    if password_note is not None:
        notes.append(password_note)
    title = metadata.get("title")
    conversion = finish(
        drafts,
        source="ipynb",
        name=str(title) if isinstance(title, str) and title.strip() else name,
        database=database,
        notes=notes,
    )
    return _with_kernel(conversion, kernel, language, version)


def _python_language(metadata: Mapping[str, Any]) -> tuple[str, str, str]:
    """The notebook's kernel, language and language version; ``ConversionError`` if it is not
    written in Python."""
    kernel, language, version = _language(metadata)
    if language and language.lower() not in _PYTHON_LANGUAGES:
        raise ConversionError(
            f"this notebook is written in {language} (kernel {kernel or 'unknown'}); "
            "Cascade runs Python notebooks only"
        )
    return kernel, language, version


def _drafts(cells: list[Any], notes: list[Note]) -> tuple[list[DraftCell], str | None, int]:
    """One draft per cell worth keeping, the first database URL the code names, and how many
    saved outputs were dropped; notes of code cells that turned out empty go to ``notes``."""
    code_sources = [_source(cell) for cell in cells if cell.get("cell_type") == "code"]
    transformed = iter(_code_cells(code_sources))
    drafts: list[DraftCell] = []
    database: str | None = None
    dropped_outputs = 0
    for origin, cell in enumerate(cells):
        kind = cell.get("cell_type")
        cell_id = cell.get("id")
        cell_id = cell_id if isinstance(cell_id, str) else None
        meta = _tags(cell)
        if kind == "code":
            result = next(transformed)
            dropped_outputs += len(cell.get("outputs") or ())
            database = database or result.database
            if not result.code.strip():
                # Empty, or only IPython syntax Cascade needs nothing for (%matplotlib inline).
                notes.extend(Note(None, n.kind, n.message, n.severity) for n in result.notes)
                continue
            drafts.append(
                DraftCell(
                    SourceCell(result.kind, result.code, result.name),
                    origin,
                    cell_id,
                    meta,
                    tuple(Note(None, n.kind, n.message, n.severity) for n in result.notes),
                )
            )
        elif kind in ("markdown", "raw"):
            drafts.append(_text_cell(cell, kind, origin, cell_id, meta))
    return drafts, database, dropped_outputs


def _text_cell(
    cell: Mapping[str, Any],
    kind: str,
    origin: int,
    cell_id: str | None,
    meta: tuple[tuple[str, str], ...],
) -> DraftCell:
    """A markdown or raw cell as a markdown cell (a raw one keeps a mark to be written back)."""
    source = _source(cell)
    extra: list[Note] = []
    if kind == "markdown" and cell.get("attachments"):
        extra.append(
            Note(
                None,
                "format",
                "images attached to this markdown cell (attachment:…) are not kept",
                "warning",
            )
        )
    if kind == "raw":
        meta = (RAW_CELL_META, *meta)
    return DraftCell(SourceCell("markdown", source), origin, cell_id, meta, tuple(extra))


def _tags(cell: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    tags = (cell.get("metadata") or {}).get("tags")
    if isinstance(tags, list) and tags and all(isinstance(tag, str) for tag in tags):
        return (("tags", json.dumps(tags)),)
    return ()


def _name_sql_cells(drafts: list[DraftCell]) -> list[DraftCell]:
    """SQL cells made from ``%%sql`` without ``name <<`` get ``df``, ``df_2`` … (the renaming
    then keeps every result name unique)."""
    result = []
    for draft in drafts:
        if draft.source.kind == "sql" and not draft.source.name:
            source = SourceCell("sql", draft.source.code, "df")
            draft = DraftCell(source, draft.origin, draft.cell_id, draft.meta, draft.notes)
        result.append(draft)
    return result


def _database(url: str | None) -> tuple[str | None, Note | None]:
    if url is None:
        return None, None
    from app.core.fileformat import strip_password

    clean, password = strip_password(url)
    if password is None:
        return clean, None
    return clean, Note(
        None,
        "format",
        "the database URL held a password: it was left out of the notebook (enter it in "
        "Run → Database…)",
        "warning",
    )


def _with_kernel(result: Conversion, kernel: str, language: str, version: str) -> Conversion:
    notebook: Notebook = result.notebook
    if kernel:
        notebook = set_setting(notebook, KERNEL_SETTING, kernel)
    language_text = " ".join(part for part in (language, version) if part)
    if language_text:
        notebook = set_setting(notebook, LANGUAGE_SETTING, language_text)
    return Conversion(notebook, result.report, result.origin)

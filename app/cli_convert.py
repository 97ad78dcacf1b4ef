"""The command line's side of other tools' notebooks (docs/IMPORT.md).

* ``cascade convert NB.ipynb [-o OUT.py]`` (a marimo ``.py`` too): writes the converted notebook
  to a new file beside the input (``NB.py``; a marimo ``app.py`` gives ``app_cascade.py``),
  prints the conversion report on stderr. It never writes to the input and never replaces an
  existing file unless ``-o`` names it (then it says so). Exit 0 when written, 2 otherwise.
* :func:`prepare` lets ``cascade run`` and ``cascade export`` take such a notebook: it is
  converted in memory (written to a private temporary folder, removed after the run; the kernel
  runs in the input's folder, so the files it reads are found).

``cascade export NB.py --ipynb OUT.ipynb`` writes the run with ``app.export_ipynb``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from app.core import fileformat
from app.core.importing import ConversionError, check_target, default_target, read_foreign
from app.core.notebook import Notebook
from app.core.record import Record


def _one_line(text: str) -> str:
    return " ".join(text.split("\n"))


class Prepared(Record):
    """A notebook ready to run headless: the file the coordinator opens, its notebook, and the
    folder the kernel runs in (the input's own folder)."""

    path: Path
    notebook: Notebook
    cwd: Path
    shown: Path  # the path the user gave (messages, trust)


@contextmanager
def prepare(path: Path, err: TextIO) -> Iterator[Prepared | None]:
    """Open ``path`` once up front, so a path that is not a notebook is reported (one line on
    ``err``) before any kernel starts; a Jupyter or marimo notebook is converted in memory.
    Yields ``None`` after reporting a problem."""
    try:
        imported = read_foreign(path)
        loaded = None if imported is not None else fileformat.load(path)
    except (OSError, fileformat.NotebookFormatError, ConversionError) as exc:
        err.write(f"cascade: cannot open {path}: {_one_line(str(exc))}\n")
        yield None
        return
    except MemoryError:
        err.write(f"cascade: cannot open {path}: not enough memory to read it\n")
        yield None
        return
    cwd = path.resolve().parent
    if loaded is not None:
        yield Prepared(path, loaded.notebook, cwd, path)
        return
    assert imported is not None
    summary = imported.conversion.report
    err.write(
        f"cascade: {path.name} converted in memory ({len(summary.renames)} renamed,"
        f" {len(summary.problems)} to check; `cascade convert {path.name}` shows the report)\n"
    )
    import tempfile  # only here: a run of a Cascade notebook never needs it

    with tempfile.TemporaryDirectory(prefix="cascade-import-") as folder:
        target = Path(folder) / f"{path.stem}.py"
        fileformat.save(imported.conversion.notebook, target)
        yield Prepared(target, imported.conversion.notebook, cwd, path)


def untrusted(prepared: Prepared, err: TextIO, *, trust: bool) -> bool:
    """``cascade run``'s trust rule, for the path the user gave (a converted notebook runs from
    a temporary file, which no one has trusted): True, with the reason on ``err``, when the
    notebook asks for an interpreter, a database or environment variables untrusted."""
    from app.cli_run import untrusted_reason

    refused = None if trust else untrusted_reason(prepared.shown, prepared.notebook)
    if refused is not None:
        err.write(f"cascade: {refused}\n")
    return refused is not None


def convert_command(argv: list[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    parser = argparse.ArgumentParser(
        prog="cascade convert",
        description=(
            "Convert a Jupyter (.ipynb) or marimo notebook into a new Cascade notebook beside it"
            " (NB.ipynb -> NB.py); the report goes to stderr."
        ),
    )
    parser.add_argument("notebook", type=Path)
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="OUT.py",
        help="where to write it (replaced if it exists: you named it)",
    )
    args = parser.parse_args(argv)
    source: Path = args.notebook
    try:
        imported = read_foreign(source)
    except (OSError, fileformat.NotebookFormatError, ConversionError) as exc:
        err.write(f"cascade: cannot convert {source}: {_one_line(str(exc))}\n")
        return 2
    if imported is None:
        err.write(
            f"cascade: {source} is already a Cascade notebook (or a Python script): open or"
            " run it as it is\n"
        )
        return 2
    target: Path = args.output if args.output is not None else default_target(source)
    problem = check_target(source, target)
    if problem is None and args.output is None and target.exists():
        problem = "it exists; name the output with -o (it is then replaced)"
    if problem is not None:
        err.write(f"cascade: cannot write {target}: {problem}\n")
        return 2
    replaced = target.exists()
    try:
        fileformat.save(imported.conversion.notebook, target)
    except (OSError, ValueError) as exc:
        reason = exc.reason if isinstance(exc, fileformat.NotebookSaveError) else str(exc)
        err.write(f"cascade: cannot write {target}: {_one_line(reason)}\n")
        return 2
    err.write(imported.report_text())
    out.write(f"{'replaced' if replaced else 'wrote'} {target}\n")
    return 0

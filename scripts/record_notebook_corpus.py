#!/usr/bin/env python3
"""Record what Jupyter shows for every notebook of the corpus (tests/data/notebooks), so the
corpus test compares Cascade against it without starting a Jupyter kernel per notebook.

Run it after adding, changing or trimming a notebook (the test refuses stale recordings):

    .venv/bin/python scripts/record_notebook_corpus.py

Each notebook runs top to bottom in one IPython kernel (nbclient, errors do not stop the run);
the results are normalised as the test normalises Cascade's (tests/integration/notebook_corpus.py).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.integration.notebook_corpus import (
    RECORDED,
    as_json,
    digest,
    key,
    notebooks,
    run_jupyter,
    workdir,
)


def main() -> int:
    recorded = {}
    started = time.perf_counter()
    for path in notebooks():
        with tempfile.TemporaryDirectory() as folder:
            begun = time.perf_counter()
            results = run_jupyter(path, workdir(path, Path(folder)))
            print(f"{key(path)}: {time.perf_counter() - begun:.1f} s", flush=True)
        recorded[key(path)] = {"sha256": digest(path), "cells": as_json(results)}
    RECORDED.write_text(json.dumps(recorded, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"recorded {len(recorded)} notebooks in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env bash
# The one gate: set up, then lint, format, types, import contracts and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh dev
export PATH="$PWD/.venv/bin:$PATH"
status=0
step() { echo "── $*"; "$@" || status=1; }
step ruff check .
step ruff format --check .
step mypy
step lint-imports
echo "── pytest"
if [ "$#" -gt 0 ]; then
    pytest "$@" || status=1
else
    # The whole suite, one process per tier (every test runs; each process starts with a
    # fresh heap and Qt state): the core, coordinator and integration tests; the worker,
    # outputs, SQL, packaging and code-shape tests; the window's tests.
    pytest tests/coordinator tests/core tests/integration || status=1
    pytest tests --ignore=tests/coordinator --ignore=tests/core --ignore=tests/integration \
        --ignore=tests/ui || status=1
    pytest tests/ui || status=1
fi
exit $status

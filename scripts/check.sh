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
pytest "$@" || status=1
exit $status

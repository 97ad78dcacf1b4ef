#!/usr/bin/env bash
# Set up Cascade and open the demo notebook (SQLite by default; no server needed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh run
exec .venv/bin/cascade "${1:-notebooks/demo.py}"

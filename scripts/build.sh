#!/usr/bin/env bash
# Build the desktop bundle: dist/Cascade/ (one folder; the program is dist/Cascade/Cascade).
# Safe to run again: every run starts from a clean PyInstaller build.
#   scripts/build.sh
#   dist/Cascade/Cascade [NOTEBOOK.py]           the window
#   dist/Cascade/Cascade run NOTEBOOK.py --json  headless
#   dist/Cascade/Cascade --install-desktop       menu entry, icons and file type for this user
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh run

# PyInstaller writes the executable with objcopy (binutils); install it when missing and permitted.
if ! command -v objcopy >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  if [ -n "$sudo" ] && ! sudo -n true 2>/dev/null; then
    echo "PyInstaller needs objcopy: install binutils (apt-get install binutils)" >&2
    exit 1
  fi
  echo "installing system packages: binutils"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends binutils >/dev/null
fi

# PyInstaller (the `build` extra) and what the bundled kernel ships for figures (`plots`).
# Re-installed only when the declared dependencies changed since the last successful install.
stamp=".venv/.cascade-installed-build"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install -q -e ".[build,plots]"
  echo "$want" > "$stamp"
fi

start=$SECONDS
.venv/bin/python -m PyInstaller --noconfirm --clean --log-level WARN build.spec
echo "built dist/Cascade in $((SECONDS - start)) s: $(du -sh dist/Cascade | cut -f1)"
echo "run it: dist/Cascade/Cascade notebooks/demo.py"

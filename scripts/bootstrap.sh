#!/usr/bin/env bash
# Set up everything Cascade needs on a Debian/Ubuntu machine; safe to run again.
#   scripts/bootstrap.sh [run|dev]   run: the app's dependencies; dev: also tests and linters
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-run}"

# System packages: Python's venv module and the shared libraries Qt loads (window and
# offscreen), plus what the test suite needs. Installed only when missing and permitted.
apt_packages=(python3 python3-venv python3-pip libglib2.0-0 libegl1 libgl1 libxkbcommon0
  libfontconfig1 libdbus-1-3 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
  libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0)
if [ "$profile" = dev ]; then
  apt_packages+=(binutils xvfb xauth postgresql)
  # QtWebEngine (the [web] extra; tests run it in a process of its own): what Chromium links.
  apt_packages+=(libnss3 libxcomposite1 libxdamage1 libxrandr2 libxtst6 libgbm1 libxkbfile1)
  if apt-cache show libasound2t64 >/dev/null 2>&1; then apt_packages+=(libasound2t64)
  else apt_packages+=(libasound2); fi
fi
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
fi
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  if [ -n "$sudo" ] && ! sudo -n true 2>/dev/null; then
    echo "note: missing system packages (${missing[*]}); install them with apt-get to use every feature" >&2
  else
    echo "installing system packages: ${missing[*]}"
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Cascade needs Python >= 3.11 (found $("$python" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi

# Re-install only when the declared dependencies changed since the last successful install.
# run: the app with figures; dev: everything the tests and linters need.
if [ "$profile" = dev ]; then extras="[dev]"; else extras="[plots]"; fi
stamp=".venv/.cascade-installed-$profile"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".$extras"
  echo "$want" > "$stamp"
fi

# Byte-compile Cascade's own sources, as a regular install does: with PYTHONDONTWRITEBYTECODE
# set (as on some machines), every `cascade run` and every kernel worker would otherwise
# compile them from source at each start (about half of a worker's start-up). Only what
# changed is compiled again.
.venv/bin/python -m compileall -q app kernel_worker >/dev/null

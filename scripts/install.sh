#!/usr/bin/env bash
# Install what the ledger needs on a fresh Debian machine with Python 3.11+.
#   scripts/install.sh            Python packages into .venv (enough for `ledger serve` on SQLite)
#   scripts/install.sh --servers  also the PostgreSQL and Redis servers and Chromium (browser tests of the
#                                 console) from Debian packages, when absent
# Idempotent: a second run installs nothing new.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
with_servers=false
[ "${1:-}" = "--servers" ] && with_servers=true

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_packages=()
if ! "$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11), sys.version' 2>/dev/null; then
  echo "install: Python 3.11 or newer is needed as '$PYTHON' (set PYTHON=...)" >&2
  exit 1
fi
if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
  apt_packages+=("python3-venv")
fi
if $with_servers; then
  if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then apt_packages+=(postgresql); fi
  if ! command -v redis-server >/dev/null 2>&1; then apt_packages+=(redis-server); fi
  if ! command -v chromium >/dev/null 2>&1; then apt_packages+=(chromium); fi
  # A small Chinese font, so the console's screenshots show its (default Chinese) labels.
  if ! dpkg -s fonts-wqy-microhei >/dev/null 2>&1; then apt_packages+=(fonts-wqy-microhei); fi
fi
if [ "${#apt_packages[@]}" -gt 0 ]; then
  echo "install: Debian packages ${apt_packages[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

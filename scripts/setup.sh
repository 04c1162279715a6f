#!/usr/bin/env bash
# Set up everything the project needs, idempotently:
#   - a virtual environment (.venv, or $KB_VENV) with torch 2.13.0 (CPU) installed FIRST,
#     so that nothing pulls a multi-GB CUDA build, then the project with its pinned extras;
#   - the JavaScript packages of the website's browser code and tests (npm ci --ignore-scripts),
#     when package.json is present;
#   - with --browser, Debian's chromium for the browser tests (apt-get, as root).
# Usage: scripts/setup.sh [--browser]
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${KB_VENV:-.venv}"
PY="${PYTHON:-python3}"
export PIP_DISABLE_PIP_VERSION_CHECK=1 HF_HUB_OFFLINE=1

"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
if [ ! -x "$VENV/bin/python" ]; then
    echo "setup: creating virtual environment $VENV"
    "$PY" -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import torch, sys; sys.exit(torch.__version__.split("+")[0] != "2.13.0")' 2>/dev/null; then
    echo "setup: installing torch 2.13.0 (CPU)"
    "$VENV/bin/pip" install -q "torch==2.13.0"
fi
echo "setup: installing the project and its pinned dependencies"
"$VENV/bin/pip" install -q -e ".[embed,dev]" 2>&1 | grep -v "^WARNING: Location" || true
"$VENV/bin/python" -c 'import indexer, torch, sentence_transformers, faiss' >/dev/null

if [ -f package.json ]; then
    echo "setup: installing JavaScript packages (npm ci --ignore-scripts)"
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi

if [ "${1:-}" = "--browser" ] && ! command -v chromium >/dev/null 2>&1; then
    echo "setup: installing Debian's chromium for the browser tests"
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
fi
echo "setup: done ($VENV)"

#!/usr/bin/env bash
# Set up everything the project needs, idempotently:
#   - a virtual environment (.venv, or $KB_VENV) with torch 2.13.0 (CPU) installed FIRST,
#     so that nothing pulls a multi-GB CUDA build, then the project with its pinned extras;
#   - the JavaScript packages of the website's browser code and tests (npm ci --ignore-scripts),
#     when package.json is present;
#   - with --test-tools, what the tests drive from Debian: chromium (browser tests) and pandoc
#     (a third-party citation client), through apt-get as root (or sudo).
# Usage: scripts/setup.sh [--test-tools]
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

if [ "${1:-}" = "--test-tools" ]; then
    missing=""
    command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
    command -v pandoc >/dev/null 2>&1 || missing="$missing pandoc"
    if [ -n "$missing" ]; then
        echo "setup: installing Debian's$missing for the tests"
        SUDO=""
        [ "$(id -u)" = 0 ] || SUDO=sudo
        $SUDO apt-get update -qq
        # shellcheck disable=SC2086
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    fi
fi
echo "setup: done ($VENV)"

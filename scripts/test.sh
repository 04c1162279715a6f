#!/usr/bin/env bash
# Set up (scripts/setup.sh --test-tools), then run the whole test suite:
# ruff (lint), mypy (strict types), ESLint (the site's JavaScript) and pytest (unit tests, the Node suite
# of the site's search engine on fixtures from Python, the real-model tests and the browser tests).
# Usage: scripts/test.sh [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test-tools
VENV="${KB_VENV:-.venv}"
export HF_HUB_OFFLINE=1 NO_MKDOCS_2_WARNING=1
echo "test: ruff"
"$VENV/bin/ruff" check indexer tests
echo "test: mypy"
"$VENV/bin/mypy"
echo "test: eslint"
npm run --silent lint
echo "test: kb check"
"$VENV/bin/kb" check --no-notes
echo "test: pytest"
"$VENV/bin/pytest" "$@"

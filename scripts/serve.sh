#!/usr/bin/env bash
# The main job: set up, check the corpus, build the search index and the website,
# then serve the site on http://127.0.0.1:${PORT:-8000}/ until Ctrl-C.
# Usage: scripts/serve.sh            (PORT=8080 scripts/serve.sh for another port)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
VENV="${KB_VENV:-.venv}"
export HF_HUB_OFFLINE=1 NO_MKDOCS_2_WARNING=1
PORT="${PORT:-8000}"
echo "serve: checking the corpus (kb check)"
"$VENV/bin/kb" check --no-notes
if "$VENV/bin/kb" --help | grep -q "^  index"; then
    echo "serve: building the search index (kb index)"
    "$VENV/bin/kb" index
fi
echo "serve: building the website (mkdocs build --strict)"
"$VENV/bin/mkdocs" build --strict --quiet --site-dir site
echo "serve: the knowledge base is at http://127.0.0.1:$PORT/ (Ctrl-C to stop)"
exec "$VENV/bin/python" -m http.server "$PORT" --bind 127.0.0.1 --directory site

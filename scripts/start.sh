#!/usr/bin/env bash
# The start command: install what is missing, build, and serve the
# interactive lesson on localhost (it prints the URL). The same site also
# works opened straight from disk: dist/site/index.html. The lesson's
# examples in Node: node examples/lesson.mjs
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh serve
bash scripts/build.sh serve
exec node scripts/serve.mjs "${PORT:-8040}"

#!/usr/bin/env bash
# The start command: install what is missing, build, and run the lesson.
# (Until the interactive page lands, the lesson runs in Node: every example
# of the Layers lesson, computed by the wasm core.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
node examples/lesson.mjs

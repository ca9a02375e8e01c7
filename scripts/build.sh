#!/usr/bin/env bash
# Builds the C core natively (build/native: CTest, tt_digest) and to wasm
# twice (build/wasm: tt-simd.wasm with -msimd128, tt-scalar.wasm without),
# inlines both wasm files into js/wasm/*.js for the JS package, and
# assembles the lesson site in dist/site (with its Sphinx example).
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian's emcc runs its JS optimizer with the system Node, which finds
# Debian's acorn only through NODE_PATH.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
jobs=$(nproc 2>/dev/null || echo 2)

cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j"$jobs" >/dev/null
emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/wasm -j"$jobs" >/dev/null
node scripts/embed-wasm.mjs
node scripts/build-site.mjs
if [ -f scripts/build-sphinx-example.sh ]; then bash scripts/build-sphinx-example.sh; fi

#!/usr/bin/env bash
# Builds the C core natively (build/native: CTest, tt_digest) and to wasm
# twice (build/wasm: tt-simd.wasm with -msimd128, tt-scalar.wasm without),
# inlines both wasm files into js/wasm/*.js for the JS package, and
# assembles the lesson site in dist/site (with its Sphinx and MyST examples), and
# writes the Fashion-MNIST training subsets for Node into build/data.
#   build.sh         everything
#   build.sh serve   only the wasm builds and the site (what start.sh serves)
set -euo pipefail
mode=${1:-all}
cd "$(dirname "$0")/.."
# Debian's emcc runs its JS optimizer with the system Node, which finds
# Debian's acorn only through NODE_PATH.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
jobs=$(nproc 2>/dev/null || echo 2)
source scripts/lib.sh

# The presets are in CMakePresets.json. emcmake adds the toolchain file of
# the emcc on PATH (overriding the preset's Debian path).
if [ "$mode" != serve ]; then
  tt_fresh_build_dir build/native
  cmake --preset native >/dev/null
  cmake --build --preset native -j"$jobs" >/dev/null
fi
tt_fresh_build_dir build/wasm
emcmake cmake --preset wasm >/dev/null
cmake --build --preset wasm -j"$jobs" >/dev/null
node scripts/embed-wasm.mjs
node scripts/build-site.mjs
[ "$mode" = serve ] && exit 0
bash scripts/build-sphinx-example.sh
bash scripts/build-myst-example.sh
# examples/train.mjs and the training tests read these (raw uint8 files)
if [ ! -f build/data/fashion-meta.json ] || [ scripts/make-fashion-data.py -nt build/data/fashion-meta.json ]; then
  python3 scripts/make-fashion-data.py --train build/data
fi

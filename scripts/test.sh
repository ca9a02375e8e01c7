#!/usr/bin/env bash
# The test command: install what is missing, build, run every test.
#   1. CTest on the native build, then the wasm build's C tests under node
#   2. CTest again under AddressSanitizer + UndefinedBehaviorSanitizer
#   3. a bounded libFuzzer run on the C API (scripts/fuzz.sh)
#   4. node --test through the real wasm (tests/js: SIMD build, then scalar)
#   5. the soak tier (tests/soak: 10,000 page cycles, 10,000 training steps)
#   6. node --test driving Debian's Chromium (tests/browser)
# One tier at a time: npm run test:c | test:js | test:js:scalar | test:soak |
# test:browser | fuzz (after `bash scripts/build.sh`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
jobs=$(nproc 2>/dev/null || echo 2)

echo "== CTest (native, Release)"
ctest --preset native -j"$jobs"

echo "== CTest (wasm: the GEMM and gradient tests under node, SIMD128 and scalar builds)"
ctest --test-dir build/wasm --output-on-failure

echo "== CTest (native, ASan + UBSan)"
source scripts/lib.sh
tt_fresh_build_dir build/asan
cmake --preset asan >/dev/null
cmake --build --preset asan -j"$jobs" >/dev/null
ctest --preset asan -j"$jobs"  # ASAN_OPTIONS: detect_leaks=1:allocator_may_return_null=1 (CMakePresets.json)

echo "== libFuzzer on the C API (ASan + UBSan), bounded"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-60}"

echo "== node --test, scalar wasm build"
TINYTORCH_WASM_BACKEND=scalar node --test tests/js/

echo "== node --test, SIMD wasm build"
node --test tests/js/

echo "== soak (SIMD build)"
node --test tests/soak/

echo "== browser tests (Chromium, Firefox ESR)"
node --test tests/browser/

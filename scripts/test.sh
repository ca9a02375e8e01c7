#!/usr/bin/env bash
# The test command: install what is missing, build, run every test, and
# print each tier's time at the end (also when a tier fails).
#   setup, build        scripts/setup.sh, scripts/build.sh
#   ctest               CTest on the native build, then the wasm build's C tests under node
#   asan                CTest again under AddressSanitizer + UndefinedBehaviorSanitizer
#   fuzz                a bounded libFuzzer run on the C API (scripts/fuzz.sh)
#   js:scalar, js:simd  node --test through the real wasm (tests/js), both builds
#   soak                tests/soak: 10,000 page cycles, 10,000 training steps (Node)
#   browser             tests/browser: Chromium and Firefox ESR
#   browser:soak        tests/browser-soak: 1,000 interactions on the page
# One tier at a time (after `bash scripts/build.sh`): npm run test:c |
# test:js | test:js:quick | test:js:scalar | test:soak | test:browser |
# test:browser:soak | fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

tiers=()
report() {
  local status=$?
  echo
  echo "== tier times"
  for line in "${tiers[@]}"; do echo "$line"; done
  echo "total: $SECONDS s (exit $status)"
}
trap report EXIT
# tier NAME COMMAND...: run it, record its time
tier() {
  local name=$1 t0=$SECONDS
  shift
  echo "== $name"
  local rc=0
  "$@" || rc=$?
  tiers+=("$(printf '%-14s %5d s%s' "$name" $((SECONDS - t0)) "$([ $rc -eq 0 ] || echo "  FAILED (exit $rc)")")")
  [ $rc -eq 0 ] || exit $rc
}

tier setup bash scripts/setup.sh
tier build bash scripts/build.sh

ctest_all() {
  ctest --preset native -j"$jobs"
  ctest --test-dir build/wasm --output-on-failure
}
tier ctest ctest_all

asan() {
  source scripts/lib.sh
  tt_fresh_build_dir build/asan
  cmake --preset asan >/dev/null
  cmake --build --preset asan -j"$jobs" >/dev/null
  ctest --preset asan -j"$jobs"  # ASAN_OPTIONS: detect_leaks=1:allocator_may_return_null=1 (CMakePresets.json)
}
tier asan asan
tier fuzz bash scripts/fuzz.sh "${FUZZ_SECONDS:-60}"
tier js:scalar env TINYTORCH_WASM_BACKEND=scalar node --test tests/js/
tier js:simd node --test tests/js/
tier soak node --test tests/soak/
tier browser node --test tests/browser/
tier browser:soak node --test tests/browser-soak/

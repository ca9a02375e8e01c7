#!/usr/bin/env bash
# Fuzz the public C API (tests/fuzz/fuzz_api.c) with libFuzzer under
# AddressSanitizer + UndefinedBehaviorSanitizer.
#   bash scripts/fuzz.sh            # the bounded run of the test command (60 s)
#   bash scripts/fuzz.sh 3600       # longer
#   bash scripts/fuzz.sh 600 merge  # ... and keep new coverage in tests/fuzz/corpus
# Any crash, sanitizer report, leaked tensor or generator or input slower
# than 5 s fails the run; the input is saved in build/fuzz/findings/ to
# reproduce with
#   build/fuzz/fuzz_api build/fuzz/findings/<file>
# Only relative paths are used, and a build/fuzz configured for another
# checkout (the checkout was moved or copied) is configured afresh.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
seconds=${1:-60}
tt_fresh_build_dir build/fuzz
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j2 >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp tests/fuzz/corpus/* "$work"/
mkdir -p build/fuzz/findings
log=build/fuzz/last-run.log
status=0
ASAN_OPTIONS=allocator_may_return_null=1:detect_leaks=1 build/fuzz/fuzz_api \
  -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=512 -print_final_stats=1 \
  -artifact_prefix=build/fuzz/findings/ "$work" >"$log" 2>&1 || status=$?
runs=$(grep -o 'Done [0-9]* runs' "$log" | grep -o '[0-9]*' || echo 0)
cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo 0)
ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo 0)
corpus=$(ls "$work" | wc -l)
if [ "$status" -ne 0 ]; then
  echo "fuzz_api: FAILED after ${seconds}s (exit $status); the last 40 lines of $log:"
  tail -40 "$log"
  exit 1
fi
echo "fuzz_api: ${runs} executions in ${seconds} s, ${cov} edges covered (${ft} features), corpus ${corpus} inputs; no crash, sanitizer report or leak"
if [ "${2:-}" = merge ]; then
  build/fuzz/fuzz_api -merge=1 tests/fuzz/corpus "$work" >/dev/null 2>&1
  echo "fuzz_api: tests/fuzz/corpus now has $(ls tests/fuzz/corpus | wc -l) inputs"
fi

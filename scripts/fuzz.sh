#!/usr/bin/env bash
# Builds the libFuzzer targets (CMake preset "fuzz": clang, ASan + UBSan) and
# runs each on a copy of its seed corpus for SECONDS (default 30). Fails if
# any target crashes, leaks, times out or runs out of memory.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
# Needs clang and libFuzzer: scripts/install-deps.sh fuzz. See docs/fuzzing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
all=(fuzz_decode fuzz_fields_json fuzz_validate fuzz_paths fuzz_plan)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all[@]}"); fi
case $seconds in '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2; exit 2 ;; esac

if ! command -v clang++ >/dev/null; then
  echo "clang++ not found: run scripts/install-deps.sh fuzz" >&2
  exit 2
fi
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

bin=build/fuzz/tests/fuzz
run=build/fuzz/run
passed=0
failed=0
for t in "${targets[@]}"; do
  if [ ! -x "$bin/$t" ] || [ ! -d "tests/fuzz/corpus/$t" ]; then
    echo "$t: no such fuzz target" >&2
    failed=$((failed + 1))
    continue
  fi
  dir=$run/$t
  rm -rf "$dir"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  cp tests/fuzz/corpus/"$t"/* "$dir/corpus/"
  seeds=$(find "$dir/corpus" -type f | wc -l)
  status=0
  "$bin/$t" "$dir/corpus" -dict=tests/fuzz/json.dict -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$dir/artifacts/" >"$dir/log.txt" 2>&1 ||
    status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log.txt" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log.txt" | tail -1)
  corpus=$(find "$dir/corpus" -type f | wc -l)
  artifact=$(find "$dir/artifacts" -type f | head -1)
  if [ "$status" -eq 0 ] && [ -z "$artifact" ]; then
    passed=$((passed + 1))
    echo "$t: ok, ${execs:-?} executions (${rate:-?}/s) in ${seconds}s, corpus $seeds seeds -> $corpus inputs"
  else
    failed=$((failed + 1))
    echo "$t: FAILED (exit $status) after ${execs:-?} executions; input: ${artifact:-none}; log: $dir/log.txt"
    grep -a -m1 -A3 -E 'FUZZ PROPERTY VIOLATED|ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|runtime error' \
      "$dir/log.txt" | sed 's/^/  /' || true
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

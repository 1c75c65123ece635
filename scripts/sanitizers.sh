#!/usr/bin/env bash
# The whole CTest suite under AddressSanitizer + UBSan, and the concurrency
# tests (token single flight, retries, faults, exactly-once, soak, the engine,
# cancellation) under
# ThreadSanitizer. Presets: asan, tsan (CMakePresets.json).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${JOBS:-2}
for preset in asan tsan; do
  echo "== $preset"
  cmake --preset "$preset" >/dev/null
  log="build/$preset-build.log"
  mkdir -p build
  cmake --build --preset "$preset" -j"$jobs" >"$log" 2>&1 || { tail -n 60 "$log"; exit 1; }
  ctest --preset "$preset" -j"$jobs" --timeout 600
done

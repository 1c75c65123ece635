#!/usr/bin/env bash
# Fails if the shared library exports any dynamic symbol not prefixed PREFIX
# (default ak_), or exports fewer than a C API's worth.
set -euo pipefail
lib=$1 prefix=${2:-ak_}
exported=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^$')
count=$(echo "$exported" | grep -c "^$prefix" || true)
stray=$(echo "$exported" | grep -v "^$prefix" || true)
if [ -n "$stray" ]; then
  echo "symbols exported without the $prefix prefix:"; echo "$stray"; exit 1
fi
[ "$count" -gt 10 ] || { echo "expected the C API to be exported, found $count $prefix symbols"; exit 1; }
echo "ok: $count exported symbols, all $prefix"

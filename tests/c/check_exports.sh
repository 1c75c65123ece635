#!/usr/bin/env bash
# Fails if the shared library exports any dynamic symbol not prefixed ak_.
set -euo pipefail
lib=$1
exported=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^$')
count=$(echo "$exported" | grep -c '^ak_' || true)
stray=$(echo "$exported" | grep -v '^ak_' || true)
if [ -n "$stray" ]; then
  echo "symbols exported without the ak_ prefix:"; echo "$stray"; exit 1
fi
[ "$count" -gt 20 ] || { echo "expected the C API to be exported, found $count ak_ symbols"; exit 1; }
echo "ok: $count exported symbols, all ak_"

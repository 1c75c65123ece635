#!/usr/bin/env bash
# Builds the C library (CMake preset "default"), stages it under build/stage-go
# (no system-wide install), then vets and tests the Go bindings (the
# conformance cases of tests/conformance included) and runs the Go example
# against it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [[ ! -f build/default/build.ninja ]]; then
  cmake --preset default
fi
cmake --build --preset default -j2

stage="$root/build/stage-go"
cmake --install build/default --prefix "$stage" >/dev/null
libdir="$stage/lib"
[[ -d "$libdir/pkgconfig" ]] || libdir="$(dirname "$(find "$stage" -name accountkit.pc -path '*pkgconfig*' | head -n1)")/.."
libdir="$(cd "$libdir" && pwd)"
# accountkit.pc and accountkit-sandbox.pc are relocatable: pointing pkg-config
# at the staged copies is enough. Package accountkit links only accountkit;
# accountkit.dev/go/accountkit/sandbox (the tests, the example) also links
# accountkit-sandbox.
for pc in accountkit accountkit-sandbox; do
  [[ -f "$libdir/pkgconfig/$pc.pc" ]] || { echo "go-test.sh: $pc.pc missing from $libdir/pkgconfig" >&2; exit 1; }
done

export PKG_CONFIG_PATH="$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export CGO_ENABLED=1

echo "== bindings/go: go vet"
(cd bindings/go && go vet ./...)
echo "== bindings/go: go test -race"
(cd bindings/go && go test -race -count=1 ./...)
echo "== examples/go: go vet + run"
(cd examples/go && go vet ./... && go run .)

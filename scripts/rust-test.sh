#!/usr/bin/env bash
# Builds the C library (if needed), stages it under build/stage-rust, and runs
# the Rust bindings' tests, clippy and the Rust example against it.
# No system-wide install; every output goes under build/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

STAGE="$ROOT/build/stage-rust"
export CARGO_TARGET_DIR="$ROOT/build/rust-target"

if [ ! -f build/default/build.ninja ]; then
  cmake --preset default
fi
cmake --build --preset default -j"${JOBS:-2}"
cmake --install build/default --prefix "$STAGE" >/dev/null

# accountkit.pc and accountkit-sandbox.pc are relocatable: pointing pkg-config
# at the staged copies is enough.
PC_DIR="$(dirname "$(find "$STAGE" -name accountkit.pc | head -n1)")"
LIB_DIR="$(PKG_CONFIG_PATH="$PC_DIR" pkg-config --variable=libdir accountkit)"

export PKG_CONFIG_PATH="$PC_DIR${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export LD_LIBRARY_PATH="$LIB_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
echo "rust-test: accountkit $(pkg-config --modversion accountkit)," \
  "accountkit-sandbox $(pkg-config --modversion accountkit-sandbox) from $LIB_DIR"

if ! cargo clippy --version >/dev/null 2>&1; then
  echo "rust-test: cargo clippy is not installed (rustup component add clippy)" >&2
  exit 1
fi

# The test suites run against the sandbox (the feature `sandbox`, which links
# libaccountkit-sandbox); the build without it is what production programs
# get: it must build, lint clean, and link nothing of the sandbox (a test of
# accountkit-sys checks that).
SANDBOX=(--workspace --features accountkit/sandbox)
echo "== cargo test (bindings/rust, feature sandbox: unit, header, sandbox, rules, conformance)"
(cd bindings/rust && cargo test --locked "${SANDBOX[@]}")
echo "== cargo test (bindings/rust, without the sandbox)"
(cd bindings/rust && cargo test --locked --workspace)
echo "== cargo clippy (bindings/rust, with and without the sandbox)"
(cd bindings/rust && cargo clippy --locked --all-targets "${SANDBOX[@]}" -- -D warnings)
(cd bindings/rust && cargo clippy --locked --all-targets --workspace -- -D warnings)
echo "== cargo clippy (examples/rust)"
(cd examples/rust && cargo clippy --locked --all-targets -- -D warnings)
echo "== examples/rust"
(cd examples/rust && cargo run --locked --quiet)
echo "rust-test: all passed"

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

# accountkit.pc is relocatable: pointing pkg-config at the staged copy is enough.
PC_DIR="$(dirname "$(find "$STAGE" -name accountkit.pc | head -n1)")"
LIB_DIR="$(PKG_CONFIG_PATH="$PC_DIR" pkg-config --variable=libdir accountkit)"

export PKG_CONFIG_PATH="$PC_DIR${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export LD_LIBRARY_PATH="$LIB_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
echo "rust-test: accountkit $(pkg-config --modversion accountkit) from $LIB_DIR"

if ! cargo clippy --version >/dev/null 2>&1; then
  echo "rust-test: cargo clippy is not installed (rustup component add clippy)" >&2
  exit 1
fi

echo "== cargo test (bindings/rust)"
(cd bindings/rust && cargo test --locked)
echo "== cargo clippy (bindings/rust)"
(cd bindings/rust && cargo clippy --locked --all-targets -- -D warnings)
echo "== cargo clippy (examples/rust)"
(cd examples/rust && cargo clippy --locked --all-targets -- -D warnings)
echo "== examples/rust"
(cd examples/rust && cargo run --locked --quiet)
echo "rust-test: all passed"

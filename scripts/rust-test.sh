#!/usr/bin/env bash
# Builds the C library (if needed), stages it under build/stage-rust, and runs
# the Rust bindings' tests, clippy and the Rust example against it.
# No system-wide install; every output goes under build/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

STAGE="$ROOT/build/stage-rust"
export CARGO_TARGET_DIR="$ROOT/build/rust-target"

# The tree make test builds (TEST_PRESET, default "default").
preset=${TEST_PRESET:-default}
if [ ! -f "build/$preset/build.ninja" ]; then
  cmake --preset "$preset"
fi
cmake --build --preset "$preset" -j"${JOBS:-2}"
cmake --install "build/$preset" --prefix "$STAGE" >/dev/null

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

# A program outside the repository, as a user would start one: `cargo add
# --path` and `cargo run` with no environment (no PKG_CONFIG_PATH, no
# LD_LIBRARY_PATH). pkg-config then finds no accountkit, so accountkit-sys
# builds the C library from these sources (Release, static archives only; the
# feature `bundled`) and links it statically: the binary must run as it is and
# need no libaccountkit. The app is made afresh in a temporary directory; its
# target directory stays under build/ so that reruns build the core only when
# its sources change.
echo "== a crate outside the repository: cargo add --path, cargo run, no environment"
APP_DIR="$(mktemp -d)"
trap 'rm -rf "$APP_DIR"' EXIT
APP="$APP_DIR/app"
OUT_TARGET="$ROOT/build/rust-outside-target"
FEATURES=sandbox
if env -u PKG_CONFIG_PATH pkg-config --exists accountkit; then
  # A system-wide accountkit would be linked (shared) instead of building one.
  echo "rust-test: pkg-config finds a system-wide accountkit; asking for the feature bundled explicitly"
  FEATURES=sandbox,bundled
fi
cargo new --quiet --bin --vcs none "$APP"
# Its own workspace, whatever directory holds it.
printf '\n[workspace]\n' >>"$APP/Cargo.toml"
(cd "$APP" && cargo add --quiet --path "$ROOT/bindings/rust/accountkit" --features "$FEATURES" \
  && cargo add --quiet serde_json@1)
cat >"$APP/src/main.rs" <<'RUST'
use accountkit::Sandbox;
use serde_json::json;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start()?;
    let client = sandbox.client("activeplatform")?;
    let created = client.create_account(&json!({
        "account_type_id": 1, "account_class_id": 1,
        "first_name": "Ada", "last_name": "Outside", "country": "BY",
        "region": "Minsk", "city": "Minsk", "street": "Nezavisimosti", "building": "1",
        "office": "2", "zip": "220000", "phone": "+375291234567",
        "email": "outside@example.com",
    }))?;
    let got = client.get_account(created.id())?;
    let email = got.get("email")?;
    if email != json!("outside@example.com") {
        return Err(format!("get_account({}) read back email {email}", created.id()).into());
    }
    println!("outside app: accountkit {}, created and read back account {}", accountkit::version(), created.id());
    Ok(())
}
RUST
START=$(date +%s)
(cd "$APP" && env -u PKG_CONFIG_PATH -u LD_LIBRARY_PATH CARGO_TARGET_DIR="$OUT_TARGET" \
  CMAKE_BUILD_PARALLEL_LEVEL="${JOBS:-2}" cargo run --quiet -j "${JOBS:-2}")
echo "rust-test: outside app built and ran in $(($(date +%s) - START))s"
BIN="$OUT_TARGET/debug/app"
LDD="$(ldd "$BIN")"
if ! grep -q 'libcurl' <<<"$LDD"; then
  echo "rust-test: ldd $BIN shows no libcurl; cannot judge its dependencies:" >&2
  echo "$LDD" >&2
  exit 1
fi
if grep -q 'libaccountkit' <<<"$LDD"; then
  echo "rust-test: $BIN needs a shared libaccountkit; it should link the static archives:" >&2
  echo "$LDD" >&2
  exit 1
fi
echo "rust-test: the outside app needs no libaccountkit (ldd)"
echo "rust-test: all passed"

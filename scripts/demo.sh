#!/usr/bin/env bash
# make demo: builds only what it runs, then runs it, saying what each step is.
#   scripts/demo.sh [PRESET] [JOBS]
# The users' tree (PRESET, no tests) builds the two C examples and the static
# archives; meanwhile the Python virtualenv gets its build requirements
# (network and disk, not the cores the compiler needs). The Python extension
# then links those archives (AK_PREBUILT_ARCHIVES) instead of compiling the
# core again. examples/accounts.jsonl marks its deliberately invalid records
# with "expect", so apply exits 0 only if every record turned out as expected.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-demo}
jobs=${2:-2}
start=$SECONDS
step() { printf '\n== %s  [%d s]\n' "$1" $((SECONDS - start)); }

step "building the C library and the examples (build/$preset: lifecycle, bulk, the static archives)"
cmake --preset "$preset" >/dev/null
mkdir -p build
scripts/python-venv.sh build/venv --tools-only >build/venv-tools.log 2>&1 &
tools=$!
cmake --build --preset "$preset" -j"$jobs" --target lifecycle bulk accountkit_static accountkit_sandbox_static
wait "$tools" || { echo "setting up build/venv failed:" >&2; cat build/venv-tools.log >&2; exit 1; }

step "C: one flow per vendor against the embedded sandbox (examples/c/lifecycle.c)"
"build/$preset/examples/c/lifecycle"
step "C: 500 creates through one ak_batch, 16 in flight (examples/c/bulk.c)"
"build/$preset/examples/c/bulk"

step "Python: the package into build/venv, linking the archives just built"
AK_PREBUILT_ARCHIVES="build/$preset" scripts/python-venv.sh build/venv
step "Python: accountkit apply examples/accounts.jsonl --sandbox (every result in build/demo-results.jsonl)"
build/venv/bin/accountkit apply examples/accounts.jsonl --sandbox --sandbox-option commvault.update_delay_ms=300 \
  --overwrite --echo --out build/demo-results.jsonl
step "Python: desired state (examples/desired.jsonl) against a sandbox served in the background: plan, apply, plan"
# One sandbox for the three commands (an embedded one would start empty each time).
build/venv/bin/accountkit sandbox --option commvault.update_delay_ms=300 >build/demo-sandbox.txt 2>&1 &
sandbox_pid=$!
trap 'kill "$sandbox_pid" 2>/dev/null || true' EXIT
# -s: the file appears only once the background shell has opened it.
for _ in $(seq 300); do grep -qs '^export ACCOUNTKIT_COMMVAULT_PASSWORD=' build/demo-sandbox.txt && break; sleep 0.1; done
grep -qs '^export ACCOUNTKIT_COMMVAULT_PASSWORD=' build/demo-sandbox.txt ||
  { echo "the background sandbox did not start:" >&2; cat build/demo-sandbox.txt >&2 || true; exit 1; }
eval "$(grep '^export ACCOUNTKIT_' build/demo-sandbox.txt)"
# ActivePlatform has no field for your own key: the desired record names it in a custom attribute.
export ACCOUNTKIT_ACTIVEPLATFORM_KEY_ATTRIBUTE=partner_id
echo "\$ accountkit plan examples/desired.jsonl --out build/demo-plan.json"
build/venv/bin/accountkit plan examples/desired.jsonl --out build/demo-plan.json
echo "\$ accountkit apply --plan build/demo-plan.json --desired examples/desired.jsonl"
build/venv/bin/accountkit apply --plan build/demo-plan.json --desired examples/desired.jsonl
echo "\$ accountkit plan examples/desired.jsonl"
build/venv/bin/accountkit plan examples/desired.jsonl | tee build/demo-plan-again.txt
grep -q '^plan: no changes' build/demo-plan-again.txt || { echo "the second plan still has changes" >&2; exit 1; }
kill "$sandbox_pid"
wait "$sandbox_pid" 2>/dev/null || true
trap - EXIT
step "demo complete"

#!/usr/bin/env bash
# accountkit-sandbox: serves until SIGTERM, prints each vendor's base_url and
# credentials, and rejects bad arguments with exit status 2.
set -uo pipefail
bin=$1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$bin" --port 0 --option 99digital.token_lifetime_s=60 >"$out" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q commvault "$out" && break; sleep 0.1; done
kill -TERM "$pid"
wait "$pid"
status=$?
cat "$out"
grep -q "listening on 127.0.0.1:" "$out" || { echo "no listening line"; exit 1; }
for vendor in 99digital activeplatform commvault; do
  grep -q "^  $vendor .*base_url=http://127.0.0.1:[0-9]*/$vendor" "$out" || { echo "no line for $vendor"; exit 1; }
done
[ "$status" -eq 0 ] || { echo "exit status $status after SIGTERM"; exit 1; }
"$bin" --option no_such_knob=1 >/dev/null 2>&1
[ $? -eq 2 ] || { echo "an unknown knob did not exit 2"; exit 1; }
"$bin" --port 70000 >/dev/null 2>&1
[ $? -eq 2 ] || { echo "a bad port did not exit 2"; exit 1; }
echo "ok: accountkit-sandbox"

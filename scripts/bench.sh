#!/usr/bin/env bash
# `make bench`: builds the benchmark programs (Release, build/bench), installs
# accountkit, requests, aiohttp and httpx into build/bench-venv, starts a canned
# nginx on loopback that answers 99digital's createAccount and the delay server
# (bench/delay_server.c) that answers it after BENCH_DELAY_MS, and runs
# bench/run.py, which measures every row in one run and prints the tables
# (docs/benchmarks.md); then, against a second delay server that holds its
# answers BENCH_HOLD_MS, bench/cancel_latency.py (the cancellation latency),
# and bench/plan_rss.py (`accountkit plan`'s memory and read rate). Not part
# of `make test`.
#
# Environment:
#   BENCH_PORT            port for nginx on 127.0.0.1 (default: a free one; a taken port fails)
#   BENCH_DELAY_PORT      port for the delay server on 127.0.0.1 (default: a free one)
#   BENCH_DELAY_MS        the delay server's answer delay in ms (default 20)
#   BENCH_HOLD_PORT       port of the second delay server, which holds answers for the
#                         cancellation-latency rows (default: a free one)
#   BENCH_HOLD_MS         that server's answer delay in ms (default 10000)
#   BENCH_LATENCY_IN_FLIGHT  in-flight counts of the latency-bound rows (default 16,256,1024)
#   BENCH_SECONDS         length of one network run, whole seconds for wrk (default 2)
#   BENCH_REPS            runs per row; the median is reported (default 3)
#   BENCH_APPLY_RECORDS   records for the `accountkit apply` peak-RSS run (default 100000)
#   BENCH_PLAN_RECORDS    desired records and sandbox accounts of the `accountkit plan` run (default 100000)
#   BENCH_NGINX_WORKERS   nginx worker_processes (default 1; docs/benchmarks.md says why)
#   BENCH_WAIT_QUIET      seconds the bench may spend in all waiting for other processes to
#                         leave the CPUs alone before a run (default 60)
#   BENCH_PREVIOUS        results.json of the run the no-regression targets compare with
#                         (default: the last undisturbed run's, build/bench/results.reference.json,
#                         then bench/previous-engine.json)
#   BENCH_ONLY            a regular expression: run only the rows whose key matches (run.py --only;
#                         the keys are in build/bench/results.json), e.g. '^lat_' or 'batch|run_many'
#   JOBS                  build parallelism (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=${JOBS:-2}
seconds=${BENCH_SECONDS:-2}
reps=${BENCH_REPS:-3}
apply_records=${BENCH_APPLY_RECORDS:-100000}
plan_records=${BENCH_PLAN_RECORDS:-100000}
workers=${BENCH_NGINX_WORKERS:-1}
delay_ms=${BENCH_DELAY_MS:-20}
hold_ms=${BENCH_HOLD_MS:-10000}
latency_in_flight=${BENCH_LATENCY_IN_FLIGHT:-16,256,1024}
build=build/bench
venv=build/bench-venv

# One descriptor per connection: the latency rows keep up to 1024 connections
# open in the client and as many in the delay server. Raise the soft limit to
# the hard one (the programs do it too) and say so if even that is too low.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
max_in_flight=$(tr ',' '\n' <<<"$latency_in_flight" | sort -n | tail -1)
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((${max_in_flight:-0} + 128)) ]; then
  echo "bench: the open-file limit ($(ulimit -n)) is below what $max_in_flight connections need;" \
    "the largest latency rows will fail (raise the hard limit, ulimit -Hn)" >&2
fi

scripts/install-deps.sh
scripts/install-deps.sh bench
for tool in nginx wrk python3 curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found (scripts/install-deps.sh bench installs it)" >&2; exit 1; }
done

# The servers' ports, checked before the builds so that a taken port fails at
# once: the port asked for (if free), else a free one the kernel picks.
pick_port() {  # port (0: any), the variable that asked for it
  python3 - "$1" "$2" <<'EOF'
import socket, sys
if not sys.argv[1].isdigit() or int(sys.argv[1]) > 65535:
    sys.exit(f"bench: {sys.argv[2]}={sys.argv[1]} is not a port number")
want = int(sys.argv[1])
s = socket.socket()
try:
    s.bind(("127.0.0.1", want))
except OSError as e:
    sys.exit(f"bench: port {want} on 127.0.0.1 is taken ({e.strerror}); set {sys.argv[2]} to a free one")
print(s.getsockname()[1])
EOF
}
port=$(pick_port "${BENCH_PORT:-0}" BENCH_PORT)
delay_port=$(pick_port "${BENCH_DELAY_PORT:-0}" BENCH_DELAY_PORT)
while [ "$delay_port" = "$port" ]; do delay_port=$(pick_port 0 BENCH_DELAY_PORT); done
hold_port=$(pick_port "${BENCH_HOLD_PORT:-0}" BENCH_HOLD_PORT)
while [ "$hold_port" = "$port" ] || [ "$hold_port" = "$delay_port" ]; do hold_port=$(pick_port 0 BENCH_HOLD_PORT); done

# ---- 1. the C/C++ bench programs, each its own target -----------------------
echo "bench: building the bench programs in $build (Release)" >&2
mkdir -p "$build"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DAK_BUILD_BENCH=ON \
  -DAK_BUILD_TESTS=OFF -DAK_BUILD_EXAMPLES=OFF >"$build/configure.log" 2>&1 \
  || { cat "$build/configure.log" >&2; echo "bench: cmake configure failed" >&2; exit 1; }
na=()
# The first error line of a failed build, for the table's "n/a (not built: ...)".
first_error() { grep -m1 -E 'error|undefined reference' "$1" | sed -E 's/^[^ ]*\/([^/ ]+:[0-9]+)/\1/' | cut -c1-120 | tr '|' '/'; }
build_target() {  # target, then the table rows it serves
  local target=$1 log=$build/build-$1.log
  shift
  rm -f "$build/bench/$target"
  if ! cmake --build "$build" --target "$target" -j"$jobs" >"$log" 2>&1; then
    local why
    why="not built: $(first_error "$log")"
    echo "bench: $target did not build ($log): $why" >&2
    for row in "$@"; do na+=(--na "$row=$why"); done
  fi
}
build_target ak_bench_raw_curl raw_curl
build_target ak_bench_raw_curl_multi raw_multi raw_multi_epoll
build_target ak_bench_delay_server delay
build_target ak_bench_seq c_seq val_c
build_target ak_bench_batch c_batch
build_target ak_bench_cancel cancel_c_call cancel_c_batch
build_target ak_bench_validate val_cpp

# ---- 2. the Python package, requests, aiohttp and httpx ------------------------
echo "bench: pip-installing accountkit and requests into $venv" >&2
# CMAKE_BUILD_PARALLEL_LEVEL: the extension's C++ build keeps to JOBS too.
if ! CMAKE_BUILD_PARALLEL_LEVEL=$jobs scripts/python-venv.sh "$venv" requests >"$build/venv.log" 2>&1; then
  why="not built: pip install failed, see $build/venv.log"
  echo "bench: $why" >&2
  tail -5 "$build/venv.log" >&2 || true
  for row in py_call py_create py_run_many py_async req_seq req_threads aiohttp httpx val_py_many val_py_each apply; do
    na+=(--na "$row=$why")
  done
else
  # The async peers, each on its own, so that one that cannot be installed
  # makes only its own row n/a.
  for peer in aiohttp httpx; do
    echo "bench: pip-installing $peer into $venv" >&2
    if ! "$venv/bin/python" -m pip --disable-pip-version-check --quiet install "$peer" >"$build/pip-$peer.log" 2>&1; then
      why="pip install $peer failed: $(grep -m1 -iE 'error' "$build/pip-$peer.log" | cut -c1-100 | tr '|' '/')"
      echo "bench: $why (see $build/pip-$peer.log)" >&2
      na+=(--na "$peer=$why")
    fi
  done
fi

# ---- 3. the canned nginx --------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/accountkit-bench.XXXXXX")
ngx_pid=""
delay_pid=""
hold_pid=""
run_pid=""
cleanup() {
  if [ -n "$run_pid" ] && kill -0 "$run_pid" 2>/dev/null; then
    kill "$run_pid" 2>/dev/null || true
  fi
  for pid in "$delay_pid" "$hold_pid"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  if [ -n "$ngx_pid" ] && kill -0 "$ngx_pid" 2>/dev/null; then
    kill "$ngx_pid" 2>/dev/null || true
    wait "$ngx_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

sed -e "s|@PREFIX@|$tmp|g" -e "s|@PORT@|$port|g" -e "s|@WORKERS@|$workers|g" bench/nginx.conf.in >"$tmp/nginx.conf"
run_as=()
ngx_user=$(id -un)
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
  # Root: run nginx (master and workers) as nobody.
  chown -R nobody "$tmp"
  run_as=(setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups)
  ngx_user=nobody
fi
"${run_as[@]}" nginx -p "$tmp" -c "$tmp/nginx.conf" -e "$tmp/error.log" &
ngx_pid=$!
base_url=http://127.0.0.1:$port
for _ in $(seq 50); do
  curl -fs -o /dev/null "$base_url/_bench/status" && break
  kill -0 "$ngx_pid" 2>/dev/null || break
  sleep 0.1
done
if ! curl -fs -o /dev/null "$base_url/_bench/status"; then
  echo "bench: nginx did not start on 127.0.0.1:$port:" >&2
  cat "$tmp/error.log" >&2 || true
  exit 1
fi
# Keep-alive must hold: the second request reuses the first one's connection.
trace=$(curl -sv -o /dev/null -o /dev/null -H 'Content-Type: application/json' \
  -d '{}' "$base_url/api/online/createAccount" -d '{}' "$base_url/api/online/createAccount" 2>&1 || true)
if ! grep -q 'Re-using existing connection' <<<"$trace"; then
  echo "bench: nginx does not keep connections alive after a POST; the numbers would be meaningless" >&2
  exit 1
fi
echo "bench: nginx ($workers worker) on $base_url, as $ngx_user; keep-alive checked" >&2

# ---- 4. the delay server (the latency-bound rows) ----------------------------------
# Starts a delay server on port answering after ms (its pid in started_pid)
# and waits up to 5 s for its status page.
start_delay_server() {  # port, ms, log
  "${run_as[@]}" "$build/bench/ak_bench_delay_server" "$1" "$2" 2>"$3" &
  started_pid=$!
  for _ in $(seq 50); do
    curl -fs -o /dev/null "http://127.0.0.1:$1/_bench/status" && break
    kill -0 "$started_pid" 2>/dev/null || break
    sleep 0.1
  done
}
delay=()
if [ -x "$build/bench/ak_bench_delay_server" ]; then
  start_delay_server "$delay_port" "$delay_ms" "$tmp/delay.log"
  delay_pid=$started_pid
  delay_url=http://127.0.0.1:$delay_port
  # Two creates on one connection: the second must reuse the first one's
  # connection, and each must take at least the delay.
  trace=$(curl -sv -o /dev/null -o /dev/null -w '%{time_total}\n' -H 'Content-Type: application/json' \
    -d '{}' "$delay_url/api/online/createAccount" -d '{}' "$delay_url/api/online/createAccount" 2>&1 || true)
  took=$(grep -E '^[0-9.]+$' <<<"$trace" | sort -n | head -1 || true)
  if ! curl -fs -o /dev/null "$delay_url/_bench/status"; then
    why="the delay server did not start: $(head -c 100 "$tmp/delay.log" | tr '|\n' '/ ')"
  elif ! grep -q 'Re-using existing connection' <<<"$trace"; then
    why="the delay server does not keep connections alive"
  elif ! python3 -c "import sys; sys.exit(float('${took:-0}') * 1000 < $delay_ms)"; then
    why="the delay server answered a create in ${took:-?} s, sooner than ${delay_ms} ms"
  else
    why=""
    delay=(--delay-url "$delay_url" --delay-ms "$delay_ms" --latency-in-flight "$latency_in_flight"
      --server-pid "$delay_pid")
    echo "bench: delay server ($delay_ms ms) on $delay_url; keep-alive and delay checked" >&2
  fi
  if [ -n "$why" ]; then
    echo "bench: $why; the latency rows are n/a" >&2
    na+=(--na "delay=$why")
  fi
fi

# ---- 5. measure -------------------------------------------------------------------
# The no-regression targets compare with the last run whose rows for them
# other processes did not disturb (run.py keeps its results.json as
# results.reference.json), then with the previous engine's figures
# (bench/previous-engine.json).
previous=()
if [ -n "${BENCH_PREVIOUS:-}" ]; then
  previous+=(--previous "$BENCH_PREVIOUS")
elif [ -f "$build/results.reference.json" ]; then
  previous+=(--previous "$root/$build/results.reference.json")
fi
previous+=(--previous "$root/bench/previous-engine.json" --save-reference "$root/$build/results.reference.json")
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in bench/
# In the background with `wait`, so that a signal to this script runs the trap at once.
python3 bench/run.py --base-url "$base_url" --bin-dir "$root/$build/bench" --venv "$root/$venv" \
  --work-dir "$root/$build" --seconds "$seconds" --reps "$reps" --apply-records "$apply_records" \
  --wait-quiet "${BENCH_WAIT_QUIET:-60}" --nginx-workers "$workers" --nginx-pid "$ngx_pid" \
  "${delay[@]}" "${previous[@]}" ${BENCH_ONLY:+--only "$BENCH_ONLY"} \
  --out-md "$build/results.md" --out-json "$build/results.json" "${na[@]}" &
run_pid=$!
wait "$run_pid"
run_pid=""

# ---- 6. cancellation latency, against a delay server that holds its answers -----
cancel_na=()
for n in "${na[@]}"; do
  case $n in cancel_c_*=*) cancel_na+=(--na "${n#cancel_}") ;; py_async=*) cancel_na+=(--na "$n") ;; esac
done
if [ -x "$build/bench/ak_bench_delay_server" ]; then
  start_delay_server "$hold_port" "$hold_ms" "$tmp/hold.log"
  hold_pid=$started_pid
  hold_url=http://127.0.0.1:$hold_port
  if curl -fs -o /dev/null "$hold_url/_bench/status"; then
    echo "bench: delay server holding answers $hold_ms ms on $hold_url (cancellation latency)" >&2
    python3 bench/cancel_latency.py --delay-url "$hold_url" --server-delay-ms "$hold_ms" \
      --bin-dir "$root/$build/bench" --venv "$root/$venv" "${cancel_na[@]}" \
      --out-md "$build/results.md" --out-json "$build/results-cancel.json" &
    run_pid=$!
    wait "$run_pid"
    run_pid=""
  else
    echo "bench: the holding delay server did not start; no cancellation latency" >&2
  fi
fi
# ---- 7. desired state: accountkit plan's peak RSS and read rate ---------------------
if [ -x "$venv/bin/accountkit" ]; then
  "$venv/bin/python" bench/plan_rss.py --records "$plan_records" \
    --out-md "$build/results.md" --out-json "$build/results-plan.json" &
  run_pid=$!
  wait "$run_pid"
  run_pid=""
fi
echo "bench: results in $build/results.md, $build/results.json, $build/results-cancel.json and" \
  "$build/results-plan.json" >&2
echo "bench: total $((SECONDS / 60)) min $((SECONDS % 60)) s (installs, builds, servers, measurements)" >&2

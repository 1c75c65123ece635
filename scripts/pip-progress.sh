# Sourced by scripts/python-venv.sh and scripts/python-wheel.sh.
#   pip_build LOG PIP_COMMAND...
# Runs a pip command that compiles the extension (pass -v so that the build's
# output reaches pip's), shows only the build's [n/m] progress lines, keeps the
# whole output in LOG and, if pip fails, prints LOG's tail (the compiler's or
# CMake's error, e.g. the missing packages) and returns pip's status.
pip_build() {
  local log=$1
  shift
  mkdir -p "$(dirname "$log")"
  echo "building the Python extension (about a minute on 2 cores; full log in $log)..."
  local statuses
  set +e
  "$@" 2>&1 | tee "$log" | grep --line-buffered -E '^[[:space:]]*\[[0-9]+/[0-9]+\] '
  statuses=("${PIPESTATUS[@]}")
  set -e
  if [ "${statuses[0]}" -ne 0 ]; then
    echo "pip failed (status ${statuses[0]}); the end of $log:" >&2
    tail -n 60 "$log" >&2
    return "${statuses[0]}"
  fi
}

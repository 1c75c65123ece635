#!/usr/bin/env bash
# Creates a virtualenv and pip-installs accountkit from this checkout into it.
#   scripts/python-venv.sh VENV [--fresh] [EXTRA_PACKAGE...]
# --fresh deletes VENV first. The C++ build is kept in VENV-build between runs
# (pip --no-build-isolation with the build requirements installed in VENV, so
# the paths CMake caches stay the same and rebuilds are incremental).
# PYTHON chooses the interpreter (default python3).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: $0 VENV [--fresh] [EXTRA_PACKAGE...]" >&2; exit 2; }
venv=$1
shift
if [ "${1:-}" = "--fresh" ]; then
  rm -rf "$venv"
  shift
fi
python=${PYTHON:-python3}
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check --quiet)
"${pip[@]}" install "scikit-build-core>=0.10" "pybind11>=2.12" "$@"
"${pip[@]}" install --no-build-isolation -C build-dir="$PWD/$venv-build" .

#!/usr/bin/env bash
# Creates a virtualenv and pip-installs accountkit from this checkout into it.
#   scripts/python-venv.sh VENV [--fresh] [--tools-only] [EXTRA_PACKAGE...]
# --fresh deletes VENV first; --tools-only stops once the build requirements
# are installed (make demo does that while the C library compiles). The C++ build is kept in VENV-build between runs
# (pip --no-build-isolation with the build requirements installed in VENV, so
# the paths CMake caches stay the same and rebuilds are incremental).
# PYTHON chooses the interpreter (default python3). AK_PREBUILT_ARCHIVES, a C
# build directory of this checkout with accountkit_static and
# accountkit_sandbox_static built, makes the extension link those archives
# instead of compiling the core again (python/CMakeLists.txt; `make demo`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pip-progress.sh
[ $# -ge 1 ] || { echo "usage: $0 VENV [--fresh] [--tools-only] [EXTRA_PACKAGE...]" >&2; exit 2; }
venv=$1
shift
if [ "${1:-}" = "--fresh" ]; then
  rm -rf "$venv"
  shift
fi
tools_only=0
if [ "${1:-}" = "--tools-only" ]; then
  tools_only=1
  shift
fi
python=${PYTHON:-python3}
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check)
echo "installing the build requirements into $venv..."
"${pip[@]}" install --quiet "scikit-build-core>=0.10" "pybind11>=2.12" "$@"
[ "$tools_only" -eq 0 ] || exit 0
# Always passed, so that switching between prebuilt archives and none
# reconfigures the cached build instead of keeping the last choice.
define=(-C "cmake.define.AK_PREBUILT_ARCHIVES=${AK_PREBUILT_ARCHIVES:+$(realpath "$AK_PREBUILT_ARCHIVES")}")
# The extension is compiled like the archives it links (CMake's default otherwise).
optimise="-O3 -DNDEBUG"
if [ -n "${AK_PREBUILT_ARCHIVES:-}" ]; then
  optimise=$(sed -n 's/^CMAKE_CXX_FLAGS_RELEASE:[A-Z]*=//p' "$AK_PREBUILT_ARCHIVES/CMakeCache.txt")
fi
define+=(-C "cmake.define.CMAKE_CXX_FLAGS_RELEASE=$optimise")
pip_build "$venv-build.log" "${pip[@]}" -v install --no-build-isolation -C build-dir="$PWD/$venv-build" "${define[@]}" .
echo "installed accountkit into $venv"

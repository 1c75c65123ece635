#!/usr/bin/env bash
# The Python package's tests, against the wheel users get: builds the repaired
# wheel (scripts/python-wheel.sh: build/dist), installs it into a fresh
# virtualenv, then runs pytest over the INSTALLED package (from build/, where
# the source tree's package is not importable). One build serves both the
# wheel and the suite. tests/python/test_wheel.py checks that the wheel runs
# with the system's libcurl, simdjson and cpp-httplib hidden;
# tests/python/test_typing.py runs mypy --strict over the installed package and
# stubtest of its stubs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/python-wheel.sh
wheel=$(ls "$PWD"/build/dist/accountkit-*.whl)
raw=$(ls "$PWD"/build/wheel-raw/accountkit-*.whl)
venv=build/py-test-venv
rm -rf "$venv"
"${PYTHON:-python3}" -m venv "$venv"
echo "installing $(basename "$wheel") into $venv..."
# uvloop: AsyncClient is also tested on uvloop's event loop (test_async.py).
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$wheel" "pytest>=7" "mypy>=1.8" \
  "uvloop>=0.18"
py=$PWD/$venv/bin/python
cd build
AK_WHEEL=$wheel AK_RAW_WHEEL=$raw "$py" -m pytest -q -p no:cacheprovider ../tests/python

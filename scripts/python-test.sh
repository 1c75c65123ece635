#!/usr/bin/env bash
# The Python package's tests: pip install . into a fresh virtualenv, then
# pytest over the INSTALLED package (run from build/, where the source tree's
# package is not importable). tests/python/test_typing.py runs mypy --strict
# over the installed package and stubtest of its stubs.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=build/py-test-venv
scripts/python-venv.sh "$venv" --fresh "pytest>=7" "mypy>=1.8"
py=$PWD/$venv/bin/python
cd build
"$py" -m pytest -q -p no:cacheprovider ../tests/python

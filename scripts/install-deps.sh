#!/usr/bin/env bash
# Installs the Debian packages the build and tests need, only if missing.
set -euo pipefail
packages=(cmake ninja-build g++ make pkg-config binutils
          libcurl4-openssl-dev libsimdjson-dev libcpp-httplib-dev libgtest-dev openssl
          python3 python3-dev python3-venv)
# `scripts/install-deps.sh fuzz` also installs clang's libFuzzer, ASan and UBSan, and llvm-symbolizer
# for readable crash stacks (scripts/fuzz.sh).
[ "${1:-}" = fuzz ] && packages+=(clang libclang-rt-14-dev llvm)
# `scripts/install-deps.sh bench` also installs the canned server and load generator `make bench`
# uses (scripts/bench.sh): nginx-light and wrk.
[ "${1:-}" = bench ] && packages+=(nginx-light wrk)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

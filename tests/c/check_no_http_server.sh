#!/usr/bin/env bash
# libaccountkit must not need an HTTP server at run time: neither a shared
# cpp-httplib nor its symbols. The sandbox library is where they belong, so it
# is checked to contain them (else this test would prove nothing).
set -euo pipefail
lib=$1 sandbox=$2
server_of() {  # cpp-httplib as a needed library, or its Server class compiled in
  { ldd "$1" | grep -i httplib; nm -C "$1" | grep -m1 'httplib::Server::'; } || true
}
found=$(server_of "$lib")
if [ -n "$found" ]; then
  echo "$lib links an HTTP server:"; echo "$found"; exit 1
fi
[ -n "$(server_of "$sandbox")" ] || { echo "$sandbox has no HTTP server either: the check is broken"; exit 1; }
echo "ok: no HTTP server in $lib (ldd: $(ldd "$lib" | wc -l) libraries)"

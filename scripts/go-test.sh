#!/usr/bin/env bash
# Builds the C library (CMake preset TEST_PRESET, default "default", as make
# test does), stages it under build/stage-go
# (no system-wide install), then vets and tests the Go bindings (the
# conformance cases of tests/conformance included) and runs the Go example
# against it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

preset=${TEST_PRESET:-default}
if [[ ! -f build/$preset/build.ninja ]]; then
  cmake --preset "$preset"
fi
cmake --build --preset "$preset" -j2

stage="$root/build/stage-go"
cmake --install "build/$preset" --prefix "$stage" >/dev/null
libdir="$stage/lib"
[[ -d "$libdir/pkgconfig" ]] || libdir="$(dirname "$(find "$stage" -name accountkit.pc -path '*pkgconfig*' | head -n1)")/.."
libdir="$(cd "$libdir" && pwd)"
# The install puts the static archives beside the shared libraries, for the
# build tag accountkit_static (it links -l:libaccountkit.a from accountkit.pc's libdir).
for archive in libaccountkit.a libaccountkit-sandbox.a; do
  [[ -f "$libdir/$archive" ]] || { echo "go-test.sh: the install has no $libdir/$archive" >&2; exit 1; }
done
# accountkit.pc and accountkit-sandbox.pc are relocatable: pointing pkg-config
# at the staged copies is enough. Package accountkit links only accountkit;
# accountkit.dev/go/accountkit/sandbox (the tests, the example) also links
# accountkit-sandbox.
for pc in accountkit accountkit-sandbox; do
  [[ -f "$libdir/pkgconfig/$pc.pc" ]] || { echo "go-test.sh: $pc.pc missing from $libdir/pkgconfig" >&2; exit 1; }
done

export PKG_CONFIG_PATH="$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export CGO_ENABLED=1

echo "== bindings/go: go vet"
(cd bindings/go && go vet ./...)
echo "== bindings/go: go test -race"
(cd bindings/go && go test -race -count=1 ./...)
echo "== examples/go: go vet + run"
(cd examples/go && go vet ./... && go run .)

# A module outside the repository, as a user would write one: it requires
# accountkit.dev/go/accountkit (a path no proxy serves) and replaces it with
# this checkout; built with the tag accountkit_static it links the static
# archives, so it runs with no LD_LIBRARY_PATH and needs no libaccountkit.
echo "== a module outside the repository: replace directive, -tags accountkit_static"
app="$(mktemp -d)"
trap 'rm -rf "$app"' EXIT
cat >"$app/go.mod" <<EOF
module example.com/outside

go 1.23

require accountkit.dev/go/accountkit v0.0.0

replace accountkit.dev/go/accountkit => $root/bindings/go
EOF
cat >"$app/main.go" <<'EOF'
// Creates an account in the sandbox and reads it back.
package main

import (
	"context"
	"fmt"
	"os"

	"accountkit.dev/go/accountkit"
	"accountkit.dev/go/accountkit/sandbox"
)

func run() error {
	sb, err := sandbox.Start()
	if err != nil {
		return err
	}
	defer sb.Close()
	c, err := sb.Client("activeplatform")
	if err != nil {
		return err
	}
	defer c.Close()
	ctx := context.Background()
	created, err := c.CreateAccount(ctx, map[string]any{
		"account_type_id": 1, "account_class_id": 1,
		"first_name": "Ada", "last_name": "Outside", "country": "BY",
		"region": "Minsk", "city": "Minsk", "street": "Nezavisimosti", "building": "1",
		"office": "2", "zip": "220000", "phone": "+375291234567",
		"email": "outside@example.com",
	})
	if err != nil {
		return err
	}
	got, err := c.GetAccount(ctx, created.ID())
	if err != nil {
		return err
	}
	if email := got.Map()["email"]; email != "outside@example.com" {
		return fmt.Errorf("GetAccount(%s) read back email %v", created.ID(), email)
	}
	fmt.Printf("outside module: accountkit %s, created and read back account %s\n", accountkit.Version(), created.ID())
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "outside module:", err)
		os.Exit(1)
	}
}
EOF
start=$(date +%s)
(cd "$app" && go vet -tags accountkit_static ./... && go build -tags accountkit_static -o outside .)
env -u LD_LIBRARY_PATH "$app/outside"
deps="$(ldd "$app/outside")"
if ! grep -q libcurl <<<"$deps"; then
  echo "go-test.sh: ldd shows no libcurl for the outside module; cannot judge its dependencies:" >&2
  echo "$deps" >&2
  exit 1
fi
if grep -q libaccountkit <<<"$deps"; then
  echo "go-test.sh: the outside module built with -tags accountkit_static needs a shared libaccountkit:" >&2
  echo "$deps" >&2
  exit 1
fi
echo "go-test.sh: the outside module needs no libaccountkit (ldd); built and ran in $(($(date +%s) - start))s"
# Without the tag the same module links the shared libraries (and ldd, which
# judged the static build above, sees them).
(cd "$app" && go build -o outside-shared .)
# ldd into a variable first: with pipefail, `ldd | grep -q` fails at random
# when grep exits on its match and ldd dies writing the rest (SIGPIPE).
deps="$(ldd "$app/outside-shared")"
if ! grep -q 'libaccountkit\.so' <<<"$deps"; then
  echo "go-test.sh: the outside module built without the tag does not link libaccountkit.so" >&2
  exit 1
fi
"$app/outside-shared" >/dev/null
echo "go-test.sh: all passed"

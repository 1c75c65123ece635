#!/usr/bin/env bash
# `make test-install`: installs a build tree (default build/default, which
# `make test` has built) into a fresh prefix under it, stripped, and checks the
# install as a user of it would meet it:
#   1. the files are there, the libraries and the program carry no debug
#      information, the archives no debug sections;
#   2. bin/accountkit-sandbox runs (starts, serves, stops on SIGTERM) without
#      LD_LIBRARY_PATH ($ORIGIN-relative RPATH);
#   3. examples/c/lifecycle.c, copied outside the source tree, builds and runs
#      against the sandbox four ways: CMake find_package with the shared
#      libraries (without simdjson's CMake package: shared users need none) and
#      with the static component; pkg-config --libs; pkg-config --static
#      linking the archives. The CMake and static programs run without
#      LD_LIBRARY_PATH, and the static ones must not need libaccountkit*.so;
#   4. the CMake package's errors: an unknown component, a static component
#      whose dependency is missing.
#   scripts/install-test.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${1:-build/default}
jobs=${JOBS:-2}
if [ ! -f "$build/CMakeCache.txt" ]; then
  echo "install-test: $build is not a configured build tree (cmake --preset default first, or make test-install)" >&2
  exit 2
fi
build=$(cd "$build" && pwd)
for tool in cmake pkg-config cc readelf curl; do
  command -v "$tool" >/dev/null || { echo "install-test: $tool not found (scripts/install-deps.sh)" >&2; exit 2; }
done

work=$build/install-test
prefix=$work/prefix
rm -rf "$work"
mkdir -p "$work"
failures=0
fail() { echo "install-test: FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "install-test: ok: $*"; }

# ---- 1. install ---------------------------------------------------------------
cmake --build "$build" -j"$jobs" >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; exit 1; }
cmake --install "$build" --prefix "$prefix" --strip >"$work/install.log" 2>&1 ||
  { cat "$work/install.log" >&2; echo "install-test: cmake --install failed" >&2; exit 1; }
pc_dir=$(dirname "$(find "$prefix" -name accountkit.pc -path '*/pkgconfig/*' | head -n1)")
[ -f "$pc_dir/accountkit.pc" ] || { echo "install-test: no accountkit.pc under $prefix" >&2; exit 1; }
export PKG_CONFIG_PATH=$pc_dir
libdir=$(pkg-config --variable=libdir accountkit)
libdir=$(cd "$libdir" && pwd)   # the .pc's prefix is relative to itself: this checks it resolves
case $libdir in "$prefix"/*) ;; *) fail "pkg-config's libdir $libdir is outside $prefix" ;; esac
version=$(pkg-config --modversion accountkit)
echo "install-test: accountkit $version installed into $prefix (libdir $libdir)"

for f in "$prefix/include/accountkit/accountkit.h" "$prefix/include/accountkit/plan.h" "$prefix/include/accountkit/sandbox.h" \
  "$libdir/libaccountkit.so" "$libdir/libaccountkit-sandbox.so" "$libdir/libaccountkit.a" \
  "$libdir/libaccountkit-sandbox.a" "$libdir/pkgconfig/accountkit-sandbox.pc" \
  "$libdir/cmake/accountkit/accountkitConfig.cmake" "$libdir/cmake/accountkit/accountkitConfigVersion.cmake" \
  "$prefix/bin/accountkit-sandbox" "$prefix/share/doc/accountkit/LICENSE"; do
  [ -e "$f" ] || fail "missing ${f#"$prefix"/}"
done

# Stripped: no .debug_* sections anywhere; the shared libraries and the
# program without a symbol table either (strip-all), and small.
max_kb=${AK_INSTALL_MAX_KB:-8192}
for f in "$libdir"/libaccountkit.so "$libdir"/libaccountkit-sandbox.so "$prefix/bin/accountkit-sandbox"; do
  f=$(readlink -f "$f")
  kb=$(($(stat -c %s "$f") / 1024))
  if readelf -S -W "$f" | grep -qE ' \.(debug_[a-z]+|symtab) '; then
    fail "$(basename "$f") is not stripped"
  elif [ "$kb" -gt "$max_kb" ]; then
    fail "$(basename "$f") is $kb KiB, more than $max_kb KiB"
  else
    ok "$(basename "$f") stripped, $kb KiB"
  fi
done
for f in "$libdir"/libaccountkit.a "$libdir"/libaccountkit-sandbox.a; do
  kb=$(($(stat -c %s "$f") / 1024))
  if readelf -S -W "$f" | grep -qE ' \.debug_info '; then
    fail "$(basename "$f") carries debug information ($kb KiB)"
  else
    ok "$(basename "$f") without debug information, $kb KiB"
  fi
done

# ---- 2. the installed program, without LD_LIBRARY_PATH -----------------------------
for f in "$prefix/bin/accountkit-sandbox" "$libdir/libaccountkit-sandbox.so"; do
  readelf -d "$f" | grep -qE 'R(UN)?PATH.*\$ORIGIN' || fail "$(basename "$f") has no \$ORIGIN RPATH"
done
unresolved=$(env -u LD_LIBRARY_PATH ldd "$prefix/bin/accountkit-sandbox" | grep -E 'libaccountkit|not found' | grep -v "$prefix" || true)
[ -z "$unresolved" ] || fail "accountkit-sandbox resolves outside the prefix: $unresolved"
out=$work/sandbox.out
# env execs the program, so $! is the program's pid.
env -u LD_LIBRARY_PATH "$prefix/bin/accountkit-sandbox" --port 0 >"$out" 2>&1 &
sandbox_pid=$!
trap 'kill "$sandbox_pid" 2>/dev/null || true' EXIT
port=""
for _ in $(seq 200); do
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out")
  [ -n "$port" ] && break
  kill -0 "$sandbox_pid" 2>/dev/null || break
  sleep 0.05
done
if [ -z "$port" ]; then
  fail "the installed accountkit-sandbox did not start: $(head -c 300 "$out")"
else
  # Any HTTP answer will do: the server is up and serving.
  curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" | grep -qE '^[1-5][0-9][0-9]$' ||
    fail "the installed accountkit-sandbox does not answer on port $port"
  kill -TERM "$sandbox_pid"
  status=0
  wait "$sandbox_pid" || status=$?
  if [ "$status" -eq 0 ]; then ok "bin/accountkit-sandbox served on port $port and stopped on SIGTERM"
  else fail "bin/accountkit-sandbox exited $status after SIGTERM"; fi
fi
trap - EXIT

# ---- 3. programs built outside the source tree ----------------------------------------
src=$work/consumer
mkdir -p "$src"
cp examples/c/lifecycle.c "$src/"
cat >"$src/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.25)
project(accountkit_consumer C)
# AK_LINK: shared (accountkit::accountkit + accountkit::sandbox) or static
# (the component sandbox_static, which brings accountkit::accountkit_static).
set(AK_LINK shared CACHE STRING "shared or static")
set(AK_VERSION "" CACHE STRING "the version asked of find_package")
if(AK_LINK STREQUAL "static")
  find_package(accountkit ${AK_VERSION} REQUIRED COMPONENTS sandbox_static)
  set(libs accountkit::sandbox_static)
else()
  find_package(accountkit ${AK_VERSION} REQUIRED)
  set(libs accountkit::accountkit accountkit::sandbox)
endif()
add_executable(lifecycle lifecycle.c)
target_link_libraries(lifecycle PRIVATE ${libs})
EOF

# run_lifecycle NAME BINARY [env...]: runs the program against its own sandbox.
run_lifecycle() {
  local name=$1 bin=$2
  shift 2
  if env "$@" "$bin" >"$work/$name.log" 2>&1; then ok "$name: lifecycle ran against the sandbox"
  else fail "$name: lifecycle failed (log $work/$name.log): $(tail -3 "$work/$name.log" | tr '\n' ' ')"; fi
}
# needs_no_accountkit_so NAME BINARY: a statically linked program must not.
needs_no_accountkit_so() {
  if readelf -d "$2" | grep -q 'NEEDED.*libaccountkit'; then
    fail "$1: links libaccountkit*.so: $(readelf -d "$2" | grep -o 'libaccountkit[^]]*' | tr '\n' ' ')"
  fi
}
cmake_consumer() {  # NAME, then configure arguments
  local name=$1 dir=$work/$1
  shift
  if ! cmake -S "$src" -B "$dir" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" -DAK_VERSION="$version" "$@" >"$dir.log" 2>&1 ||
    ! cmake --build "$dir" >>"$dir.log" 2>&1; then
    fail "$name: the CMake consumer did not build (log $dir.log): $(grep -m3 -iE 'error' "$dir.log" | tr '\n' ' ')"
    return 1
  fi
}
# Shared, and simdjson's package made unfindable: a shared user needs none.
if cmake_consumer cmake-shared -DCMAKE_DISABLE_FIND_PACKAGE_simdjson=ON; then
  readelf -d "$work/cmake-shared/lifecycle" | grep -q 'NEEDED.*libaccountkit-sandbox\.so' ||
    fail "cmake-shared: lifecycle does not link libaccountkit-sandbox.so"
  run_lifecycle cmake-shared "$work/cmake-shared/lifecycle" -u LD_LIBRARY_PATH
fi
if cmake_consumer cmake-static -DAK_LINK=static; then
  needs_no_accountkit_so cmake-static "$work/cmake-static/lifecycle"
  run_lifecycle cmake-static "$work/cmake-static/lifecycle" -u LD_LIBRARY_PATH
fi

# pkg-config, shared: no RPATH, so the loader is told where libdir is.
if cc -std=c99 -o "$work/pc-shared" "$src/lifecycle.c" $(pkg-config --cflags --libs accountkit accountkit-sandbox) \
  >"$work/pc-shared.build.log" 2>&1; then
  run_lifecycle pc-shared "$work/pc-shared" LD_LIBRARY_PATH="$libdir"
else
  fail "pc-shared: cc failed: $(head -5 "$work/pc-shared.build.log" | tr '\n' ' ')"
fi
# pkg-config --static: the archives, named so that the linker does not take the
# .so beside them (README.md, "Installing"), and whatever they need.
static_libs=$(pkg-config --static --libs accountkit-sandbox)
for l in -lcurl -lsimdjson -lstdc++ -lm -pthread -lcpp-httplib; do
  tr ' ' '\n' <<<"$static_libs" | grep -qxF -- "$l" || fail "pkg-config --static --libs accountkit-sandbox lacks $l: $static_libs"
done
static_libs=$(sed -E 's/-laccountkit-sandbox( |$)/-l:libaccountkit-sandbox.a\1/; s/-laccountkit( |$)/-l:libaccountkit.a\1/' <<<"$static_libs")
if cc -std=c99 -o "$work/pc-static" "$src/lifecycle.c" $(pkg-config --cflags accountkit-sandbox) $static_libs \
  >"$work/pc-static.build.log" 2>&1; then
  needs_no_accountkit_so pc-static "$work/pc-static"
  run_lifecycle pc-static "$work/pc-static" -u LD_LIBRARY_PATH
else
  fail "pc-static: cc ... $static_libs failed: $(grep -m5 -E 'error|undefined' "$work/pc-static.build.log" | tr '\n' ' ')"
fi

# ---- 4. the CMake package's errors ----------------------------------------------------
expect_configure_error() {  # NAME, source dir, the message expected, then configure arguments
  local name=$1 dir=$work/$1 from=$2 want=$3
  shift 3
  if cmake -S "$from" -B "$dir" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" "$@" >"$dir.log" 2>&1; then
    fail "$name: configure succeeded, expected an error"
  elif ! grep -q "$want" "$dir.log"; then
    fail "$name: the error does not say \"$want\" (log $dir.log)"
  else
    ok "$name: find_package fails with \"$want\""
  fi
}
mkdir -p "$work/consumer-bogus"
cp "$src/lifecycle.c" "$work/consumer-bogus/"
sed 's/COMPONENTS sandbox_static/COMPONENTS sandbox_static bogus/' "$src/CMakeLists.txt" \
  >"$work/consumer-bogus/CMakeLists.txt"
expect_configure_error unknown-component "$work/consumer-bogus" "no component 'bogus'" -DAK_LINK=static
expect_configure_error static-without-simdjson "$src" "needs simdjson" -DAK_LINK=static \
  -DCMAKE_DISABLE_FIND_PACKAGE_simdjson=ON

if [ "$failures" -ne 0 ]; then
  echo "install-test: $failures check(s) FAILED (files under $work)" >&2
  exit 1
fi
echo "install-test: all passed in ${SECONDS}s"

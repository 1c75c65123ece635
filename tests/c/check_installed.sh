#!/usr/bin/env bash
# Installs the build into a scratch prefix, then compiles a C99 program against
# the installed header with pkg-config and strict warnings, and runs it.
set -euo pipefail
build=$1 source=$2 cc=$3 extra_flags=${4:-}  # extra_flags: the build's own (sanitizers)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cmake --install "$build" --prefix "$stage" >/dev/null
libdir=$(dirname "$(find "$stage" -name accountkit.pc -print -quit)")/..
export PKG_CONFIG_PATH="$libdir/pkgconfig"
flags=$(pkg-config --define-variable=prefix="$stage" --cflags --libs accountkit accountkit-sandbox)
"$cc" -std=c99 -Wall -Wextra -pedantic -Werror $extra_flags "$source" -o "$stage/c99_client" $flags
LD_LIBRARY_PATH="$libdir" "$stage/c99_client"

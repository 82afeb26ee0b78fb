#!/bin/sh
# bench/threshold_rebuild.sh: builds bench/threshold_rebuild.c against a
# build tree's libraries and runs it (see the top of that file for what it
# measures). Usage: bench/threshold_rebuild.sh [BUILD_DIR] [ARGS...]
# BUILD_DIR defaults to ./build (a RelWithDebInfo tree: `make build`).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
[ $# -gt 0 ] && shift
cc=${CC:-cc}
msgpack=$(pkg-config --exists msgpack-c && echo msgpack-c || echo msgpack)
cmake --build "$build" --target threshold_core ratify_common >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2046 # pkg-config output is meant to be split
"$cc" -std=c11 -O2 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
    -I"$root/common" -I"$root/services/threshold" \
    "$root/bench/threshold_rebuild.c" \
    "$build/services/threshold/libthreshold_core.a" "$build/common/libratify_common.a" \
    $(pkg-config --cflags --libs libczmq libzmq "$msgpack" sqlite3 jansson) -lm \
    -o "$tmp/bench-threshold-rebuild"
"$tmp/bench-threshold-rebuild" "$@"

#!/bin/sh
# tests/fuzz/run.sh [SECONDS]: builds the libFuzzer targets with clang into
# build-fuzz/ (standalone: cmake -S tests/fuzz, so the rest of the tree need
# not build) and runs each for SECONDS seconds (default 60), reading the seed
# corpus tests/fuzz/corpus/<target>/ and keeping new inputs in
# build-fuzz/corpus-<target>/. Runs every target, and exits non-zero when any
# found a crash, a leak or an out-of-memory; the input is saved as
# build-fuzz/crash-<sha1> (or oom-, leak-, timeout-): reproduce with
# build-fuzz/fuzz_<target> build-fuzz/crash-<sha1>. `make fuzz` runs this.
set -eu
seconds=${1:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD:-$root/build-fuzz}
jobs=$(nproc 2>/dev/null || echo 2)

CC=${CC:-clang} cmake -S "$root/tests/fuzz" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$jobs"
status=0
for target in msg csv; do
    extra=
    [ "$target" = csv ] && extra=-max_len=20000
    mkdir -p "$build/corpus-$target"
    echo "== fuzz_$target for ${seconds}s"
    # shellcheck disable=SC2086 # $extra is empty or one option
    if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        "$build/fuzz_$target" -max_total_time="$seconds" -rss_limit_mb=512 \
        -malloc_limit_mb=64 $extra -print_final_stats=1 -artifact_prefix="$build/" \
        "$build/corpus-$target" "$root/tests/fuzz/corpus/$target"; then
        echo "fuzz_$target: failed (see $build/crash-* or $build/oom-*)" >&2
        status=1
    fi
done
exit $status

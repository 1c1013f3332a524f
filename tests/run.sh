#!/bin/sh
# Build scoperun and run every test: the README's test command, and what
# CI runs. Stages: the default build with all tests; the same tests under
# AddressSanitizer + UndefinedBehaviorSanitizer; the libFuzzer targets over
# their seed corpora for a short while; the benchmarks, for a figure only.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
sh "$src/tests/install-deps.sh" test

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
stage() { printf '\n==== %s\n' "$*"; }
# ctest's output is kept so its verdict can close the run for CI's reader.
run_ctest() {
	name=$1
	shift
	ctest "$@" --output-on-failure -j "$jobs" >"$logs/$name" 2>&1 || {
		cat "$logs/$name"
		exit 1
	}
	cat "$logs/$name"
}

stage "build and test (default build type)"
# ON in so many words: examples/demo.sh configures build/ without tests
cmake -S "$src" -B "$src/build" -DSCOPERUN_TESTS=ON >/dev/null
cmake --build "$src/build" -j "$jobs"
run_ctest default --test-dir "$src/build"

stage "build and test under ASan + UBSan"
cmake -S "$src" -B "$src/build-asan" -DCMAKE_BUILD_TYPE=Debug \
    -DSCOPERUN_SANITIZE=ON >/dev/null
cmake --build "$src/build-asan" -j "$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    run_ctest asan --test-dir "$src/build-asan"

stage "fuzz targets (libFuzzer, ${SCOPERUN_FUZZ_SECONDS:-30}s each)"
CC=clang cmake -S "$src" -B "$src/build-fuzz" -DSCOPERUN_FUZZ=ON \
    -DSCOPERUN_TESTS=OFF >/dev/null
cmake --build "$src/build-fuzz" -j "$jobs"
sh "$src/tests/fuzz/run.sh" "$src/build-fuzz/tests/fuzz" \
    "${SCOPERUN_FUZZ_SECONDS:-30}"

stage "benchmarks (a figure, not a pass/fail test)"
for bench in run audit repo scan mask sandbox; do
	sh "$src/tests/bench/$bench.sh" "$src/build" ||
	    echo "benchmark $bench.sh failed"
done
stage "summary"
grep -h -A1 'tests passed' "$logs/asan" "$logs/default"

#!/bin/sh
# audit.sh BUILD_DIR - the audit log's speed bars (SPEC §5, §8) as figures:
# an append costs the same at 0 and at 1,000,000 records (bar: within
# 10%), and `scoperun audit verify` checks at least 500,000 records/s.
# bench_audit.c builds the big log in-process and times the appends; the
# verify figure is the real binary's, seals checked with the initial key.
# Exits 0 whatever the figures; non-zero only when something could not run.
# BENCH_AUDIT_N (default 1000000) and BENCH_AUDIT_APPENDS (default 200).
set -eu
[ $# -eq 1 ] || {
	echo "usage: $0 BUILD_DIR" >&2
	exit 2
}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "$1" && pwd)
scoperun=$build/scoperun
n=${BENCH_AUDIT_N:-1000000}
appends=${BENCH_AUDIT_APPENDS:-200}
for f in "$scoperun" "$build/libscoperun_lib.a"; do
	[ -e "$f" ] || {
		echo "bench: $f not built" >&2
		exit 1
	}
done

# one file however big: rotation (64 MiB) would start the appends and the
# verify on a fresh file, and measure nothing
export SCOPERUN_AUDIT_ROTATE_BYTES=1000000000000

umask 077
T=$(mktemp -d "${TMPDIR:-/tmp}/sr-bench-audit.XXXXXX")
trap 'rm -rf "$T"' EXIT
chmod 700 "$T"

${CC:-cc} -std=c17 -O2 -Wall -Wextra -Werror -Wconversion \
    -Wno-sign-conversion -Wshadow -Wstrict-prototypes \
    -Wmissing-prototypes -Wvla -D_POSIX_C_SOURCE=200809L \
    -D_DEFAULT_SOURCE -I"$src/lib" $(pkg-config --cflags libsodium) \
    -o "$T/bench_audit" "$here/bench_audit.c" "$build/libscoperun_lib.a" \
    $(pkg-config --libs libsodium libgit2)

"$T/bench_audit" "$T" "$n" "$appends"

# The real binary over the same log; the best of three (page cache warm).
log=$T/big/audit.jsonl
records=$(wc -l <"$log" | tr -d ' ')
best=
for i in 1 2 3; do
	t0=$(date +%s%N)
	"$scoperun" audit verify "$log" >"$T/out" 2>"$T/err" || {
		echo "bench: scoperun audit verify failed: $(cat "$T/err")" >&2
		exit 1
	}
	t1=$(date +%s%N)
	us=$(((t1 - t0) / 1000))
	[ -z "$best" ] || [ "$us" -lt "$best" ] && best=$us
done
grep -q "$records records intact: chain ok, seals ok" "$T/out" || {
	echo "bench: unexpected verify output: $(cat "$T/out")" >&2
	exit 1
}
awk -v r="$records" -v us="$best" 'BEGIN {
	printf "bench: audit verify %.0f records/s (scoperun audit verify, " \
	    "%d records, seals checked, %.2f s; bar 500000)\n",
	    r / (us / 1e6), r, us / 1e6
}'
exit 0

#!/bin/sh
# audit.sh BUILD_DIR - the audit log's speed bars (SPEC §5, §8) as figures:
# an append costs the same at 0 and at 1,000,000 records (bar: within
# 10%), and `scoperun audit verify` checks at least 500,000 records/s.
# bench_audit.c builds the big log in-process and times the appends; the
# verify figure is the real binary's, seals checked with the initial key.
# Exits 0 whatever the figures; non-zero only when something could not run.
# BENCH_AUDIT_N (default 1000000) and BENCH_AUDIT_APPENDS (default 200).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
setup "$@"
n=${BENCH_AUDIT_N:-1000000}
appends=${BENCH_AUDIT_APPENDS:-200}
sublibs audit run forms crypto core
[ -e "$build/lib/libsr_audit.a" ] || die "$build/lib/libsr_audit.a not built"

# one file however big: rotation (64 MiB) would start the appends and the
# verify on a fresh file, and measure nothing
export SCOPERUN_AUDIT_ROTATE_BYTES=1000000000000

scratch sr-bench-audit
# audit_impl.h: the bench times the log's internals
cc_bench -I"$src/lib/audit" $sub_cflags $(pkg-config --cflags libsodium) \
    -o "$T/bench_audit" "$here/bench_audit.c" $sub_libs \
    $(pkg-config --libs libsodium libgit2)

"$T/bench_audit" "$T" "$n" "$appends"

# The real binary over the same log; the best of three (page cache warm).
log=$T/big/audit.jsonl
records=$(wc -l <"$log" | tr -d ' ')
best=
for i in 1 2 3; do
	t0=$(date +%s%N)
	"$scoperun" audit verify "$log" >"$T/out" 2>"$T/err" ||
	    die "scoperun audit verify failed: $(cat "$T/err")"
	t1=$(date +%s%N)
	us=$(((t1 - t0) / 1000))
	[ -z "$best" ] || [ "$us" -lt "$best" ] && best=$us
done
# verify walks the rotated files too: count what it says it verified, not
# the lines of the live file (rotation left 200 there, and the figure
# came out 5000 times too low)
records=$(sed -n 's/.*: \([0-9][0-9]*\) records intact: chain ok, seals ok.*/\1/p' \
    "$T/out")
[ -n "$records" ] || die "unexpected verify output: $(cat "$T/out")"
awk -v r="$records" -v us="$best" 'BEGIN {
	printf "bench: audit verify %.0f records/s (scoperun audit verify, " \
	    "%d records, seals checked, %.2f s; bar 500000)\n",
	    r / (us / 1e6), r, us / 1e6
}'
exit 0

#!/bin/sh
# run.sh BUILD_DIR - the speed bar of SPEC §8, as a figure: a warm
# `scoperun bench -- /bin/true` against `env -i` setting as many variables,
# run alternately by bench_exec so machine noise hits both alike.
# Exits 0 whatever the ratio; non-zero only when something could not run.
# BENCH_N (default 2000) and BENCH_WARMUP (default 50) tune the run.
set -eu
[ $# -eq 1 ] || {
	echo "usage: $0 BUILD_DIR" >&2
	exit 2
}
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
scoperun=$build/scoperun
bench=$build/bench_exec
bar=1.5
[ -x "$scoperun" ] || {
	echo "bench: $scoperun not built" >&2
	exit 1
}

# Build the timer only when missing or older than its source (find -newer:
# test -nt is not POSIX).
if [ ! -x "$bench" ] ||
    [ -n "$(find "$here/bench_exec.c" -newer "$bench")" ]; then
	${CC:-cc} -std=c17 -O2 -Wall -Wextra -Werror -Wconversion \
	    -Wno-sign-conversion -Wshadow -Wstrict-prototypes \
	    -Wmissing-prototypes -Wvla -D_POSIX_C_SOURCE=200809L \
	    -D_DEFAULT_SOURCE -o "$bench" "$here/bench_exec.c"
fi

umask 077
T=$(mktemp -d "${TMPDIR:-/tmp}/sr-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
chmod 700 "$T"
cat >"$T/bench.toml" <<'EOF'
[agent]
name = "bench"
owner = "bench@example.com"
purpose = "benchmark"
expires = 2099-01-01T00:00:00Z
[env]
inherit = ["PATH", "HOME", "LANG", "LC_*", "TERM"]
set = { A = "1", B = "2", C = "3", D = "4", E = "5", F = "6", G = "7", H = "8", I = "9", J = "10" }
[exec]
allow = ["true"]
EOF
chmod 600 "$T/bench.toml"
export SCOPERUN_POLICY_DIR="$T"

# One run of each first, so a broken setup fails with its own message.
"$scoperun" bench -- /bin/true || {
	echo "bench: scoperun bench -- /bin/true failed" >&2
	exit 1
}

env=$(command -v env)
"$bench" -n "${BENCH_N:-2000}" -w "${BENCH_WARMUP:-50}" \
    "$env" -i PATH=/usr/bin:/bin A=1 B=2 C=3 D=4 E=5 F=6 G=7 H=8 I=9 J=10 \
    /bin/true ::: "$scoperun" bench -- /bin/true >"$T/out" || {
	cat "$T/out"
	echo "bench: a command failed; no figure" >&2
	exit 1
}
cat "$T/out"
sed -n 's/^result //p' "$T/out" | {
	read -r a b r
	a=${a#*=} b=${b#*=} r=${r#*=}
	awk -v a="$a" -v b="$b" -v r="$r" -v bar="$bar" 'BEGIN {
		printf "bench: scoperun %.2f ms vs env -i %.2f ms: ratio %.2f " \
		    "(bar: %s)%s\n", b / 1000, a / 1000, r, bar,
		    (r > bar ? " ABOVE BAR" : "")
	}'
}

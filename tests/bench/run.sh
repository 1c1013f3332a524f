#!/bin/sh
# run.sh BUILD_DIR - the speed bar of SPEC §8, as a figure: a warm
# `scoperun bench -- /bin/true` against `env -i` setting as many variables,
# run alternately by bench_exec so machine noise hits both alike. Then the
# vault-size figures: 10 grants from a 1,000-secret vault against the same
# grants from a 10-secret vault (bar 1.10), and against `env -i` (bar 1.5).
# Exits 0 whatever the ratio; non-zero only when something could not run.
# BENCH_N (default 2000; half as many for each vault figure) and
# BENCH_WARMUP (default 50) tune the run.
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

# ---- Vault size (SPEC §4, §8): a run's work grows with its grants, not
# with the vault. The same 10 grants from a 1,000-secret vault and from a
# 10-secret vault (bar: within 10%), and the 1,000-secret run against
# `env -i` with 10 variables (bar: 1.5x). Vaults are built with the real
# CLI in a private HOME; 1,000 `secret set` calls take a few seconds.
H=$T/home
mkdir -m 700 "$H"
export HOME="$H" XDG_CONFIG_HOME="$H/.config" XDG_DATA_HOME="$H/.local/share"
export XDG_STATE_HOME="$H/.local/state"
unset SCOPERUN_IDENTITY SCOPERUN_VAULT SCOPERUN_AUDIT
big=$XDG_DATA_HOME/scoperun/vault.sealed
small=$T/small.sealed
nbig=1000
if ! "$scoperun" init >/dev/null || ! cp "$big" "$small"; then
	echo "bench: scoperun init failed" >&2
	exit 1
fi

# s/0001 .. s/1000 in the big vault; the grants are every 100th, and the
# small vault holds exactly those.
set_secret() {
	printf 'value-%s-0123456789abcdef0123456789abcdef' "$2" |
	    "$scoperun" secret set --vault "$1" "$2" >/dev/null || {
		echo "bench: scoperun secret set $2 failed" >&2
		exit 1
	}
}
t0=$(date +%s)
i=1
while [ "$i" -le "$nbig" ]; do
	set_secret "$big" "$(printf 's/%04d' "$i")"
	i=$((i + 1))
done
grants=
i=100
while [ "$i" -le "$nbig" ]; do
	name=$(printf 's/%04d' "$i")
	set_secret "$small" "$name"
	grants="$grants$(printf 'S%04d = "%s"' "$i" "$name")
"
	i=$((i + 100))
done
echo "bench: built vaults of $nbig and 10 secrets in $(($(date +%s) - t0)) s"
cat >"$T/grants.toml" <<EOT
[agent]
name = "grants"
owner = "bench@example.com"
purpose = "benchmark"
expires = 2099-01-01T00:00:00Z
[env]
inherit = ["PATH", "HOME", "LANG", "LC_*", "TERM"]
[secrets]
${grants}[exec]
allow = ["true"]
EOT
chmod 600 "$T/grants.toml"
for v in "$big" "$small"; do
	"$scoperun" --vault "$v" grants -- /bin/true || {
		echo "bench: scoperun --vault $v grants -- /bin/true failed" >&2
		exit 1
	}
done

# side_by_side LABEL_A LABEL_B BAR CMD_A... ::: CMD_B...: run bench_exec,
# show its output, and sum it up in one line. Half the rounds of the first
# figure: a run with grants costs more, and the whole stays near a minute.
side_by_side() {
	la=$1 lb=$2 sbar=$3
	shift 3
	"$bench" -n $(((${BENCH_N:-2000} + 1) / 2)) -w "${BENCH_WARMUP:-50}" \
	    "$@" >"$T/out" || {
		cat "$T/out"
		echo "bench: a command failed; no figure" >&2
		exit 1
	}
	cat "$T/out"
	sed -n 's/^result //p' "$T/out" | {
		read -r a b r
		a=${a#*=} b=${b#*=} r=${r#*=}
		awk -v a="$a" -v b="$b" -v r="$r" -v bar="$sbar" \
		    -v la="$la" -v lb="$lb" 'BEGIN {
			printf "bench: %s %.2f ms vs %s %.2f ms: ratio %.2f " \
			    "(bar: %s)%s\n", lb, b / 1000, la, a / 1000, r,
			    bar, (r > bar ? " ABOVE BAR" : "")
		}'
	}
}

side_by_side "from 10 secrets" "10 grants from $nbig secrets" 1.10 \
    "$scoperun" --vault "$small" grants -- /bin/true ::: \
    "$scoperun" --vault "$big" grants -- /bin/true
side_by_side "env -i" "10 grants from $nbig secrets" "$bar" \
    "$env" -i PATH=/usr/bin:/bin A=1 B=2 C=3 D=4 E=5 F=6 G=7 H=8 I=9 J=10 \
    /bin/true ::: "$scoperun" --vault "$big" grants -- /bin/true

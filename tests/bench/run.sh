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
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
setup "$@"
bar=1.5
timer "$build/bench_exec"

scratch sr-bench
home		# audit records and caches go there, not to the caller's HOME
policy bench <<'EOF'
[env]
inherit = ["PATH", "HOME", "LANG", "LC_*", "TERM"]
set = { A = "1", B = "2", C = "3", D = "4", E = "5", F = "6", G = "7", H = "8", I = "9", J = "10" }
[exec]
allow = ["true"]
EOF
export SCOPERUN_POLICY_DIR="$T"

# One run of each first, so a broken setup fails with its own message.
"$scoperun" bench -- /bin/true || die "scoperun bench -- /bin/true failed"

# figure N LABEL_A LABEL_B BAR CMD_A... ::: CMD_B...: run bench_exec, show
# its output, and sum it up in one line.
figure() {
	fn=$1 la=$2 lb=$3 fbar=$4
	shift 4
	pair -n "$fn" -w "${BENCH_WARMUP:-50}" "$@" ||
	    die "a command failed; no figure"
	cat "$T/out"
	ratio %.2f %.2f "$la" "$lb" "$fbar"
}
env=$(command -v env)
figure "${BENCH_N:-2000}" "env -i" scoperun "$bar" \
    "$env" -i PATH=/usr/bin:/bin A=1 B=2 C=3 D=4 E=5 F=6 G=7 H=8 I=9 J=10 \
    /bin/true ::: "$scoperun" bench -- /bin/true

# ---- Vault size (SPEC §4, §8): a run's work grows with its grants, not
# with the vault. The same 10 grants from a 1,000-secret vault and from a
# 10-secret vault (bar: within 10%), and the 1,000-secret run against
# `env -i` with 10 variables (bar: 1.5x). Vaults are built with the real
# CLI in the private HOME; 1,000 `secret set` calls take a few seconds.
big=$XDG_DATA_HOME/scoperun/vault.sealed
small=$T/small.sealed
nbig=1000
cp "$big" "$small" || die "cannot copy the vault"

# s/0001 .. s/1000 in the big vault; the grants are every 100th, and the
# small vault holds exactly those.
set_secret() {
	printf 'value-%s-0123456789abcdef0123456789abcdef' "$2" |
	    "$scoperun" secret set --vault "$1" "$2" >/dev/null ||
	    die "scoperun secret set $2 failed"
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
policy grants <<EOT
[env]
inherit = ["PATH", "HOME", "LANG", "LC_*", "TERM"]
[secrets]
${grants}[exec]
allow = ["true"]
EOT
for v in "$big" "$small"; do
	"$scoperun" --vault "$v" grants -- /bin/true ||
	    die "scoperun --vault $v grants -- /bin/true failed"
done

# Half the rounds of the first figure: a run with grants costs more, and
# the whole stays near a minute.
half=$(((${BENCH_N:-2000} + 1) / 2))
figure "$half" "from 10 secrets" "10 grants from $nbig secrets" 1.10 \
    "$scoperun" --vault "$small" grants -- /bin/true ::: \
    "$scoperun" --vault "$big" grants -- /bin/true
figure "$half" "env -i" "10 grants from $nbig secrets" "$bar" \
    "$env" -i PATH=/usr/bin:/bin A=1 B=2 C=3 D=4 E=5 F=6 G=7 H=8 I=9 J=10 \
    /bin/true ::: "$scoperun" --vault "$big" grants -- /bin/true

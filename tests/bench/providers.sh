#!/bin/sh
# providers.sh BUILD_DIR - SPEC §10's speed claims, as figures:
# 1. a run whose 3 grants come from a provider cache hit against the same
#    run with the 3 grants from the vault (issue 13: no more, bar 1.0);
# 2. a run with a provider (no cache) against its command run alone and
#    then the same run without the provider, both under one sh -c, so the
#    ratio is what scoperun adds around the provider (bar 1.15: SPEC §8
#    "a provider adds nothing beyond its own command's time");
# 3. for scale, the provider's command alone against the run with it.
# Exits 0 whatever the ratios; non-zero only when something could not run.
# BENCH_N (default 500) and BENCH_WARMUP (default 30) tune the run.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
setup "$@"
timer "$build/bench_exec"
scratch sr-bench-prov
home
export SCOPERUN_POLICY_DIR="$T"
n=${BENCH_N:-500}

for s in a b c; do
	printf 'value-%s-0123456789abcdef0123456789abcdef' "$s" |
	    "$scoperun" secret set "bench/$s" >/dev/null ||
	    die "scoperun secret set failed"
done
# The stand-in provider: a small binary printing one JSON answer.
prov=$T/mint
cat >"$prov.c" <<'EOC'
#include <stdio.h>
int main(void);
int
main(void)
{
	fputs("{\"A\":\"minted-a-0123456789abcdef\",\"B\":\"minted-b-0123456789"
	    "abcdef\",\"C\":\"minted-c-0123456789abcdef\"}\n", stdout);
	return 0;
}
EOC
cc_bench -o "$prov" "$prov.c" || die "cannot build the stand-in provider"

policy fromvault <<'EOP'
[env]
inherit = ["PATH", "HOME"]
[secrets]
A = "bench/a"
B = "bench/b"
C = "bench/c"
[exec]
allow = ["true"]
EOP
# pminted NAME CACHE-LINE: 3 grants from one json provider
pminted() {
	policy "$1" <<EOP
[env]
inherit = ["PATH", "HOME"]
[providers.p]
command = ["$prov"]
format = "json"
$2
[secrets.A]
provider = "p"
field = "A"
[secrets.B]
provider = "p"
field = "B"
[secrets.C]
provider = "p"
field = "C"
[exec]
allow = ["true"]
EOP
}
pminted cached 'cache = "50m"'
pminted minted ''
policy plain <<'EOP'
[env]
inherit = ["PATH", "HOME"]
[exec]
allow = ["true"]
EOP
for a in fromvault cached minted plain; do
	"$scoperun" "$a" -- /bin/true || die "scoperun $a -- /bin/true failed"
done

figure() {
	fn=$1 la=$2 lb=$3 fbar=$4
	shift 4
	pair -n "$fn" -w "${BENCH_WARMUP:-30}" "$@" ||
	    die "a command failed; no figure"
	cat "$T/out"
	ratio %.3f %.2f "$la" "$lb" "$fbar"
}
figure "$n" "3 grants from the vault" "3 grants from a cache hit" 1.0 \
    "$scoperun" fromvault -- /bin/true ::: "$scoperun" cached -- /bin/true
figure "$n" "provider alone, then a plain run" "a run with the provider" \
    1.15 /bin/sh -c "\"$prov\" >/dev/null && exec \"$scoperun\" plain -- /bin/true" \
    ::: /bin/sh -c "exec \"$scoperun\" minted -- /bin/true"
figure "$n" "the provider's command alone" "scoperun with it (no cache)" "" \
    "$prov" ::: "$scoperun" minted -- /bin/true

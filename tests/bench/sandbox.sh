#!/bin/sh
# sandbox.sh BUILD_DIR - SPEC §8's bar for [sandbox]: a confined run
# (`scoperun confined -- /bin/true`) against the same run unconfined, side
# by side (bench_exec alternates them), bar 1.15. Both policies are the
# same but for [sandbox]; both append to the audit log. The HOME is
# filled like a developer's (dot directories, ~/.config, a project tree):
# hiding with Landlock rules walks the directories that hold hidden
# paths, so its cost grows with their entries; hiding with a mount
# namespace costs one bind mount per hidden path that exists.
# Three pairs: the way scoperun picks here (auto: a mount namespace where
# it may make one, kept between runs by a holder), the same with a
# namespace made for each run (SCOPERUN_SANDBOX_KEEP=0), then
# SCOPERUN_SANDBOX_HIDE=rules, the fallback; each line names the
# mechanism the run record gives.
# Exits 0 whatever the ratio; non-zero only when something could not run.
# BENCH_N (default 1000) and BENCH_WARMUP (default 50) tune the run.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
setup "$@"
bar=1.15
timer "$build/bench_exec"

scratch sr-bench-sandbox
home
[ -n "$H" ] && [ -d "$H" ] || die "no bench HOME"
# a lived-in HOME: the usual stores, 30 dot directories and files, 30
# applications in ~/.config
for d in ssh gnupg aws kube docker cargo npm cache local/bin; do
	mkdir -p "$H/.$d"
done
i=0
while [ "$i" -lt 30 ]; do
	mkdir -p "$H/.config/app$i" "$H/.tool$i"
	: >"$H/.rc$i"
	i=$((i + 1))
done
mkdir -p "$H/src/proj" "$T/pol"
: >"$H/.ssh/id_ed25519"
cd "$H/src/proj"

common='[env]
inherit = ["PATH", "HOME", "LANG"]
[exec]
allow = ["true"]'
printf '%s\n' "$common" | policy plain
printf '%s\n[sandbox]\nwrite = ["."]\ntcp_connect = [443]\n' "$common" |
    policy confined
mv "$T/plain.toml" "$T/confined.toml" "$T/pol/"
export SCOPERUN_POLICY_DIR="$T/pol"

# one run of each first, so a broken setup fails with its own message
"$scoperun" plain -- /bin/true || die "scoperun plain failed"
"$scoperun" confined -- /bin/true || die "scoperun confined failed"
if "$scoperun" confined -- /bin/sh -c ': <"$HOME/.ssh/id_ed25519"' \
    2>/dev/null; then
	die "the confined run read ~/.ssh: no sandbox in force"
fi

# mechanism: what the last run record says the sandbox was
mechanism() {
	"$scoperun" confined -- /bin/true || die "scoperun confined failed"
	grep '"event":"run"' "$H/.local/state/scoperun/audit.jsonl" | tail -1 |
	    sed -n 's/.*"sandbox":{"mechanism":"\([^"]*\)".*/\1/p'
}

for way in auto auto:new rules; do
	SCOPERUN_SANDBOX_HIDE=${way%:new}
	SCOPERUN_SANDBOX_KEEP=1
	[ "$way" = auto:new ] && SCOPERUN_SANDBOX_KEEP=0
	export SCOPERUN_SANDBOX_HIDE SCOPERUN_SANDBOX_KEEP
	mech=$(mechanism)
	[ -n "$mech" ] || die "no mechanism in the run record"
	if [ "$mech" = landlock+mountns ]; then
		[ "$way" = auto ] && mech="$mech, kept" || :
		[ "$way" = auto:new ] && mech="$mech, one per run" || :
	fi
	pair -n "${BENCH_N:-1000}" -w "${BENCH_WARMUP:-50}" \
	    "$scoperun" plain -- /bin/true ::: \
	    "$scoperun" confined -- /bin/true || die "a command failed; no figure"
	cat "$T/out"
	ratio %.2f %.2f unconfined "confined (${way%:new}: $mech)" "$bar"
done
# on a shared machine the ratio moves with the load: say what it was
[ -r /proc/loadavg ] &&
    echo "bench: load average $(cut -d' ' -f1-3 /proc/loadavg), $(id -un)"

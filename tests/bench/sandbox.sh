#!/bin/sh
# sandbox.sh BUILD_DIR - SPEC §8's bar for [sandbox]: a confined run
# against the same run unconfined, side by side (bench_exec alternates
# them), bar 1.15. "The same run" is §8's warm run: `-- /bin/true` with
# 10 grants from a 1,000-secret vault, a durable audit append, in a small
# git repository. Both policies are the same but for [sandbox]. The HOME
# is filled like a developer's (dot directories, ~/.config, a project
# tree): hiding with Landlock rules walks the directories that hold
# hidden paths, so its cost grows with their entries; hiding with a mount
# namespace costs one bind mount per hidden path that exists.
# Four pairs of that run: the way scoperun picks here (auto: a mount
# namespace where it may make one, kept between runs by a holder), the
# same with a namespace made for each run (SCOPERUN_SANDBOX_KEEP=0), then
# SCOPERUN_SANDBOX_HIDE=rules, the fallback, with its ruleset kept by a
# holder and made for each run; each line names the mechanism the run
# record gives and how many confined runs took a holder's. A fifth pair,
# for a figure only, is the barest run (no grant, no repository), where
# the sandbox's share of the time is largest.
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
mkdir -p "$H/src/proj" "$H/src/repo" "$T/pol"
: >"$H/.ssh/id_ed25519"

# §8's vault: s/S0001 .. s/S1000, imported at once; every 100th is granted
nbig=1000
awk -v n="$nbig" 'BEGIN { for (i = 1; i <= n; i++)
	printf "S%04d=value-%d-0123456789abcdef0123456789abcdef\n", i, i }' |
    "$scoperun" secret import --prefix s - >/dev/null 2>"$T/import.err" ||
    die "scoperun secret import failed: $(cat "$T/import.err")"
grants=$(awk -v n="$nbig" 'BEGIN { for (i = 100; i <= n; i += 100)
	printf "S%04d = \"s/S%04d\"\n", i, i }')

# §8's small repository, committed, its index settled for the guard
need_git
(cd "$H/src/repo" && "$git" init -q . && for f in a b c d e; do
	echo "$f" >"$f.c"
done && "$git" add . && "$git" -c user.name=bench \
    -c user.email=bench@example.com commit -qm bench) ||
    die "cannot make the bench repository"

env='[env]
inherit = ["PATH", "HOME", "LANG"]'
exec='[exec]
allow = ["true"]'
box='[sandbox]
write = ["."]
tcp_connect = [443]'
printf '%s\n[secrets]\n%s\n%s\n' "$env" "$grants" "$exec" | policy plain
printf '%s\n[secrets]\n%s\n%s\n%s\n' "$env" "$grants" "$exec" "$box" |
    policy confined
printf '%s\n%s\n' "$env" "$exec" | policy bare
printf '%s\n%s\n%s\n' "$env" "$exec" "$box" | policy bare-confined
mv "$T"/*.toml "$T/pol/"
# pair's report file made now: made during a pair, it would change $T, a
# directory the rules walk when HOME lies in it, and end the holder
: >"$T/out"
export SCOPERUN_POLICY_DIR="$T/pol"

# one run of each first, so a broken setup fails with its own message
cd "$H/src/repo"
for a in plain confined; do
	"$scoperun" "$a" -- /bin/true || die "scoperun $a failed"
done
if "$scoperun" confined -- /bin/sh -c ': <"$HOME/.ssh/id_ed25519"' \
    2>/dev/null; then
	die "the confined run read ~/.ssh: no sandbox in force"
fi

log=$H/.local/state/scoperun/audit.jsonl

# mechanism AGENT: what AGENT's second run's record says the sandbox was
# (the first may start a holder), and whether it was a holder's
mechanism() {
	"$scoperun" "$1" -- /bin/true || die "scoperun $1 failed"
	sleep 1		# the holder it may have started registers
	"$scoperun" "$1" -- /bin/true || die "scoperun $1 failed"
	m=$(grep '"event":"run"' "$log" | tail -1 |
	    sed -n 's/.*"sandbox":{"mechanism":"\([^"]*\)".*/\1/p')
	[ -n "$m" ] || die "no mechanism in the run record"
	kept=$(grep '"event":"run"' "$log" | tail -1 | grep -c '"kept":true') || :
	case $m,$kept in
	landlock+mountns,1) echo "$m, kept" ;;
	landlock+mountns,*) echo "$m, one per run" ;;
	landlock,1) echo "$m, ruleset kept" ;;
	*) echo "$m, ruleset per run" ;;
	esac
}

# sandbox_pair WAY LABEL BAR UNCONFINED CONFINED: one figure, with
# SCOPERUN_SANDBOX_HIDE and _KEEP as WAY says (auto, rules; :new for a
# namespace or ruleset made per run), and how many of the confined runs
# took a holder's
sandbox_pair() {
	SCOPERUN_SANDBOX_HIDE=${1%:new}
	SCOPERUN_SANDBOX_KEEP=1
	case $1 in *:new) SCOPERUN_SANDBOX_KEEP=0 ;; esac
	export SCOPERUN_SANDBOX_HIDE SCOPERUN_SANDBOX_KEEP
	# a ruleset is kept once the directories it walks have been still
	# for 2 s; this HOME was just made
	[ "$SCOPERUN_SANDBOX_KEEP" = 1 ] && sleep 3
	mech=$(mechanism "$5")
	from=$(($(wc -l <"$log") + 1))
	pair -n "${BENCH_N:-1000}" -w "${BENCH_WARMUP:-50}" \
	    "$scoperun" "$4" -- /bin/true ::: \
	    "$scoperun" "$5" -- /bin/true || die "a command failed; no figure"
	cat "$T/out"
	runs=$(tail -n "+$from" "$log" | grep -c "\"agent\":\"$5\"") || :
	held=$(tail -n "+$from" "$log" | grep "\"agent\":\"$5\"" |
	    grep -c '"kept":true') || :
	ratio %.2f %.2f unconfined \
	    "$2 confined (${1%:new}: $mech; $held of $runs runs kept)" "$3"
}

for way in auto auto:new rules rules:new; do
	sandbox_pair "$way" "§8's run" "$bar" plain confined
done
cd "$H/src/proj"
sandbox_pair auto "the barest run (no grant, no repository)" "" \
    bare bare-confined
# on a shared machine the ratio moves with the load: say what it was
[ -r /proc/loadavg ] &&
    echo "bench: load average $(cut -d' ' -f1-3 /proc/loadavg), $(id -un)"

#!/bin/sh
# What scoperun promises about its own process while it holds secrets
# (scoperun(1), "Secrets in a run"), seen from outside as another process
# of the same user would: it is not dumpable (its /proc/PID/environ, like
# its memory, is closed to that user) and its soft RLIMIT_CORE is 0, both
# in a run that has decrypted its grants and in a verb; the agent gets the
# caller's core limit back; in supervised mode a signal to scoperun
# reaches the agent's whole process group, not the agent alone.
# Root reads any process's memory, so as root the test runs as nobody.
if [ "$(id -u)" -eq 0 ] && [ -z "${SR_SECMEM_AS:-}" ]; then
	command -v setpriv >/dev/null 2>&1 || {
		echo "t_secmem: skipped (root without setpriv)"
		exit 77
	}
	d=$(mktemp -d "${TMPDIR:-/tmp}/sr-secmem.XXXXXX") || exit 1
	chmod 755 "$d" && mkdir "$d/e2e" "$d/tmp" &&
	    cp "$SR_TESTS/e2e/lib.sh" "$0" "$d/e2e/" &&
	    cp "$SCOPERUN" "$d/scoperun" && chmod -R a+rX "$d" &&
	    chown 65534:65534 "$d/tmp" || exit 1
	(cd "$d" && SR_SECMEM_AS=nobody SR_TESTS=$d SCOPERUN=$d/scoperun \
	    TMPDIR=$d/tmp setpriv --reuid=65534 --regid=65534 \
	    --clear-groups sh "$d/e2e/${0##*/}")
	rc=$?
	rm -rf "$d"
	exit $rc
fi
. "$SR_TESTS/e2e/lib.sh"
cd "$T" || exit 1
# An ASan build sets its own core limit to 0 as it starts, before
# scoperun can save the caller's; this keeps the caller's for it to save.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}disable_coredump=0"

# wait_for CMD...: until CMD succeeds, for at most 10 s
wait_for() {
	i=0
	until "$@"; do
		i=$((i + 1))
		[ $i -lt 200 ] || return 1
		sleep 0.05
	done
}
# core PID: "SOFT HARD" of PID's core limit, as /proc shows it to all
core() { awk '/^Max core file size/ { print $5, $6 }' "/proc/$1/limits"; }
# closed PID: this user cannot read PID's /proc environ (not dumpable)
closed() { ! cat "/proc/$1/environ" >/dev/null 2>&1; }

# The caller's soft core limit, raised from the usual 0 where the hard
# limit lets it, so that scoperun lowering it to 0 shows.
if ulimit -S -c 4 2>/dev/null; then
	caller="$(core $$)"
else
	caller=
	echo "t_secmem: the hard core limit is 0: the core limit checks are vacuous"
fi
hard=$(ulimit -H -c)

sr init
expect_rc 0 "init"
printf %s 'secmem-value-0123456789' | "$SCOPERUN" secret set t/token ||
    bad "secret set"
for mode in exec supervise mask; do
	{ header "$mode"
	  printf '[env]\ninherit = ["PATH"]\n[secrets]\nTOKEN = "t/token"\n'
	  case $mode in
	  supervise) printf '[exec]\nsupervise = true\n' ;;
	  mask) printf '[exec]\nmask_output = true\n' ;;
	  esac; } | policy "$mode"
done

# ---- the agent gets the caller's core limit back --------------------

for mode in exec supervise mask; do
	sr "$mode" -- sh -c 'echo "$(ulimit -S -c) $(ulimit -H -c)"'
	expect_rc 0 "$mode: the agent ran"
	expect_out "^$(ulimit -S -c) $hard\$" \
	    "$mode: the agent has the caller's core limits"
done

# ---- a run, held while it has decrypted its grants ------------------

# The audit append comes after the grants are decrypted and before the
# exec; holding the log's lock keeps scoperun there, for a look at it.
lock="$XDG_STATE_HOME/scoperun/audit.jsonl.lock"
flock "$lock" sh -c ": >'$T/held'; until [ -e '$T/release' ]; do sleep 0.05; done" &
holder=$!
wait_for test -e "$T/held" || bad "the audit lock is held"
"$SCOPERUN" exec -- sh -c 'ulimit -S -c' >"$T/run.out" 2>&1 &
pid=$!
# blocked_on_lock: scoperun waits for the flock (its "->" line)
blocked_on_lock() { grep -q -- "-> FLOCK .* $pid " /proc/locks; }
if wait_for blocked_on_lock; then
	ok
	[ -z "$caller" ] || { [ "$(core $pid)" = "0 ${caller#* }" ] && ok ||
	    bad "a run with grants: soft core limit 0 (got $(core $pid))"; }
	closed $pid && ok || bad "a run with grants is not dumpable"
	closed $holder && bad "control: a process of this user is readable" ||
	    ok
else
	bad "scoperun waits for the audit lock"
fi
: >"$T/release"
wait $pid
rc=$?
wait $holder
expect_rc 0 "the held run went on"
grep -qx "$(ulimit -S -c)" "$T/run.out" && ok ||
    bad "the held run's agent has the caller's core limit: $(cat "$T/run.out")"

# ---- the supervisor, while the agent runs ---------------------------

for mode in supervise mask; do
	rm -f "$T/agent.pid" "$T/go"
	"$SCOPERUN" "$mode" -- sh -c "echo \$\$ >'$T/agent.pid'
	    until [ -e '$T/go' ]; do sleep 0.05; done" >"$T/out" 2>&1 &
	pid=$!
	if wait_for test -s "$T/agent.pid"; then
		agent=$(cat "$T/agent.pid")
		closed $pid && ok ||
		    bad "$mode: the supervisor is not dumpable"
		closed "$agent" && bad "$mode: the agent is dumpable again" ||
		    ok
	else
		bad "$mode: the agent started"
	fi
	: >"$T/go"
	wait $pid
	rc=$?
	expect_rc 0 "$mode: the agent ended"
done

# ---- a verb, waiting for its value on stdin --------------------------

mkfifo "$T/fifo"
"$SCOPERUN" secret set t/other <"$T/fifo" >"$T/out" 2>&1 &
pid=$!
exec 3>"$T/fifo"
# the verb turns dumps off before it reads: wait until that shows
verb_ready() { closed $pid && { [ -z "$caller" ] || [ "$(core $pid)" = "0 ${caller#* }" ]; }; }
wait_for verb_ready && ok ||
    bad "secret set: not dumpable, soft core limit 0 (got $(core $pid))"
printf %s 'other-value-0123456789' >&3
exec 3>&-
wait $pid
rc=$?
expect_rc 0 "secret set went on"

# ---- supervised: signals reach the agent's process group ------------

# The agent starts a child in its own process group (a shell without job
# control does); each records the signals it gets. On TERM the agent
# waits for that child: had the child not got TERM too, it runs 10 s
# more and records no TERM.
cat >"$T/agent.sh" <<EOF
sh -c 'trap "echo USR1 >>$T/child" USR1
	trap "echo TERM >>$T/child; exit 0" TERM
	echo \$\$ >$T/child.pid
	i=0; while [ \$i -lt 100 ]; do sleep 0.1; i=\$((i + 1)); done' &
child=\$!
trap 'echo USR1 >>$T/agent' USR1
trap 'echo TERM >>$T/agent; wait \$child; exit 3' TERM
while :; do sleep 0.1; done
EOF
"$SCOPERUN" supervise -- sh "$T/agent.sh" >"$T/out" 2>"$T/err" &
pid=$!
if wait_for test -s "$T/child.pid"; then
	child=$(cat "$T/child.pid")
	kill -USR1 $pid
	wait_for grep -qs USR1 "$T/agent" && ok ||
	    bad "USR1 to scoperun reaches the agent"
	wait_for grep -qs USR1 "$T/child" && ok ||
	    bad "USR1 to scoperun reaches the agent's child (its group)"
	kill -TERM $pid
	wait $pid
	rc=$?
	expect_rc 3 "TERM: the agent's status"
	grep -q TERM "$T/child" && ok ||
	    bad "TERM to scoperun reaches the agent's child (its group)"
	kill "$child" 2>/dev/null
else
	bad "the supervised agent started its child"
	kill $pid
fi

finish

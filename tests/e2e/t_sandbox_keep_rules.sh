#!/bin/sh
# t_sandbox_keep_rules.sh - the Landlock ruleset kept between confined
# runs that hide with rules (lib/run/sandbox_rules_keep.c), with real
# processes: a second run takes the ruleset the first run's holder keeps
# (its record says "kept":true); a directory on the walk that changed, a
# sibling renamed to a hidden name, a dead holder, a registry others
# could have written, or SCOPERUN_SANDBOX_KEEP=0 gives a run a ruleset of
# its own, and the secret stays hidden every time. An agent cannot take
# the holder's ruleset; the user, outside any sandbox, can. Each denial
# is paired with a control. Run as the caller and, when that is root, as
# an unprivileged user. Works in a chroot too (rules are what it gets).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

mkdir -p "$T/p"
cd "$T/p" || exit 1
{ header k; printf '[sandbox]\nwrite = ["."]\n'; } | policy k
sr policy explain k
need_abi 1
command -v cc >/dev/null 2>&1 || { echo "t_sandbox_keep_rules: no cc"; exit 77; }
cc -o "$T/probe" "$SR_TESTS/e2e/sbx_probe.c" ||
    { echo "t_sandbox_keep_rules: probe"; exit 77; }
chmod 755 "$T" "$T/probe"

# scenario WHO AS...: everything below for one user; AS runs a command as
# that user (nothing: the caller)
scenario() {
	who=$1
	shift
	# the read roots leave /tmp out: the walk then lists only this
	# test's HOME, which nothing else changes
	user_world "$who" ${1:+"$user"} <<'EOF'
export SCOPERUN_SANDBOX_HIDE=rules
unset SCOPERUN_SANDBOX_KEEP
EOF
	world_scripts ".ssh/id_ed25519 .netrc notes" <<EOF
$(header k)
[env]
inherit = ["PATH", "HOME"]
[exec]
allow = ["sh"]
[sandbox]
write = ["."]
read = ["/usr", "/etc", "~"]
EOF
	"$@" sh "$W/setup.sh" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	expect_rc 0 "$who: setup"
	# the agent also tries to take the holder's ruleset ($1: its pid),
	# with a probe in its project (it can run nothing else of $T)
	"$@" sh -c "cp $T/probe $W/proj/probe; cat >>$W/proj/agent.sh <<'A'
[ -n \"\$1\" ] && { ./probe takefd \"\$1\" 4 &&
    echo 'took the ruleset' || echo 'cannot take the ruleset'; } 2>&1
A
. $W/lib.sh; echo NOTES >\$HOME/notes"

	probe() {	# probe KEEP AS...
		k=$1
		shift
		"$@" sh "$W/probe.sh" "$k" "${hpid:-}" >"$T/out" 2>"$T/err" \
		    </dev/null
		rc=$?
	}
	holder() {	# holder NOT: a live rules holder, not pid NOT
		hpid=$(live_holder "$SB" "$1" rules_alive)
	}
	still() {	# the walk's directories unchanged for the 2 s it asks
		sleep 3
	}
	secret_hidden() {	# WHAT: the stores hidden, the controls work
		expect_rc 0 "$who: $1: the run"
		expect_out "^hidden .ssh/id_ed25519" "$who: $1: ~/.ssh hidden"
		expect_out "^hidden .netrc" "$who: $1: ~/.netrc hidden"
		expect_out "^control write" "$who: $1: the project is writable"
		expect_out "^control etc" "$who: $1: /etc is readable"
	}

	# HOME just changed: a ruleset of the run's own, and no holder for it
	hpid=
	"$@" sh -c ". $W/lib.sh; : >\$HOME/.fresh"
	probe "" "$@"
	secret_hidden "a run right after HOME changed"
	expect_out '^"kept":false' "$who: ... builds its own ruleset"
	holder "" "$@"
	[ -z "$hpid" ] && ok || bad "$who: ... and starts no holder (racily still)"

	still
	probe "" "$@"
	secret_hidden "the first still run"
	expect_out '^"kept":false' "$who: the first still run builds its own"
	holder "" "$@"
	[ -n "$hpid" ] && ok || bad "$who: ... and starts a holder"
	probe "" "$@"
	secret_hidden "the second run"
	expect_out '^"kept":true' "$who: the second run takes the holder's ruleset"
	expect_out "^read notes NOTES" "$who: ... where a sibling of ~/.ssh is readable"
	expect_out "^cannot take the ruleset" "$who: an agent cannot take the holder's ruleset"
	expect_out "^pidfd_getfd .*: Operation not permitted" \
	    "$who: ... the kernel refuses it (the probe ran)"
	"$@" "$T/probe" takefd "$hpid" 4 2>/dev/null && ok ||
	    bad "$who: ... which the user, outside any sandbox, can"

	# an entry made in a walked directory ends the holder (inotify)
	"$@" sh -c ". $W/lib.sh; : >\$HOME/.made"
	i=0
	while "$@" test -e "/proc/$hpid/fd/4" && [ "$i" -lt 30 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	"$@" test -e "/proc/$hpid/fd/4" &&
	    bad "$who: an entry made in HOME ends the holder" || ok

	# a sibling renamed to a hidden name: the kept rule on it must not
	# grant it; HOME changed, so the run builds its own
	"$@" sh -c ". $W/lib.sh; mv \$HOME/notes \$HOME/.netrc"
	probe "" "$@"
	secret_hidden "a sibling renamed to ~/.netrc"
	expect_no_out "NOTES" "$who: the renamed sibling is not read as ~/.netrc"
	expect_out '^"kept":false' "$who: ... the kept ruleset is not taken"
	"$@" sh -c ". $W/lib.sh; mv \$HOME/.netrc \$HOME/notes"

	# a holder killed: the next still run builds its own, starts another
	kill_holders "$SB"
	still
	probe "" "$@"
	holder "" "$@"
	probe "" "$@"
	expect_out '^"kept":true' "$who: a holder for the changed HOME"
	kill -9 "$hpid" 2>/dev/null
	sleep 0.2
	probe "" "$@"
	secret_hidden "a dead holder"
	expect_out '^"kept":false' "$who: a dead holder's ruleset is not taken"

	# SCOPERUN_SANDBOX_KEEP=0, and a registry others could have written
	holder "$hpid" "$@"
	probe "" "$@"
	expect_out '^"kept":true' "$who: a holder again"
	probe 0 "$@"
	secret_hidden "SCOPERUN_SANDBOX_KEEP=0"
	expect_out '^"kept":false' "$who: SCOPERUN_SANDBOX_KEEP=0 takes nothing"
	reg=$(registry_of "$hpid" "$SB")
	if [ -n "$reg" ] && chmod 640 "$reg"; then
		probe "" "$@"
		secret_hidden "a registry of mode 0640"
		expect_out '^"kept":false' "$who: a registry not of mode 0600 is not taken"
		chmod 600 "$reg"
		probe "" "$@"
		expect_out '^"kept":true' "$who: ... and is again at 0600"
	else
		bad "$who: no registry for holder $hpid"
	fi
	kill_holders "$SB"
}

# rules_alive PID: PID is a rules holder with its ruleset
rules_alive() {
	grep -q '^scoperun-keep-rules ' "$(registry_of "$1" "$SB")" 2>/dev/null &&
	    [ -e "/proc/$1/fd/4" ]
}

user=
scenario self
if [ "$(id -u)" -eq 0 ]; then
	user=srkeep
	test_user "$user"
	scenario user setpriv --reuid="$user" --regid="$user" --clear-groups --
fi

# a rules key with descriptors that are no lock and ruleset: one line
printf 'scoperun-keep-rules 1 0 uid %s\nd %s\n' "$(id -u)" "$T" |
    "$SCOPERUN" __sandbox-hold >"$T/out" 2>"$T/err"
rc=$?
refused 2 "__sandbox-hold: .*not a lock and a ruleset" \
    "the holder refuses descriptors that are no lock and ruleset"
finish

#!/bin/sh
# t_sandbox_keep.sh - the covered mount namespace kept between confined
# runs (lib/run/sandbox_keep.c), with real processes: a second run joins
# the namespace the first run's holder made; a hidden path that appeared
# or was replaced since, a dead holder, or SCOPERUN_SANDBOX_KEEP=0 gives a
# run a namespace of its own, and the secret stays hidden every time.
# Each denial is paired with a control that must still work. Run as the
# caller and, when that is root, as an unprivileged user (a user
# namespace then, joined with setns).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

mkdir -p "$T/p"
cd "$T/p" || exit 1
{ header k; printf '[env]\ninherit = ["PATH", "HOME"]\n[sandbox]\nwrite = ["."]\n'; } |
    policy k
sr policy explain k
case $(sed -n 's/^hiding *//p' "$T/out") in
"mount namespace"*) ;;
*)	echo "t_sandbox_keep: no mount namespace here (a chroot, or no Landlock): skipping"
	finish
	exit 77 ;;
esac

# the registry hidden wherever the audit log is: an agent that could
# write it could name a namespace without covers for the next run
mkdir -p "$T/alog"
SCOPERUN_AUDIT=$T/alog/audit.jsonl
export SCOPERUN_AUDIT
sr policy explain k
expect_out "^hidden .*/scoperun/sandbox( |\$)" "the covers' directory is hidden with the log moved"
{ header kw; printf '[sandbox]\nwrite = ["~/.local/state"]\n'; } | policy kw
mkdir -p "$HOME/.local/state"
sr kw -- /bin/true
refused 125 "holds the hidden path .*/scoperun/sandbox" \
    "the covers' directory cannot be made writable"
unset SCOPERUN_AUDIT
sr policy explain k
expect_no_out "^hidden .*/scoperun/sandbox( |\$)" "... with the log at home its directory is hidden whole"

# holder: the live holder of $W's registry (not pid $old) and its mount
# namespace; hpid "none" when none registered within 5 s
ns_alive() { readlink "/proc/$1/ns/mnt" >/dev/null 2>&1; }
holder() {
	hpid=$(live_holder "$W/home/.local/state/scoperun/sandbox" "${old:-}" \
	    ns_alive)
	hns=$(readlink "/proc/${hpid:-none}/ns/mnt" 2>/dev/null |
	    sed 's/[][]/\\&/g')	# for grep -E
	hpid=${hpid:-none}
}


# scenario WHO AS...: everything below for one user; AS runs a command as
# that user (nothing: the caller)
scenario() {
	who=$1
	shift
	user_world "$who" ${1:+"$user"} <<'EOF'
unset SCOPERUN_SANDBOX_KEEP SCOPERUN_SANDBOX_HIDE
EOF
	{ cat "$POL/k.toml"; printf '[exec]\nallow = ["sh"]\n'; } |
	    world_scripts ".ssh/id_ed25519 .netrc .aws/credentials notes"
	"$@" sh "$W/setup.sh" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	expect_rc 0 "$who: setup"
	# the agent also prints its mount namespace
	"$@" sh -c "echo 'echo \"ns \$(readlink /proc/self/ns/mnt)\"' \
	    >>$W/proj/agent.sh; . $W/lib.sh; echo OLD-NETRC >\$HOME/.netrc"

	# probe KEEP AS...: one run; KEEP "" or SCOPERUN_SANDBOX_KEEP's value
	probe() {
		k=$1
		shift
		"$@" sh "$W/probe.sh" "$k" >"$T/out" 2>"$T/err" </dev/null
		rc=$?
	}
	secret_hidden() {	# WHAT: every store hidden, the controls work
		expect_rc 0 "$who: $1: the run"
		expect_out "^hidden .ssh/id_ed25519" "$who: $1: ~/.ssh hidden"
		expect_out "^hidden .netrc" "$who: $1: ~/.netrc hidden"
		expect_out "^hidden .aws/credentials" "$who: $1: ~/.aws hidden"
		expect_out "^control write" "$who: $1: the project is writable"
		expect_out "^control etc" "$who: $1: /etc is readable"
	}
	probe "" "$@"
	secret_hidden "the first run"
	old= holder
	[ "$hpid" != none ] && ok || bad "$who: the first run starts a holder"
	probe "" "$@"
	secret_hidden "the second run"
	expect_out "^ns $hns\$" "$who: the second run joins the holder's namespace"
	[ "$(cut -d' ' -f6 "/proc/$hpid/stat")" != "$(cut -d' ' -f6 /proc/$$/stat)" ] &&
	    ok || bad "$who: the holder is in a session of its own"
	[ -z "$(tr -d '\0' <"/proc/$hpid/environ")" ] && ok ||
	    bad "$who: the holder has an empty environment (no secret)"

	# a file made since is readable: the namespace shows the live tree
	"$@" sh -c ". $W/lib.sh; echo NOTES >\$HOME/notes"
	probe "" "$@"
	expect_out "^read notes NOTES" "$who: a file made after the holder is readable"
	expect_out "^ns $hns\$" "$who: ... in the same kept namespace"

	# a hidden path that appeared: not in the kept covers, another key
	"$@" sh -c ". $W/lib.sh; mkdir \$HOME/.aws && echo AWS >\$HOME/.aws/credentials"
	probe "" "$@"
	secret_hidden "a new ~/.aws"
	expect_no_out "^ns $hns\$" "$who: a new hidden path: a namespace of the run's own"
	old=$hpid holder
	[ "$hpid" != none ] && ok || bad "$who: ... and a holder for the new key"

	# ~/.netrc replaced (an editor's rename): the old cover covers nothing
	probe "" "$@"
	expect_out "^ns $hns\$" "$who: joined before the rename"
	"$@" sh -c ". $W/lib.sh; echo NEW-NETRC >\$HOME/.n && mv \$HOME/.n \$HOME/.netrc"
	probe "" "$@"
	secret_hidden "a replaced ~/.netrc"
	expect_no_out "NEW-NETRC" "$who: the new ~/.netrc is not read"
	expect_no_out "^ns $hns\$" "$who: a replaced hidden path: not the stale namespace"

	# a holder killed: its registry names a dead process. Every holder
	# of this user's first, so that the next one is the current key's.
	kill_holders "$SB"
	probe "" "$@"
	old= holder
	probe "" "$@"
	expect_out "^ns $hns\$" "$who: joined a fresh holder"
	kill -9 "$hpid" 2>/dev/null
	sleep 0.2
	probe "" "$@"
	secret_hidden "a dead holder"
	# (namespace inodes are reused once freed: the pid tells)
	dead=$hpid
	old=$dead holder
	[ "$hpid" != none ] && [ "$hpid" != "$dead" ] && ok ||
	    bad "$who: a dead holder is replaced by a new one"

	# SCOPERUN_SANDBOX_KEEP=0: a namespace for this run alone
	old= holder
	probe 0 "$@"
	secret_hidden "SCOPERUN_SANDBOX_KEEP=0"
	expect_no_out "^ns $hns\$" "$who: SCOPERUN_SANDBOX_KEEP=0 joins nothing"
	probe "" "$@"
	expect_out "^ns $hns\$" "$who: ... where the same run without it joins"

	# a registry others could have written (not mode 0600): not joined
	reg=$(registry_of "$hpid" "$SB")
	if [ -n "$reg" ] && chmod 640 "$reg"; then
		probe "" "$@"
		secret_hidden "a registry of mode 0640"
		expect_no_out "^ns $hns\$" "$who: a registry not of mode 0600 is not joined"
		chmod 600 "$reg"
		probe "" "$@"
		expect_out "^ns $hns\$" "$who: ... and is joined again at 0600"
	else
		bad "$who: no registry for holder $hpid"
	fi
}

user=
scenario self
if [ "$(id -u)" -eq 0 ]; then
	user=srkeep
	test_user "$user"
	scenario user setpriv --reuid="$user" --regid="$user" --clear-groups --

	# a mount made outside ends the holders (root only can make one)
	mkdir -p "$T/mnt"
	old= W=$T/self holder
	if [ "$hpid" != none ] && mount -t tmpfs sr-keep "$T/mnt" 2>/dev/null; then
		i=0
		while [ -e "/proc/$hpid/ns/mnt" ] && [ $i -lt 30 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		[ -e "/proc/$hpid/ns/mnt" ] && bad "a new mount ends the holder" || ok
		umount "$T/mnt"
	fi
fi

# a person typing the holder's command gets one line, not a hang
printf 'not a key\n' | "$SCOPERUN" __sandbox-hold >"$T/out" 2>"$T/err"
rc=$?
refused 2 "__sandbox-hold: .*parse the key" "the holder refuses what is not a key"
finish

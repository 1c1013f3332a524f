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
	cat >"$W/setup.sh" <<EOF
. $W/lib.sh
set -e
mkdir -p \$HOME/.ssh \$XDG_CONFIG_HOME/scoperun/policies $W/proj
echo SSH-KEY >\$HOME/.ssh/id_ed25519
echo NOTES >\$HOME/notes
"$SCOPERUN" init >/dev/null
cat >\$XDG_CONFIG_HOME/scoperun/policies/k.toml <<'P'
$(header k)
[env]
inherit = ["PATH", "HOME"]
[exec]
allow = ["sh"]
[sandbox]
write = ["."]
read = ["/usr", "/etc", "~"]
P
chmod 600 \$XDG_CONFIG_HOME/scoperun/policies/k.toml
EOF
	# probe [KEEP]: one confined run; what it could read, the controls,
	# whether it could take the holder's ruleset, then its record's
	# "kept"
	cat >"$W/probe.sh" <<EOF
. $W/lib.sh
[ -n "\${1:-}" ] && export SCOPERUN_SANDBOX_KEEP=\$1
cd $W/proj
"$SCOPERUN" k -- /bin/sh -c '
	for f in .ssh/id_ed25519 .netrc notes; do
		if v=\$(cat "\$HOME/\$f" 2>/dev/null) && [ -n "\$v" ]; then echo "read \$f \$v"
		else echo "hidden \$f"; fi
	done
	echo made >here && cat here >/dev/null && echo "control write"
	head -c1 /etc/passwd >/dev/null && echo "control etc"
	[ -n "\$1" ] && { $T/probe takefd "\$1" 4 2>/dev/null &&
	    echo "took the ruleset" || echo "cannot take the ruleset"; }' \
    sh "\${HPID:-}"
grep '"event":"run"' \$XDG_STATE_HOME/scoperun/audit.jsonl | tail -1 |
    grep -o '"kept":[a-z]*'
EOF
	# holder [NOT]: the pid of the live rules holder registered (not
	# pid NOT), up to 5 s; "none" when there is none
	cat >"$W/holder.sh" <<EOF
. $W/lib.sh
i=0
while [ \$i -lt 50 ]; do
	for f in \$R/ns-*; do
		case \$f in *.lock|*'*') continue ;; esac
		grep -q '^scoperun-keep-rules ' "\$f" 2>/dev/null || continue
		p=\$(head -1 "\$f" | cut -d' ' -f1)
		if [ "\$p" != 0 ] && [ -n "\$p" ] && [ "\$p" != "\${1:-}" ] &&
		    [ -e /proc/\$p/fd/4 ]; then
			echo "\$p"
			exit 0
		fi
	done
	sleep 0.1
	i=\$((i + 1))
done
echo none
EOF
	chmod 644 "$W"/*.sh
	"$@" sh "$W/setup.sh" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	expect_rc 0 "$who: setup"

	probe() {	# probe KEEP AS...
		k=$1
		shift
		"$@" env HPID="${hpid:-}" sh "$W/probe.sh" $k >"$T/out" \
		    2>"$T/err" </dev/null
		rc=$?
	}
	holder() {	# holder NOT AS...
		n=$1
		shift
		hpid=$("$@" sh "$W/holder.sh" "$n")
		[ "$hpid" = none ] && hpid= || :
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

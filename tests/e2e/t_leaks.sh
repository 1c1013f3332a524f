#!/bin/sh
# What an attacker's trial found (issue 11): values and key material that
# reached stderr or the audit log, records that said less than the run
# did, and errors that named the wrong cause.
. "$SR_TESTS/e2e/lib.sh"

LOG="$XDG_STATE_HOME/scoperun/audit.jsonl"
sr init
expect_rc 0 "init"

# ---- a run records every granted name (no cap at 64) ----------------
i=1
grants=
while [ "$i" -le 70 ]; do
	printf 'value-%03d-0123456789abcdef' "$i" |
	    "$SCOPERUN" secret set "many/s$i" >/dev/null 2>&1 ||
	    bad "secret set many/s$i"
	grants="${grants}G$i = \"many/s$i\"
"
	i=$((i + 1))
done
{ header many; printf '[env]\ninherit = ["PATH"]\n[secrets]\n%s' "$grants"; } |
    policy many
sr many -- sh -c 'env | grep -c "^G[0-9]*=value-"'
expect_rc 0 "70 grants run"
expect_out '^70$' "the child gets 70 secrets"
names=$(grep '"agent":"many"' "$LOG" | grep '"event":"run"' | tail -n 1 |
    sed 's/.*"secrets":\[\([^]]*\)\].*/\1/' | tr ',' '\n' | grep -c '"G')
[ "$names" -eq 70 ] && ok || bad "the run record lists $names names, want 70"
grep '"agent":"many"' "$LOG" | grep '"event":"run"' | grep -q '"G70"' &&
    ok || bad "G70 is in the run record"
sr audit report --json
expect_rc 0 "audit report"
expect_no_out '"grant": ?"G(6[5-9]|70)"' "no grant past 64 called unused"
expect_out '"name": ?"G70"' "G70 is used"

# ---- a refusal never writes or prints a granted value ----------------
VAL=ghp_leaktest0123456789abcdefXYZ
printf '%s' "$VAL" | "$SCOPERUN" secret set gh/token >/dev/null 2>&1
{ header tok; printf '[env]\ninherit = ["PATH"]\n[secrets]\nTOKEN = "gh/token"\n'; } |
    policy tok
# no_value WHAT: neither stderr, stdout nor the log holds the value
no_value() {
	grep -q "$VAL" "$T/err" "$T/out" "$LOG" && bad "$1: the value leaked" ||
	    ok
}
# no_value_err WHAT: neither stderr nor the log (the child printed it)
no_value_err() {
	grep -q "$VAL" "$T/err" "$LOG" && bad "$1: the value leaked" || ok
}
# last_deny_withheld WHAT: the last record is a deny with argv withheld
last_withheld() {
	tail -n 1 "$LOG" | grep '"event":"deny"' |
	    grep -q '"argv_withheld":"grants_not_decrypted","argc":3' && ok ||
	    bad "$1: argv withheld in the deny record"
}
mkdir "$T/repo"
git -C "$T/repo" init -q && printf 'A=1\n' >"$T/repo/.env" &&
    git -C "$T/repo" add .env &&
    git -C "$T/repo" -c user.name=t -c user.email=t@example.com \
    commit -qm env || bad "cannot make the repository"
(cd "$T/repo" && "$SCOPERUN" tok -- echo "--token=$VAL" x >"$T/out" 2>"$T/err")
expect_err "committed env files" "repo guard refusal"
no_value "repo guard refusal"
last_withheld "repo guard refusal"
SCOPERUN_VAULT=$T/no-such.sealed sr tok -- echo "--token=$VAL" x
refused 125 "no vault at" "vault error"
no_value "vault error"
last_withheld "vault error"
sr no-such-agent -- echo "--token=$VAL" x
refused 125 "" "policy missing"
no_value "policy missing"
last_withheld "policy missing"
# once the grants are decrypted the record redacts them (control)
sr tok -- echo "--token=$VAL" x
expect_rc 0 "a run with the value in argv"
no_value_err "a run's record"
tail -n 1 "$LOG" | grep -q '"argv":\["echo","\[REDACTED:TOKEN\]","x"\]' &&
    ok || bad "the run record redacts the value"
# a command named by a value: not found, not executable, not allowed
sr tok -- "$VAL" x
refused 127 '\[REDACTED:TOKEN\]: command not found' "a command named by a value"
no_value "command not found"
mkdir "$T/bin"
: >"$T/bin/$VAL"
PATH="$T/bin:$PATH" sr tok -- "$VAL" x
refused 126 '\[REDACTED:TOKEN\]: permission denied' "not executable"
no_value "permission denied"
chmod 700 "$T/bin/$VAL"
{ header tokallow; printf '[env]\ninherit = ["PATH"]\n[secrets]\nTOKEN = "gh/token"\n'
  printf '[exec]\nallow = ["true"]\n'; } | policy tokallow
PATH="$T/bin:$PATH" sr tokallow -- "$VAL" x
refused 125 'denied: \[REDACTED:TOKEN\] is not in exec.allow' "not allowed"
no_value "exec.denied"
PATH="$T/bin:$PATH" sr --dry-run tokallow -- "$VAL" x
expect_out "decision  refuse: denied: .REDACTED:TOKEN. is not" "dry run"
no_value "dry run"
# a policy without grants has nothing to redact: argv is written (control)
{ header nogrant; printf '[env]\ninherit = ["PATH"]\n[exec]\nallow = ["true"]\n'; } |
    policy nogrant
sr nogrant -- echo hello-there
refused 125 "not in exec.allow" "no grants: refused"
tail -n 1 "$LOG" | grep -q '"argv":\["echo","hello-there"\]' && ok ||
    bad "a refusal without grants writes argv"

# ---- an argv too long for a record: refused, and the refusal recorded -
{ header plain; printf '[env]\ninherit = ["PATH"]\n'; } | policy plain
a=$(printf '%0120000d' 0 | tr 0 x)
sr plain -- sh -c 'echo ran' "$a" "$a" "$a" "$a" "$a" "$a" "$a" "$a" "$a" "$a"
refused 125 "too long for an audit record" "a 1.2 MB argv"
expect_no_out ran "the 1.2 MB argv did not run"
tail -n 1 "$LOG" | grep '"event":"deny"' | grep '"reason":"audit.too_large"' |
    grep '"argv_withheld":"too_large"' | grep -q '"argc":13' && ok ||
    bad "the too-long argv's refusal is recorded, argv withheld"
sr plain -- sh -c 'echo ran' "$a" "$a" "$a" "$a" "$a"
expect_rc 0 "a 600 kB argv runs (control)"
expect_out ran "the 600 kB argv ran"
tail -n 1 "$LOG" | grep '"event":"run"' | grep -q "\"$a\"" && ok ||
    bad "the 600 kB argv is recorded in full"
sr audit verify
expect_rc 0 "the log is intact after the cut record"

# ---- a full disk says so, not a stale errno ---------------------------
mkdir "$T/full"
if mount -t tmpfs -o size=64k,mode=0700 tmpfs "$T/full" 2>/dev/null; then
	trap 'umount "$T/full"; chmod -R u+rwx "$T"; rm -rf "$T"' EXIT
	export SCOPERUN_AUDIT="$T/full/audit.jsonl"
	sr plain -- true
	expect_rc 0 "a run on the small file system"
	dd if=/dev/zero of="$T/full/fill" bs=4k 2>/dev/null
	i=0
	while [ $i -lt 40 ]; do
		sr plain -- sh -c 'echo ran'
		[ "$rc" -ne 0 ] && break
		i=$((i + 1))
	done
	refused 125 "cannot write the audit log .*: No space left on device" \
	    "a full disk is named"
	expect_no_err "File exists" "no stale errno"
	expect_no_out ran "no run without its record"
	rm -f "$T/full/fill"
	sr plain -- true
	expect_rc 0 "a run once there is space again"
	ls "$T/full" | grep -q torn && bad "a torn record was left behind" || ok
	sr audit verify "$SCOPERUN_AUDIT"
	expect_rc 0 "the log is intact after the full disk"
	unset SCOPERUN_AUDIT
else
	echo "t_leaks: cannot mount a tmpfs (not root): full-disk part skipped"
fi

finish

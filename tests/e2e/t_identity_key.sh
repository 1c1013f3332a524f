#!/bin/sh
# An identity handed over as its contents (how CI passes secrets) is never
# echoed: key material where a path goes is refused with a message that
# says how to pass it. SCOPERUN_IDENTITY_KEY and --identity-fd are the
# ways to pass the key itself, and no SCOPERUN_* variable ever reaches the
# command, whatever inherit says.
. "$SR_TESTS/e2e/lib.sh"

LOG="$XDG_STATE_HOME/scoperun/audit.jsonl"
ID="$XDG_CONFIG_HOME/scoperun/identity"
sr init
expect_rc 0 "init"
mkdir "$T/repo" && git -C "$T/repo" init -q && cd "$T/repo" ||
    bad "cannot make a repository to work in"
KEY=$(cat "$ID")
B64=$(grep '^SCOPERUN-SECRET-1' "$ID" | cut -c18-)
printf 'ghp_identitytest0123456789' | "$SCOPERUN" secret set gh/token \
    >/dev/null 2>&1
{ header tok; printf '[env]\ninherit = ["PATH"]\n[secrets]\nTOKEN = "gh/token"\n'; } |
    policy tok
{ header all; printf '[env]\ninherit = ["*"]\n[secrets]\nTOKEN = "gh/token"\n'; } |
    policy all
{ header own; printf '[env]\ninherit = ["PATH", "SCOPERUN_*"]\n'; } |
    policy own

# no_key WHAT: no byte of the key on stderr, stdout or in the log
no_key() {
	grep -q -e "$B64" "$T/err" "$T/out" "$LOG" &&
	    bad "$1: the key leaked" || ok
}

# ---- key material where a path goes: refused, never shown ------------
SCOPERUN_IDENTITY=$KEY sr tok -- true
refused 125 "SCOPERUN_IDENTITY holds key material.*SCOPERUN_IDENTITY_KEY.*--identity-fd" \
    "SCOPERUN_IDENTITY=\$(cat identity)"
no_key "SCOPERUN_IDENTITY=\$(cat identity)"
sr --identity "$KEY" tok -- true
refused 125 "--identity holds key material" "--identity \"\$KEY\""
no_key "--identity \"\$KEY\""
line=$(grep '^SCOPERUN-SECRET-1' "$ID")
SCOPERUN_IDENTITY=$line sr tok -- true
refused 125 "holds key material" "the secret line alone"
no_key "the secret line alone"
lower=$(printf '%s' "$line" | tr 'A-Z' 'a-z')
SCOPERUN_IDENTITY=$lower sr tok -- true
refused 125 "holds key material" "the secret line lower-cased"
grep -qi -e "$B64" "$T/err" "$LOG" && bad "lower-cased key leaked" || ok
SCOPERUN_IDENTITY=$KEY sr secret ls
expect_rc 0 "secret ls needs no identity"
SCOPERUN_IDENTITY=$KEY sr recipient add "$(sed -n 's/^# recipient: //p' "$ID")"
expect_rc 2 "recipient add with key material as the path"
expect_err "holds key material" "recipient add names the mistake"
no_key "recipient add"
SCOPERUN_IDENTITY=$KEY sr check
no_key "check"
# a path still works (control)
SCOPERUN_IDENTITY=$ID sr tok -- sh -c 'echo "$TOKEN"'
expect_rc 0 "SCOPERUN_IDENTITY as a path"
expect_out '^ghp_identitytest' "the grant through the identity path"

# ---- the key itself: SCOPERUN_IDENTITY_KEY ---------------------------
mv "$ID" "$T/identity.kept"
sr tok -- true
expect_rc 125 "no identity file: refused (control)"
SCOPERUN_IDENTITY_KEY=$KEY sr tok -- sh -c 'echo "$TOKEN"'
expect_rc 0 "SCOPERUN_IDENTITY_KEY opens the vault"
expect_out '^ghp_identitytest' "the grant through SCOPERUN_IDENTITY_KEY"
no_key "SCOPERUN_IDENTITY_KEY run"
SCOPERUN_IDENTITY_KEY=$line sr tok -- sh -c 'echo "$TOKEN"'
expect_rc 0 "the secret line alone in SCOPERUN_IDENTITY_KEY"
SCOPERUN_IDENTITY_KEY="${line}x" sr tok -- true
refused 125 "SCOPERUN_IDENTITY_KEY: bad secret key length" "a damaged key"
no_key "a damaged key"
grep -q "${line%?????????????}" "$T/err" "$LOG" && bad "damaged key shown" || ok
SCOPERUN_IDENTITY_KEY=$KEY sr check
expect_rc 0 "check with SCOPERUN_IDENTITY_KEY"

# ---- no SCOPERUN_* reaches the command, whatever inherit says --------
export SCOPERUN_TASK_ID=T-1 SCOPERUN_VAULT="$XDG_DATA_HOME/scoperun/vault.sealed"
SCOPERUN_IDENTITY_KEY=$KEY sr all -- sh -c 'env'
expect_rc 0 "inherit = [\"*\"] run"
expect_out '^TOKEN=' "the grant is there"
expect_out '^HOME=' "inherit * lets the caller's variables in"
expect_no_out '^SCOPERUN_' "no SCOPERUN_* with inherit = [\"*\"]"
no_key "inherit = [\"*\"]"
SCOPERUN_IDENTITY_KEY=$KEY sr own -- sh -c 'env'
expect_rc 0 "inherit = [\"SCOPERUN_*\"] run"
expect_no_out '^SCOPERUN_' "no SCOPERUN_* with inherit = [\"SCOPERUN_*\"]"
unset SCOPERUN_TASK_ID SCOPERUN_VAULT
sr policy check own
expect_err "SCOPERUN_\*.*scoperun's own settings; they never reach" \
    "policy check warns about inherit SCOPERUN_*"
{ header setown; printf '[env]\ninherit = ["PATH"]\nset = { SCOPERUN_VAULT = "/x" }\n'; } |
    policy setown
sr setown -- true
refused 125 "SCOPERUN_VAULT.*cannot be set" "set SCOPERUN_VAULT is an error"

# ---- the key on a file descriptor ------------------------------------
"$SCOPERUN" --identity-fd 3 tok -- sh -c 'echo "$TOKEN"; [ -e /dev/fd/3 ] &&
    echo fd3-open || echo fd3-closed' 3<"$T/identity.kept" >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "--identity-fd 3"
expect_out '^ghp_identitytest' "the grant through --identity-fd"
expect_out '^fd3-closed' "the command does not inherit the key's descriptor"
printf '%s\n' "$KEY" | "$SCOPERUN" --identity-fd 0 tok -- sh -c \
    'echo "$TOKEN"; cat' >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "--identity-fd 0"
expect_out '^ghp_identitytest' "the grant through stdin"
no_key "--identity-fd 0: the command cannot read the key again"
# a run that needs no identity still takes the descriptor from the command
{ header nogrant; printf '[env]\ninherit = ["PATH"]\n'; } | policy nogrant
"$SCOPERUN" --identity-fd 3 nogrant -- sh -c '[ -e /dev/fd/3 ] &&
    echo fd3-open || echo fd3-closed' 3<"$T/identity.kept" >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "--identity-fd with a policy without grants"
expect_out '^fd3-closed' "no grants: the command does not inherit the descriptor"
sr --identity-fd 9 tok -- true
refused 125 "--identity-fd 9: Bad file descriptor" "a closed descriptor"
sr --identity-fd x tok -- true
refused 125 "--identity-fd takes a file descriptor number" "not a number"
other=$("$SCOPERUN" keygen -o "$T/other" 2>/dev/null | sed -n 's/.*\(scoperun1[A-Za-z0-9_-]*\).*/\1/p')
"$SCOPERUN" recipient add --identity-fd 3 "$other" 3<"$T/identity.kept" \
    >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "recipient add --identity-fd"
"$SCOPERUN" check --identity-fd 3 3<"$T/identity.kept" >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "check --identity-fd"

finish

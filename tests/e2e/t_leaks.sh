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

finish

#!/bin/sh
# `scoperun audit report` answers "which agent used which secret, when,
# and which grants are no longer needed" from a log made by real runs.
# The runs happen now; the report is asked about 20 and 40 days from now
# (SCOPERUN_NOW, read by the report alone), so the same records are
# recent in one and a month old in the other.
. "$SR_TESTS/e2e/lib.sh"

LOG="$XDG_STATE_HOME/scoperun/audit.jsonl"
day() { date -u -d "+$1 days" +%Y-%m-%dT%H:%M:%SZ; }
midnight() { date -u -d "+$1 days" +%Y-%m-%dT00:00:00Z; }

sr init
expect_rc 0 "init"
printf 'v1' | "$SCOPERUN" secret set gh/token --rotate-after 10d >/dev/null 2>&1
printf 'v2' | "$SCOPERUN" secret set npm/token --expires 25d >/dev/null 2>&1

# deploy: GH granted (until 25 days from now), two runs and a refusal
{ header deploy; printf '[env]\ninherit = ["PATH"]\n[secrets.GH]\n'
  printf 'from = "gh/token"\nexpires = %s\n' "$(midnight 25)"; } | policy deploy
sr deploy -- true
expect_rc 0 "deploy run 1"
sr deploy -- true
expect_rc 0 "deploy run 2"
sr deploy -- no-such-command-xyz
expect_rc 127 "deploy refused"
last_gh=$(grep '"agent":"deploy"' "$LOG" | grep '"event":"run"' | tail -n 1 |
    sed 's/.*"ts":"\([^"]*\)".*/\1/')
# ... then NPM is added to its policy, and no run has received it since
printf '[secrets.NPM]\nfrom = "npm/token"\nexpires = %s\n' "$(midnight 24)" \
    >>"$POL/deploy.toml"
# idle: has a policy with a grant, and never runs
{ header idle; printf '[env]\ninherit = ["PATH"]\n[secrets]\nIDLE_GH = "gh/token"\n'; } |
    policy idle
# lint: runs with nothing granted; ghost: has no policy
{ header lint; printf '[env]\ninherit = ["PATH"]\n'; } | policy lint
sr lint -- true
sr ghost -- true
expect_rc 125 "ghost"

# ---- 20 days on: GH is in use, NPM is not -------------------------------
SCOPERUN_NOW=$(day 20) sr audit report
expect_rc 0 "report"
expect_out "^audit report at $(day 20 | cut -c1-10).*: [0-9]+ records in $LOG$" \
    "the report says when and what"
expect_out '^AGENT +RUNS +LAST RUN +DENIALS +ORPHANS$' "the table's header"
expect_out "^deploy +2 +$last_gh +1 +1$" "deploy: 2 runs, 1 refusal, 1 orphan"
expect_out '^lint +1 .* +0 +0$' "lint: one run"
expect_no_out '^ghost ' "ghost has no policy: not in the agents' table"
expect_out '^names without a policy ' "names without a policy, apart"
expect_out '^  ghost +1 refusal, last 20' "ghost: refused once"
expect_out '^idle +0 +- +0 +1$' "idle: a policy that never ran is listed"
expect_out '^  orphan +IDLE_GH +from gh/token: no run received it in 30 days \(last used never\)$' \
    "idle's grant is an orphan"
expect_out "^  used +GH +2 runs, last $last_gh$" "which secret deploy used, and when"
expect_out '^  denials +1 exec.notfound 1$' "refusals by reason"
expect_out '^  orphan +NPM +from npm/token: no run received it in 30 days \(last used never\)$' \
    "NPM is granted and unused"
expect_no_out '^  orphan +GH ' "GH is in use"
expect_out '^  expiring +grant NPM ' "a grant expiring within 7 days"
expect_out '^  expiring +grant GH ' "GH's grant too (5 days left)"
expect_out '^  expiring +secret npm/token ' "a secret expiring within 7 days"
expect_out '^  rotate +gh/token +granted as GH: rotation was due [0-9T:-]+Z$' \
    "a secret past rotate_after"
expect_out '^  expiring +secret npm/token +expires [0-9T:-]+Z$' \
    "with the identity, the vault's metadata is verified: unmarked"
expect_no_out 'unverified' "nothing marked unverified with the identity"
expect_no_out "^ghost  \(policy" "ghost has no agent section"

# ---- 40 days on: nothing was used in 30 days ------------------------------
SCOPERUN_NOW=$(day 40) sr audit report --json
expect_rc 0 "report --json"
if command -v python3 >/dev/null; then
	python3 - "$T/out" "$last_gh" <<'EOF' && ok || bad "report --json"
import json, sys
doc = json.load(open(sys.argv[1]))
a = {x["agent"]: x for x in doc["agents"]}
d = a["deploy"]
assert d["runs"] == 2 and d["last_run"] == sys.argv[2], d
assert d["denials"] == {"total": 1, "by_reason": {"exec.notfound": 1}}, d
assert d["secrets"] == [{"name": "GH", "runs": 2, "last_used": sys.argv[2]}]
o = {x["grant"]: x for x in d["orphans"]}
assert o["GH"]["last_used"] == sys.argv[2] and o["GH"]["from"] == "gh/token"
assert o["NPM"]["last_used"] is None, o
e = {(x["kind"], x["name"]): x for x in d["expiring"]}
assert e[("grant", "NPM")]["expired"] is True, e
assert e[("secret", "npm/token")]["expired"] is True, e
assert d["rotate_overdue"][0]["secret"] == "gh/token"
assert d["rotate_overdue"][0]["verified"] is True
assert e[("secret", "npm/token")]["verified"] is True, e
assert doc["vault_metadata"] == "verified", doc
assert a["lint"]["orphans"] == [] and a["lint"]["runs"] == 1
assert "ghost" not in a, a
u = {x["name"]: x for x in doc["unknown_names"]}
assert u["ghost"]["refusals"] == 1 and u["ghost"]["last_refused"], u
assert list(u) == ["ghost"], u
EOF
else
	grep -q '"grant": "NPM"' "$T/out" && ok || bad "report --json: NPM orphan"
fi

# ---- no identity: the vault's metadata is shown, marked unverified --------
SCOPERUN_IDENTITY="$T/none.identity" SCOPERUN_NOW=$(day 20) sr audit report
expect_rc 0 "report without an identity"
expect_out '^vault metadata \(expiry, rotation\) is unverified' \
    "the report says the vault's metadata is unverified"
expect_out '^  rotate +gh/token +granted as GH: rotation was due [0-9T:-]+Z \(unverified\)$' \
    "a rotation finding from unverified metadata is marked"

# ---- no vault: the vault's findings are left out, quietly ----------------
SCOPERUN_VAULT="$T/none.sealed" SCOPERUN_NOW=$(day 20) sr audit report
expect_rc 0 "report without a vault"
expect_no_out 'rotate ' "no vault, no rotation findings"
expect_out '^  orphan +NPM ' "orphans without a vault"
[ -s "$T/err" ] && bad "a missing vault is quiet" || ok

# ---- usage ----------------------------------------------------------------
SCOPERUN_NOW=soon sr audit report
expect_rc 2 "SCOPERUN_NOW wants a time"
sr audit report "$T/no-such.jsonl"
expect_rc 2 "no log"

finish

#!/bin/sh
# The daily summary (SPEC §11): audit report --since --format
# text|json|markdown, per agent: runs, refusals by reason, secrets used,
# providers minted, suspensions, what expires or is stale.
. "$SR_TESTS/e2e/lib.sh"

BIN="$T/bin"
mkdir -p "$BIN"
printf '#!/bin/sh\nprintf "minted-report-token-1234\\n"\n' >"$BIN/fake-mint"
chmod 755 "$BIN/fake-mint"
sr init
expect_rc 0 "init"
printf 'deploy-value-5678' | "$SCOPERUN" secret set deploy/key >/dev/null 2>&1

{ header bot; cat <<EOF2
[exec]
allow = ["/bin/true"]
[limits]
suspend_after_denials = 2
[providers.gh]
command = ["$BIN/fake-mint"]
[secrets.GITHUB_TOKEN]
provider = "gh"
[secrets.DEPLOY_KEY]
from = "deploy/key"
max_age = "30d"
EOF2
} | policy bot
sr bot -- /bin/true
expect_rc 0 "run 1"
sr bot -- /bin/true
expect_rc 0 "run 2"
sr bot -- /usr/bin/env
sr bot -- /usr/bin/env
expect_err 'now suspended' "suspended"

{ header stale; printf '[secrets.DEPLOY_KEY]\nfrom = "deploy/key"\nmax_age = "1s"\n'; } | policy stale
sleep 2

sr audit report --since 1d --format markdown
expect_rc 0 "markdown report"
expect_out '^## scoperun summary since 20[0-9T:-]*Z$' "markdown title"
expect_out '^\| `bot` \| 2 \| 2 \| 2 \| \*\*yes\*\* \| 20' "summary row: runs, refusals, minted, suspended"
expect_out '^### `bot`$' "agent section"
expect_out '^- \*\*Refusals:\*\* 2 — `exec.denied` 2$' "refusals by reason"
expect_out '^- \*\*Secrets used:\*\* .*`DEPLOY_KEY` \(2 runs\)' "secrets used: vault"
expect_out '^- \*\*Secrets used:\*\* .*`GITHUB_TOKEN` \(2 runs\)' "secrets used: minted"
expect_out '^- \*\*Minted by\*\* `gh`: 2 runs, 0 from the cache' "providers minted"
expect_out '^- \*\*Suspensions:\*\* 1, resumed 0; \*\*suspended since 20' "suspension"
expect_out '^- \*\*Stale:\*\* `deploy/key` \(as `DEPLOY_KEY`\) set 0 days ago, max_age 0 days' "stale grant"
expect_no_out 'minted-report-token|deploy-value' "no values in the report"

sr audit report --format json
expect_rc 0 "json report"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); a=[x for x in d["agents"] if x["agent"]=="bot"][0]; assert a["providers"][0]["runs"]==2; assert a["suspensions"]["count"]==1; assert a["ages"][0]["stale"] is False; s=[x for x in d["agents"] if x["agent"]=="stale"][0]; assert s["ages"][0]["stale"] is True' "$T/out" 2>"$T/err" &&
    ok || bad "json report fields: $(cat "$T/err")"

sr audit report
expect_rc 0 "text report"
expect_out '^  minted      gh +2 runs \(0 from the cache\)' "text: minted"
expect_out '^  suspended   1 times, resumed 0; suspended since' "text: suspended"
expect_out '^  stale       deploy/key +granted as DEPLOY_KEY' "text: stale"

# --since leaves older records out; dates work too.
SCOPERUN_NOW=2099-06-01T00:00:00Z sr audit report --since 1d --format markdown
expect_out '^\| `bot` \| 0 \| 0 \| 0 \|' "--since 1d a long time later: nothing"
sr audit report --since 2000-01-01 --format json
expect_out '"since": "2000-01-01T00:00:00Z"' "--since DATE"
sr audit report --since yesterday
expect_rc 2 "bad --since"
sr audit report --format html
expect_rc 2 "bad --format"

finish

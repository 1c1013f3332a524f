#!/bin/sh
# max_age on a grant (SPEC §10): a vault secret last set or rotated
# longer ago is refused (125, grant.stale); a fresh one runs; policy
# explain shows the age.
. "$SR_TESTS/e2e/lib.sh"

sr init
expect_rc 0 "init"
printf 'deploy-key-value-1' | "$SCOPERUN" secret set deploy/key >/dev/null 2>&1 ||
    bad "secret set"
{ header ma; cat <<'EOF2'
[secrets.DEPLOY_KEY]
from = "deploy/key"
max_age = "2s"
EOF2
} | policy ma
{ header fresh; cat <<'EOF2'
[secrets.DEPLOY_KEY]
from = "deploy/key"
max_age = "30d"
EOF2
} | policy fresh

sr ma -- /usr/bin/env
expect_rc 0 "fresh secret runs"
expect_out '^DEPLOY_KEY=deploy-key-value-1$' "fresh value"
sleep 4
sr ma -- /usr/bin/env
refused 125 "ma: denied: grant DEPLOY_KEY: secret 'deploy/key' was last set or rotated 20[0-9T:-]*Z, 0d ago, longer than max_age allows \(.*ma.toml:[0-9]+\)" "stale secret refused"
expect_no_out 'deploy-key-value' "stale: nothing ran"
tail -n 1 "$XDG_STATE_HOME/scoperun/audit.jsonl" | grep -q '"reason":"grant.stale"' &&
    ok || bad "recorded as grant.stale"
sr fresh -- /bin/true
expect_rc 0 "a longer max_age allows the same secret"

sr policy explain ma
expect_rc 0 "explain"
expect_out 'DEPLOY_KEY <- deploy/key \(set [0-9]+s ago, max_age 2s: STALE, runs are refused\)' "explain shows the age"
sr policy explain fresh
expect_out 'DEPLOY_KEY <- deploy/key \(set [0-9]+s ago, max_age 30d\)$' "explain: fresh"

# Rotation makes it fresh again.
printf 'deploy-key-value-2' | "$SCOPERUN" secret rotate deploy/key >/dev/null 2>&1 ||
    bad "rotate"
sr ma -- /usr/bin/env
expect_rc 0 "rotated secret runs"
expect_out '^DEPLOY_KEY=deploy-key-value-2$' "rotated value"

# max_age on a provider grant is an error; a bad duration too.
{ header bad; cat <<'EOF2'
[providers.p]
command = ["/bin/echo", "x"]
[secrets.A]
provider = "p"
max_age = "1d"
[secrets.B]
from = "deploy/key"
max_age = "soon"
EOF2
} | policy bad
sr policy check bad
expect_rc 1 "bad max_age"
expect_err 'max_age applies to vault secrets' "max_age on a provider grant"
expect_err 'secrets.B.max_age must be a duration' "bad duration"

finish

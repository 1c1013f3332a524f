#!/bin/sh
# Suspension (SPEC §11): N refusals of an agent within the window suspend
# it; every later run is refused (agent.suspended), allowed commands too,
# until `scoperun agent resume`; `agent suspend` does it by hand; `agent
# ls` lists agents; suspend and resume are audit records.
. "$SR_TESTS/e2e/lib.sh"

AUDIT="$XDG_STATE_HOME/scoperun/audit.jsonl"
# spol NAME N WINDOW [EXTRA-LIMITS]
spol() {
	{ header "$1"; cat <<EOF2
[exec]
allow = ["/bin/true"]
[limits]
suspend_after_denials = $2
suspend_window = "$3"
${4:-}
EOF2
	} | policy "$1"
}

spol bot 3 10m
sr bot -- /usr/bin/env
refused 125 'denied: .* is not in exec.allow' "refusal 1"
sr bot -- /usr/bin/env
refused 125 'denied: .* is not in exec.allow' "refusal 2"
# control: two refusals of three do not suspend
sr bot -- /bin/true
expect_rc 0 "two refusals: still allowed"
sr bot -- /usr/bin/env
refused 125 'not in exec.allow; 3 refusals within 600s: the agent is now suspended until `scoperun agent resume bot`' "refusal 3 suspends"
tail -n 1 "$AUDIT" | grep -q '"event":"agent.suspend","agent":"bot".*"reason":"limits.denials"' &&
    ok || bad "agent.suspend record: $(tail -n 1 "$AUDIT")"
sr bot -- /bin/true
refused 125 'bot: denied: agent bot is suspended since 20[0-9T:-]*Z; a person resumes it with `scoperun agent resume bot` \(.*bot.toml:[0-9]+\)' "allowed command refused once suspended"
tail -n 1 "$AUDIT" | grep -q '"reason":"agent.suspended"' && ok || bad "recorded as agent.suspended"
sr -n bot -- /bin/true
expect_out '^decision  refuse: denied: agent bot is suspended' "dry run says suspended"
# refusals of a suspended agent do not pile up
for i in 1 2 3 4; do sr bot -- /bin/true; done
[ "$(grep -c '"event":"agent.suspend"' "$AUDIT")" -eq 1 ] && ok || bad "one suspension record"

sr policy explain bot
expect_out '^limits    suspended after 3 refusals within 10m$' "explain shows suspension"
sr agent ls
expect_rc 0 "agent ls"
expect_out '^bot +test@example.com +2099-01-01T00:00:00Z +20[0-9T:-]*Z +20[0-9T:.-]*Z$' "ls: owner, expiry, suspended, last run"

sr agent resume bot
expect_rc 0 "resume"
expect_out '^bot: resumed$' "resume says so"
tail -n 1 "$AUDIT" | grep -q '"event":"agent.resume","agent":"bot".*"reason":"manual"' &&
    ok || bad "agent.resume record"
sr bot -- /bin/true
expect_rc 0 "runs again after resume"
# resume forgave the past: one more refusal does not suspend again
sr bot -- /usr/bin/env
sr bot -- /bin/true
expect_rc 0 "resume forgets past refusals"
sr agent ls
expect_out '^bot +test@example.com +2099-01-01T00:00:00Z +no ' "ls: not suspended"

# Rate-limit refusals count.
spol rate 2 10m 'max_runs_per_hour = 1'
sr rate -- /bin/true
expect_rc 0 "first run within the rate"
sr rate -- /bin/true
refused 125 'runs in the last hour already' "rate refusal 1"
sr rate -- /bin/true
refused 125 'runs in the last hour already .*now suspended' "rate refusals suspend"

# Outside the window they do not.
spol slow 2 2s
sr slow -- /usr/bin/env
sleep 3
sr slow -- /usr/bin/env
refused 125 'not in exec.allow \(' "second refusal outside the window"
sr slow -- /bin/true
expect_rc 0 "refusals apart: not suspended"

# By hand, for any agent, with or without a [limits] section.
{ header plain; printf '[exec]\nallow = ["/bin/true"]\n'; } | policy plain
sr agent suspend plain
expect_rc 0 "manual suspend"
tail -n 1 "$AUDIT" | grep -q '"event":"agent.suspend","agent":"plain".*"reason":"manual"' &&
    ok || bad "manual agent.suspend record"
sr plain -- /bin/true
refused 125 'agent plain is suspended' "manual suspension refuses"
sr agent suspend plain
expect_out 'already' "suspending twice says so"
sr agent resume plain
sr plain -- /bin/true
expect_rc 0 "manual resume"

# Usage errors.
sr agent suspend ../x
expect_rc 2 "bad agent name"
sr agent
expect_rc 2 "agent without a subcommand"
# Policy errors
{ header bl; printf '[limits]\nsuspend_after_denials = 0\n'; } | policy bl
sr policy check bl
expect_rc 1 "suspend_after_denials = 0"
{ header bw; printf '[limits]\nsuspend_window = "1m"\n'; } | policy bw
sr policy check bw
expect_err 'suspend_window needs limits.suspend_after_denials' "window alone"

# The audit log still verifies.
sr audit verify
expect_rc 0 "audit verify"

finish

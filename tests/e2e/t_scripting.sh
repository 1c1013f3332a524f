#!/bin/sh
# Output for scripts: secret ls --json (and --names), audit show's
# --limit, --event and --since DATE, secret names in its table, columns
# that stay aligned with long values, and audit verify --key-file.
. "$SR_TESTS/e2e/lib.sh"

LOG="$XDG_STATE_HOME/scoperun/audit.jsonl"
LONG=a/very/long/secret/name/well/past/thirty-two/columns
sr init
printf 'value-0123456789' | "$SCOPERUN" secret set "$LONG" --expires 30d \
    --label env=prod --label team=core 2>/dev/null
printf 'other-0123456789' | "$SCOPERUN" secret set short \
    --rotate-after 90d 2>/dev/null
{ header bot; printf '[env]\ninherit = ["PATH"]\n[secrets]\nS = "short"\n'; } |
    policy bot
sr bot -- true
sr nobody -- true

# ---- secret ls --json, --names --------------------------------------------
sr secret ls --json
expect_rc 0 "secret ls --json"
python3 - "$T/out" "$LONG" <<'PY' && ok || bad "secret ls --json"
import json, sys
doc = json.load(open(sys.argv[1]))
s = {x["name"]: x for x in doc["secrets"]}
assert set(s) == {sys.argv[2], "short"}, s
l = s[sys.argv[2]]
assert l["labels"] == {"env": "prod", "team": "core"}, l
assert l["expires"] and l["rotate_after_seconds"] is None and not l["expired"]
assert s["short"]["rotate_after_seconds"] == 90 * 86400
assert s["short"]["expires"] is None and not s["short"]["rotation_due"]
assert doc["vault"].endswith("vault.sealed")
PY
expect_no_out 'value-|other-' "no value in the JSON"
sr secret ls --names
expect_rc 0 "secret ls --names"
[ "$(cat "$T/out")" = "$(printf '%s\nshort' "$LONG")" ] && ok ||
    bad "--names: the names alone, one a line"
# aligned: UPDATED starts at the same column on every line
sr secret ls
awk '{ print index($0, $2) }' "$T/out" | sort -u | wc -l | grep -qx 1 && ok ||
    bad "secret ls: columns aligned past a long name"

# ---- audit show ---------------------------------------------------------
sr audit show
expect_out '^SEQ +TIME +EVENT +AGENT +REASON +WHAT$' "the header"
expect_out "^1 +[0-9T:.Z-]+ +secret.set +- +ok +$LONG\$" \
    "secret.* records name the secret"
# every row's TIME column starts at the header's
awk 'NR == 1 { c = index($0, "TIME") } NR > 1 && index($0, $2) != c { exit 1 }' \
    "$T/out" && ok || bad "audit show: columns aligned"
sr audit show --event secret
[ "$(grep -c 'secret.set' "$T/out")" -eq 2 ] &&
    [ "$(wc -l <"$T/out")" -eq 3 ] && ok || bad "--event secret: secret.*"
sr audit show --event run --json
[ "$(wc -l <"$T/out")" -eq 1 ] && grep -q '"event":"run"' "$T/out" && ok ||
    bad "--event run --json"
sr audit show --limit 2
[ "$(wc -l <"$T/out")" -eq 3 ] && expect_out '^4 +.* deny +nobody' &&
    expect_no_out '^2 ' && ok || bad "--limit 2: the last two"
sr audit show --limit 1 --event secret.set --json
grep -q '"seq":2,' "$T/out" && [ "$(wc -l <"$T/out")" -eq 1 ] && ok ||
    bad "--limit with --event: the last match"
sr audit show --limit 0
expect_rc 2 "--limit 0"
sr audit show --limit x
expect_rc 2 "--limit x"
today=$(date -u +%Y-%m-%d)
sr audit show --since "$today"
[ "$(wc -l <"$T/out")" -eq 5 ] && ok || bad "--since today's date: all"
sr audit show --since 2099-01-01
[ "$(wc -l <"$T/out")" -eq 1 ] && ok || bad "--since a future date: none"
sr audit show --since 2099-01-01T00:00:00Z --json
[ -s "$T/out" ] && bad "--since a future time: none" || ok
sr audit show --since 2099-13-45
expect_rc 2 "--since a bad date"

# ---- audit verify --key-file ----------------------------------------------
sr audit key --export
key=$(cat "$T/out")
printf '%s\n' "$key" >"$T/key"
chmod 600 "$T/key"
sr audit verify --key-file "$T/key"
expect_rc 0 "verify --key-file"
expect_out "seals ok \\(with the key in the key file\\)" "the key from the file"
expect_no_out "initial key is on this machine" "no warning for a given key"
printf '%064d\n' 0 >"$T/wrong"
sr audit verify --key-file "$T/wrong"
expect_rc 1 "a wrong key from a file is a finding"
printf 'not a key\n' >"$T/junk"
sr audit verify --key-file "$T/junk"
refused 2 "holds neither the hex key" "a file without a key"
expect_no_err "not a key" "the file's text is not echoed"
sr audit verify --key-file "$T/none"
expect_rc 2 "a missing key file"

finish

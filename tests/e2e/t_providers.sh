#!/bin/sh
# Providers (SPEC §10): a stand-in provider script mints values at launch;
# one run serves all its grants; its inputs never reach the agent; every
# failure (status, timeout, size, JSON, expiry) refuses the run, 125.
. "$SR_TESTS/e2e/lib.sh"

BIN="$T/bin"
mkdir -p "$BIN"
# The stand-in: counts its runs, keeps what it was given, and answers
# as its first argument says.
cat >"$BIN/fake-mint" <<EOF2
#!/bin/sh
echo run >>"$T/mint-runs"
env >"$T/mint-env"
ls -l /proc/self/fd/ >"$T/mint-fds" 2>&1
case "\$1" in
text) printf 'tok-abcdef123456\n' ;;
json) printf '{"AccessKeyId":"AKIA-minted-1","SecretAccessKey":"sk-minted-22",'
      printf '"SessionToken":"st-minted-333","Version":1,'
      printf '"Expiration":"%s"}\n' "\$(date -u -d "+\${2:-30} minutes" +%Y-%m-%dT%H:%M:%S+00:00)" ;;
noexp) printf '{"token":"tok-noexp-4444"}' ;;
badjson) printf '{"token": "tok-bad-55555",' ;;
fail) printf 'boom \033[31mred\nsecond-line-hidden\n' >&2; exit 3 ;;
slow) sleep 30 & echo \$! >"$T/mint-bg"; sleep 30 ;;
big) head -c 70000 /dev/zero | tr '\0' x ;;
empty) ;;
esac
EOF2
chmod 755 "$BIN/fake-mint"
export PATH="$BIN:$PATH"

sr init
expect_rc 0 "init"
printf 'root-key-never-for-agent' | "$SCOPERUN" secret set app/root-key \
    >/dev/null 2>&1 || bad "secret set"

# prov NAME MODE [EXTRA-PROVIDER-LINES] [GRANTS]: a policy with one provider
prov() {
	{ header "$1"; cat <<EOF2
[env]
inherit = ["PATH"]
[providers.mint]
command = ["fake-mint", "$2"]
inputs = { ROOT_KEY = "app/root-key" }
${3:-}
EOF2
	printf '%s\n' "${4:-[secrets.TOKEN]
provider = \"mint\"}"
	} | policy "$1"
}

# Text: the whole output, one newline dropped; the root key stays with
# the provider.
prov txt text
sr txt -- /usr/bin/env
expect_rc 0 "text provider run"
expect_out '^TOKEN=tok-abcdef123456$' "text value, newline dropped"
expect_no_out 'ROOT_KEY|root-key-never' "the agent never sees the input"
grep -q '^ROOT_KEY=root-key-never-for-agent$' "$T/mint-env" && ok ||
    bad "the provider receives its input"
grep -q '^HOME=' "$T/mint-env" && ok || bad "provider inherits HOME by default"
grep -Eq '^(TOKEN|SCOPERUN_|XDG_)' "$T/mint-env" && bad "provider env is built from nothing" || ok
[ "$(grep -c . "$T/mint-fds")" -le 5 ] && ok || bad "provider gets only stdin/out/err: $(cat "$T/mint-fds")"
last=$(tail -n 1 "$XDG_STATE_HOME/scoperun/audit.jsonl")
echo "$last" | grep -q '"providers":\[{"name":"mint","ms":[0-9]*,"cache":false}\]' &&
    ok || bad "run record lists the provider: $last"
echo "$last" | grep -q '"secrets":\["TOKEN"\]' && ok || bad "minted grant named"
grep -q 'tok-abcdef' "$XDG_STATE_HOME/scoperun/audit.jsonl" && bad "minted value in audit" || ok

# The minted value is a granted value: redacted from argv records.
sr txt -- /bin/echo tok-abcdef123456
expect_rc 0 "echo runs"
tail -n 1 "$XDG_STATE_HOME/scoperun/audit.jsonl" | grep -q '"\[REDACTED:TOKEN\]"' &&
    ok || bad "minted value redacted from argv"

# ... and masked in supervised mode.
{ header msk; cat <<'EOF2'
[env]
inherit = ["PATH"]
[exec]
mask_output = true
[providers.mint]
command = ["fake-mint", "text"]
[secrets.TOKEN]
provider = "mint"
EOF2
} | policy msk
sr msk -- /bin/sh -c 'echo "got $TOKEN"'
expect_rc 0 "supervised run"
expect_out '^got \[REDACTED:TOKEN\]$' "minted value masked"

# JSON: one run serves three grants, so they match.
prov aws json 'format = "json"
max_ttl = "1h"' '[secrets.AWS_ACCESS_KEY_ID]
provider = "mint"
field = "AccessKeyId"
[secrets.AWS_SECRET_ACCESS_KEY]
provider = "mint"
field = "SecretAccessKey"
[secrets.AWS_SESSION_TOKEN]
provider = "mint"
field = "SessionToken"'
: >"$T/mint-runs"
sr aws -- /usr/bin/env
expect_rc 0 "json provider run"
expect_out '^AWS_ACCESS_KEY_ID=AKIA-minted-1$' "json field 1"
expect_out '^AWS_SECRET_ACCESS_KEY=sk-minted-22$' "json field 2"
expect_out '^AWS_SESSION_TOKEN=st-minted-333$' "json field 3"
[ "$(wc -l <"$T/mint-runs")" -eq 1 ] && ok || bad "one provider run for three grants"
tail -n 1 "$XDG_STATE_HOME/scoperun/audit.jsonl" |
    grep -q '"providers":\[{"name":"mint","ms":[0-9]*,"expires":"20[0-9-]*T[0-9:]*Z","cache":false}\]' &&
    ok || bad "run record has the stated expiry"

# max_ttl: a credential living longer than the cap is refused; a longer
# cap allows it.
prov ttl "json" 'format = "json"
max_ttl = "1h"' '[secrets.K]
provider = "mint"
field = "AccessKeyId"'
sed -i 's/"fake-mint", "json"/"fake-mint", "json", "120"/' "$POL/ttl.toml"
sr ttl -- /bin/true
refused 125 'ttl: denied: provider mint: its credential expires .* further away than max_ttl .*ttl.toml:[0-9]+' "max_ttl refuses 2h"
sed -i 's/max_ttl = "1h"/max_ttl = "3h"/' "$POL/ttl.toml"
sr ttl -- /bin/true
expect_rc 0 "a longer max_ttl allows it"

# JSON with no expiry under a max_ttl: refused; without one: fine.
prov noexp noexp 'format = "json"
max_ttl = "1h"' '[secrets.K]
provider = "mint"
field = "token"'
sr noexp -- /bin/true
refused 125 'denied: provider mint states no expiry, and max_ttl wants one' "no expiry under max_ttl"
sed -i '/max_ttl/d' "$POL/noexp.toml"
sr noexp -- /usr/bin/env
expect_rc 0 "no expiry, no max_ttl"
expect_out '^K=tok-noexp-4444$' "json value without expiry"

# Malformed JSON, a missing field, empty output.
prov bj badjson 'format = "json"' '[secrets.K]
provider = "mint"
field = "token"'
sr bj -- /bin/true
refused 125 'denied: provider mint: its output is not a JSON object' "malformed JSON"
expect_no_err 'tok-bad' "no value in the message"
prov mf noexp 'format = "json"' '[secrets.K]
provider = "mint"
field = "nope"'
sr mf -- /bin/true
refused 125 "denied: provider mint: its output has no field 'nope'" "missing field"
prov em empty
sr em -- /bin/true
refused 125 'denied: provider mint: printed nothing' "empty output"

# Failure: its status and first stderr line, escaped; nothing more.
prov fl fail
sr fl -- /bin/true
refused 125 'fl: denied: provider mint failed with status 3: boom \\x1b\[31mred \(.*fl.toml:[0-9]+\)' "failing provider"
expect_no_err 'second-line-hidden' "only the first stderr line"
LC_ALL=C grep -q "$(printf '\033')" "$T/err" && bad "raw escape reached stderr" || ok
tail -n 1 "$XDG_STATE_HOME/scoperun/audit.jsonl" | grep -q '"reason":"provider.failed"' &&
    ok || bad "refusal recorded as provider.failed"

# Timeout: bounded wall time, the whole process group killed.
prov slow slow 'timeout = "1s"'
start=$(date +%s)
sr slow -- /bin/true
end=$(date +%s)
refused 125 'denied: provider mint gave no answer within 1s and was killed' "timeout"
[ $((end - start)) -le 4 ] && ok || bad "timeout took $((end - start))s"
sleep 0.2
bg=$(cat "$T/mint-bg" 2>/dev/null)
# gone, or a zombie waiting for whoever inherited it
[ -n "$bg" ] && { ! kill -0 "$bg" 2>/dev/null ||
    grep -q '^State:.*Z' "/proc/$bg/status" 2>/dev/null; } && ok ||
    bad "provider's group killed (bg $bg)"
tail -n 1 "$XDG_STATE_HOME/scoperun/audit.jsonl" | grep -q '"reason":"provider.timeout"' &&
    ok || bad "refusal recorded as provider.timeout"

# Oversized output.
prov big big
sr big -- /bin/true
refused 125 'denied: provider mint printed more than 65536 bytes' "oversized output"

# The command is resolved in the provider's PATH, never the cwd.
mkdir -p "$T/cwd"
cp "$BIN/fake-mint" "$T/cwd/cwd-mint"
{ header cw; cat <<'EOF2'
[providers.mint]
command = ["cwd-mint", "text"]
[secrets.TOKEN]
provider = "mint"
EOF2
} | policy cw
(cd "$T/cwd" && PATH="$PATH:.:" "$SCOPERUN" cw -- /bin/true >"$T/out" 2>"$T/err" </dev/null); rc=$?
refused 125 'denied: provider mint: cwd-mint: command not found' "never from the cwd"

# Inputs missing from the vault refuse the run before the provider runs.
prov miss text
sed -i 's#app/root-key#app/not-there#' "$POL/miss.toml"
: >"$T/mint-runs"
sr miss -- /bin/true
refused 125 "provider mint: input ROOT_KEY: no secret 'app/not-there'" "missing input"
[ -s "$T/mint-runs" ] && bad "provider ran without its input" || ok

# A refused run mints nothing: a denied command never reaches the provider.
prov den text
printf '[exec]\nallow = ["/bin/true"]\n' >>"$POL/den.toml"
: >"$T/mint-runs"
sr den -- /usr/bin/env
refused 125 'denied: .* is not in exec.allow' "denied command"
[ -s "$T/mint-runs" ] && bad "provider ran for a refused run" || ok

# A dry run names minted grants and runs nothing.
sr -n txt -- /usr/bin/env
expect_rc 0 "dry run"
expect_out '^minted    TOKEN from provider mint' "dry run names the minted grant"
[ -s "$T/mint-runs" ] && bad "dry run ran the provider" || ok

# explain names the provider, its command and what only it receives.
sr policy explain aws
expect_out '^providers mint: fake-mint \(json, timeout 10s, max_ttl 3600s\); only it gets ROOT_KEY$' "explain shows the provider"
expect_out 'AWS_SESSION_TOKEN <- provider mint field SessionToken' "explain shows a minted grant"

# Policy errors: unknown provider, field on text, max_ttl on text.
{ header pe; cat <<'EOF2'
[providers.spare]
command = ["fake-mint"]
[providers.t]
command = ["fake-mint"]
max_ttl = "1h"
[secrets.A]
provider = "nope"
[secrets.B]
provider = "t"
field = "x"
[secrets.C]
provider = "t"
from = "app/root-key"
EOF2
} | policy pe
sr policy check pe
expect_rc 1 "bad provider policy"
expect_err 'no \[providers.nope\]' "unknown provider"
expect_err 'field needs a provider with format = "json"' "field on text"
expect_err 'max_ttl needs format = "json"' "max_ttl on text"
expect_err 'not both' "from and provider"
expect_err 'warning: providers.spare is named by no grant' "unused provider warned"

finish

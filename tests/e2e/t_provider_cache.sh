#!/bin/sh
# The provider cache (SPEC §10, cache = "50m"): a second run takes the
# sealed entry without running the provider; nothing minted is on disk
# in plaintext; stale or damaged entries are not used.
. "$SR_TESTS/e2e/lib.sh"

BIN="$T/bin"
mkdir -p "$BIN"
cat >"$BIN/fake-mint" <<EOF2
#!/bin/sh
echo run >>"$T/mint-runs"
n=\$(wc -l <"$T/mint-runs")
printf '{"AccessKeyId":"AKIA-cached-%s","SessionToken":"st-cached-secret-%s",' "\$n" "\$n"
printf '"Expiration":"%s"}\n' "\$(date -u -d "+\${1:-30} minutes" +%Y-%m-%dT%H:%M:%SZ)"
EOF2
chmod 755 "$BIN/fake-mint"
export PATH="$BIN:$PATH"
sr init
expect_rc 0 "init"

# cpol NAME MINUTES CACHE
cpol() {
	{ header "$1"; cat <<EOF2
[env]
inherit = ["PATH"]
[providers.aws]
command = ["fake-mint", "$2"]
format = "json"
max_ttl = "1h"
cache = "$3"
[secrets.AWS_ACCESS_KEY_ID]
provider = "aws"
field = "AccessKeyId"
[secrets.AWS_SESSION_TOKEN]
provider = "aws"
field = "SessionToken"
EOF2
	} | policy "$1"
}
runs() { wc -l <"$T/mint-runs" 2>/dev/null || echo 0; }
AUDIT="$XDG_STATE_HOME/scoperun/audit.jsonl"

cpol c 30 50m
sr c -- /usr/bin/env
expect_rc 0 "first run mints"
expect_out '^AWS_SESSION_TOKEN=st-cached-secret-1$' "first value"
sr c -- /usr/bin/env
expect_rc 0 "second run"
expect_out '^AWS_SESSION_TOKEN=st-cached-secret-1$' "second run has the cached value"
expect_out '^AWS_ACCESS_KEY_ID=AKIA-cached-1$' "cached values still match"
[ "$(runs)" -eq 1 ] && ok || bad "cache hit without a second provider run ($(runs))"
tail -n 1 "$AUDIT" | grep -q '"providers":\[{"name":"aws","ms":0,"expires":"[^"]*","cache":true}\]' &&
    ok || bad "run record says cache hit: $(tail -n 1 "$AUDIT")"

# Nothing minted in plaintext anywhere under HOME (state dir included).
grep -rqa 'st-cached-secret\|AKIA-cached' "$HOME" && bad "plaintext on disk" || ok
n=$(find "$XDG_STATE_HOME/scoperun/providers" -type f | wc -l)
[ "$n" -eq 1 ] && ok || bad "one cache entry ($n)"
f=$(find "$XDG_STATE_HOME/scoperun/providers" -type f)
[ "$(stat -c %a "$f")" = 600 ] && ok || bad "cache entry mode 0600"
[ "$(stat -c %a "$XDG_STATE_HOME/scoperun/providers")" = 700 ] && ok || bad "cache dir 0700"

# A damaged entry is not used (and is replaced): the provider runs again.
printf 'X' | dd of="$f" bs=1 seek=60 conv=notrunc 2>/dev/null
sr c -- /usr/bin/env
expect_rc 0 "damaged entry: run still works"
expect_out '^AWS_SESSION_TOKEN=st-cached-secret-2$' "damaged entry: freshly minted"
[ "$(runs)" -eq 2 ] && ok || bad "damaged entry ignored"

# Another identity cannot use it (the key comes from the secret key).
mv "$XDG_CONFIG_HOME/scoperun/identity" "$T/id.saved"
"$SCOPERUN" keygen -o "$XDG_CONFIG_HOME/scoperun/identity" >/dev/null 2>&1
sr c -- /usr/bin/env
expect_rc 0 "other identity runs"
[ "$(runs)" -eq 3 ] && ok || bad "other identity does not hit the cache"
rm -f "$XDG_CONFIG_HOME/scoperun/identity"
mv "$T/id.saved" "$XDG_CONFIG_HOME/scoperun/identity"

# Stale by the cache duration: wiped, and minted again.
cpol s 30 1s
sr s -- /bin/true
sleep 2
sr s -- /usr/bin/env
expect_rc 0 "stale run"
[ "$(runs)" -eq 5 ] && ok || bad "stale entry (cache duration) not used ($(runs))"

# Never past (or within a minute of) the credential's own expiry.
cpol e 1 50m
sr e -- /bin/true
sr e -- /bin/true
expect_rc 0 "near-expiry run"
[ "$(runs)" -eq 7 ] && ok || bad "entry near its expiry not used ($(runs))"

# A policy without cache never writes one.
cpol nc 30 50m
sed -i '/^cache/d' "$POL/nc.toml"
before=$(find "$XDG_STATE_HOME/scoperun/providers" -type f | wc -l)
sr nc -- /bin/true
sr nc -- /bin/true
[ "$(find "$XDG_STATE_HOME/scoperun/providers" -type f | wc -l)" -eq "$before" ] &&
    ok || bad "no cache: nothing written"
[ "$(runs)" -eq 9 ] && ok || bad "no cache: each run mints"
grep -rqa 'st-cached-secret\|AKIA-cached' "$HOME" && bad "plaintext on disk at the end" || ok

finish

#!/bin/sh
# The sealed vault end to end: init and keygen, secret set/ls/rotate/rm,
# runs that see exactly the granted bytes, every refusal of a run (exit
# 125, one line, the grant and policy file:line), recipients across two
# "machines", --vault/--identity and their variables, concurrent writers,
# a writer killed while it holds the lock. Values go in through stdin or
# --from-file, never argv.
. "$SR_TESTS/e2e/lib.sh"

ID="$XDG_CONFIG_HOME/scoperun/identity"
V="$XDG_DATA_HOME/scoperun/vault.sealed"

# put NAME VALUE [ARGS...]: secret set NAME with VALUE on a pipe
put() {
	_n=$1 _v=$2
	shift 2
	printf '%s' "$_v" | "$SCOPERUN" secret set "$_n" "$@" >"$T/out" \
	    2>"$T/err"
	rc=$?
}
# srin FILE ARGS...: scoperun ARGS with stdin from FILE
srin() {
	_f=$1
	shift
	"$SCOPERUN" "$@" <"$_f" >"$T/out" 2>"$T/err"
	rc=$?
}
mode() { stat -c %a "$1"; }
# The child writes each named variable's value to DIR/NAME, byte for byte:
#   sr [OPTS] AGENT -- sh -c "$CHILD" sh DIR NAME...
CHILD='d=$1; shift; for v in "$@"; do eval "printf %s \"\${$v}\"" >"$d/$v"; done'
# same FILE1 FILE2 WHAT: identical bytes
same() { cmp -s "$1" "$2" && ok || bad "$3: $1 and $2 differ"; }
fresh() { rm -rf "$1" && mkdir -p "$1"; }

# ---- init ----------------------------------------------------------
(umask 022; "$SCOPERUN" init >"$T/out" 2>"$T/err")
rc=$?
expect_rc 0 "init"
expect_out '^recipient: scoperun1[A-Za-z0-9_-]{48}$' "init prints the recipient"
RA=$(sed -n 's/^recipient: //p' "$T/out")
[ "$(mode "$ID")" = 600 ] && ok || bad "identity is 0600 whatever the umask"
[ "$(mode "$(dirname "$ID")")" = 700 ] && ok || bad "identity dir is 0700"
[ "$(mode "$V")" = 600 ] && ok || bad "vault is 0600"
[ "$(mode "$(dirname "$V")")" = 700 ] && ok || bad "vault dir is 0700"
head -1 "$V" | grep -qx 'scoperun-vault 2' && ok || bad "vault header"
cp "$ID" "$T/id.before"
cp "$V" "$T/vault.before"
sr init
expect_rc 2 "a second init refuses"
expect_err "already exists; init never overwrites" "second init says why"
same "$ID" "$T/id.before" "second init leaves the identity alone"
same "$V" "$T/vault.before" "second init leaves the vault alone"
mv "$V" "$T/v.aside"
sr init
expect_rc 0 "init with only the identity: a new vault for it (issue 14)"
same "$ID" "$T/id.before" "that init leaves the identity alone"
mv "$T/v.aside" "$V"
# the first vault back at the path where init pinned the new one: a
# replacement, refused until accepted on purpose (issue 16's pin)
put gh/token 'ghp_exampletoken0123'
expect_rc 2 "the old vault back at the path: its first change refused"
expect_err "accept-rollback" "the refusal names the way out"
sr vault accept-rollback
expect_rc 0 "the old vault accepted on purpose"

# ---- set, and a run sees exactly the bytes -------------------------
printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nQyNTUxOQAAACBzb21l+/=\n-----END OPENSSH PRIVATE KEY-----\n' \
    >"$T/key.pem"
printf 'line one\r\nline two\r\n' >"$T/crlf.txt"
i=1
while [ $i -lt 256 ]; do
	# shellcheck disable=SC2059
	printf "\\$(printf %o $i)"
	i=$((i + 1))
done >"$T/bin"
[ "$(wc -c <"$T/bin")" -eq 255 ] && ok || bad "255 test bytes"
head -c 65536 /dev/zero | tr '\0' 'x' >"$T/max"
head -c 65537 /dev/zero | tr '\0' 'y' >"$T/over"
printf 'a\0b' >"$T/nul"

put gh/token 'ghp_exampletoken0123'
expect_rc 0 "secret set from a pipe"
sr secret set deploy/key --from-file "$T/key.pem"
expect_rc 0 "secret set --from-file"
sr secret set crlf --from-file "$T/crlf.txt"
expect_rc 0 "CRLF value"
srin "$T/bin" secret set bin/blob
expect_rc 0 "bytes 0x01..0xff"
srin "$T/max" secret set big
expect_rc 0 "a 64 KiB value"
put nl "$(printf 'ends\nwith-newline')
"
expect_rc 0 "a value with a final newline"
printf 'ends\nwith-newline\n' >"$T/nl"
[ "$(mode "$V")" = 600 ] && ok || bad "vault stays 0600 after writes"

{ header grants; cat <<'EOF'
[env]
inherit = ["PATH"]
[secrets]
TOKEN = "gh/token"
PEM = "deploy/key"
CRLF = "crlf"
BIN = "bin/blob"
BIG = "big"
NL = "nl"
[exec]
allow = ["sh", "env", "true"]
EOF
} | policy grants
fresh "$T/got"
sr grants -- sh -c "$CHILD" sh "$T/got" TOKEN PEM CRLF BIN BIG NL
expect_rc 0 "a run with six grants"
printf 'ghp_exampletoken0123' >"$T/token"
same "$T/got/TOKEN" "$T/token" "piped value"
same "$T/got/PEM" "$T/key.pem" "multi-line PEM with final newline"
same "$T/got/CRLF" "$T/crlf.txt" "CRLF kept"
same "$T/got/BIN" "$T/bin" "every byte but NUL"
same "$T/got/BIG" "$T/max" "65536 bytes"
same "$T/got/NL" "$T/nl" "a piped final newline is kept"
sr grants -- env
expect_out '^TOKEN=ghp_exampletoken0123$' "the child's env holds the grant"
expect_no_out '^SCOPERUN' "and nothing of scoperun's own"
sr -n grants -- true
expect_rc 0 "dry run with grants"
expect_out '^env +TOKEN$' "dry run names the granted variable"
expect_no_out 'ghp_' "dry run shows no value"

# ---- refusals of set ---------------------------------------------
srin /dev/null secret set empty
expect_rc 2 "an empty value is refused"
expect_err "1 to 65536 bytes" "empty value message"
srin "$T/over" secret set over
expect_rc 2 "65537 bytes are refused"
srin "$T/nul" secret set nul
expect_rc 2 "a NUL byte is refused"
expect_err "NUL" "NUL message"
put 'bad name' v
expect_rc 2 "a bad name is refused"
put ok/name v --label 'Bad=1'
expect_rc 2 "a bad label is refused"
put ok/name v --expires tomorrow
expect_rc 2 "a bad --expires is refused"
sr secret set gh/token ghp_on_the_command_line
refused 2 "usage: scoperun secret set" "a value in argv is a usage error"
sr secret set --from-file "$T/nope" gh/token
expect_rc 2 "--from-file of a missing file"
sr secret ls
expect_no_out '^(empty|over|nul|bad|ok/name) ' "nothing refused was stored"
expect_no_out 'ghp_on_the_command_line' "argv value not stored"
fresh "$T/got"
sr grants -- sh -c "$CHILD" sh "$T/got" TOKEN
same "$T/got/TOKEN" "$T/token" "refusals left the old value"

# ---- ls, rotate, rm ------------------------------------------------
put meta/one 'first-value' --expires 2099-01-01 --label scope=read \
    --label team=ops --rotate-after 90d
expect_rc 0 "set with metadata"
SCOPERUN_IDENTITY="$T/no-identity" sr secret ls
expect_rc 0 "ls needs no identity"
expect_out '^NAME +UPDATED +EXPIRES +ROTATE +LABELS$' "ls header"
expect_out '^meta/one +[0-9T:-]+Z +2099-01-01T00:00:00Z +90d +scope=read,team=ops UNVERIFIED$' \
    "ls shows the metadata, marked unverified without an identity"
expect_out '^gh/token +[0-9T:-]+Z +- +- +- UNVERIFIED$' "ls of a plain secret"
expect_err '^scoperun: secret: metadata not verified: ' "ls says it did not verify"
sr secret ls
expect_rc 0 "ls with the identity"
expect_out '^meta/one +[0-9T:-]+Z +2099-01-01T00:00:00Z +90d +scope=read,team=ops$' \
    "ls with the identity shows verified metadata, unmarked"
expect_no_err 'not verified' "ls with the identity says nothing of it"
expect_out '^deploy/key ' "ls lists deploy/key"
for v in ghp_ first-value OPENSSH 'line one' xxxxxxxx with-newline; do
	grep -q -- "$v" "$T/out" "$T/err" && bad "ls shows a value ($v)" || ok
done
grep -a -q -- 'ghp_exampletoken0123' "$V" && bad "the vault holds plaintext" || ok
created=$(grep '^secret meta/one ' "$V" | cut -d' ' -f4)
sleep 1
printf 'second-value' | "$SCOPERUN" secret rotate meta/one >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "secret rotate"
sr secret ls
expect_out '^meta/one +[0-9T:-]+Z +2099-01-01T00:00:00Z +90d +scope=read,team=ops$' \
    "rotate keeps expires, rotate_after and labels"
[ "$(grep '^secret meta/one ' "$V" | cut -d' ' -f4)" = "$created" ] && ok ||
    bad "rotate keeps created"
[ "$(grep '^secret meta/one ' "$V" | cut -d' ' -f5)" != "$created" ] && ok ||
    bad "rotate moves updated"
{ header metap; printf '[secrets]\nM = "meta/one"\n[exec]\nallow = ["sh"]\n'; } |
    policy metap
fresh "$T/got"
sr metap -- sh -c "$CHILD" sh "$T/got" M
printf 'second-value' >"$T/want"
same "$T/got/M" "$T/want" "rotate changed the value"
printf 'x' | "$SCOPERUN" secret rotate no/such >"$T/out" 2>"$T/err"
rc=$?
refused 2 "no secret 'no/such' to rotate" "rotate of a missing secret"
sr secret ls
expect_no_out '^no/such ' "a failed rotate creates nothing"
sr secret rm meta/one
expect_rc 0 "secret rm"
sr secret ls
expect_no_out '^meta/one ' "rm removes it from ls"
sr metap -- true
refused 125 "^scoperun: metap: grant M: no secret 'meta/one' in the vault \\(.*metap.toml:7\\)$" \
    "a run of a removed secret"
sr secret rm meta/one
expect_rc 2 "rm of a missing secret"

# ---- refusals of a run ---------------------------------------------
{ header miss; printf '[secrets]\nTOKEN = "no/such"\n'; } | policy miss
sr miss -- true
refused 125 "^scoperun: miss: grant TOKEN: no secret 'no/such' in the vault \\(.*miss.toml:7\\)$" \
    "missing secret"
put old/one 'expired-value' --expires 2020-01-01
expect_rc 0 "a past expiry is accepted by set"
{ header exps; printf '[secrets]\nTOKEN = "old/one"\n[exec]\nallow = ["true"]\n'; } |
    policy exps
sr exps -- true
refused 125 "^scoperun: exps: denied: grant TOKEN: secret 'old/one' expired 2020-01-01T00:00:00Z \\(.*exps.toml:7\\)$" \
    "expired secret"
expect_no_err 'expired-value' "the refusal shows no value"
put epoch0 'v' --expires 1970-01-01T00:00:00Z
refused 2 "--expires wants" "an expiry at the epoch is refused (the vault reads 0 as never)"
{ header expg; printf '[secrets.TOKEN]\nfrom = "gh/token"\nexpires = 2025-01-01T00:00:00Z\n'; } |
    policy expg
sr expg -- true
refused 125 "^scoperun: expg: denied: grant TOKEN expired 2025-01-01T00:00:00Z \\(.*expg.toml:8\\)$" \
    "expired grant"
# git checks files out 0644: a shared vault may be readable (it is sealed),
# never writable by others
chmod 644 "$V"
sr grants -- true
expect_rc 0 "a vault checked out from git (0644) is read"
chmod 620 "$V"
sr grants -- true
refused 125 "vault.sealed: mode 0620 is writable by group .*grants.toml:9\\)$" \
    "group-writable vault"
chmod 600 "$V"
chmod 640 "$ID"
sr grants -- true
refused 125 "^scoperun: grants: grant TOKEN: unsafe file .*identity: mode 0640 .*\\(.*grants.toml:9\\)$" \
    "group-readable identity"
chmod 600 "$ID"
mv "$ID" "$T/id.aside"
sr grants -- true
refused 125 "^scoperun: grants: grant TOKEN: .*identity.*\\(.*grants.toml:9\\)$" \
    "no identity"
mv "$T/id.aside" "$ID"
sr keygen -o "$T/stranger/identity"
expect_rc 0 "keygen -o"
expect_out '^scoperun1[A-Za-z0-9_-]{48}$' "keygen -o prints the recipient"
[ "$(mode "$T/stranger/identity")" = 600 ] && ok || bad "keygen -o writes 0600"
SCOPERUN_IDENTITY="$T/stranger/identity" sr grants -- true
refused 125 "^scoperun: grants: grant TOKEN: your identity \\(scoperun1.*\\) is not a recipient of this vault.*\\(.*grants.toml:9\\)$" \
    "stranger identity"
{ header nogr; printf '[env]\ninherit = ["PATH"]\n[exec]\nallow = ["true"]\n'; } |
    policy nogr
chmod 644 "$V"
SCOPERUN_IDENTITY="$T/none" sr nogr -- true
expect_rc 0 "no grants: an unsafe vault and no identity do not matter"
SCOPERUN_VAULT="$T/none" SCOPERUN_IDENTITY="$T/none" sr nogr -- true
expect_rc 0 "no grants: no vault at all"
chmod 600 "$V"
sr grants -- true
expect_rc 0 "the control run after the refusals"

# ---- two machines --------------------------------------------------
# Machine 2 has its own HOME and identity; the vault travels by copy
# (as through git), the policy is shared.
M2="$T/m2"
on_m2() {
	HOME="$M2" XDG_CONFIG_HOME="$M2/.config" XDG_DATA_HOME="$M2/.local/share" \
	    SCOPERUN_POLICY_DIR="$POL" "$SCOPERUN" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}
M2ID="$M2/.config/scoperun/identity"
M2V="$M2/.local/share/scoperun/vault.sealed"
on_m2 keygen -o "$M2ID"
expect_rc 0 "keygen on machine 2"
RB=$(cat "$T/out")
sr recipient add "$RB"
expect_rc 0 "recipient add"
sr recipient add "$RB"
expect_rc 2 "adding twice is refused"
sr recipient add "${RB%?}"
expect_rc 2 "a mangled recipient is refused"
sr recipient ls
[ "$(cat "$T/out")" = "$(printf '%s\n%s' "$RA" "$RB")" ] && ok ||
    bad "recipient ls lists both"
mkdir -p "$(dirname "$M2V")"
cp "$V" "$M2V"
cp "$V" "$T/vault.with-b"
fresh "$T/got"
on_m2 grants -- sh -c "$CHILD" sh "$T/got" TOKEN PEM BIN
expect_rc 0 "machine 2 runs with its own identity"
same "$T/got/TOKEN" "$T/token" "machine 2 reads a secret set before it was added"
same "$T/got/PEM" "$T/key.pem" "machine 2 reads the PEM"
same "$T/got/BIN" "$T/bin" "machine 2 reads the bytes"
printf 'from-m2' | HOME="$M2" XDG_CONFIG_HOME="$M2/.config" \
    XDG_DATA_HOME="$M2/.local/share" "$SCOPERUN" secret set m2/val \
    >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "machine 2 writes"
cp "$M2V" "$V"
{ header m2p; printf '[secrets]\nX = "m2/val"\n[exec]\nallow = ["sh"]\n'; } |
    policy m2p
fresh "$T/got"
sr m2p -- sh -c "$CHILD" sh "$T/got" X
printf 'from-m2' >"$T/want"
same "$T/got/X" "$T/want" "machine 1 reads what machine 2 wrote"

sr recipient rm "$RB"
expect_rc 0 "recipient rm"
expect_err "rotate them" "rm warns that old secrets stay readable"
sr recipient ls
[ "$(cat "$T/out")" = "$RA" ] && ok || bad "recipient ls after rm"
sr recipient rm "$RA"
expect_rc 2 "the last recipient cannot go"
put zz/after 'set-after-removal'
expect_rc 0 "set after the removal"
{ header after; printf '[secrets]\nZ = "zz/after"\n[exec]\nallow = ["sh"]\n'; } |
    policy after
cp "$V" "$M2V"
on_m2 after -- true
refused 125 "^scoperun: after: grant Z: your identity \\(scoperun1.*\\) is not a recipient .*after.toml:7\\)$" \
    "the removed identity cannot open the new vault"
# Machine 2 kept its old copy; the new line spliced into it, with the end
# count fixed, must still not open: its keyring lacks the new epoch.
awk -v line="$(grep '^secret zz/after ' "$V")" \
    '/^end /{ print line; $3 = $3 + 1 } { print }' "$T/vault.with-b" >"$M2V"
tail -2 "$M2V" | head -1 | grep -q '^secret zz/after ' && ok || bad "splice"
on_m2 after -- true
refused 125 "^scoperun: after: grant Z: secret 'zz/after' failed authentication" \
    "a secret set after the removal is refused to the removed identity"
fresh "$T/got"
on_m2 grants -- sh -c "$CHILD" sh "$T/got" TOKEN
same "$T/got/TOKEN" "$T/token" "(control: the old copy still opens for old secrets)"
fresh "$T/got"
sr after -- sh -c "$CHILD" sh "$T/got" Z
printf 'set-after-removal' >"$T/want"
same "$T/got/Z" "$T/want" "the remaining recipient reads the new secret"

# ---- --vault, --identity and the variables -------------------------
A="$T/alt"
sr init --vault "$A/v.sealed" --identity "$A/id"
expect_rc 0 "init --vault --identity"
[ "$(mode "$A/v.sealed")" = 600 ] && [ "$(mode "$A/id")" = 600 ] && ok ||
    bad "init --vault --identity modes"
put alt/one 'alt-value-1' --vault "$A/v.sealed" --identity "$A/id"
expect_rc 0 "secret set --vault --identity"
printf 'alt-value-2' | SCOPERUN_VAULT="$A/v.sealed" SCOPERUN_IDENTITY="$A/id" \
    "$SCOPERUN" secret set alt/two >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "secret set with SCOPERUN_VAULT and SCOPERUN_IDENTITY"
sr secret ls --vault "$A/v.sealed"
expect_out '^alt/one ' "ls --vault lists alt/one"
expect_out '^alt/two ' "ls --vault lists alt/two"
expect_no_out '^gh/token ' "ls --vault lists only that vault"
SCOPERUN_VAULT="$A/v.sealed" sr secret ls
expect_out '^alt/two ' "ls with SCOPERUN_VAULT"
sr secret ls
expect_no_out '^alt/' "the default vault did not change"
put alt/one 'x' --vault "$A/v.sealed"
expect_rc 2 "the default identity is not a recipient of the alt vault"
expect_err "not a recipient" "and says so"
{ header altp; printf '[secrets]\nONE = "alt/one"\nTWO = "alt/two"\n[exec]\nallow = ["sh"]\n'; } |
    policy altp
fresh "$T/got"
sr --vault "$A/v.sealed" --identity "$A/id" altp -- sh -c "$CHILD" sh \
    "$T/got" ONE TWO
expect_rc 0 "run --vault --identity"
printf 'alt-value-1' >"$T/want1"
printf 'alt-value-2' >"$T/want2"
same "$T/got/ONE" "$T/want1" "run --vault --identity value 1"
same "$T/got/TWO" "$T/want2" "run --vault --identity value 2"
fresh "$T/got"
SCOPERUN_VAULT="$A/v.sealed" SCOPERUN_IDENTITY="$A/id" sr altp -- sh -c \
    "$CHILD" sh "$T/got" ONE
same "$T/got/ONE" "$T/want1" "run with SCOPERUN_VAULT and SCOPERUN_IDENTITY"
fresh "$T/got"
SCOPERUN_VAULT="$T/none" SCOPERUN_IDENTITY="$T/none" sr --vault "$A/v.sealed" \
    --identity "$A/id" altp -- sh -c "$CHILD" sh "$T/got" TWO
same "$T/got/TWO" "$T/want2" "the options beat the variables"
sr altp -- true
refused 125 "grant ONE: no secret 'alt/one' in the vault" \
    "without them the default vault is used"

# ---- concurrent writers --------------------------------------------
i=1
while [ $i -le 8 ]; do
	(printf 'concurrent-value-%s' $i | "$SCOPERUN" secret set "c/s$i" \
	    >"$T/c$i.log" 2>&1; echo $? >"$T/c$i.rc") &
	i=$((i + 1))
done
wait
{ header conc; printf '[secrets]\n'
  i=1; while [ $i -le 8 ]; do printf 'S%s = "c/s%s"\n' $i $i; i=$((i + 1)); done
  printf '[exec]\nallow = ["sh"]\n'; } | policy conc
fresh "$T/got"
sr conc -- sh -c "$CHILD" sh "$T/got" S1 S2 S3 S4 S5 S6 S7 S8
expect_rc 0 "a run granting the 8 concurrent secrets"
sr secret ls
i=1
while [ $i -le 8 ]; do
	[ "$(cat "$T/c$i.rc")" = 0 ] && ok || bad "writer $i: $(cat "$T/c$i.log")"
	grep -q "^c/s$i " "$T/out" && ok || bad "ls lists c/s$i"
	printf 'concurrent-value-%s' $i >"$T/want"
	same "$T/got/S$i" "$T/want" "concurrent value $i"
	i=$((i + 1))
done
ls -a "$(dirname "$V")" | grep -q '\.tmp-' && bad "a temp file was left" || ok

# ---- a writer waiting for its value holds no lock ------------------
# The value is read before the lock is taken, so a pipe that stays open
# (or a slow typist) holds up nobody; killing that writer loses nothing.
cp "$V" "$T/vault.before-kill"
mkfifo "$T/fifo"
exec 3<>"$T/fifo"	# a writer on the fifo, so the reader never sees EOF
"$SCOPERUN" secret set gh/token <"$T/fifo" >"$T/w1.log" 2>&1 &
w1=$!
printf 'half-written-val' >&3
sleep 0.3
if command -v flock >/dev/null 2>&1; then
	flock -n "$V.lock" true && ok ||
	    bad "a writer waiting on stdin holds the lock"
fi
put k/second 'second-writer'
expect_rc 0 "another writer goes on while the first waits"
kill -9 "$w1"
{ wait "$w1"; } 2>/dev/null
exec 3>&-
sr secret ls
expect_rc 0 "the vault still parses"
expect_out '^k/second ' "the second writer's secret is there"
fresh "$T/got"
sr grants -- sh -c "$CHILD" sh "$T/got" TOKEN PEM
same "$T/got/TOKEN" "$T/token" "the killed writer's secret keeps its old value"
same "$T/got/PEM" "$T/key.pem" "and the others theirs"

# ---- writers killed at any moment never break the vault -------------
i=0
while [ $i -lt 20 ]; do
	printf 'v%s' "$i" | "$SCOPERUN" secret set "loop/k$i" >/dev/null 2>&1 &
	sleep "0.0$((i % 10))"
	kill -9 $! 2>/dev/null
	wait $! 2>/dev/null
	i=$((i + 1))
done
sr secret ls
expect_rc 0 "the vault parses after writers were killed mid-write"
sr grants -- sh -c "$CHILD" sh "$T/got" TOKEN PEM
expect_rc 0 "and every value still decrypts"
[ "$(mode "$V")" = 600 ] && ok || bad "vault still 0600"

finish

#!/bin/sh
# Vault format 2 end to end (issue 16): the rollback pin and an accepted
# rollback, a version 1 vault read and upgraded (by its first write and by
# `vault upgrade`), metadata edited in the file (ls marks it, rotate
# refuses), an injected recipient (no member unlocks), `vault verify`.
# The attacker's side uses only what is public: the vault's text, an old
# copy of it (git history), and recipients.
. "$SR_TESTS/e2e/lib.sh"

ID="$XDG_CONFIG_HOME/scoperun/identity"
V="$XDG_DATA_HOME/scoperun/vault.sealed"
PINS="$XDG_STATE_HOME/scoperun/vault-pins"
put() {
	_n=$1 _v=$2
	shift 2
	printf '%s' "$_v" | "$SCOPERUN" secret set "$_n" "$@" >"$T/out" \
	    2>"$T/err"
	rc=$?
}
same() { cmp -s "$1" "$2" && ok || bad "$3: $1 and $2 differ"; }
# b64 N: N random bytes as base64url without padding
b64() { head -c "$1" /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '='; }

sr init
expect_rc 0 "init"
put s1 one
expect_rc 0 "set s1"
sr keygen -o "$T/b.identity"
B=$(cat "$T/out")
sr recipient add "$B"
expect_rc 0 "add b"
cp "$V" "$T/old.sealed"			# in git history, with b
sr recipient rm "$B"
expect_rc 0 "remove b"
put s2 'set after the removal'
expect_rc 0 "set s2"
[ "$(ls "$PINS" | grep -vc '^path-')" -eq 1 ] && ok ||
    bad "one pin, for the vault's id"
[ "$(ls "$PINS" | grep -c '^path-')" -eq 1 ] && ok ||
    bad "one pin of the id at the vault's path"
grep -q '^epochs 2$' "$PINS"/[0-9a-f]* && ok ||
    bad "the pin has the 2 epochs seen"

# ---- 2. the whole file rolled back: the pin refuses to write ----------
cp "$V" "$T/new.sealed"
cp "$T/old.sealed" "$V"
put s3 'for b?'
refused 2 '^scoperun: secret: the vault was rolled back: it has 1 epoch keys, and this machine has seen it with 2 .*scoperun vault accept-rollback' \
    "a write to a rolled-back vault"
same "$V" "$T/old.sealed" "the refused write left the vault alone"
sr vault verify
expect_rc 1 "vault verify finds the rollback"
expect_err 'rolled back' "verify says why"
# a read still works (runs do not pin): the old secrets are there
sr secret ls
expect_rc 0 "ls of the old vault"
# the control: the newest vault from git, and the write goes through
cp "$T/new.sealed" "$V"
put s3 'after the restore'
expect_rc 0 "a write to the restored vault"
sr vault verify
expect_rc 0 "vault verify of the restored vault"
expect_out '^ok: .*format 2, 1 recipient\(s\), 2 epoch key\(s\), 3 secret\(s\) verified$' \
    "verify says what it checked"
# a rollback meant: accepted, recorded, then writes go on
cp "$T/old.sealed" "$V"
sr vault accept-rollback
expect_rc 0 "accept-rollback"
expect_out 'rollback of .* accepted: this machine had seen 2 epoch key\(s\), the vault has 1$' \
    "accept-rollback says what it accepted"
sr audit show --json
expect_out '"event":"vault.accept-rollback"' "the acceptance is in the audit log"
put s4 'after the accepted rollback'
expect_rc 0 "a write after accept-rollback"
sr vault accept-rollback
expect_out '^nothing to accept' "a second accept-rollback has nothing to do"

# ---- a version 1 vault: read, then upgraded by its first write --------
H1="$T/h1"
mkdir -p "$H1"
cp "$SR_TESTS/vectors/vault-v1.sealed" "$H1/v.sealed"
# the vector holds its key line defused (lib/FORMAT.md, Test vectors)
sed 's/^SCOPERUN-VECTOR-1/SCOPERUN-SECRET-1/' \
    "$SR_TESTS/vectors/vault-v1.identity" >"$H1/id"
chmod 600 "$H1/v.sealed" "$H1/id"
sr secret ls --vault "$H1/v.sealed" --identity "$H1/id"
expect_rc 0 "ls of a version 1 vault"
expect_out '^github/issues-readonly .*scope=read$' "its lines verify (each AEAD)"
sr recipient ls --vault "$H1/v.sealed" --identity "$H1/id"
expect_err 'list not verified: format 1 cannot' "format 1 recipients are unverified"
cp "$H1/v.sealed" "$H1/v1copy.sealed"
printf 'x' | "$SCOPERUN" secret set --vault "$H1/v.sealed" \
    --identity "$H1/id" new/one >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "the first write to a version 1 vault"
head -1 "$H1/v.sealed" | grep -qx 'scoperun-vault 2' && ok ||
    bad "the first write upgraded it"
expect_err 'upgraded to format 2; its 1 recipient\(s\), now authenticated, are: scoperun1SXNiyuEjkENB2xNllaWt94J4RJnci56Z4CD6v-J5DmVBRzpW' \
    "the upgrade names the recipients it now vouches for"
sr vault verify --vault "$H1/v.sealed" --identity "$H1/id"
expect_rc 0 "the upgraded vault verifies"
expect_out '4 secret\(s\) verified' "with every old secret and the new one"
sr audit show --json
expect_out '"event":"vault.upgrade"' "the upgrade is in the audit log"
sr vault upgrade --vault "$H1/v1copy.sealed" --identity "$H1/id"
expect_rc 0 "vault upgrade"
sr vault upgrade --vault "$H1/v1copy.sealed" --identity "$H1/id"
expect_out 'is already format 2' "a second upgrade has nothing to do"

# ---- 5. metadata edited in the file -----------------------------------
put tok value --expires 2030-01-01 --label scope=read
expect_rc 0 "set tok with metadata"
cp "$V" "$T/good.sealed"
sed -i 's/^\(secret tok .*\)2030-01-01T00:00:00Z - scope=read /\12099-01-01T00:00:00Z - scope=admin /' "$V"
grep -q 'scope=admin' "$V" && ok || bad "the edit took"
sr secret ls
expect_rc 2 "ls with the identity fails on an edited line"
expect_out '^tok .*2099-01-01T00:00:00Z .*scope=admin FAILED-AUTH$' "ls marks it"
SCOPERUN_IDENTITY="$T/none" sr secret ls
expect_rc 0 "ls without an identity"
expect_out '^tok .*scope=admin UNVERIFIED$' "ls without an identity marks it unverified"
cp "$V" "$T/edited.sealed"
printf 'v2' | "$SCOPERUN" secret rotate tok >"$T/out" 2>"$T/err"
rc=$?
expect_rc 2 "rotate refuses to copy edited metadata"
expect_err 'failed authentication' "rotate says why"
same "$V" "$T/edited.sealed" "the refused rotate left the vault alone"
sr vault verify
expect_rc 1 "verify finds the edit"
cp "$T/good.sealed" "$V"
printf 'v2' | "$SCOPERUN" secret rotate tok >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "rotate of the genuine line (the control)"
sr secret ls
expect_out '^tok .*2030-01-01T00:00:00Z .*scope=read$' "rotate kept the real metadata"

# ---- 1. an injected recipient -----------------------------------------
sr keygen -o "$T/x.identity"
X=$(cat "$T/out")
cp "$V" "$T/good.sealed"
awk -v line="recipient $X $(b64 81)" \
    '/^mac /{print line} /^end /{$2 = $2 + 1} {print}' "$T/good.sealed" >"$V"
sr recipient ls
expect_rc 2 "recipient ls with the identity refuses the vault"
expect_err 'header failed authentication' "and says why"
SCOPERUN_IDENTITY="$T/none" sr recipient ls
expect_out "^$X\$" "without an identity the file's list is shown"
expect_err 'list not verified' "marked as not verified"
sr recipient rm "$X"
expect_rc 2 "recipient rm cannot reseal to an injected recipient"
put s5 'for x?'
expect_rc 2 "nor can any write go on"
cp "$T/good.sealed" "$V"
sr recipient ls
expect_rc 0 "the genuine vault's recipients (the control)"
expect_no_err 'not verified' "verified, so nothing said"

# ---- the whole vault replaced by an outsider's, sealed to us ----------
# (a new id: a keyring of its own; every secret is gone)
mkdir -p "$T/x"
"$SCOPERUN" init --vault "$T/x/v.sealed" --identity "$T/x/id" \
    >/dev/null 2>&1 || bad "the outsider's init"
"$SCOPERUN" recipient add --vault "$T/x/v.sealed" --identity "$T/x/id" \
    "$(sed -n 's/^# recipient: //p' "$ID")" >/dev/null 2>&1 ||
    bad "the outsider seals its vault to us"
cp "$V" "$T/good.sealed"
cp "$T/x/v.sealed" "$V"
put s6 'for x?'
refused 2 'is not the vault this machine has seen there .*scoperun vault accept-rollback' \
    "a write to a vault replaced by another"
same "$V" "$T/x/v.sealed" "the refused write left it alone"
cp "$T/good.sealed" "$V"
put s6 'ours'
expect_rc 0 "a write to our own vault (the control)"

# ---- secret rm needs the identity now ---------------------------------
SCOPERUN_IDENTITY="$T/none" sr secret rm s1
expect_rc 2 "secret rm without an identity"
sr secret rm s1
expect_rc 0 "secret rm with it"
finish

#!/bin/sh
# What a newcomer meets first: a project vault for an identity that
# exists already (init --vault), their own recipient (recipient self),
# and verbs run before init that say `scoperun init` instead of a
# failing lock or open. A value piped with a trailing newline is kept,
# and said so.
. "$SR_TESTS/e2e/lib.sh"

ID="$XDG_CONFIG_HOME/scoperun/identity"
mkdir -p "$T/proj"
cd "$T/proj" || exit 1

# ---- before init: every message names scoperun init --------------------
printf 'tok-123456789' >"$T/v"
for args in "secret set a/b --from-file $T/v" "secret ls" "secret rm a/b" \
    "recipient ls" "recipient self"; do
	# shellcheck disable=SC2086
	sr $args
	refused 2 "no (vault|identity) at .*\\(create one with .scoperun init., or give --(vault|identity)\\)" \
	    "before init: $args"
done
expect_no_err "lock" "no word of a lock"

# ---- init, then init --vault for the same identity -------------------------
sr init
expect_rc 0 "init"
expect_out "^identity: $ID \\(keep it safe" "init makes the identity"
self=$(sed -n 's/^recipient: //p' "$T/out")
sr recipient self
expect_rc 0 "recipient self"
[ "$(cat "$T/out")" = "$self" ] && ok || bad "recipient self is init's recipient"
idsum=$(cksum <"$ID")

sr init --vault secrets/vault.sealed
expect_rc 0 "init --vault for the existing identity"
expect_out "^identity: $ID \\(yours already; the new vault opens with it\\)" \
    "init --vault says it used the identity"
expect_out '^vault: +secrets/vault.sealed$' "the new vault's path"
[ "$(cksum <"$ID")" = "$idsum" ] && ok || bad "the identity is untouched"
[ -f secrets/vault.sealed ] && ok || bad "the project vault exists"
printf %s "team-token-0123456789" |
    "$SCOPERUN" secret set team/t --vault secrets/vault.sealed 2>"$T/err"
[ $? -eq 0 ] && ok || bad "the identity writes to the project vault"
sr recipient ls --vault secrets/vault.sealed
expect_out "^$self\$" "the project vault's recipient is yours"
# controls: init never overwrites a vault, the default one or that one
sr init
refused 2 "vault.sealed already exists; init never overwrites" \
    "init again refuses"
sr init --vault secrets/vault.sealed
refused 2 "secrets/vault.sealed already exists" "init --vault again refuses"
# a bad identity is not replaced: init --vault stops at it
printf 'garbage\n' >"$T/bad.identity"
chmod 600 "$T/bad.identity"
sr init --identity "$T/bad.identity" --vault other.sealed
expect_rc 2 "init with an unreadable identity"
[ -e other.sealed ] && bad "no vault for a bad identity" || ok
[ "$(cat "$T/bad.identity")" = garbage ] && ok || bad "the bad identity kept"

# ---- a trailing newline: kept, and said -----------------------------------
echo "with-newline-123" | "$SCOPERUN" secret set nl/echo >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "secret set from echo"
expect_err "note: the value of nl/echo ends with a newline, kept as given" \
    "the newline is noted"
expect_no_err "with-newline" "the note holds no value"
printf %s "no-newline-123" | "$SCOPERUN" secret set nl/printf >"$T/out" \
    2>"$T/err"
rc=$?
expect_rc 0 "secret set from printf"
[ -s "$T/err" ] && bad "no note without a newline" || ok
printf '[agent]\nname = "nl"\nowner = "t@t"\npurpose = "t"\n' >"$T/nl.toml"
printf 'expires = 2099-01-01T00:00:00Z\n[env]\ninherit = ["PATH"]\n' \
    >>"$T/nl.toml"
printf '[secrets]\nE = "nl/echo"\n' >>"$T/nl.toml"
chmod 600 "$T/nl.toml"
sr "$T/nl.toml" -- sh -c 'printf %s "$E" | tail -c 2 | od -An -c'
expect_out '^ +3 +\\n$' "the newline was kept"

finish

#!/bin/sh
# The audit log's initial key at rest (issue 16.7): once its owner says
# where it goes — exported in clear, or sealed to an auditor's recipient —
# the local copy's bytes are overwritten and synced before the unlink
# (a hard link made beforehand shows what the blocks hold), and a sealed
# key is all that stays beside the log. The auditor checks the seals with
# their identity; the controls: a normal export, runs going on, the same
# verdicts as with the key in clear.
. "$SR_TESTS/e2e/lib.sh"

DIR="$XDG_STATE_HOME/scoperun"
LOG="$DIR/audit.jsonl"

{ header bot; printf '[env]\ninherit = ["PATH"]\n'; } | policy bot
"$SCOPERUN" bot -- true
"$SCOPERUN" bot -- true

# zeros_only FILE: the file is not empty and holds only NUL bytes
zeros_only() { [ -s "$1" ] && [ "$(tr -d '\000' <"$1" | wc -c)" -eq 0 ]; }

# ---- --export --remove: the bytes go before the name ---------------------
ln "$LOG.key0" "$T/k0.link"
k1=$(cut -c1-64 "$LOG.key0")
sr audit key --export --remove
expect_rc 0 "a normal export"
[ "$(cat "$T/out")" = "$k1" ] && ok || bad "the exported key is K_1"
[ -e "$LOG.key0" ] && bad "the local copy is gone" || ok
zeros_only "$T/k0.link" && ok ||
    bad "the blocks that held the key hold zeros after --remove: $(od -c "$T/k0.link" | head -2)"
sr audit verify --key "$k1"
expect_rc 0 "verify with the exported key"
printf '%s\n' "$k1" >"$T/k1.hex"
chmod 600 "$T/k1.hex"
sr audit verify --key-file "$T/k1.hex"
expect_rc 0 "the key from a file rather than argv"
expect_out "seals ok \\(with the key in the key file\\)" "verify says where the key came from"

# an export that cannot be written out removes nothing
B="$T/b/audit.jsonl"
SCOPERUN_AUDIT="$B" "$SCOPERUN" bot -- true
SCOPERUN_AUDIT="$B" "$SCOPERUN" audit key --export --remove >/dev/full 2>"$T/err"
rc=$?
expect_rc 2 "export --remove to a full disk"
[ -s "$B.key0" ] && ok || bad "the local copy stays when the export failed"

# ---- --seal-to: sealed to an auditor, nothing in clear ------------------
S="$T/s/audit.jsonl"
SCOPERUN_AUDIT="$S" "$SCOPERUN" bot -- true
SCOPERUN_AUDIT="$S" "$SCOPERUN" bot -- true
rcpt=$("$SCOPERUN" keygen -o "$T/auditor.id")
"$SCOPERUN" keygen -o "$T/other.id" >/dev/null
s1=$(cut -c1-64 "$S.key0")
ln "$S.key0" "$T/s0.link"
SCOPERUN_AUDIT="$S" sr audit key --seal-to "$rcpt"
expect_rc 0 "audit key --seal-to"
expect_out "^scoperun-audit-key 1 [0-9a-f]{32} $rcpt [A-Za-z0-9_-]+$" "the sealed line"
cp "$T/out" "$T/sealed.copy"
cmp -s "$T/out" "$S.key0.sealed" && ok || bad "the sealed line is kept beside the log"
[ "$(stat -c %a "$S.key0.sealed")" = 600 ] && ok || bad ".key0.sealed is 0600"
[ -e "$S.key0" ] && bad "no clear copy after --seal-to" || ok
zeros_only "$T/s0.link" && ok || bad "the clear copy's blocks hold zeros"
grep -rlF "$s1" "$T/s" >"$T/found" 2>/dev/null
[ -s "$T/found" ] && bad "K_1 in clear beside the log: $(cat "$T/found")" || ok
SCOPERUN_AUDIT="$S" sr audit key --export
expect_rc 2 "nothing left to export in clear"
SCOPERUN_AUDIT="$S" sr bot -- true
expect_rc 0 "runs go on"

SCOPERUN_AUDIT="$S" sr audit verify --identity "$T/auditor.id"
expect_rc 0 "the auditor opens the sealed key beside the log"
expect_out "3 records intact: chain ok, seals ok \\(with the sealed initial key\\), head ok" \
    "verify says so"
SCOPERUN_AUDIT="$S" sr audit verify --key-file "$T/sealed.copy" --identity "$T/auditor.id"
expect_rc 0 "or a copy kept elsewhere"
SCOPERUN_AUDIT="$S" sr audit verify --key "$s1"
expect_rc 0 "the key sealed is K_1"
SCOPERUN_AUDIT="$S" sr audit verify --identity "$T/other.id"
refused 2 "the audit key is sealed to $rcpt, not to this identity" "another identity"
sed 's/ \([A-Za-z0-9_-]\)\([A-Za-z0-9_-]*\)$/ A\2/;t;s/ A\([A-Za-z0-9_-]*\)$/ B\1/' \
    "$T/sealed.copy" >"$T/sealed.bad"
cmp -s "$T/sealed.copy" "$T/sealed.bad" && bad "the sealed line was altered" || ok
SCOPERUN_AUDIT="$S" sr audit verify --key-file "$T/sealed.bad" --identity "$T/auditor.id"
expect_rc 2 "an altered sealed key"
expect_err "sealed audit key (failed authentication|is damaged)" "an altered sealed key"
# another log's sealed key opens, and does not check this log
SCOPERUN_AUDIT="$B" sr audit key --seal-to "$rcpt"
SCOPERUN_AUDIT="$S" sr audit verify --key-file "$B.key0.sealed" --identity "$T/auditor.id"
expect_rc 1 "another log's key"
expect_err "record 1 \\(line 1\\): bad MAC" "another log's key fails the first seal"
printf 'nonsense\n' >"$T/junk"
SCOPERUN_AUDIT="$S" sr audit verify --key-file "$T/junk"
expect_rc 2 "a key file of neither form"
SCOPERUN_AUDIT="$S" sr audit verify --key "$s1" --key-file "$T/k1.hex"
expect_rc 2 "--key and --key-file together"
sr audit key --seal-to nonsense
expect_rc 2 "not a recipient"

finish

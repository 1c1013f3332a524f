#!/bin/sh
# Signed checkpoints and rotation through the real binary: a log rotated
# by size keeps one chain that verify walks whole; a checkpoint exported
# with `audit checkpoint` shows records cut off the end even when the
# head went with them, and a checkpoint altered or signed by another log's
# key is refused.
. "$SR_TESTS/e2e/lib.sh"

LOG="$XDG_STATE_HOME/scoperun/audit.jsonl"
export SCOPERUN_AUDIT_ROTATE_BYTES=4000

{ header bot; printf '[env]\ninherit = ["PATH"]\n'; } | policy bot
i=0
while [ $i -lt 60 ]; do
	"$SCOPERUN" bot -- true || bad "run $i"
	i=$((i + 1))
done

# ---- rotation ------------------------------------------------------------
[ -f "$LOG.1" ] && [ -f "$LOG.2" ] && ok || bad "the log was rotated"
for f in "$LOG" "$LOG".[0-9]*; do
	[ "$(wc -c <"$f")" -lt 5000 ] && ok || bad "$f is past its size"
	[ "$(stat -c %a "$f")" = 600 ] && ok || bad "$f is 0600"
done
files=$(ls "$LOG" "$LOG".[0-9]* | wc -l)
sr audit verify
expect_rc 0 "verify a rotated log"
expect_out "60 records intact: chain ok, seals ok .*, head ok, $files files \\(rotated\\), $((files - 1)) checkpoints ok \\(beside the log, signed with this log's key; the log holds their records up to [0-9]+\\)$" \
    "verify walks every file, and holds the checkpoints beside it to it"
seqs=$(ls "$LOG".[0-9]* | sort -t. -k3 -rn | xargs cat | cat - "$LOG" |
    grep -o '^{"seq":[0-9]*' | cut -d: -f2 | tr '\n' ' ')
[ "$seqs" = "$(seq 1 60 | tr '\n' ' ')" ] && ok ||
    bad "seq runs 1..60 across the files, oldest first: $seqs"
sr audit show
[ "$(($(wc -l <"$T/out") - 1))" -eq 60 ] && ok || bad "show lists every file"

# ---- checkpoints -----------------------------------------------------------
sr audit key --public
expect_rc 0 "key --public"
vkey=$(cat "$T/out")
printf '%s' "$vkey" | grep -Eq '^scoperun\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$' &&
    ok || bad "a verifier key: $vkey"
sr audit key --export
expect_err "^$(printf '%s' "$vkey" | sed 's/[+]/\\+/g')$" "key --export shows the verifier key"
sr audit checkpoint
expect_rc 0 "checkpoint"
cp "$T/out" "$T/cp"
grep -Eq '^scoperun-audit/[0-9a-f]{32}$' "$T/cp" && sed -n 2p "$T/cp" |
    grep -qx 60 && ok || bad "a checkpoint of 60 records: $(cat "$T/cp")"
sed -n 3p "$T/cp" | grep -qx "$(tail -n 1 "$LOG" |
    sed 's/.*,"hash":"\([0-9a-f]*\)",.*/\1/')" && ok || bad "the head's hash"
sed -n 5p "$T/cp" | grep -q '^— scoperun [A-Za-z0-9+/=]*$' && ok ||
    bad "a signature line"
tail -n 6 "$LOG.checkpoints" | head -n 5 | cmp -s - "$T/cp" && ok ||
    bad "the checkpoint is kept beside the log too"
grep -c '^scoperun-audit/' "$LOG.checkpoints" >"$T/n"
[ "$(cat "$T/n")" -eq "$files" ] && ok ||
    bad "one checkpoint per rotation and one asked for: $(cat "$T/n")"
sr audit verify --checkpoint "$T/cp"
expect_rc 0 "verify --checkpoint"
expect_out "1 checkpoint ok \\(signed with this log's key; the log holds their records up to 60\\)" \
    "verify says the checkpoint held"
sr audit verify --checkpoint "$LOG.checkpoints" --pubkey "$vkey"
expect_rc 0 "every checkpoint beside the log, with the given key"
expect_out "$files checkpoints ok \\(signed with the given key" "all of them"

# ---- the newest files cut off, and the head with them ----------------------
cp -p "$LOG" "$LOG.1" "$LOG.head" "$T/"
rm "$LOG" "$LOG.1" "$LOG.head"
sr audit verify
expect_rc 1 "the checkpoints beside the log show a cut that took the head too"
expect_err "truncated: a checkpoint says the log had [0-9]+ records, it has [0-9]+" \
    "truncation seen by the local checkpoints"
cp "$LOG.checkpoints" "$T/cps.local"
rm "$LOG.checkpoints"
sr audit verify
expect_rc 1 "without them, the missing head is a finding"
expect_err "no head: .*audit.jsonl.head is missing" "a missing head"
sr audit verify --no-head
expect_rc 0 "--no-head: what is left is intact, and verify says it saw no head"
expect_out "no head to compare \\(--no-head\\)" "--no-head is said"
cp "$T/cps.local" "$LOG.checkpoints"
sr audit verify --checkpoint "$T/cp"
expect_rc 1 "the checkpoint shows it"
expect_err "truncated: a checkpoint says the log had 60 records, it has [0-9]+" \
    "truncation with a checkpoint"
cp -p "$T/audit.jsonl" "$T/audit.jsonl.1" "$T/audit.jsonl.head" \
    "$XDG_STATE_HOME/scoperun/"
sr audit verify --checkpoint "$T/cp"
expect_rc 0 "restored"

# ---- a checkpoint altered, or another log's ---------------------------------
sed '2s/60/59/' "$T/cp" >"$T/cp59"
sr audit verify --checkpoint "$T/cp59"
expect_rc 1 "an altered checkpoint"
expect_err "checkpoint 1: bad signature" "an altered checkpoint"
SCOPERUN_AUDIT="$T/other/audit.jsonl" "$SCOPERUN" bot -- true
SCOPERUN_AUDIT="$T/other/audit.jsonl" sr audit key --public
sr audit verify --checkpoint "$T/cp" --pubkey "$(cat "$T/out")"
expect_rc 1 "another log's key"
expect_err "not signed by this log's key" "another log's key"
SCOPERUN_AUDIT="$T/other/audit.jsonl" sr audit checkpoint
cp "$T/out" "$T/cp-other"
sr audit verify --checkpoint "$T/cp-other"
expect_rc 1 "another log's checkpoint"
sr audit verify --checkpoint "$T/cp" --pubkey nonsense
expect_rc 2 "a malformed key"
sr audit verify --checkpoint "$T/none"
expect_rc 2 "no checkpoint file"
SCOPERUN_AUDIT="$T/empty/audit.jsonl" sr audit checkpoint
expect_rc 2 "no log, no checkpoint"

finish

#!/bin/sh
# The audit log against someone who can write its files but holds no key
# (issues 11 and 16): everything the attacker part uses is public — the
# log's own lines and a checkpoint the owner published. Each attack is
# paired with the legitimate operation that must still work: a real crash
# leaving the head behind, a log kept without a head, a reset on purpose,
# a brand-new log.
. "$SR_TESTS/e2e/lib.sh"

DIR="$XDG_STATE_HOME/scoperun"
LOG="$DIR/audit.jsonl"

records() { wc -l <"$LOG" | tr -d ' '; }

# ---- the attacker's tools: public information only ----------------------
# cut_to N: the log cut to its first N records
cut_to() {
	head -n "$1" "$T/log.orig" >"$LOG"
}
# forge_head N: a head that says record N is the last: its hash from the
# log, the size of N records, the log id from a published checkpoint, a
# key made up (the real one is not public)
forge_head() {
	hash=$(sed -n "$1p" "$LOG" | sed 's/.*,"hash":"\([0-9a-f]*\)",.*/\1/')
	size=$(head -n "$1" "$LOG" | wc -c | tr -d ' ')
	logid=$(sed -n '1s|^scoperun-audit/||p' "$T/published.cp")
	made_up=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
	printf 'scoperun-audit-head 1\nlog %s\nseq %s\nhash %s\nkey %s\nsize %s\n' \
	    "$logid" "$1" "$hash" "$made_up" "$size" >"$LOG.head"
	chmod 600 "$LOG.head"
}
save() { cp -p "$LOG" "$T/log.orig"; cp -p "$LOG.head" "$T/head.orig"; }
restore() { cp -p "$T/log.orig" "$LOG"; cp -p "$T/head.orig" "$LOG.head"; }

{ header bot; printf '[env]\ninherit = ["PATH"]\n'; } | policy bot
i=0
while [ $i -lt 8 ]; do
	"$SCOPERUN" bot -- true || bad "run $i"
	i=$((i + 1))
done
sr audit checkpoint
expect_rc 0 "the owner publishes a checkpoint"
cp "$T/out" "$T/published.cp"
sr audit key --export --remove
expect_rc 0 "the owner exports the initial key and removes it"
key=$(cat "$T/out")

# ---- the control: a real crash leaves the head behind ---------------------
cp -p "$LOG.head" "$T/head.crash"
"$SCOPERUN" bot -- true
"$SCOPERUN" bot -- true
cp -p "$T/head.crash" "$LOG.head"	# both appenders died before their head update
sr audit verify --key "$key"
expect_rc 0 "a head two records behind after a crash still verifies"
expect_out "head behind the last records" "verify says the head is behind"
"$SCOPERUN" bot -- true
sr audit verify --key "$key"
expect_rc 0 "the next run catches up"
expect_out "head ok" "caught up"
n=$(records)
save

# ---- issue 16.6: the log cut, a head made up to look one behind ----------
cut_to $((n - 3))
forge_head $((n - 4))
sr audit verify --key "$key"
expect_rc 1 "a made-up head 'behind' a cut log"
expect_err "head altered: it says $((n - 4)) records, but its key is not" \
    "the made-up head's key shows"
# and made up to look current
forge_head $((n - 3))
sr audit verify --key "$key"
expect_rc 1 "a made-up head at the end of a cut log"
expect_err "the head's key does not follow from the initial key" "its key shows"
restore

# ---- issue 11.6: the end cut and the head deleted --------------------------
cut_to $((n - 2))
rm "$LOG.head"
sr audit verify --key "$key"
expect_rc 1 "a cut end with the head deleted"
expect_err "at the end of the log: no head: .*audit.jsonl.head is missing" \
    "the missing head is named"
sr audit verify --key "$key" --no-head
expect_rc 0 "--no-head: a log kept without a head verifies"
expect_out "$((n - 2)) records intact: chain ok, seals ok \\(with the given key\\), no head to compare \\(--no-head\\)" \
    "and verify says it had none"
restore
sr audit verify --key "$key"
expect_rc 0 "restored"

# ---- issue 16.8: the log and its head deleted -------------------------------
oldid=$(sed -n '1s|^scoperun-audit/||p' "$T/published.cp")
rm "$LOG" "$LOG.head"
sr bot -- sh -c 'echo ran'
refused 125 "is gone, but .*audit.jsonl.sign of log $oldid is still here: a new log is not started over an old one \\(.scoperun audit reset. starts one" \
    "a run after the log was deleted"
expect_no_out ran "the command did not run"
[ -e "$LOG" ] && bad "no new log was started" || ok
[ -e "$LOG.key0" ] && bad "no new initial key was made" || ok
printf x | "$SCOPERUN" secret set a/b >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" -ne 0 ] && ok || bad "a vault change is refused too (it cannot be recorded)"

# the control: a reset on purpose starts the new log, recorded
sr audit reset
expect_rc 0 "audit reset"
expect_out "its first record names the old log $oldid" "reset names the old log"
expect_out "the old log's files are in $LOG.old-$oldid" "reset says where the old files went"
[ -f "$LOG.old-$oldid/audit.jsonl.sign" ] && [ -f "$LOG.old-$oldid/audit.jsonl.checkpoints" ] &&
    ok || bad "the old log's files were moved, not deleted"
head -n 1 "$LOG" | grep -Fq "\"event\":\"audit.reset\"" && ok || bad "the first record is the reset"
head -n 1 "$LOG" | grep -Fq "\"old_log\":\"$oldid\"" && ok || bad "naming the old log"
head -n 1 "$LOG" | grep -Fq '"seq":1,' && ok || bad "the new log starts at 1"
sr bot -- true
expect_rc 0 "runs go on after the reset"
sr audit verify
expect_rc 0 "the new log verifies"
sr audit verify --key "$key"
expect_rc 1 "the old initial key does not pass the new log off as the old one"
sr audit reset
expect_rc 0 "a second reset"
[ -d "$LOG.old-$oldid" ] && [ "$(ls -d "$LOG".old-* | wc -l)" -eq 2 ] && ok ||
    bad "each reset keeps its own directory"
SCOPERUN_AUDIT="$T/none/audit.jsonl" sr audit reset
expect_rc 2 "nothing to reset"

# the control: a brand-new log starts by itself
SCOPERUN_AUDIT="$T/fresh/audit.jsonl" sr bot -- true
expect_rc 0 "a first run starts a new log where there was none"
SCOPERUN_AUDIT="$T/fresh/audit.jsonl" sr audit verify
expect_rc 0 "and it verifies"

finish

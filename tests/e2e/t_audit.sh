#!/bin/sh
# The audit log, end to end: every run and every refusal leaves a record
# before scoperun goes on, vault changes too; `audit verify` finds a byte
# changed or a line gone and names the record; parallel runs lose nothing;
# a run killed mid-append leaves a log the next run repairs; a run that
# cannot be recorded does not happen.
. "$SR_TESTS/e2e/lib.sh"

LOG="$XDG_STATE_HOME/scoperun/audit.jsonl"

# records: the number of lines in the log (0 when there is none)
records() { if [ -f "$LOG" ]; then wc -l <"$LOG" | tr -d ' '; else echo 0; fi; }
# last_has STRING WHAT: the last record holds STRING (grep -F)
last_has() {
	tail -n 1 "$LOG" | grep -Fq -- "$1" && ok ||
	    bad "$2: last record lacks $1: $(tail -n 1 "$LOG" | head -c 400)"
}
# denied REASON WHAT: the run just refused left one deny record with REASON
denied() {
	[ "$(records)" -eq $((before + 1)) ] && ok ||
	    bad "$2: want one new record, have $(($(records) - before))"
	last_has '"event":"deny"' "$2"
	last_has '"decision":"deny"' "$2"
	last_has "\"reason\":\"$1\"" "$2"
}
# seqs_ok WHAT: seq runs 1..N without a gap or a repeat
seqs_ok() {
	n=$(records)
	grep -o '^{"seq":[0-9]*' "$LOG" | cut -d: -f2 >"$T/seqs"
	seq 1 "$n" | cmp -s - "$T/seqs" && ok || bad "$1: seq is not 1..$n"
}
verify_ok() {
	sr audit verify "$@"
	expect_rc 0 "audit verify $*"
}

{ header bot; printf '[env]\ninherit = ["PATH"]\n'; } | policy bot

# ---- a run ---------------------------------------------------------
# The child reads the log: its own record is already there, before exec.
mkdir -p "$T/wd"
wd=$(cd "$T/wd" && pwd -P)
(cd "$T/wd" && SCOPERUN_TASK_ID=T-env "$SCOPERUN" bot -- sh -c \
    'echo "$$"; tail -n 1 "$1"' sh "$LOG" >"$T/out" 2>"$T/err")
rc=$?
expect_rc 0 "a run"
head -n 1 "$T/out" >"$T/pid"
sed -n 2p "$T/out" >"$T/seen"
grep -Fq '"event":"run"' "$T/seen" && ok ||
    bad "the child sees its run record: it was written before the exec"
cmp -s "$T/seen" "$LOG" && ok || bad "one record, the one the child saw"
last_has '"seq":1,' "first record"
last_has '"agent":"bot"' "agent"
last_has "\"policy\":{\"path\":\"$POL/bot.toml\",\"hash\":\"" "policy path"
if command -v b2sum >/dev/null; then
	h=$(b2sum -l 256 "$POL/bot.toml" | cut -d' ' -f1)
	last_has "\"hash\":\"$h\"}" "policy hash is BLAKE2b-256 of the file"
fi
last_has '"decision":"allow","reason":"ok"' "decision"
last_has '"secrets":[]' "no secrets granted"
last_has "\"argv\":[\"sh\",\"-c\"," "argv"
last_has "\"cwd\":\"$wd\"" "cwd"
last_has "\"uid\":$(id -u)," "uid"
last_has "\"pid\":$(cat "$T/pid")," "pid is the command's (exec keeps it)"
last_has '"task":"T-env"' "task from SCOPERUN_TASK_ID"
last_has '"prev":"0000000000000000000000000000000000000000000000000000000000000000"' \
    "the first record chains to zeros"
SCOPERUN_TASK_ID=T-env sr --task T-opt bot -- true
last_has '"task":"T-opt"' "--task beats SCOPERUN_TASK_ID"
last_has '"command":"/' "the resolved command"
last_has '"argv":["true"]' "argv of true"
sr --task=T-eq bot -- true
last_has '"task":"T-eq"' "--task=ID"
sr bot -- true
tail -n 1 "$LOG" | grep -Fq '"task"' && bad "no task, no task key" || ok
before=$(records)
sr -n bot -- true
expect_rc 0 "dry run"
[ "$(records)" -eq "$before" ] && ok || bad "a dry run appends nothing"
sr --dry-run bot -- no-such-command-xyz
[ "$(records)" -eq "$before" ] && ok || bad "a refused dry run appends nothing"

# ---- every refusal ---------------------------------------------------
before=$(records); sr ghost -- true
expect_rc 125 "no policy"; denied policy.missing "no policy"
{ header inval; printf 'colour = 1\n'; } | policy inval
before=$(records); sr inval -- true
expect_rc 125 "invalid policy"; denied policy.invalid "invalid policy"
last_has '"message":"' "the refusal's message is recorded"
{ printf '[agent]\nname = "old"\nowner = "t@example.com"\n'
  printf 'purpose = "t"\nexpires = 2001-01-01T00:00:00Z\n'; } | policy old
before=$(records); sr old -- true
expect_rc 125 "expired policy"; denied policy.expired "expired policy"
{ header strict; printf '[env]\ninherit = ["PATH"]\n[exec]\nallow = ["true"]\n'; } |
    policy strict
before=$(records); sr strict -- echo hi
expect_rc 125 "not allowed"; denied exec.denied "exec.allow"
last_has '"argv":["echo","hi"]' "a denied run's argv"
before=$(records); sr bot -- no-such-command-xyz
expect_rc 127 "not found"; denied exec.notfound "command not found"
printf '#!/bin/sh\n' >"$T/noexec"; chmod 600 "$T/noexec"
before=$(records); sr bot -- "$T/noexec"
expect_rc 126 "not executable"; denied exec.noexec "not executable"

# ---- the vault ---------------------------------------------------------
sr init
expect_rc 0 "init"
value=ghp_Vq0rT4SECRETv4lue9
before=$(records)
printf '%s' "$value" | "$SCOPERUN" secret set gh/token >"$T/out" 2>"$T/err"
rc=$?; expect_rc 0 "secret set"
last_has '"event":"secret.set"' "secret set"; last_has '"secret":"gh/token"' "secret set"
printf 'x2' | "$SCOPERUN" secret set gh/other >/dev/null 2>&1
printf '%s' "$value" | "$SCOPERUN" secret rotate gh/token >"$T/out" 2>"$T/err"
rc=$?; expect_rc 0 "secret rotate"
last_has '"event":"secret.rotate"' "secret rotate"
sr secret rm gh/other
expect_rc 0 "secret rm"; last_has '"event":"secret.rm"' "secret rm"
last_has '"secret":"gh/other"' "secret rm"
sr keygen -o "$T/ci.identity"
recipient=$(grep -o 'scoperun1[A-Za-z0-9_-]*' "$T/out" "$T/err" | head -n 1 | cut -d: -f2)
sr recipient add "$recipient"
expect_rc 0 "recipient add"; last_has '"event":"recipient.add"' "recipient add"
last_has "\"recipient\":\"$recipient\"" "recipient add"
sr recipient rm "$recipient"
expect_rc 0 "recipient rm"; last_has '"event":"recipient.rm"' "recipient rm"
[ "$(records)" -eq $((before + 6)) ] && ok || bad "one record per vault change"
grep -Fq "$value" "$LOG" && bad "a secret value in the log" || ok

{ header granted; cat <<'EOF'
[env]
inherit = ["PATH"]
[secrets]
GH = "gh/token"
[exec]
allow = ["true", "sh"]
EOF
} | policy granted
sr granted -- sh -c 'test -n "$GH"' sh "x${value}y"
expect_rc 0 "a run with a grant"
last_has '"secrets":["GH"]' "granted names"
last_has '"argv":["sh","-c","test -n \"$GH\"","sh","[REDACTED:GH]"]' \
    "an argument holding the value is redacted"
{ header nosuch; printf '[secrets]\nX = "gh/none"\n'; } | policy nosuch
before=$(records); sr nosuch -- true
expect_rc 125 "grant of a missing secret"; denied grant.missing "no such secret"
{ header gexp; printf '[secrets.GH]\nfrom = "gh/token"\nexpires = 2001-01-01\n'; } |
    policy gexp
before=$(records); sr gexp -- true
expect_rc 125 "expired grant"; denied grant.expired "expired grant"
grep -Fq "$value" "$LOG" && bad "a secret value in the log" || ok
# A refused run with the value in argv: the value stays out of the log
# too (the env is built, with the secret, before the command is checked).
before=$(records)
sr granted -- echo "$value"
expect_rc 125 "a refused run with a grant"; denied exec.denied "denied after the grant"
grep -Fq "$value" "$LOG" && bad "a refused run writes the secret value in argv \
(cmd/run.c records the refusal before sr_env_envp froze the env, so \
lib/audit/audit.c put_arg sees no secret)" || ok

# ---- verify, the key ---------------------------------------------------
n=$(records)
verify_ok
expect_out "^$LOG: $n records intact: chain ok, seals ok \\(with the \
initial key on this machine\\), head ok$" "verify says what it checked"
expect_out "initial key is on this machine" "verify warns about key0"
sr audit key --export
expect_rc 0 "key export"
key=$(cat "$T/out")
printf '%s' "$key" | grep -Eq '^[0-9a-f]{64}$' && ok || bad "the key is 64 hex digits"
verify_ok --key "$key"
expect_out "seals ok \\(with the given key\\)" "verify --key"
sr audit verify --key 0000000000000000000000000000000000000000000000000000000000000000
expect_rc 1 "a wrong key"; expect_err "record 1 \\(line 1\\): bad MAC" "a wrong key"
sr audit verify --key nothex
expect_rc 2 "a malformed key"
sr audit key --export --remove
expect_rc 0 "key export --remove"
[ "$(cat "$T/out")" = "$key" ] && ok || bad "--remove prints the same key"
[ -e "$LOG.key0" ] && bad "key0 removed" || ok
verify_ok
expect_out "seals NOT checked" "without key0, verify says so"
expect_no_out "seals ok" "without key0 no seal is claimed"
sr bot -- true
expect_rc 0 "runs go on without key0"
verify_ok --key "$key"
expect_out "$((n + 1)) records intact: chain ok, seals ok" "the later record is sealed"
sr audit key --export
expect_rc 2 "no key left to export"

# ---- tampering ---------------------------------------------------------
cp "$LOG" "$T/log.orig"
sed -i '3s/"agent":"bot"/"agent":"bOt"/' "$LOG"
cmp -s "$LOG" "$T/log.orig" && bad "sed changed nothing" || ok
sr audit verify
expect_rc 1 "one byte changed"
expect_err "record 3 \\(line 3\\): changed" "one byte changed"
sr audit verify --key "$key"
expect_err "record 3 \\(line 3\\)" "one byte changed, with the key"
cp "$T/log.orig" "$LOG"
sed -i '5d' "$LOG"
sr audit verify --key "$key"
expect_rc 1 "a line deleted"
expect_err "record 5 \\(line 5\\): deleted" "a line deleted"
cp "$T/log.orig" "$LOG"
head -n $(($(records) - 2)) "$T/log.orig" >"$LOG"
sr audit verify
expect_rc 1 "the last records cut"; expect_err "truncated" "the last records cut"
cp "$T/log.orig" "$LOG"
verify_ok --key "$key"

# ---- a crash between the record and the head ---------------------------
# FORMAT.md: the record is complete, the next append takes it in; until
# then verify accepts it and says the head is behind.
cp "$LOG.head" "$T/head.orig"
sr bot -- true
cp "$T/head.orig" "$LOG.head"
verify_ok --key "$key"
expect_out "head behind the last records" "verify after a crash before the head update"
sr bot -- true
verify_ok --key "$key"
grep -Fq '"event":"recovery"' "$LOG" && bad "a complete record needs no recovery" || ok

# A torn record (a crash in the middle of the write): verify reports it,
# the next run moves it aside and says so in a recovery record.
n=$(records)
printf '{"seq":%d,"ts":"2026-' $((n + 1)) >>"$LOG"
sr audit verify --key "$key"
expect_rc 1 "a torn last record"
expect_err "record $((n + 1)) \\(line $((n + 1))\\): torn" "a torn last record"
sr bot -- true
expect_rc 0 "the run after a torn record"
verify_ok --key "$key"
[ "$(cat "$LOG.torn-$((n + 1))")" = "{\"seq\":$((n + 1)),\"ts\":\"2026-" ] &&
    ok || bad "the torn bytes are kept in audit.jsonl.torn-$((n + 1))"
sed -n "$((n + 1))p" "$LOG" >"$T/rec"
grep -Fq '"event":"recovery"' "$T/rec" && grep -Fq '"reason":"audit.recovered"' \
    "$T/rec" && ok || bad "a recovery record where the torn one was"
last_has '"event":"run"' "the run is recorded after the recovery"

# ---- concurrency -------------------------------------------------------
before=$(records)
runs_before=$(grep -c '"event":"run"' "$LOG")
i=0
while [ $i -lt 8 ]; do
	( j=0; while [ $j -lt 100 ]; do "$SCOPERUN" bot -- true ||
	    echo "run failed" >>"$T/par.err"; j=$((j + 1)); done ) &
	i=$((i + 1))
done
wait
[ -s "$T/par.err" ] && bad "parallel runs failed: $(wc -l <"$T/par.err")" || ok
[ "$(records)" -eq $((before + 800)) ] && ok ||
    bad "8 x 100 parallel runs: want $((before + 800)) records, have $(records)"
[ "$(grep -c '"event":"run"' "$LOG")" -eq $((runs_before + 800)) ] && ok ||
    bad "800 run records"
seqs_ok "after parallel runs"
verify_ok --key "$key"

# ---- kill -9 mid-append ------------------------------------------------
# A loop of runs; the run in flight is killed several times.
rm -f "$T/stop"
( while [ ! -e "$T/stop" ]; do
	"$SCOPERUN" bot -- true 2>/dev/null &
	echo $! >"$T/cur"
	wait
done ) &
loop=$!
sleep 1
k=0
while [ $k -lt 8 ]; do
	kill -9 "$(cat "$T/cur")" 2>/dev/null
	sleep 0.1
	k=$((k + 1))
done
kill -9 "$(cat "$T/cur")" 2>/dev/null
touch "$T/stop"
kill -9 "$(cat "$T/cur")" 2>/dev/null
wait "$loop"
sleep 0.2
sr audit verify --key "$key"
if [ "$rc" -eq 0 ]; then
	ok; echo "note: after kill -9: $(cat "$T/out")"
elif grep -Eq 'torn' "$T/err"; then
	ok; echo "note: after kill -9: $(cat "$T/err")"
else
	bad "after kill -9, verify reports neither a torn record nor a good log"
fi
sr bot -- true
expect_rc 0 "a run after kill -9"
verify_ok --key "$key"
seqs_ok "after kill -9"
for f in "$LOG".torn-*; do
	[ -e "$f" ] || continue
	n=${f##*.torn-}
	grep -Fq "{\"seq\":$n,\"ts\"" "$LOG" &&
	    grep -Fq "\"message\":\"a torn record was moved aside to $f\"" \
	    "$LOG" && ok || bad "a torn record ($f) has its recovery record"
done

# ---- audit show --------------------------------------------------------
sr audit show
expect_rc 0 "show"
expect_out '^SEQ +TIME +EVENT +AGENT +REASON +WHAT$' "show's header"
expect_out '^1 +20[0-9-]+T[0-9:.]+Z +run +bot +ok +/' "show's first run"
expect_out 'deny +ghost +policy.missing' "show's refusal"
[ "$(($(wc -l <"$T/out") - 1))" -eq "$(records)" ] && ok || bad "show lists every record"
sr audit show --json
expect_rc 0 "show --json"
cmp -s "$T/out" "$LOG" && ok || bad "show --json prints the records as they are"
sr audit show --agent ghost
[ "$(wc -l <"$T/out")" -eq 2 ] && ok || bad "--agent ghost: one record"
sr audit show --json --agent strict
[ "$(wc -l <"$T/out")" -eq 1 ] && grep -Fq '"agent":"strict"' "$T/out" && ok ||
    bad "--agent strict --json"
sr audit show --since 1d
[ "$(($(wc -l <"$T/out") - 1))" -eq "$(records)" ] && ok || bad "--since 1d: all of today"
sed '1s/"ts":"[^"]*"/"ts":"2001-01-01T00:00:00.000Z"/' "$LOG" >"$T/old.jsonl"
sr audit show "$T/old.jsonl" --since 1d
[ "$(($(wc -l <"$T/out") - 1))" -eq $(($(records) - 1)) ] && ok ||
    bad "--since 1d leaves out an old record"
sr audit show --since forever
expect_rc 2 "--since wants a duration or a time"

# ---- a run that cannot be recorded does not happen ---------------------
mkdir -p "$T/adir"
SCOPERUN_AUDIT="$T/adir" sr bot -- sh -c 'echo ran'
refused 125 "cannot record the run" "the audit log is a directory"
expect_no_out ran "the command did not run"
: >"$T/afile"
SCOPERUN_AUDIT="$T/afile/audit.jsonl" sr bot -- sh -c 'echo ran'
refused 125 "cannot record the run" "the audit log's directory is a file"
expect_no_out ran "the command did not run"
if [ "$(id -u)" -ne 0 ]; then
	chmod 000 "$XDG_STATE_HOME/scoperun"
	sr bot -- sh -c 'echo ran'
	refused 125 "cannot record the run" "an unreadable state directory"
	expect_no_out ran "the command did not run"
	chmod 700 "$XDG_STATE_HOME/scoperun"
fi
verify_ok --key "$key"

finish

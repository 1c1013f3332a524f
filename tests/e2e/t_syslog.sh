#!/bin/sh
# Records forwarded to syslog, checked against a real rsyslogd started here
# on a private socket: RFC 5424 with the event as MSGID, seq and hash in
# STRUCTURED-DATA and the record itself as MSG, byte for byte; on for a
# policy with [audit] syslog = true or for everyone with
# SCOPERUN_AUDIT_SYSLOG=1; a syslog that is not there never stops a run.
. "$SR_TESTS/e2e/lib.sh"

RSYSLOGD=$(command -v rsyslogd || ls /usr/sbin/rsyslogd /sbin/rsyslogd \
    2>/dev/null | head -n 1)
if [ -z "$RSYSLOGD" ]; then
	echo "t_syslog: skipped: no rsyslogd (apt-get install rsyslog)"
	exit 77
fi

LOG="$XDG_STATE_HOME/scoperun/audit.jsonl"
RS="$T/rs"
SOCK="$RS/log.sock"
OUT="$RS/out.log"
mkdir -p "$RS"
cat >"$RS/rsyslog.conf" <<EOF
global(workDirectory="$RS")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$SOCK" UseSpecialParser="off"
    ParseHostname="on")
template(name="t" type="string" string="%syslogfacility-text%.%syslogseverity-text%|%app-name%|%procid%|%msgid%|%structured-data%|%msg%\\n")
*.* action(type="omfile" file="$OUT" template="t")
EOF
"$RSYSLOGD" -n -f "$RS/rsyslog.conf" -i "$RS/rsyslogd.pid" \
    >"$RS/rsyslogd.out" 2>&1 &
rspid=$!
trap 'kill "$rspid" 2>/dev/null; wait "$rspid" 2>/dev/null;
    chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
i=0
while [ ! -S "$SOCK" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -S "$SOCK" ]; then
	echo "t_syslog: skipped: rsyslogd did not start: $(cat "$RS/rsyslogd.out")"
	exit 77
fi

# lines N: wait until rsyslogd has written N lines (5 s at most)
lines() {
	i=0
	while [ "$( (cat "$OUT" 2>/dev/null || true) | wc -l)" -lt "$1" ] &&
	    [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$( (cat "$OUT" 2>/dev/null || true) | wc -l)" -eq "$1" ]
}
# forwarded N WHAT: the log's last record is line N of the output, whole
forwarded() {
	rec=$(tail -n 1 "$LOG")
	seq=$(printf '%s' "$rec" | sed 's/^{"seq":\([0-9]*\),.*/\1/')
	hash=$(printf '%s' "$rec" | sed 's/.*,"hash":"\([0-9a-f]*\)",.*/\1/')
	got=$(sed -n "${1}p" "$OUT")
	[ "${got#*|*|*|*|\[scoperun@32473 seq=\"$seq\" hash=\"$hash\"]|}" = "$rec" ] &&
	    ok || bad "$2: want the record, seq and hash as sent: $got"
}

export SCOPERUN_SYSLOG_SOCKET="$SOCK"
{ header quiet; printf '[env]\ninherit = ["PATH"]\n'; } | policy quiet
{ header loud; printf '[env]\ninherit = ["PATH"]\n[audit]\nsyslog = true\n'; } |
    policy loud

# ---- off by default --------------------------------------------------
sr quiet -- true
expect_rc 0 "a run without forwarding"
sleep 0.3
[ -s "$OUT" ] && bad "nothing forwarded without [audit] syslog" || ok

# ---- [audit] syslog = true ---------------------------------------------
sr loud -- true
expect_rc 0 "a run of a forwarding policy"
lines 1 && ok || bad "one message from [audit] syslog = true"
forwarded 1 "[audit] syslog"
grep -Eq "^authpriv\.info\|scoperun\|[0-9]+\|run\|" "$OUT" && ok ||
    bad "authpriv.info, APP-NAME scoperun, PROCID, MSGID run: $(cat "$OUT")"
sr loud -- no-such-command-xyz
expect_rc 127 "a refusal of a forwarding policy"
lines 2 && ok || bad "the refusal is forwarded"
forwarded 2 "a refusal"
sed -n 2p "$OUT" | grep -Eq '^authpriv\.notice\|scoperun\|[0-9]+\|deny\|' &&
    ok || bad "a refusal is a notice with MSGID deny: $(sed -n 2p "$OUT")"
sr quiet -- true
sleep 0.3
lines 2 && ok || bad "the other agent stays quiet"

# ---- SCOPERUN_AUDIT_SYSLOG=1: every record -------------------------------
SCOPERUN_AUDIT_SYSLOG=1 sr quiet -- true
lines 3 && ok || bad "SCOPERUN_AUDIT_SYSLOG=1 forwards"
forwarded 3 "SCOPERUN_AUDIT_SYSLOG=1"
sr init
expect_rc 0 "init"
printf 's3cr3t-value' | SCOPERUN_AUDIT_SYSLOG=1 "$SCOPERUN" secret set gh/token \
    >"$T/out" 2>"$T/err"
lines 4 && ok || bad "a vault change is forwarded"
sed -n 4p "$OUT" | grep -q '|secret.set|' && ok || bad "MSGID secret.set"
forwarded 4 "secret.set"
grep -q s3cr3t "$OUT" && bad "a secret value reached syslog" || ok

# ---- no syslog: the run goes on, said once -------------------------------
n=$(wc -l <"$LOG")
SCOPERUN_SYSLOG_SOCKET="$RS/none.sock" sr loud -- sh -c 'echo ran'
expect_rc 0 "a run while syslog is down"
expect_out '^ran$' "the command ran"
expect_err "scoperun: audit: the record was not forwarded to syslog \\($RS/none.sock\\)" \
    "the failure is said"
expect_one_line "said once"
[ "$(wc -l <"$LOG")" -eq $((n + 1)) ] && ok || bad "the record is in the log"
SCOPERUN_AUDIT_SYSLOG=1 SCOPERUN_SYSLOG_SOCKET="$RS/none.sock" sr secret rm gh/token
expect_rc 0 "a vault change while syslog is down"

# ---- the [audit] section ---------------------------------------------------
{ header bad1; printf '[audit]\nsyslog = true\nfile = "/x"\n'; } | policy bad1
sr bad1 -- true
refused 125 "unknown key 'file' in \\[audit\\]" "[audit] knows only syslog"
{ header bad2; printf '[audit]\nsyslog = "yes"\n'; } | policy bad2
sr bad2 -- true
refused 125 "audit.syslog must be a boolean" "[audit] syslog is a boolean"
sr policy check loud
expect_rc 0 "policy check accepts [audit] syslog = true"

"$SCOPERUN" audit verify >"$T/out" 2>&1 && ok || bad "the log verifies"
finish

#!/bin/sh
# Supervised mode end to end (SPEC §7): masked output as agents print it
# (whole, a byte at a time, on both streams, base64'd, in JSON, in URLs),
# a real pty for colours and the window size, Ctrl-C and Ctrl-Z from a
# real terminal, forwarded signals, exit statuses, the time limit and
# what it leaves behind, exec failures, the exit record, and the rate
# guard of [limits].
. "$SR_TESTS/e2e/lib.sh"

command -v python3 >/dev/null 2>&1 || {
	echo "t_supervise: skipped (needs python3 for its pty)"
	exit 77
}
A="$XDG_STATE_HOME/scoperun/audit.jsonl"

# ptyrun MODE SCOPERUN-ARGS...: run scoperun as the session leader of a
# new pty, 45 rows by 123 columns, like a shell in a terminal would; the
# terminal's output (\r dropped) in $T/out, the status in $rc. MODE:
# plain; int: type Ctrl-C once the child printed "ready"; stop: type
# Ctrl-Z there, check the job stopped as a shell sees it, continue it (fg)
# and type "go".
cat >"$T/ptyrun.py" <<'EOF'
import fcntl, os, pty, select, signal, struct, sys, termios, time
mode, argv = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', 45, 123, 0, 0))
    os.execv(argv[0], argv)
out = b''
def read_until(token, t=20):
    global out
    end = time.time() + t
    while time.time() < end and (token is None or token not in out):
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                d = os.read(fd, 4096)
            except OSError:
                return
            if not d:
                return
            out += d
if mode == 'int':
    read_until(b'ready')
    os.write(fd, b'\x03')
elif mode == 'stop':
    read_until(b'ready')
    os.write(fd, b'\x1a')
    _, st = os.waitpid(pid, os.WUNTRACED)
    out += b'job stopped\n' if os.WIFSTOPPED(st) else b'job running\n'
    if os.tcgetpgrp(fd) == os.getpgid(pid):
        out += b'terminal back to scoperun\n'
    os.kill(pid, signal.SIGCONT)
    os.write(fd, b'go\n')
read_until(None)
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors='replace').replace('\r', ''))
sys.exit(os.waitstatus_to_exitcode(st))
EOF
ptyrun() {
	python3 "$T/ptyrun.py" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# ---- setup: secrets and policies ------------------------------------

sr init
expect_rc 0 "init"
TOKEN='ghp_s3cr3t?Value>0123~xyz'
PEM=$(printf -- '-----BEGIN TEST KEY-----\nMIIBOgIBAAJBAKj34GkxFhD9\n-----END TEST KEY-----')
set_secret() {
	printf '%s' "$2" | "$SCOPERUN" secret set "$1" >/dev/null 2>&1 ||
	    bad "secret set $1"
}
set_secret gh/token "$TOKEN"
set_secret tls/key "$PEM"
set_secret tiny abc

{ header masked; cat <<'EOF2'
[env]
inherit = ["PATH"]
[secrets]
TOKEN = "gh/token"
PEM = "tls/key"
TINY = "tiny"
[exec]
mask_output = true
EOF2
} | policy masked
{ header sup; printf '[env]\ninherit = ["PATH"]\n[secrets]\nTOKEN = "gh/token"\n'
  printf '[exec]\nsupervise = true\n'; } | policy sup
{ header timed; printf '[env]\ninherit = ["PATH"]\n'
  printf '[exec]\nmax_runtime = "1s"\nkill_grace = "1s"\n'; } | policy timed
{ header rated; printf '[env]\ninherit = ["PATH"]\n[limits]\n'
  printf 'max_runs_per_hour = 2\n'; } | policy rated

# ---- masking --------------------------------------------------------

sr policy check masked
expect_err "warning: exec.mask_output: the value of TINY is shorter than 6 bytes and is not masked \\(.*masked.toml:[0-9]+\\)" \
    "policy check warns about the value that is short (issue 14)"
expect_no_err "value of (TOKEN|PEM) is shorter" "and not about long ones"

sr masked -- sh -c 'echo "token=$TOKEN"; exit 7'
expect_rc 7 "a masked child's own status"
expect_out '^token=\[REDACTED:TOKEN\]$' "a value printed whole"
expect_err '^scoperun: masked: warning: TINY is shorter than 6 bytes and is not masked$' \
    "a run names the value too short to mask"

cat >"$T/drip.py" <<'EOF'
import os, sys, time
for stream in (sys.stdout, sys.stderr):
    for c in os.environ['TOKEN'] + '\n':
        stream.write(c)
        stream.flush()
        time.sleep(0.003)
EOF
sr masked -- python3 "$T/drip.py"
expect_out '^\[REDACTED:TOKEN\]$' "a value written a byte at a time (stdout)"
expect_err '^\[REDACTED:TOKEN\]$' "a value written a byte at a time (stderr)"

# A pipe to a reader is grown to take the supervisor's 1M writes at once
# (F_GETPIPE_SZ is 1032); the reader asks after EOF, when it is done.
"$SCOPERUN" masked -- sh -c 'echo "$TOKEN"' 2>"$T/err" | python3 -c '
import fcntl, sys
data = sys.stdin.read()
print(data.strip(), fcntl.fcntl(0, 1032))' >"$T/out"
expect_out '^\[REDACTED:TOKEN\] 1048576$' "the output pipe is grown to 1M"

sr masked -- sh -c 'echo "out $TOKEN"; echo "err $TOKEN" >&2'
expect_out '^out \[REDACTED:TOKEN\]$' "stdout masked"
expect_err '^err \[REDACTED:TOKEN\]$' "stderr masked"
"$SCOPERUN" masked -- sh -c 'echo 1; echo 2 >&2; echo 3' >"$T/out" 2>&1
printf '1\n2\n3\n' | grep -v '^$' >"$T/want"
grep -v warning "$T/out" | cmp -s - "$T/want" && ok ||
    bad "2>&1 keeps the order of stdout and stderr"

sr masked -- sh -c 'for p in "" x xy; do
	printf "%s%s" "$p" "$TOKEN" | base64 | tr -d "\n"; echo
	printf "%s%s" "$p" "$TOKEN" | base64 | tr -d "\n=" | tr "+/" "-_"; echo
done'
[ "$(grep -c '\[REDACTED:TOKEN\]' "$T/out")" -eq 6 ] && ok ||
    bad "base64 at three alignments, both alphabets"

sr masked -- python3 -c 'import json, os, urllib.parse
print(json.dumps({"key": os.environ["PEM"], "token": os.environ["TOKEN"]}))
print("https://x/?t=" + urllib.parse.quote(os.environ["TOKEN"], safe=""))'
expect_out '^\{"key": "\[REDACTED:PEM\]", "token": "\[REDACTED:TOKEN\]"\}$' \
    "values inside JSON"
expect_out '^https://x/\?t=\[REDACTED:TOKEN\]$' "a percent-encoded value"

grep -F "$TOKEN" "$T/out" "$T/err" "$A" >/dev/null && bad "a value leaked" || ok
grep -F MIIBOg "$T/out" "$A" >/dev/null && bad "the PEM body leaked" || ok

head -c 300000 /dev/urandom >"$T/bin"
sr masked -- cat "$T/bin"
cmp -s "$T/out" "$T/bin" && ok || bad "binary output passes through"
printf 'typed input\n' | "$SCOPERUN" masked -- cat >"$T/out" 2>/dev/null
expect_out '^typed input$' "stdin passes through"

# ---- a terminal -----------------------------------------------------

ptyrun plain "$SCOPERUN" masked -- sh -c 'test -t 1 && test -t 2 &&
	printf "\033[31mred\033[0m %s\n" "$TOKEN"
	python3 -c "import os; print(os.get_terminal_size(1))"'
expect_rc 0 "masked under a pty"
grep -q "$(printf '\033')\\[31mred$(printf '\033')\\[0m \\[REDACTED:TOKEN\\]" \
    "$T/out" && ok || bad "colours kept, value masked, on a pty"
expect_out 'columns=123, lines=45' "the window size reaches the child's pty"

# A multi-line value on the pty once the child resets its terminal (stty
# sane, as TUI programs do): the tty turns each LF into CR LF (ONLCR).
ptyrun plain "$SCOPERUN" masked -- sh -c 'exec 3>&1; stty sane <&3; stty -a <&3 | grep -o " onlcr"
	printf "pem: %s\n" "$PEM"'
expect_rc 0 "a PEM printed on a pty"
expect_out '^ onlcr$' "the child's pty turns LF into CR LF"
expect_out '^pem: \[REDACTED:PEM\]$' "a PEM masked on a pty (CR LF)"
grep -F MIIBOg "$T/out" >/dev/null && bad "the PEM body leaked on a pty" || ok
# And a value printed with CR LF through a plain pipe.
sr masked -- python3 -c 'import os, sys
sys.stdout.write("crlf: " + os.environ["PEM"].replace("\n", "\r\n") + "\r\n")'
expect_rc 0 "a CR LF value through a pipe"
expect_out "^crlf: \\[REDACTED:PEM\\]$(printf '\r')\$" "a CR LF value masked on a pipe"
grep -F MIIBOg "$T/out" >/dev/null && bad "the CR LF PEM body leaked" || ok

cat >"$T/count.py" <<'EOF'
import signal, time
n = 0
def count(sig, frame):
    global n
    n += 1
signal.signal(signal.SIGINT, count)
print('ready', flush=True)
end = time.time() + 10
while n == 0 and time.time() < end:
    time.sleep(0.01)
time.sleep(0.5)
print('ints=%d' % n, flush=True)
EOF
for agent in sup masked; do
	ptyrun int "$SCOPERUN" "$agent" -- python3 "$T/count.py"
	expect_rc 0 "$agent: Ctrl-C handled by the child"
	expect_out 'ints=1$' "$agent: INT from the terminal delivered once"
	ptyrun int "$SCOPERUN" "$agent" -- sh -c 'echo ready; sleep 20'
	expect_rc 130 "$agent: Ctrl-C ends the child: 128+2"
done
ptyrun stop "$SCOPERUN" sup -- sh -c 'echo ready; read x; echo "got $x"'
expect_rc 0 "Ctrl-Z and fg"
expect_out '^job stopped$' "Ctrl-Z stops the job, as the shell sees it"
expect_out '^terminal back to scoperun$' "the terminal goes back to the job"
expect_out '^got go$' "after fg the child has the terminal again"

# ---- signals, statuses, exec failures -------------------------------

# signalled SIGNAL STATUS: scoperun in the background, its child ready to
# exit STATUS on SIGNAL; the signal goes to scoperun; $rc as it ended.
signalled() {
	rm -f "$T/ready"
	"$SCOPERUN" sup -- sh -c "trap 'exit $2' $1; touch $T/ready
		while :; do sleep 0.05; done" >"$T/out" 2>"$T/err" &
	pid=$!
	n=0
	while [ ! -e "$T/ready" ] && [ $n -lt 200 ]; do
		sleep 0.05
		n=$((n + 1))
	done
	kill -"$1" "$pid"
	wait "$pid"
	rc=$?
}
signalled TERM 3
expect_rc 3 "TERM forwarded, the child's own status returned"
signalled USR1 4
expect_rc 4 "USR1 forwarded"
sr sup -- sh -c 'kill -HUP $$'
expect_rc 129 "killed by HUP: 128+1"

printf '#!/nonexistent/interpreter\n' >"$T/badinterp"
printf '#!%s\n' "$T" >"$T/dirinterp"
chmod 700 "$T/badinterp" "$T/dirinterp"
sr sup -- "$T/badinterp"
refused 127 'badinterp: bad interpreter' "supervised exec failure: 127"
sr masked -- "$T/dirinterp"
expect_rc 126 "supervised exec failure: 126"
expect_err 'dirinterp: permission denied' "the exec error is the child's"
tail -1 "$A" | grep -q '"event":"deny".*"reason":"exec.noexec"' && ok ||
    bad "an exec failure is recorded"

# The run record is on disk before the command runs.
sr sup -- sh -c 'tail -1 "$1"' sh "$A"
expect_out '"event":"run".*"argv":\["sh","-c","tail -1 \\"\$1\\"","sh",' \
    "the run record is durable before the exec"
tail -1 "$A" | grep -q '"event":"exit","agent":"sup".*"status":0,"signal":0,"duration_ms":[0-9]*,"timed_out":false' &&
    ok || bad "the exit record of a clean run"

# ---- max_runtime ----------------------------------------------------

t0=$(date +%s)
sr timed -- sh -c "sleep 30 & echo \$! >$T/gc; wait"
expect_rc 143 "max_runtime: TERM ends the child, 128+15"
[ $(($(date +%s) - t0)) -lt 5 ] && ok || bad "max_runtime took too long"
gone() { ! kill -0 "$1" 2>/dev/null || grep -q '^[^ ]* ([^)]*) Z' "/proc/$1/stat"; }
gone "$(cat "$T/gc")" && ok || bad "max_runtime: the grandchild is gone"
tail -1 "$A" | grep -q '"event":"exit","agent":"timed".*"status":143,"signal":15,"duration_ms":[0-9]*,"timed_out":true' &&
    ok || bad "the exit record of a timeout"

sr timed -- sh -c "trap '' TERM; sleep 30 & echo \$! >$T/gc; wait"
expect_rc 137 "max_runtime: KILL after kill_grace"
gone "$(cat "$T/gc")" && ok || bad "KILL: the grandchild is gone"
tail -1 "$A" | grep -q '"status":137,"signal":9,"duration_ms":[0-9]*,"timed_out":true' &&
    ok || bad "the exit record of a KILL"

# A descendant that left the agent's group and session (setsid) is not
# reached by kill(-group), but max_runtime still bounds it.
t0=$(date +%s)
sr timed -- sh -c "setsid sh -c 'echo \$\$ >$T/ss; exec sleep 30' & sleep 30"
expect_rc 143 "max_runtime with a setsid'd descendant: 143"
[ $(($(date +%s) - t0)) -lt 5 ] && ok || bad "setsid'd: max_runtime took too long"
[ -s "$T/ss" ] && gone "$(cat "$T/ss")" && ok ||
    bad "max_runtime: the setsid'd descendant is gone"
sr timed -- sh -c "setsid sh -c \"trap '' TERM; echo \\\$\\\$ >$T/ss2; exec sleep 30\" &
	sleep 30"
expect_rc 143 "a setsid'd descendant that ignores TERM: the agent's 143"
[ -s "$T/ss2" ] && gone "$(cat "$T/ss2")" && ok ||
    bad "max_runtime: a setsid'd descendant ignoring TERM gets KILL"
# Control: a run within max_runtime ends as before, not timed out.
sr timed -- sh -c 'sleep 0.2; echo fine'
expect_rc 0 "a run within max_runtime"
expect_out '^fine$' "a run within max_runtime prints"
tail -1 "$A" | grep -q '"status":0,.*"timed_out":false' && ok ||
    bad "a run within max_runtime is not a timeout"
# When the agent ends, what it detached ends too: the run is over.
sr sup -- sh -c "setsid sh -c 'echo \$\$ >$T/ss3; exec sleep 30' &
	while [ ! -s $T/ss3 ]; do sleep 0.01; done; echo done"
expect_rc 0 "an agent that detached a process ends with its own status"
expect_out '^done$' "the detaching agent ran"
[ -s "$T/ss3" ] && gone "$(cat "$T/ss3")" && ok ||
    bad "the detached process ends with the run"

# The agent does not outlive its supervisor, even one killed with KILL.
rm -f "$T/apid"
"$SCOPERUN" sup -- sh -c "echo \$\$ >$T/apid; exec sleep 30" >/dev/null 2>&1 &
sup=$!
n=0
while [ ! -s "$T/apid" ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
agent=$(cat "$T/apid")
gone "$agent" && bad "control: the agent runs before its supervisor dies" || ok
kill -KILL "$sup"
wait "$sup"
n=0
while ! gone "$agent" && [ $n -lt 40 ]; do sleep 0.05; n=$((n + 1)); done
gone "$agent" && ok || bad "the agent outlived its SIGKILLed supervisor"

# ---- the rate guard -------------------------------------------------

sr rated -- true
expect_rc 0 "1st run in the hour"
sr -n rated -- true
expect_rc 0 "a dry run takes no slot"
sr rated -- true
expect_rc 0 "2nd run in the hour"
sr rated -- true
refused 125 "^scoperun: rated: denied: 2 runs in the last hour already \\(limits.max_runs_per_hour\\) \\(.*rated.toml:9\\)$" \
    "the 3rd run in the hour"
tail -1 "$A" | grep -q '"event":"deny","agent":"rated".*"reason":"limits.rate"' &&
    ok || bad "the refusal is recorded as limits.rate"
sr -n rated -- true
expect_out '^decision  refuse: denied: 2 runs' "a dry run shows the limit"
[ -f "$A.rate.rated" ] && ok || bad "the state sits beside the audit log"

finish

#!/bin/sh
# check's feedback on a terminal: a progress line on stderr while the
# history is read (rewritten in place, cleared before anything else),
# and a summary "no findings in N commits, M blobs" at the end; on a
# pipe, neither. The terminal is a real pty (python3's pty module).
. "$SR_TESTS/e2e/lib.sh"

for tool in git python3; do
	command -v "$tool" >/dev/null 2>&1 || { echo "t_progress: no $tool: skipped"; exit 77; }
done
export GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
TOKEN="tok_$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
sr init
printf %s "$TOKEN" | "$SCOPERUN" secret set api/token 2>/dev/null

# 300 commits, one new blob each, made at once with fast-import
git init -q "$T/r" && cd "$T/r" || exit 1
python3 - <<'PY' | git fast-import --quiet
import sys
w = sys.stdout.write
for i in range(1, 301):
    data = "line %d\n" % i * 50
    w("commit refs/heads/master\nmark :%d\ncommitter t <t@t> %d +0000\n"
      "data 2\nc\n" % (i, 1700000000 + i))
    if i > 1:
        w("from :%d\n" % (i - 1))
    w("M 644 inline f%d.txt\ndata %d\n%s\n" % (i % 20, len(data), data))
PY
git symbolic-ref HEAD refs/heads/master

# tty ARGS...: scoperun on a pty; everything it wrote in $T/out
tty() {
	python3 - "$SCOPERUN" "$@" >"$T/out" <<'PY'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        d = os.read(fd, 4096)
    except OSError:
        break
    if not d:
        break
    out += d
_, st = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(st))
PY
	rc=$?
	: >"$T/err"
}

SCOPERUN_PROGRESS_AFTER=0 tty check --history
expect_rc 0 "a clean history"
expect_out 'scoperun: check: [0-9]+ commits, [0-9]+ blobs, [0-9.]+ MB\.\.\.' \
    "a progress line on the terminal"
expect_out "$(printf '\r')scoperun: check: " "rewritten in place"
expect_out 'no findings in 300 commits, 300 blobs \([0-9.]+ MB, 1 secret searched for' \
    "the summary"
# the progress line is cleared before the summary
tr '\r' '\n' <"$T/out" | grep -a 'no findings' | grep -q '\.\.\.' &&
    bad "the progress line cleared first" || ok
# on a pipe: neither
SCOPERUN_PROGRESS_AFTER=0 sr check --history
expect_rc 0 "a clean history on a pipe"
[ -s "$T/err" ] && bad "nothing on stderr when it is no terminal" || ok
# a quick check shows no progress line, only the summary
tty check
expect_no_out '\.\.\.' "no progress line for a quick check"
expect_out 'no findings in [0-9]+ files?, [0-9]+ blobs?' "HEAD's summary"
# with a finding: the findings, no "no findings"
printf '%s\n' "$TOKEN" >leak.txt
git add leak.txt
SCOPERUN_PROGRESS_AFTER=0 tty check --staged
expect_rc 1 "a finding"
expect_out 'leak.txt:1:1: value of secret api/token' "the finding shows"
expect_no_out 'no findings' "no summary of none"
grep -aqF "$TOKEN" "$T/out" && bad "the value shows" || ok

finish

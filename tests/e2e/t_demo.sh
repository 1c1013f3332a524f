#!/bin/sh
# The README's demo (examples/demo.sh) against the built binary, on a PATH
# without curl or any other tool a minimal Debian lacks: each step shows
# what it says (the allowlist refuses, tampering is found), and a demo
# whose step does not show it fails loudly instead of printing the
# opposite.
. "$SR_TESTS/e2e/lib.sh"
: "${SR_SOURCE:?set SR_SOURCE to the source tree}"
cd "$T" || exit 1

# A bin dir holding every program of /usr/bin and /bin but curl and wget.
mkdir "$T/bin"
for f in /usr/bin/* /bin/*; do
	n=${f##*/}
	case $n in curl | wget) continue ;; esac
	[ -x "$f" ] && [ ! -e "$T/bin/$n" ] && ln -s "$f" "$T/bin/$n"
done
P="$T/bin"
PATH=$P command -v curl >/dev/null && bad "curl is still on the demo's PATH" || ok

# demo SRC BIN: run SRC/examples/demo.sh with BIN; $rc, $T/out, $T/err
demo() {
	PATH=$P SCOPERUN_DEMO_BIN=$2 TMPDIR=$T sh "$1/examples/demo.sh" \
	    >"$T/out" 2>"$T/err" </dev/null
	rc=$?
}

demo "$SR_SOURCE" "$SCOPERUN"
expect_rc 0 "the demo runs on a PATH without curl"
expect_out 'demo done' "the demo got to its end"
expect_out '^\$ scoperun triage-bot -- ls /   # not in exec.allow$' \
    "the allowlist step runs a command every machine has"
expect_out '^scoperun: triage-bot: denied: .*/ls is not in exec.allow' \
    "the allowlist refusal is shown"
expect_no_out 'command not found|not found' "no step lacks its command"
expect_out 'GITHUB_TOKEN is set, 18 bytes' "the agent got its token"
expect_out 'AWS_SECRET_ACCESS_KEY=<not visible>' "the caller's secret is not"
# tampering: verify passes before the edit and names the record after
sed -n '/# tampering shows$/,$p' "$T/out" >"$T/after"
grep -Eq 'record 4 .*(changed|does not match)' "$T/after" && ok ||
    bad "verify names the edited record"
grep -q '^(exit status 1)$' "$T/after" && ok ||
    bad "verify exits 1 on the edited log"
expect_no_err 'FAILED' "no demo step failed"

# Controls: the demo stops with exit 1 when a step does not show what it
# says. A policy that allows ls: the refusal step has nothing to refuse.
mkdir "$T/src"
cp -R "$SR_SOURCE/examples" "$SR_SOURCE/policies" "$T/src/"
sed -i 's/allow = \["sh", "env", "uname"\]/allow = ["sh", "env", "uname", "ls"]/' \
    "$T/src/examples/triage-bot.toml"
grep -q '"ls"' "$T/src/examples/triage-bot.toml" || bad "ls added to allow"
demo "$T/src" "$SCOPERUN"
expect_rc 1 "a demo whose refusal step is not refused fails"
expect_err '^demo FAILED: ls / is refused by the allowlist' \
    "the failed step is named"
expect_no_out 'demo done' "a failed demo does not claim to be done"

# An audit verify that misses the edit (the bug this demo once had:
# "intact" after tampering) fails the demo too.
cat >"$T/lying-scoperun" <<EOF
#!/bin/sh
[ "\$1 \$2" = "audit verify" ] && { echo "records intact"; exit 0; }
exec "$SCOPERUN" "\$@"
EOF
chmod 700 "$T/lying-scoperun"
demo "$SR_SOURCE" "$T/lying-scoperun"
expect_rc 1 "a demo whose tampering goes unseen fails"
expect_err '^demo FAILED: audit verify finds the edited record' \
    "the tampering step is named"

finish

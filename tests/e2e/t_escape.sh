#!/bin/sh
# Whatever bytes an agent path, a policy path, a command, a vault path or
# a record holds, what scoperun prints is escaped (term.h): ESC ]0;...
# and ESC [2J never reach the reader's terminal. UTF-8 passes as is.
. "$SR_TESTS/e2e/lib.sh"

ESC=$(printf '\033')
BEL=$(printf '\007')
# no_esc WHAT: neither stdout nor stderr holds a raw ESC or BEL
no_esc() {
	if grep -q -e "$ESC" -e "$BEL" "$T/out" "$T/err"; then
		bad "$1: a raw ESC or BEL was printed"
	else
		ok
	fi
}

sr init
expect_rc 0 "init"
printf 'value-0123456789abcdef' | "$SCOPERUN" secret set gh/token >/dev/null 2>&1
D="$T/pol${ESC}]0;pwned${BEL}${ESC}[2Jé"
mkdir -p "$D"
{ header bot; printf '[env]\ninherit = ["PATH"]\n[secrets]\nTOKEN = "gh/token"\n'; } \
    >"$D/bot.toml"
chmod 600 "$D/bot.toml"
{ header bad; printf '[env]\ninherit = ["PATH", "LD_*"]\nfoo = 1\n'; } >"$D/bad.toml"
chmod 600 "$D/bad.toml"

sr "$D/bot.toml" -- true
expect_rc 0 "a run with an agent path holding ESC"
sr "$D/bot.toml" -- "x${ESC}]0;title${BEL}" arg
expect_rc 127 "a command holding ESC"
expect_err 'x\\x1b\]0;title\\x07: command not found' "the command is shown escaped"
no_esc "command not found"
sr "$D/nope.toml" -- true
expect_rc 125 "a missing policy at a path holding ESC"
expect_err '\\x1b\]0;pwned' "the path is shown escaped"
expect_err 'é' "UTF-8 passes as is"
no_esc "missing policy"
SCOPERUN_VAULT="$T/v${ESC}[2J/vault.sealed" sr "$D/bot.toml" -- true
refused 125 "no vault at .*v\\\\x1b\[2J" "a vault path holding ESC"
no_esc "vault error"
sr --dry-run "$D/bot.toml" -- "x${ESC}[2J"
no_esc "dry run"
expect_out 'agent .*\\x1b' "the dry run shows the agent path escaped"
sr policy check "$D/bad.toml"
expect_rc 1 "policy check finds errors"
no_esc "policy check"
sr policy explain "$D/bot.toml"
expect_rc 0 "policy explain"
expect_out 'file .*\\x1b\]0;pwned\\x07\\x1b\[2Jé/bot.toml' "explain shows the path escaped"
no_esc "policy explain"
sr audit show
expect_rc 0 "audit show"
expect_out '\\x1b' "audit show shows the agent escaped"
no_esc "audit show"
sr audit report
expect_rc 0 "audit report"
no_esc "audit report"
sr audit verify "$T/log${ESC}[2J"
no_esc "audit verify of a path holding ESC"
sr secret set "n${ESC}[2J" </dev/null
no_esc "secret set with ESC in the name"
printf 'A=1\n' >"$T/.env"
mkdir "$T/r${ESC}[2J" && git -C "$T/r${ESC}[2J" init -q 2>/dev/null
(cd "$T/r${ESC}[2J" && cp "$T/.env" .env && git add .env &&
    git -c user.name=t -c user.email=t@example.com commit -qm e &&
    "$SCOPERUN" "$D/bot.toml" -- true >"$T/out" 2>"$T/err")
expect_err 'committed env files' "the repo guard refuses"
no_esc "the repo guard"

finish

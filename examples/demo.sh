#!/bin/sh
# The README's demo: builds scoperun and shows a run end to end in a
# throwaway HOME under a temp dir: a new identity and vault, a secret, a
# policy that grants it, the agent's whole environment, a dry run and two
# refusals. Nothing outside that dir is touched. It needs only what
# building needs, and every step checks that it showed what it says: a
# step that does not stops the demo with "demo FAILED" and exit 1.
# SCOPERUN_DEMO_BIN=PATH runs an already built scoperun, installing and
# building nothing (tests/e2e/t_demo.sh does).
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${SCOPERUN_DEMO_BIN:-}" ]; then
	sr=$SCOPERUN_DEMO_BIN
else
	sh "$src/tests/install-deps.sh" build
	# the tests need cmocka and more: building scoperun alone does not
	cmake -S "$src" -B "$src/build" -DSCOPERUN_TESTS=OFF >/dev/null
	cmake --build "$src/build" -j "$(nproc 2>/dev/null || echo 2)" \
	    >/dev/null
	sr="$src/build/scoperun"
fi

umask 077
demo=$(mktemp -d "${TMPDIR:-/tmp}/scoperun-demo.XXXXXX")
trap 'rm -rf "$demo"' EXIT
export HOME="$demo/home" XDG_CONFIG_HOME="$demo/home/.config"
export XDG_DATA_HOME="$demo/home/.local/share"
export XDG_STATE_HOME="$demo/home/.local/state"
unset SCOPERUN_POLICY_DIR SCOPERUN_VAULT SCOPERUN_IDENTITY SCOPERUN_AUDIT
unset SCOPERUN_DEMO_BIN
policies="$XDG_CONFIG_HOME/scoperun/policies"
log="$XDG_STATE_HOME/scoperun/audit.jsonl"
out="$demo/out"

step() { printf '\n$ %s\n' "$*"; }
# run CMD...: run it, show its output and status; $rc and $out keep them
run() {
	rc=0
	"$@" >"$out" 2>&1 || rc=$?
	cat "$out"
	[ $rc -eq 0 ] || printf '(exit status %d)\n' "$rc"
}
show() { step "$@"; run "$@"; }
failed() {
	printf '\ndemo FAILED: %s\n' "$*" >&2
	exit 1
}
# want_rc N WHAT / want_out REGEX WHAT: the last step did show WHAT
want_rc() { [ "$rc" -eq "$1" ] || failed "$2 (exit status $rc, not $1)"; }
want_out() { grep -Eq -- "$1" "$out" || failed "$2"; }
no_out() { ! grep -Eq -- "$1" "$out" || failed "$2"; }

echo "demo HOME: $HOME"
show "$sr" init
want_rc 0 "init made an identity and a vault"
step "printf %s ghp_demo_token_123 | scoperun secret set github/issues-readonly --label scope=read --expires 30d"
printf %s ghp_demo_token_123 |
    "$sr" secret set github/issues-readonly --label scope=read --expires 30d
printf %s unrelated-secret | "$sr" secret set aws/prod-admin
show "$sr" secret ls
want_out 'github/issues-readonly' "secret ls lists the secret"
no_out 'ghp_demo_token_123' "secret ls shows no value"

cp "$src/examples/triage-bot.toml" "$policies/"
show "$sr" policy check triage-bot
want_rc 0 "the example policy checks clean"
show "$sr" policy explain triage-bot
want_out GITHUB_TOKEN "explain names the granted variable"

# The caller's shell holds a secret the agent must never see.
export AWS_SECRET_ACCESS_KEY=caller-secret-not-for-agents
show "$sr" --dry-run triage-bot -- sh "$src/examples/agent.sh"
want_rc 0 "the dry run decides to run"
show "$sr" triage-bot -- sh "$src/examples/agent.sh"
want_rc 0 "the agent ran"
want_out 'GITHUB_TOKEN is set, 18 bytes' "the agent got its token"
want_out 'AWS_SECRET_ACCESS_KEY=<not visible>' \
    "the caller's secret stayed out of the agent"
no_out 'caller-secret-not-for-agents' "the caller's secret stayed out"

# ls is on every machine, and triage-bot.toml does not allow it.
step "scoperun triage-bot -- ls /   # not in exec.allow"
run "$sr" triage-bot -- ls /
want_rc 125 "ls / is refused by the allowlist"
want_out 'not in exec.allow|not allowed' "the refusal names the allowlist"
grep -q '"reason":"exec.denied"' "$log" ||
    failed "the refusal is in the audit log as exec.denied"

step "scoperun --identity someone-elses-key triage-bot -- sh agent.sh"
"$sr" keygen -o "$demo/stranger" >/dev/null
run "$sr" --identity "$demo/stranger" triage-bot -- sh "$src/examples/agent.sh"
want_rc 125 "a stranger's identity is refused"
no_out 'agent:' "the agent did not run for a stranger"

show "$sr" audit show
want_out 'exec.denied' "audit show lists the refusal"
show "$sr" audit verify
want_rc 0 "the untouched log verifies"
step "sed -i 's/\"exec.denied\"/\"ok\"/' audit.jsonl; scoperun audit verify   # tampering shows"
sed -i 's/"exec.denied"/"ok"/' "$log"
if grep -q '"exec.denied"' "$log"; then failed "the record was edited"; fi
run "$sr" audit verify
want_rc 1 "audit verify finds the edited record"

step "scoperun policy check on the shipped templates"
mkdir -m 700 "$demo/templates"
cp "$src"/policies/*.toml "$demo/templates/"
for f in "$demo"/templates/*.toml; do
	"$sr" policy check "$f" 2>/dev/null || true
done
echo
echo "demo done: every step showed what it says"

#!/bin/sh
# The README's demo: builds scoperun and shows a run end to end in a
# throwaway HOME under a temp dir: a new identity and vault, a secret, a
# policy that grants it, the agent's whole environment, a dry run and two
# refusals. Nothing outside that dir is touched.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
sh "$src/tests/install-deps.sh"
cmake -S "$src" -B "$src/build" >/dev/null
cmake --build "$src/build" -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
sr="$src/build/scoperun"

umask 077
demo=$(mktemp -d "${TMPDIR:-/tmp}/scoperun-demo.XXXXXX")
trap 'rm -rf "$demo"' EXIT
export HOME="$demo/home" XDG_CONFIG_HOME="$demo/home/.config"
export XDG_DATA_HOME="$demo/home/.local/share"
export XDG_STATE_HOME="$demo/home/.local/state"
unset SCOPERUN_POLICY_DIR SCOPERUN_VAULT SCOPERUN_IDENTITY SCOPERUN_AUDIT
policies="$XDG_CONFIG_HOME/scoperun/policies"

step() { printf '\n$ %s\n' "$*"; }
show() { step "$@"; "$@" || printf '(exit status %d)\n' "$?"; }

echo "demo HOME: $HOME"
show "$sr" init
step "printf %s ghp_demo_token_123 | scoperun secret set github/issues-readonly --label scope=read --expires 30d"
printf %s ghp_demo_token_123 |
    "$sr" secret set github/issues-readonly --label scope=read --expires 30d
printf %s unrelated-secret | "$sr" secret set aws/prod-admin
show "$sr" secret ls

cp "$src/examples/triage-bot.toml" "$policies/"
show "$sr" policy check triage-bot
show "$sr" policy explain triage-bot

# The caller's shell holds a secret the agent must never see.
export AWS_SECRET_ACCESS_KEY=caller-secret-not-for-agents
show "$sr" --dry-run triage-bot -- sh "$src/examples/agent.sh"
show "$sr" triage-bot -- sh "$src/examples/agent.sh"
step "scoperun triage-bot -- curl https://example.com   # not in exec.allow"
"$sr" triage-bot -- curl https://example.com || echo "(exit status $?)"
step "scoperun --identity someone-elses-key triage-bot -- sh agent.sh"
"$sr" keygen -o "$demo/stranger" >/dev/null
"$sr" --identity "$demo/stranger" triage-bot -- sh "$src/examples/agent.sh" ||
    echo "(exit status $?)"

show "$sr" audit show
show "$sr" audit verify
step "sed -i 's/\"exec.denied\"/\"ok\"/' audit.jsonl; scoperun audit verify   # tampering shows"
sed -i 's/"exec.denied"/"ok"/' "$XDG_STATE_HOME/scoperun/audit.jsonl"
"$sr" audit verify || echo "(exit status $?)"

step "scoperun policy check on the shipped templates"
mkdir -m 700 "$demo/templates"
cp "$src"/policies/*.toml "$demo/templates/"
for f in "$demo"/templates/*.toml; do
	"$sr" policy check "$f" 2>/dev/null || true
done
echo
echo "demo done"

#!/bin/sh
# The README's demo: builds scoperun and shows a run end to end in a
# throwaway HOME under a temp dir. Nothing outside that dir is touched.
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
unset SCOPERUN_POLICY_DIR
mkdir -p "$XDG_CONFIG_HOME/scoperun/policies"
cp "$src/examples/triage-bot.toml" "$XDG_CONFIG_HOME/scoperun/policies/"

step() { printf '\n$ %s\n' "$*"; }
show() { step "$@"; "$@" || printf '(exit status %d)\n' "$?"; }

echo "demo HOME: $HOME"
echo "policy:    $XDG_CONFIG_HOME/scoperun/policies/triage-bot.toml"
show "$sr" policy check triage-bot
show "$sr" policy explain triage-bot

# The caller's shell holds a secret the agent must never see.
export AWS_SECRET_ACCESS_KEY=caller-secret-not-for-agents
step "AWS_SECRET_ACCESS_KEY=... scoperun triage-bot -- env   # the agent's whole environment"
"$sr" triage-bot -- env
show "$sr" --dry-run triage-bot -- sh "$src/examples/agent.sh"
show "$sr" triage-bot -- sh "$src/examples/agent.sh"
step "scoperun triage-bot -- curl https://example.com   # not in exec.allow"
"$sr" triage-bot -- curl https://example.com || echo "(exit status $?)"

step "scoperun policy check on the shipped templates"
mkdir -m 700 "$demo/templates"
cp "$src"/policies/*.toml "$demo/templates/"
for f in "$demo"/templates/*.toml; do
	"$sr" policy check "$f" 2>/dev/null || true
done
echo
echo "demo done (the sealed vault and the audit log come in later versions)"

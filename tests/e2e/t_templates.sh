#!/bin/sh
# The policy templates in policies/ pass `policy check`, and the provider
# templates run end to end with stand-ins for op, vault, aws and the
# GitHub App helper (no network): each stand-in checks it received its
# root input, and the agent gets only what was minted.
. "$SR_TESTS/e2e/lib.sh"

for f in "$SR_SOURCE"/policies/*.toml; do
	name=$(basename "$f" .toml)
	cp "$f" "$POL/$name.toml"
	chmod 600 "$POL/$name.toml"
	# a [sandbox] writing /tmp cannot be checked with this HOME under
	# /tmp (its hidden set would lie under a writable root): t_sandbox
	# checks and runs those templates with a HOME under /var/tmp
	case $HOME in /tmp/*)
		grep -q '^\[sandbox\]' "$f" && { ok; continue; } ;;
	esac
	sr policy check "$name"
	expect_rc 0 "template $name passes policy check"
done

BIN="$T/bin"
mkdir -p "$BIN"
# stand-in NAME WANTVAR OUTPUT-COMMAND: fails unless WANTVAR is set
stand_in() {
	cat >"$BIN/$1" <<EOF2
#!/bin/sh
[ -n "\${$2:-}" ] || { echo "stand-in $1: no $2" >&2; exit 9; }
$3
EOF2
	chmod 755 "$BIN/$1"
}
exp() { date -u -d "+$1 minutes" +%Y-%m-%dT%H:%M:%SZ; }
stand_in op OP_SERVICE_ACCOUNT_TOKEN 'printf "postgres://agent:pw-from-op@db/staging\n"'
stand_in vault VAULT_TOKEN 'printf "deploy-token-from-vault\n"'
stand_in aws AWS_SECRET_ACCESS_KEY 'printf "{\"Version\":1,\"AccessKeyId\":\"ASIA-stand-in\",\"SecretAccessKey\":\"sts-secret-stand-in\",\"SessionToken\":\"sts-session-stand-in\",\"Expiration\":\"%s\"}\n" "$(date -u -d "+55 minutes" +%Y-%m-%dT%H:%M:%S+00:00)"'
stand_in github-app-token GITHUB_APP_KEY 'printf "{\"token\":\"ghs_stand_in_token\",\"expires_at\":\"%s\",\"permissions\":{\"issues\":\"write\"}}\n" "$(date -u -d "+60 minutes" +%Y-%m-%dT%H:%M:%SZ)"'
export PATH="$BIN:$PATH"

sr init
expect_rc 0 "init"
for s in 1password/service-account vault/agent-token aws/root-access-key-id \
    aws/root-secret-access-key github/app-key; do
	printf 'ROOT-%s' "$s" | "$SCOPERUN" secret set "$s" >/dev/null 2>&1 ||
	    bad "secret set $s"
done

# Let each template's agent run env(1) instead of its real tool.
for name in op-read vault-kv aws-sts github-app; do
	sed -i 's#^allow = .*#allow = ["/usr/bin/env"]#' "$POL/$name.toml"
	sr "$name" -- /usr/bin/env
	expect_rc 0 "template $name runs with a stand-in provider"
	expect_no_out 'ROOT-' "template $name: the root never reaches the agent"
done
sr op-read -- /usr/bin/env
expect_out '^DATABASE_URL=postgres://agent:pw-from-op@db/staging$' "op read"
sr vault-kv -- /usr/bin/env
expect_out '^DEPLOY_TOKEN=deploy-token-from-vault$' "vault kv get -field"
sr aws-sts -- /usr/bin/env
expect_out '^AWS_ACCESS_KEY_ID=ASIA-stand-in$' "aws key id"
expect_out '^AWS_SECRET_ACCESS_KEY=sts-secret-stand-in$' "aws secret"
expect_out '^AWS_SESSION_TOKEN=sts-session-stand-in$' "aws session token"
expect_out '^AWS_REGION=' "aws region set"
sr github-app -- /usr/bin/env
expect_out '^GITHUB_TOKEN=ghs_stand_in_token$' "github app token"

# The GitHub App helper itself is valid bash.
bash -n "$SR_SOURCE/policies/github-app-token.sh" && ok || bad "helper parses"

finish

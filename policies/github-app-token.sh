#!/bin/bash
# github-app-token - print a GitHub App installation token as GitHub's JSON
# ({"token": "ghs_...", "expires_at": "..."}), for scoperun's provider
# template policies/github-app.toml.
#
# usage: GITHUB_APP_KEY="$(cat key.pem)" github-app-token APP_ID INSTALLATION_ID
# Needs openssl and curl. The key comes from the environment (a scoperun
# provider input), never from argv or a file.
#
# TRIED ONLY WITH A STAND-IN: no network was reachable when this was
# written; the requests follow GitHub's documentation for App JWTs and
# POST /app/installations/{id}/access_tokens.
set -euo pipefail
app=${1:?APP_ID} inst=${2:?INSTALLATION_ID}
: "${GITHUB_APP_KEY:?the App private key in GITHUB_APP_KEY}"
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
header=$(printf '{"alg":"RS256","typ":"JWT"}' | b64url)
# iat 60s back for clock drift; GitHub allows at most 10 minutes
payload=$(printf '{"iat":%d,"exp":%d,"iss":"%s"}' $((now - 60)) \
    $((now + 540)) "$app" | b64url)
sig=$(printf '%s.%s' "$header" "$payload" |
    openssl dgst -sha256 -sign <(printf '%s\n' "$GITHUB_APP_KEY") | b64url)
exec curl -fsS -X POST \
    -H "Authorization: Bearer $header.$payload.$sig" \
    -H "Accept: application/vnd.github+json" \
    -H "X-GitHub-Api-Version: 2022-11-28" \
    "https://api.github.com/app/installations/$inst/access_tokens"

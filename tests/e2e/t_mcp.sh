#!/bin/sh
# An MCP server run through scoperun, as an editor runs it (README, "MCP
# servers"): a small stdio JSON-RPC server written for this test
# (mcp_server.py, no network) answers initialize, tools/list and
# tools/call through scoperun, plain (exec) and supervised with
# mask_output; the server gets its one token and nothing else of the
# caller's environment; with masking, the token in a tool's answer
# reaches the client as [REDACTED:GITHUB_TOKEN] and the JSON stays valid.
# A refusal is one line on stderr and no answer at all.
. "$SR_TESTS/e2e/lib.sh"

command -v python3 >/dev/null 2>&1 || { echo "t_mcp: no python3: skipped"; exit 77; }
SERVER="$SR_TESTS/e2e/mcp_server.py"
TOKEN="ghp_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
sr init
printf %s "$TOKEN" | "$SCOPERUN" secret set github/mcp 2>/dev/null

mcp_policy() {	# NAME EXTRA: an MCP server's policy
	{ header "$1"
	  printf '[env]\ninherit = ["PATH", "HOME"]\n'
	  printf '[secrets]\nGITHUB_TOKEN = "github/mcp"\n'
	  printf '[exec]\nallow = ["python3"]\n%s\n' "$2"; } | policy "$1"
}
mcp_policy mcp-plain ""
mcp_policy mcp-masked "mask_output = true"

# The client's side: initialize, the initialized notification,
# tools/list, tools/call, one message a line.
cat >"$T/requests" <<'JSON'
{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t_mcp","version":"1"}}}
{"jsonrpc":"2.0","method":"notifications/initialized"}
{"jsonrpc":"2.0","id":2,"method":"tools/list"}
{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"token_tail","arguments":{}}}
JSON

# session AGENT: the four requests through scoperun, answers in $T/out
session() {
	SR_TEST_OUTSIDE=1 "$SCOPERUN" "$1" -- python3 "$SERVER" \
	    <"$T/requests" >"$T/out" 2>"$T/err"
	rc=$?
}

# answers MODE: the answers are the server's, whole and in order
answers() {
	python3 - "$T/out" "$1" "$TOKEN" <<'PY' && ok || bad "$1: the answers"
import json, sys
out, mode, token = sys.argv[1], sys.argv[2], sys.argv[3]
msgs = [json.loads(l) for l in open(out) if l.strip()]
assert [m["id"] for m in msgs] == [1, 2, 3], msgs
init = msgs[0]["result"]
assert init["serverInfo"]["name"] == "sr-test-mcp", init
assert init["protocolVersion"] == "2025-06-18" and "tools" in init["capabilities"]
assert [t["name"] for t in msgs[1]["result"]["tools"]] == ["token_tail"]
text = msgs[2]["result"]["content"][0]["text"]
# the server had the token, and nothing of the caller's environment
assert text.startswith("len=%d " % len(token)) and text.endswith("home=no"), text
if mode == "plain":
    assert "token=" + token in text, text
else:
    assert token not in text and "token=[REDACTED:GITHUB_TOKEN]" in text, text
PY
}

session mcp-plain
expect_rc 0 "plain: the server ran and ended with its input"
answers plain
[ -s "$T/err" ] && bad "plain: nothing on stderr" || ok

session mcp-masked
expect_rc 0 "masked: the server ran"
answers masked
grep -qF "$TOKEN" "$T/out" "$T/err" && bad "masked: the token reaches the client" || ok

# the record names the server's command, never the token
LOG="$XDG_STATE_HOME/scoperun/audit.jsonl"
grep -q '"agent":"mcp-masked".*"event":"exit"\|"event":"exit".*"agent":"mcp-masked"' "$LOG" &&
    ok || bad "the masked run's exit is recorded"
grep -qF "$TOKEN" "$LOG" && bad "the token in the audit log" || ok

# A refusal: one line on stderr, no answer on stdout (what the editor
# shows as a server that failed to start).
mcp_policy mcp-node '' 
sed -i 's/allow = \["python3"\]/allow = ["node"]/' "$POL/mcp-node.toml"
session mcp-node
refused 125 "mcp-node: denied: .*python3 is not in exec.allow" \
    "a server outside the allowlist"
[ -s "$T/out" ] && bad "a refused server answers nothing" || ok

finish

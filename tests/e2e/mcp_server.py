#!/usr/bin/env python3
# mcp_server.py - a small MCP server over stdio for t_mcp.sh: JSON-RPC 2.0,
# one message a line, as the MCP stdio transport frames it. It answers
# initialize, tools/list and tools/call, and ignores notifications. The
# one tool, "token_tail", reports what the server was given: the length
# of $GITHUB_TOKEN and, to show masking at work, the token itself. No
# network, no files.
import json
import os
import sys

TOOLS = [{
    "name": "token_tail",
    "description": "Report the GitHub token this server was given.",
    "inputSchema": {"type": "object", "properties": {}},
}]


def answer(msg):
    method = msg.get("method")
    if method == "initialize":
        return {"protocolVersion": msg["params"].get("protocolVersion",
                                                     "2025-06-18"),
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "sr-test-mcp", "version": "1.0"}}
    if method == "tools/list":
        return {"tools": TOOLS}
    if method == "tools/call":
        tok = os.environ.get("GITHUB_TOKEN", "")
        text = "len=%d token=%s home=%s" % (
            len(tok), tok, "yes" if "SR_TEST_OUTSIDE" in os.environ else "no")
        return {"content": [{"type": "text", "text": text}],
                "isError": False}
    raise KeyError(method)


for line in sys.stdin:
    msg = json.loads(line)
    if "id" not in msg:
        continue    # a notification
    try:
        reply = {"jsonrpc": "2.0", "id": msg["id"], "result": answer(msg)}
    except KeyError:
        reply = {"jsonrpc": "2.0", "id": msg["id"],
                 "error": {"code": -32601, "message": "method not found"}}
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()

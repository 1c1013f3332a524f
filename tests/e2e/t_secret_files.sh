#!/bin/sh
# Secrets as files (SPEC §10, as = "file"): the variable holds a path to
# a sealed, read-only, in-memory file with the exact bytes, for vault and
# provider grants; nothing is written to disk, and it goes with the agent.
. "$SR_TESTS/e2e/lib.sh"

BIN="$T/bin"
mkdir -p "$BIN"
cat >"$BIN/fake-mint" <<'EOF2'
#!/bin/sh
printf 'apiVersion: v1\nminted-kubeconfig-77aa\n'
EOF2
chmod 755 "$BIN/fake-mint"
export PATH="$BIN:$PATH"
sr init
expect_rc 0 "init"
# multi-line, trailing newline, a tab and a byte over 0x7f: exact bytes
printf -- '-----BEGIN KEY-----\nfile-secret-9f8e7d\tx\n\303\251\n-----END KEY-----\n' >"$T/want"
"$SCOPERUN" secret set deploy/key --from-file "$T/want" >/dev/null 2>&1 ||
    bad "secret set --from-file"
rm -f "$T/want.copy"; cp "$T/want" "$T/want.copy"; rm -f "$T/want"
mkdir -p "$T/keep"; mv "$T/want.copy" "$T/keep/want"

{ header f; cat <<'EOF2'
[env]
inherit = ["PATH"]
[secrets.KEYFILE]
from = "deploy/key"
as = "file"
[providers.kc]
command = ["fake-mint"]
[secrets.KUBECONFIG]
provider = "kc"
as = "file"
EOF2
} | policy f

# The agent reads the exact bytes, through a /dev/fd path, mode 0400.
sr f -- /bin/sh -c 'cat "$KEYFILE" >"$0/got"; cat "$KUBECONFIG" >"$0/got-kc";
    echo "$KEYFILE $KUBECONFIG"; stat -L -c %a "$KEYFILE";
    readlink "$KEYFILE"; echo $$ >"$0/agent-pid"' "$T"
expect_rc 0 "file grants run"
cmp -s "$T/got" "$T/keep/want" && ok || bad "vault file grant: exact bytes"
printf 'apiVersion: v1\nminted-kubeconfig-77aa' | cmp -s - "$T/got-kc" &&
    ok || bad "provider file grant: exact bytes (text: one newline dropped)"
expect_out '^/dev/fd/[0-9]+ /dev/fd/[0-9]+$' "the variables hold /dev/fd paths"
expect_out '^400$' "mode 0400"
expect_out '^/memfd:scoperun:KEYFILE \(deleted\)$' "an anonymous in-memory file"
rm -f "$T/got" "$T/got-kc"

# Sealed: not even root can change it.
sr f -- /bin/sh -c 'printf x >>"$KEYFILE"' 
[ "$rc" -ne 0 ] && ok || bad "the file cannot be appended to"
sr f -- /bin/sh -c 'exec 3<>"$KEYFILE"; printf x >&3'
[ "$rc" -ne 0 ] && ok || bad "the file cannot be written"

# The value is in no variable and in no file anywhere we can look.
sr f -- /usr/bin/env
expect_no_out 'file-secret-9f8e7d|minted-kubeconfig' "values not in the environment"
# ($T holds HOME; the rest of /tmp holds other sessions' files)
for d in "$HOME" "$T" /dev/shm /var/tmp; do
	grep -rqas 'file-secret-9f8e7d\|minted-kubeconfig-77aa' "$d" \
	    --exclude-dir=keep --exclude=t_secret_files.sh --exclude=fake-mint &&
	    { bad "found on disk under $d"; grep -rlas 'file-secret-9f8e7d\|minted-kubeconfig-77aa' "$d" --exclude-dir=keep --exclude=t_secret_files.sh --exclude=fake-mint; } || ok
done
grep -qa 'file-secret\|minted-kubeconfig' "$XDG_STATE_HOME/scoperun/audit.jsonl" &&
    bad "value in the audit log" || ok

# Supervised too: the descriptor reaches the agent through the supervisor.
printf '[exec]\nsupervise = true\n' >>"$POL/f.toml"
sr f -- /bin/sh -c 'cat "$KEYFILE"'
expect_rc 0 "supervised file grant"
cmp -s "$T/out" "$T/keep/want" && ok || bad "supervised: exact bytes"

# Gone with the agent: no process holds a scoperun memfd afterwards.
sleep 0.1
held=$(ls -l /proc/[0-9]*/fd 2>/dev/null | grep -c 'memfd:scoperun:')
[ "$held" -eq 0 ] && ok || bad "memfds outlive the agent ($held)"

# Tools that check a key file's permissions accept it.
if command -v ssh-keygen >/dev/null 2>&1; then
	ssh-keygen -q -t ed25519 -N '' -f "$T/keep/id" >/dev/null
	"$SCOPERUN" secret set deploy/ssh --from-file "$T/keep/id" >/dev/null 2>&1
	{ header ssh; cat <<'EOF2'
[env]
inherit = ["PATH"]
[secrets.DEPLOY_KEY]
from = "deploy/ssh"
as = "file"
EOF2
	} | policy ssh
	sr ssh -- /bin/sh -c 'ssh-keygen -y -f "$DEPLOY_KEY"'
	expect_rc 0 "ssh-keygen reads the key file"
	cut -d' ' -f1,2 "$T/keep/id.pub" >"$T/keep/pub"
	cut -d' ' -f1,2 "$T/out" | cmp -s - "$T/keep/pub" && ok ||
	    bad "ssh-keygen derived the right public key"
fi

# A bad "as" is a policy error.
{ header bad; printf '[secrets.X]\nfrom = "deploy/key"\nas = "pipe"\n'; } | policy bad
sr policy check bad
expect_rc 1 "bad as"
expect_err 'secrets.X.as must be "env" or "file"' "bad as message"

finish

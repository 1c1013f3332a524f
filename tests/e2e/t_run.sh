#!/bin/sh
# A run, end to end: the child's environment, the command lookup, the
# allowlist, exit statuses, descriptors and the dry run.
. "$SR_TESTS/e2e/lib.sh"

{ header bot; cat <<'EOF2'
[env]
inherit = ["PATH", "HOME", "LC_*"]
set = { NODE_ENV = "production", GREETING = "a=b c" }
EOF2
} | policy bot

# Only the allowlist reaches the child, sorted, and set beats inherit.
export LC_ALL=C NODE_ENV=dev SECRET_OF_CALLER=leak LD_LIBRARY_PATH=/nonexistent
sr bot -- /usr/bin/env
expect_rc 0 "env runs"
printf 'GREETING=a=b c\nHOME=%s\nLC_ALL=C\nNODE_ENV=production\nPATH=%s\n' \
    "$HOME" "$PATH" >"$T/want"
cmp -s "$T/out" "$T/want" && ok || bad "child env is exactly the allowlist"
unset SECRET_OF_CALLER LD_LIBRARY_PATH NODE_ENV

# A broad pattern still never passes what the loader acts on.
{ header wide; printf '[env]\ninherit = ["*"]\n'; } | policy wide
LD_LIBRARY_PATH=/nonexistent BASH_ENV=/tmp/x SAFE_ONE=1 sr wide -- /usr/bin/env
expect_rc 0 "inherit * runs"
expect_out '^SAFE_ONE=1$' "inherit * passes ordinary names"
expect_no_out '^(LD_LIBRARY_PATH|BASH_ENV)=' "inherit * skips dangerous names"

# Nor what makes some program load code or run a command (lib/run/env.c's
# table), while the names kept on purpose still pass.
OPENSSL_CONF=/tmp/x OPENSSL_MODULES=/tmp/x OPENSSL_ENGINES=/tmp/x \
PYTHONUSERBASE=/tmp/x PERL5LIB=/tmp/x PERL5OPT=-Mx RUBYOPT=-rx RUBYLIB=/tmp/x \
NODE_OPTIONS=--require=x NODE_PATH=/tmp/x JAVA_TOOL_OPTIONS=-javaagent:x \
LUA_INIT=@/tmp/x LUA_PATH=/tmp/x TCLLIBPATH=/tmp/x GCONV_PATH=/tmp/x \
GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.fsmonitor GIT_CONFIG_VALUE_0=/tmp/x \
GIT_CONFIG_PARAMETERS="'core.pager'='/tmp/x'" GIT_CONFIG_GLOBAL=/tmp/x \
GIT_EXEC_PATH=/tmp/x GIT_SSH_COMMAND=/tmp/x GIT_SSH=/tmp/x \
GIT_ASKPASS=/tmp/x SSH_ASKPASS=/tmp/x GIT_PROXY_COMMAND=/tmp/x \
GIT_EXTERNAL_DIFF=/tmp/x LESSOPEN='|/tmp/x %s' GLIBC_TUNABLES=x \
EDITOR=vi PAGER=less TMPDIR=/tmp SAFE_ONE=1 sr wide -- /usr/bin/env
expect_rc 0 "inherit * with code-loading names runs"
expect_no_out '^(OPENSSL_[A-Z]*|PYTHONUSERBASE|PERL5(LIB|OPT)|RUBY(OPT|LIB)|NODE_(OPTIONS|PATH)|JAVA_TOOL_OPTIONS|LUA_(INIT|PATH)|TCLLIBPATH|GCONV_PATH|GIT_CONFIG_[A-Z0-9_]*|GIT_(EXEC_PATH|SSH_COMMAND|SSH|ASKPASS|PROXY_COMMAND|EXTERNAL_DIFF)|SSH_ASKPASS|LESSOPEN|GLIBC_TUNABLES)=' \
    "inherit * skips names that load code or run commands"
expect_out '^SAFE_ONE=1$' "control: an ordinary name still passes"
expect_out '^EDITOR=vi$' "EDITOR is kept"
expect_out '^PAGER=less$' "PAGER is kept"

# The attack itself: a .pth in PYTHONUSERBASE runs in every python.
if command -v python3 >/dev/null 2>&1; then
	{ header py; printf '[env]\ninherit = ["*"]\n'; } | policy py
	ub="$T/userbase"
	site=$(PYTHONUSERBASE="$ub" python3 -c 'import site; print(site.getusersitepackages())')
	mkdir -p "$site"
	printf 'import os; open(%s, "w").close()\n' "'$T/pth-ran'" >"$site/evil.pth"
	PYTHONUSERBASE="$ub" python3 -c pass
	[ -e "$T/pth-ran" ] && ok || bad "control: the .pth runs outside scoperun"
	rm -f "$T/pth-ran"
	PYTHONUSERBASE="$ub" sr py -- python3 -c 'print("ran")'
	expect_rc 0 "python under inherit * runs"
	expect_out '^ran$' "python under inherit * prints"
	[ ! -e "$T/pth-ran" ] && ok || bad "PYTHONUSERBASE .pth ran under scoperun"
fi

# The exit status is the command's own.
sr bot -- sh -c 'exit 7'
expect_rc 7 "child status passes through"
sr run bot -- sh -c 'exit 3'
expect_rc 3 "explicit run verb"
sr bot sh -c 'exit 4'
expect_rc 4 "-- is optional"

# 127 not found, 126 not executable: the env(1) convention.
sr bot -- no-such-command-xyz
refused 127 '^scoperun: bot: no-such-command-xyz: command not found$' \
    "missing command"
printf '#!/bin/sh\necho hi\n' >"$T/noexec"
chmod 600 "$T/noexec"
sr bot -- "$T/noexec"
refused 126 'permission denied' "non-executable file"
sr bot -- "$T"
refused 126 'is a directory' "a directory"

# The command is searched in the child's PATH, never the caller's, and
# empty or relative entries of it are ignored.
mkdir -p "$T/bin" "$T/rel"
printf '#!/bin/sh\necho hello from bin\n' >"$T/bin/hello"
printf '#!/bin/sh\necho relative\n' >"$T/rel/hello2"
chmod 700 "$T/bin/hello" "$T/rel/hello2"
{ header pathy; printf '[env]\nset = { PATH = "%s:rel::" }\n' "$T/bin"; } |
    policy pathy
sr pathy -- hello
expect_out '^hello from bin$' "command found in the child's PATH"
(cd "$T" && PATH="$T/rel:$PATH" "$SCOPERUN" pathy -- hello2 \
    >"$T/out" 2>"$T/err")
rc=$?
refused 127 'hello2: command not found' "relative PATH entries ignored"
sr bot -- hello
expect_rc 127 "the caller's PATH is not searched"

# A script without #! runs through /bin/sh, as execvp does.
printf 'exit 9\n' >"$T/bin/noshebang"
chmod 700 "$T/bin/noshebang"
sr bot -- "$T/bin/noshebang"
expect_rc 9 "script without #!"

# Descriptors the caller passes (make's jobserver) reach the child.
"$SCOPERUN" bot -- sh -c 'echo through >&9' 9>"$T/fd9" 2>"$T/err"
rc=$?
expect_rc 0 "inherited descriptor"
grep -q through "$T/fd9" && ok || bad "fd 9 reached the child"

# The allowlist compares files after resolution.
truebin=/usr/bin/true
[ -x "$truebin" ] || truebin=/bin/true
{ header strict; printf '[env]\ninherit = ["PATH"]\n'
  printf '[exec]\nallow = ["true", "/bin/sh"]\n'; } | policy strict
sr strict -- true
expect_rc 0 "allowed name runs"
sr strict -- "$truebin"
expect_rc 0 "the same file by absolute path"
cp "$truebin" "$T/bin/true"
sr strict -- "$T/bin/true"
refused 125 "^scoperun: strict: denied: $T/bin/true is not in exec.allow \\(.*strict.toml:[0-9]+\\)$" \
    "a copy elsewhere is not the allowed command"
(cd "$T/bin" && "$SCOPERUN" strict -- ./true >"$T/out" 2>"$T/err")
rc=$?
refused 125 'denied: .*true is not in exec.allow' "./true is not true"
sr strict -- env
refused 125 'denied: /.*/env is not in exec.allow' "other commands refused"
sr strict -- sh -c 'exit 5'
expect_rc 5 "allowed absolute path"

# A dry run decides and prints names only, and runs nothing.
sr -n bot -- sh -c "touch $T/ran"
expect_rc 0 "dry run"
[ -e "$T/ran" ] && bad "dry run executed the command" || ok
expect_out '^decision  allow$' "dry run shows the decision"
expect_out '^command   /.*/sh$' "dry run shows the resolved command"
expect_out '^env       GREETING$' "dry run lists names"
expect_no_out 'a=b c|production' "dry run shows no values"
sr --dry-run strict -- env
expect_rc 125 "dry run of a refused command"
expect_out '^decision  refuse: denied:' "dry run shows the refusal"

# Options and usage.
sr --task T-42 bot -- true
expect_rc 0 "--task accepted"
sr --bogus bot -- true
refused 125 "unknown option '--bogus'" "unknown option"
sr bot
refused 125 'missing COMMAND' "no command"
sr --task
refused 125 '--task needs a value' "option without value"
sr --help
expect_rc 0 "--help"
expect_out '^scoperun policy check AGENT' "--help lists the verbs"
sr
expect_rc 2 "no arguments is a usage error"
expect_err '^scoperun \[OPTIONS\] AGENT' "usage goes to stderr"
sr run --help
expect_rc 0 "run --help"
sr --version
expect_out '^scoperun [0-9]+\.[0-9]+\.[0-9]+$' "--version"
sr check --no-such-option
refused 2 '^usage: scoperun check' "check is a verb: it wins over an agent"

# A verb wins over an agent of the same name; `run` reaches the agent.
{ header policy; printf '[env]\ninherit = ["PATH"]\n'; } | policy policy
sr policy -- true
expect_rc 2 "a verb wins over an agent name"
sr run policy -- sh -c 'exit 6'
expect_rc 6 "run NAME reaches an agent named like a verb"

finish

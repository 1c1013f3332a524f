#!/bin/sh
# Finding and loading policies: every refusal is one line naming the
# agent, the rule and file:line, with exit 125; `policy check` lists every
# problem in one pass; `policy explain` shows names, never values.
. "$SR_TESTS/e2e/lib.sh"

# refuse_policy NAME REGEX WHAT: the policy on stdin is refused when run
refuse_policy() {
	policy "$1"
	sr "$1" -- true
	refused 125 "$2" "$3"
}

# Finding the policy.
sr ghost -- true
refused 125 "^scoperun: ghost: no policy for agent 'ghost'" "no such policy"
sr 'bad name!' -- true
refused 125 "invalid agent name" "invalid agent name"
mkdir -p "$T/cwd"
{ header local; } >"$T/cwd/local.toml"
(cd "$T/cwd" && "$SCOPERUN" local -- true >"$T/out" 2>"$T/err")
rc=$?
refused 125 "no policy for agent 'local'" "never from the current directory"
sr "$T/cwd/local.toml" -- true
expect_rc 0 "a path with / is a policy file"
SCOPERUN_POLICY_DIR=relative/dir sr local -- true
refused 125 "SCOPERUN_POLICY_DIR must be an absolute path" \
    "a relative policy dir is refused"
sr ghost -- true
expect_err "looked for ghost.toml in $POL, /etc/scoperun/policies\\)" \
    "the message lists the directories searched"
mkdir -p "$T/pdir"
{ header envdir; } >"$T/pdir/envdir.toml"
{ header envdir; printf 'bogus = 1\n'; } | policy envdir
SCOPERUN_POLICY_DIR="$T/pdir" sr envdir -- true
expect_rc 0 "SCOPERUN_POLICY_DIR is searched first"

# StrictModes: the file and its directory.
header perm | policy perm
chmod 620 "$POL/perm.toml"
sr perm -- true
refused 125 "unsafe file .*perm.toml: mode 0620 is writable by group" \
    "group-writable policy"
chmod 602 "$POL/perm.toml"
sr perm -- true
refused 125 "mode 0602 is writable by others" "world-writable policy"
chmod 600 "$POL/perm.toml"
chmod 0777 "$POL"
sr perm -- true
refused 125 "unsafe directory .*policies: mode 0777 is writable by group and others" \
    "world-writable policy directory"
chmod 0700 "$POL"
if [ "$(id -u)" -eq 0 ]; then
	# as root, a policy owned by another user is someone else's to change
	chown 65534 "$POL/perm.toml"
	sr perm -- true
	refused 125 "unsafe file .*perm.toml: owned by uid 65534, not by you or root" \
	    "policy owned by another user"
	chown 0 "$POL/perm.toml"
fi
ln -s "$POL/perm.toml" "$POL/link.toml"
sr link -- true
refused 125 "link.toml: is a symbolic link" "symlinked policy"
mkdir "$POL/dir.toml"
sr dir -- true
refused 125 "dir.toml is not a regular file" "a directory as policy"
{ header big; i=0; while [ $i -lt 20000 ]; do
	printf '# %060d\n' $i; i=$((i + 1)); done; } | policy big
sr big -- true
refused 125 "big.toml is larger than 1048576 bytes" "policy over 1 MiB"

# The schema; each refusal names the file and line.
{ header a1; printf '[env]\ninherit = ["PATH"]\ncolour = "x"\n'; } |
    refuse_policy a1 "unknown key 'colour' in \\[env\\] \\(.*a1.toml:8\\)$" \
    "unknown key"
{ header a2; printf '[exec]\nsupervise = "yes"\n'; } |
    refuse_policy a2 "exec.supervise must be a boolean, not string \\(.*:7\\)" \
    "wrong type"
printf '[agent]\nname = "a3"\npurpose = "x"\n' |
    refuse_policy a3 "agent.owner is required \\(.*a3.toml:1\\)" \
    "missing owner"
header other | refuse_policy a4 "agent.name 'other' does not match the file name 'a4.toml' \\(.*:2\\)" \
    "name must match the file"
printf '[agent]\nname = "a5"\nowner = "o"\npurpose = "p"\nexpires = 2020-01-01T00:00:00Z\n' |
    refuse_policy a5 "^scoperun: a5: denied: policy expired 2020-01-01T00:00:00Z \\(.*a5.toml:5\\)$" \
    "expired policy"
printf '[agent]\nname = "a6"\nowner = "o"\npurpose = "p"\nexpires = 2030-01-01T00:00:00\n' |
    refuse_policy a6 "expires must be a date-time with a zone" \
    "expiry without a zone"
{ header a7; printf '[secrets.GITHUB_TOKEN]\nfrom = "gh/ro"\nexpires = 2026-11-20T00:00:00Z\n'; } |
    refuse_policy a7 "^scoperun: a7: denied: grant GITHUB_TOKEN expired 2026-11-20T00:00:00Z \\(.*a7.toml:8\\)$" \
    "expired grant"
{ header a8; printf '[env]\nset = { LD_PRELOAD = "/x.so" }\n'; } |
    refuse_policy a8 "env.set: variable 'LD_PRELOAD' cannot be set \\(.*:7\\)" \
    "dangerous name in set"
{ header a9; printf '[env]\ninherit = ["PATH", "LD_*"]\n'; } |
    refuse_policy a9 "'LD_\\*' only matches names that make programs load code or run commands; they are never inherited \\(.*a9.toml:7\\)" \
    "inherit pattern of dangerous names only"
{ header c1; printf '[env]\ninherit = ["PATH",\n  "OPENSSL_CONF"]\n'; } |
    refuse_policy c1 "env.inherit: 'OPENSSL_CONF' only matches names that make programs load code or run commands.*\\(.*c1.toml:8\\)" \
    "inherit naming OPENSSL_CONF"
{ header c2; printf '[env]\ninherit = ["GIT_CONFIG_*"]\n'; } |
    refuse_policy c2 "'GIT_CONFIG_\\*' only matches names that make programs load code.*\\(.*c2.toml:7\\)" \
    "inherit of git's config from the environment"
{ header c3; printf '[env]\ninherit = ["GIT_SSH_COMMAND"]\n'; } |
    refuse_policy c3 "'GIT_SSH_COMMAND' only matches.*\\(.*c3.toml:7\\)" \
    "inherit naming a command hook"
{ header c4; printf '[env]\nset = { OPENSSL_CONF = "/x.cnf" }\n'; } |
    refuse_policy c4 "env.set: variable 'OPENSSL_CONF' cannot be set \\(.*:7\\)" \
    "OPENSSL_CONF cannot be set"
# Control: the policy's own value for a command hook is the owner's choice.
{ header c5; printf '[env]\ninherit = ["GIT_*"]\nset = { GIT_SSH_COMMAND = "ssh -i k" }\n'; } | policy c5
GIT_SSH_COMMAND=evil GIT_CONFIG_COUNT=1 GIT_AUTHOR_NAME=me sr c5 -- /usr/bin/env
expect_rc 0 "a hook set by the policy runs"
expect_out '^GIT_SSH_COMMAND=ssh -i k$' "the policy's own GIT_SSH_COMMAND passes"
expect_out '^GIT_AUTHOR_NAME=me$' "GIT_* passes ordinary git names"
expect_no_out '^GIT_CONFIG_COUNT=' "GIT_* skips git's config from the environment"
{ header b1; printf '[secrets]\nBASH_ENV = "x/y"\n'; } |
    refuse_policy b1 "secrets: variable 'BASH_ENV' cannot be granted \\(.*:7\\)" \
    "dangerous name granted"
{ header b2; printf '[env]\nset = { "1BAD" = "x" }\n'; } |
    refuse_policy b2 "invalid variable name '1BAD' cannot be set" \
    "bad variable name"
{ header b3; printf '[env]\nset = { TOKEN = "x" }\n[secrets]\nTOKEN = "a/b"\n'; } |
    refuse_policy b3 "secrets.TOKEN: TOKEN is also in env.set \\(.*:9\\)" \
    "duplicate target"
{ header b4; printf '[secrets]\nTOKEN = "bad name!"\n'; } |
    refuse_policy b4 "'bad name!' is not a secret name" "bad secret name"
{ header b5; printf '[exec]\nallow = ["bin/tool"]\n'; } |
    refuse_policy b5 "exec.allow: 'bin/tool' must be a command name or an absolute path" \
    "relative allow path"
{ header b6; printf '[exec]\nsupervise = false\nmax_runtime = "2h"\n'; } |
    refuse_policy b6 "exec.supervise = false, but exec.max_runtime needs supervised mode \\(.*:7\\)" \
    "supervise = false beside max_runtime is refused, not guessed"
{ header b7; printf '[limits]\nmax_runs_per_hour = 0\n'; } |
    refuse_policy b7 "limits.max_runs_per_hour must be from 1 to 1000000 \\(.*:7\\)" \
    "a rate limit of 0 is refused"
{ header b8; printf '[secrets]\nTOKEN = "gh/ro"\n'; } |
    refuse_policy b8 "^scoperun: b8: grant TOKEN: no vault at .*vault.sealed \\(create one with .scoperun init.*b8.toml:7\\)$" \
    "grants need a vault"
{ header b9; printf '[env]\ninherit = [ "PATH"\n'; } |
    refuse_policy b9 "invalid TOML at column 11: unterminated array \\(.*b9.toml:7\\)$" \
    "invalid TOML"
{ header c1; printf '[exec]\nmax_runtime = "soon"\n'; } |
    refuse_policy c1 "must be a duration" "bad duration"
long=$(printf 'k%0300d' 0)
{ header c2; printf '[env]\n%s = 1\n' "$long"; } |
    refuse_policy c2 "unknown key 'k0{79}\\.\\.\\.' in \\[env\\]" \
    "messages quote at most 80 bytes"

{ header c3; printf '[repo]\nenv_patterns = []\n'; } |
    refuse_policy c3 "repo.env_patterns is empty: leave it out for the defaults" \
    "an empty pattern list is not silently the defaults"
{ header c4; printf '[repo]\nenv_patterns = ["config/.env"]\n'; } |
    refuse_policy c4 "'config/.env' holds a '/', but patterns match file names only" \
    "a pattern with a slash never matches"

# policy check: every problem in one pass, and warnings.
{ printf '[agent]\nname = "many"\npurpose = "p"\n'
  printf '[env]\ninherit = ["*", "LD_*"]\nset = { IFS = "x" }\n'
  printf '[exec]\nallow = ["a/b"]\n'; } | policy many
sr policy check many
expect_rc 1 "policy check with errors"
[ "$(grep -c ': error: ' "$T/err")" -eq 4 ] && ok ||
    bad "policy check lists all four errors"
expect_err "warning: env.inherit: '\\*' lets in most of the caller's environment" \
    "warning for a broad inherit"
expect_err "warning: the policy has no expiry" "warning for no expiry"
expect_out "^$POL/many.toml: 4 errors, 3 warnings$" "check summary"
expect_err "warning: no \\[sandbox\\]: the agent can read your identity file" \
    "warning for a policy without [sandbox]"
{ header clean; printf '[exec]\nallow = ["true"]\n'
  printf '[sandbox]\nwrite = ["."]\n'; } | policy clean
sr policy check clean
expect_rc 0 "clean policy"
expect_out "0 errors, 0 warnings" "clean summary"
header noallow | policy noallow
sr policy check noallow
expect_rc 0 "warnings alone pass"
expect_err "warning: no \\[exec\\] allow list: any command may run" \
    "warning for a missing allowlist"
sr policy check ghost
expect_rc 2 "policy check of a missing policy"
sr policy check b9
expect_rc 1 "policy check of invalid TOML is a finding"
expect_err "unterminated array \\(.*b9.toml:7\\)$" "check shows the TOML error"
chmod 660 "$POL/clean.toml"
sr policy check clean
expect_rc 1 "policy check of an unsafe policy is a finding"
chmod 600 "$POL/clean.toml"
sr policy check noallow
expect_no_err "noallow.toml:0" "warnings without a line show no :0"
sr policy frob x
expect_rc 2 "policy usage"

# policy explain: names, never values.
{ header ex; printf '[env]\ninherit = ["PATH"]\nset = { MODE = "s3cr3t-value" }\n'
  printf '[secrets.GH]\nfrom = "gh/ro"\nexpires = 2099-01-01T00:00:00Z\n'
  printf '[exec]\nallow = ["npx", "/usr/bin/node"]\n'; } | policy ex
sr policy explain ex
expect_rc 0 "explain"
expect_out '^set +MODE$' "explain lists set names"
expect_out '^secrets +GH <- gh/ro \(expires 2099-01-01T00:00:00Z\)$' \
    "explain lists grants"
expect_out '^commands +npx /usr/bin/node$' "explain lists commands"
expect_out '^passes    MODE PATH ' "explain lists what would pass"
expect_no_out 's3cr3t' "explain shows no values"
expect_out '^repo +refuse committed env files \(\.env \.env\.\* \*\.env' \
    "explain shows the repository rule"
expect_out '^runs +replaces scoperun \(no supervisor\)$' \
    "explain: no supervisor by default"
expect_out '^limits +none$' "explain: no rate limit by default"
expect_out '^records +audit log$' "explain: where records go"
# ... and the supervisor's rules, the rate guard and syslog when set
{ header sup; printf '[exec]\nallow = ["true"]\nmask_output = true\n'
  printf 'max_runtime = "90m"\nkill_grace = "45s"\n'
  printf '[limits]\nmax_runs_per_hour = 12\n[audit]\nsyslog = true\n'; } |
    policy sup
sr policy explain sup
expect_out '^runs +supervised, output masked \(values of 6 bytes or more\)$' \
    "explain: supervised and masked"
expect_out '^ +stopped after 90m, killed 45s later$' \
    "explain: max_runtime and kill_grace"
expect_out '^limits +at most 12 runs an hour$' "explain: the rate limit"
expect_out '^records +audit log and syslog$' "explain: syslog forwarding"
sr policy explain a5
expect_rc 1 "explain of an invalid policy"

# ---- policy check against the vault and the template (issue 14) ----
sr init
printf %s 'ghp_lint_value_123' | "$SCOPERUN" secret set github/issues-readonly \
    >/dev/null 2>&1
{ header lint; printf '[secrets]\nGOOD = "github/issues-readonly"\n'
  printf 'TYPO = "github/issue-readonly"\nGONE = "nothing/like-it"\n'; } |
    policy lint
sr policy check lint
expect_rc 1 "a grant of a secret the vault lacks is a finding"
expect_err "error: grant TYPO: no secret 'github/issue-readonly' in the vault at .*\\(did you mean 'github/issues-readonly'\\?\\) \\(.*lint.toml:[0-9]+\\)" \
    "it names the nearest secret and the grant's line"
expect_err "error: grant GONE: no secret 'nothing/like-it' in the vault at [^(]*\\(.*lint.toml" \
    "no near name: none offered"
expect_no_err "grant GOOD" "the grant the vault holds: nothing said"
{ header lint2; printf '[secrets]\nGOOD = "github/issues-readonly"\n'
  printf '[exec]\nallow = ["true"]  # CHANGE: your command\n'
  printf '# marked CHANGE in prose: not a marker\n'; } | policy lint2
sr policy check lint2
expect_rc 0 "markers are warnings"
expect_err "warning: a template's CHANGE marker: edit what it marks, then delete the marker \\(.*lint2.toml:[0-9]+\\)" \
    "a CHANGE marker left in is named with its line"
[ "$(grep -c "CHANGE marker" "$T/err")" -eq 1 ] && ok ||
    bad "only the marker, not prose naming CHANGE"

finish

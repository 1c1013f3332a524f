# lib.sh - shared by the end-to-end tests: the real scoperun binary, a
# throwaway HOME, real files and real child processes. Source it, call the
# checks, end with `finish`. Nothing here reads the developer's HOME.
set -u
umask 077
: "${SCOPERUN:?set SCOPERUN to the scoperun binary}"
T=$(mktemp -d "${TMPDIR:-/tmp}/sr-e2e.XXXXXX")
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
export HOME="$T/home"
export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share"
export XDG_STATE_HOME="$HOME/.local/state" XDG_CACHE_HOME="$HOME/.cache"
unset SCOPERUN_POLICY_DIR SCOPERUN_TASK_ID SCOPERUN_VAULT SCOPERUN_IDENTITY
unset SCOPERUN_AUDIT
POL="$XDG_CONFIG_HOME/scoperun/policies"
mkdir -p "$POL"
# Results go to a file, so that checks inside pipelines and subshells
# count too.
: >"$T/results"

# policy NAME: write stdin to the policy NAME.toml (mode 0600)
policy() {
	cat >"$POL/$1.toml"
	chmod 600 "$POL/$1.toml"
}

# header NAME: a valid [agent] section for NAME, to start a policy with
header() {
	printf '[agent]\nname = "%s"\nowner = "test@example.com"\n' "$1"
	printf 'purpose = "tests"\nexpires = 2099-01-01T00:00:00Z\n'
}

# sr ARGS...: run scoperun; $rc, $T/out and $T/err hold what happened
sr() {
	"$SCOPERUN" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
}

ok() { echo pass >>"$T/results"; }
bad() {
	echo fail >>"$T/results"
	printf 'FAIL: %s\n' "$*"
	printf '  rc=%s\n  stdout: %s\n  stderr: %s\n' "$rc" \
	    "$(head -c 600 "$T/out")" "$(head -c 600 "$T/err")"
}

# expect_rc N WHAT
expect_rc() { [ "$rc" -eq "$1" ] && ok || bad "$2: want exit $1"; }
# expect_err REGEX WHAT: stderr matches (grep -E)
expect_err() { grep -Eq -- "$1" "$T/err" && ok || bad "$2: stderr !~ $1"; }
expect_out() { grep -Eq -- "$1" "$T/out" && ok || bad "$2: stdout !~ $1"; }
expect_no_out() { grep -Eq -- "$1" "$T/out" && bad "$2: stdout =~ $1" || ok; }
expect_no_err() { grep -Eq -- "$1" "$T/err" && bad "$2: stderr =~ $1" || ok; }
# expect_one_line WHAT: stderr is exactly one line
expect_one_line() {
	[ "$(wc -l <"$T/err")" -eq 1 ] && ok || bad "$1: want one line"
}
# refused N REGEX WHAT: exit N with one line on stderr matching REGEX
refused() {
	expect_rc "$1" "$3"
	expect_err "$2" "$3"
	expect_one_line "$3"
}

finish() {
	passed=$(grep -c pass "$T/results")
	failed=$(grep -c fail "$T/results")
	printf '%s: %d passed, %d failed\n' "$(basename "$0" .sh)" \
	    "$passed" "$failed"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}

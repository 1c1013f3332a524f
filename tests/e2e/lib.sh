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

# test_user NAME: the unprivileged user NAME, made with useradd when it
# is not there (the caller is root); the test is skipped (77) when it
# cannot be. $T becomes searchable for it.
test_user() {
	id "$1" >/dev/null 2>&1 ||
	    useradd -M -d /nonexistent -s /bin/sh "$1" 2>/dev/null || {
		echo "$(basename "$0" .sh): cannot add a test user"
		exit 77
	}
	chmod 711 "$T"
}

# explained_abi: the Landlock ABI `policy explain` printed to $T/out
# (empty: none)
explained_abi() {
	sed -n 's/^sandbox *Landlock ABI \([0-9]*\).*/\1/p' "$T/out"
}

# need_abi N: skip the test (77) unless the `policy explain` in $T/out
# named a Landlock ABI of at least N; sets abi
need_abi() {
	abi=$(explained_abi)
	if [ -z "$abi" ] || [ "$abi" -lt "$1" ]; then
		echo "$(basename "$0" .sh): the kernel's Landlock ABI is" \
		    "'${abi:-none}' (< $1): skipping"
		finish
		exit 77
	fi
}

# user_world WHO [OWNER]: W=$T/WHO (OWNER's, when given) and W/lib.sh,
# for the scripts run there: a HOME in W/home with its XDG directories,
# R its registry of kept sandboxes (also SB here), then the lines on
# stdin
user_world() {
	W=$T/$1
	SB=$W/home/.local/state/scoperun/sandbox
	mkdir -p "$W"
	[ -n "${2:-}" ] && chown "$2:" "$W"
	{
		echo "umask 077"
		echo "export HOME=$W/home XDG_CONFIG_HOME=$W/home/.config"
		echo "export XDG_DATA_HOME=$W/home/.local/share" \
		    "XDG_STATE_HOME=$W/home/.local/state"
		echo "R=$SB"
		cat
	} >"$W/lib.sh"
}

# Kept sandboxes (lib/run/sandbox_keep.c): the registry files in the
# sandbox directory DIR, "PID ...\nKEY" each, and their holders.
# holders DIR: each registered holder's pid (0: a holder that failed)
holders() {
	for f in "$1"/ns-*; do
		case $f in *.lock|*'*') continue ;; esac
		[ -f "$f" ] && head -1 "$f" | cut -d' ' -f1
	done
}
# live_holder DIR NOT ALIVE: the first holder registered in DIR, not pid
# NOT, that `ALIVE PID` finds alive (a killed one may stay a zombie),
# once one is, up to 5 s; nothing when none is
live_holder() {
	i=0
	while [ "$i" -lt 50 ]; do
		for p in $(holders "$1"); do
			[ "$p" != 0 ] && [ "$p" != "$2" ] && "$3" "$p" &&
			    echo "$p" && return 0
		done
		sleep 0.1
		i=$((i + 1))
	done
}
# kill_holders DIR: end every holder registered in DIR
kill_holders() {
	for p in $(holders "$1"); do
		[ "$p" != 0 ] && kill -9 "$p" 2>/dev/null
	done
	sleep 0.2
}
# registry_of PID DIR: the registry file holder PID wrote in DIR
registry_of() {
	grep -l "^$1 " "$2"/ns-* 2>/dev/null | grep -v '\.lock$' | head -1
}

# world_scripts FILES: what the user of user_world $W runs, the policy k
# on stdin. $W/setup.sh: ~/.ssh/id_ed25519 (SSH-KEY), the project
# $W/proj, an identity, k. $W/proj/agent.sh, what the agent runs: for
# each of FILES (beneath HOME) "read F VALUE" or "hidden F" (root reads
# an empty cover: hidden too), then "control write" (the project) and
# "control etc"; a test appends its own lines. $W/probe.sh [KEEP [ARG]]:
# one run of k from the project, `sh agent.sh ARG`, with
# SCOPERUN_SANDBOX_KEEP=KEEP when given, then its record's "kept"
world_scripts() {
	pol=$(cat)
	cat >"$W/setup.sh" <<EOF
. $W/lib.sh
set -e
mkdir -p \$HOME/.ssh \$XDG_CONFIG_HOME/scoperun/policies $W/proj
echo SSH-KEY >\$HOME/.ssh/id_ed25519
"$SCOPERUN" init >/dev/null
cat >\$XDG_CONFIG_HOME/scoperun/policies/k.toml <<'P'
$pol
P
chmod 600 \$XDG_CONFIG_HOME/scoperun/policies/k.toml
cat >$W/proj/agent.sh <<'A'
for f in $1; do
	if v=\$(cat "\$HOME/\$f" 2>/dev/null) && [ -n "\$v" ]; then
		echo "read \$f \$v"
	else
		echo "hidden \$f"
	fi
done
echo made >here && cat here >/dev/null && echo "control write"
head -c1 /etc/passwd >/dev/null && echo "control etc"
A
EOF
	cat >"$W/probe.sh" <<EOF
. $W/lib.sh
[ -n "\${1:-}" ] && export SCOPERUN_SANDBOX_KEEP=\$1
cd $W/proj
"$SCOPERUN" k -- /bin/sh agent.sh "\${2:-}"
grep '"event":"run"' \$XDG_STATE_HOME/scoperun/audit.jsonl | tail -1 |
    grep -o '"kept":[a-z]*'
EOF
	chmod 644 "$W"/*.sh
}

finish() {
	passed=$(grep -c pass "$T/results")
	failed=$(grep -c fail "$T/results")
	printf '%s: %d passed, %d failed\n' "$(basename "$0" .sh)" \
	    "$passed" "$failed"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}

#!/bin/sh
# The project's .pre-commit-hooks.yaml, installed with the real pre-commit
# tool (Debian's package) into a repository made here: a commit that
# stages a vault value is blocked, raw or base64; the same commit without
# it goes through; the push stage runs the hook too.
#
# No network: the hook's repository is a local git repository holding a
# copy of the project's .pre-commit-hooks.yaml, and pre-commit fetches a
# local path with git alone; language: system installs nothing. Should
# pre-commit still reach for the network, the test is skipped (77) with
# its log, never passed.
. "$SR_TESTS/e2e/lib.sh"

for tool in git pre-commit; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "t_precommit: $tool not found (tests/install-deps.sh" \
		    "installs it): skipped"
		exit 77
	}
done
export GIT_CONFIG_NOSYSTEM=1 PRE_COMMIT_HOME="$T/pre-commit-cache"
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t \
    GIT_COMMITTER_EMAIL=t@t
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE SCOPERUN_DEBUG_CACHE
# the hook's entry is `scoperun check --staged`: scoperun on PATH
mkdir -p "$T/bin"
ln -s "$SCOPERUN" "$T/bin/scoperun"
export PATH="$T/bin:$PATH"

TOKEN="tok_$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
"$SCOPERUN" init >/dev/null 2>&1 || bad "init"
printf %s "$TOKEN" | "$SCOPERUN" secret set API_TOKEN 2>/dev/null ||
    bad "secret set"

# The hooks repository: the project's manifest, committed.
mkdir -p "$T/hooks"
cp "$SR_SOURCE/.pre-commit-hooks.yaml" "$T/hooks/" || bad "the manifest"
(cd "$T/hooks" && git init -q -b main && git add . &&
    git commit -qm hooks) >/dev/null 2>&1 || bad "the hooks repository"
rev=$(cd "$T/hooks" && git rev-parse HEAD)

# The project that uses it.
git init -q -b main "$T/app" >/dev/null 2>&1 || bad "git init"
cd "$T/app" || exit 1
cat >.pre-commit-config.yaml <<EOF
repos:
  - repo: $T/hooks
    rev: $rev
    hooks:
      - id: scoperun-check
EOF
echo hello >README
git add -A
pre-commit install --hook-type pre-commit --hook-type pre-push \
    >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "pre-commit install"
pre-commit install-hooks >"$T/out" 2>&1
rc=$?
if [ "$rc" -ne 0 ]; then
	if grep -Eqi 'resolve host|unable to access|network is unreachable|connection (refused|timed out)' \
	    "$T/out"; then
		echo "t_precommit: pre-commit needed the network to set up" \
		    "a local hook repository: skipped"
		sed 's/^/  /' "$T/out"
		exit 77
	fi
	bad "pre-commit install-hooks (the manifest is refused?)"
	sed 's/^/  /' "$T/out"
fi

# commit DESCRIPTION: git commit through the installed hook; git sends
# a hook's output to stderr, so both streams go to $T/out
commit() {
	git commit -qm "$1" >"$T/out" 2>&1 </dev/null
	rc=$?
	: >"$T/err"
}
leaks() {
	grep -aqF "$TOKEN" "$T/out" "$T/err" && bad "$1: the value shows" ||
	    ok
}

commit "first"
expect_rc 0 "a clean first commit goes through the hook"
expect_out 'scoperun check .*Passed' "the hook ran and passed"

printf 'API_TOKEN=%s\n' "$TOKEN" >settings.ini
git add settings.ini
commit "leak"
[ "$rc" -ne 0 ] && ok || bad "a staged raw value blocks the commit"
expect_out 'scoperun check .*Failed' "the hook failed"
expect_out '^settings\.ini:1:11: value of secret API_TOKEN \(raw\)$' \
    "the hook's output names file, line, secret and form"
leaks "blocked commit"
[ "$(git rev-list --count HEAD)" = 1 ] && ok || bad "no commit was made"

printf %s "x$TOKEN" | base64 -w0 >blob.b64
git rm -q --cached settings.ini
git add blob.b64
commit "encoded leak"
[ "$rc" -ne 0 ] && ok || bad "a staged base64 value blocks the commit"
expect_out '^blob\.b64:1:3: value of secret API_TOKEN \(base64\)$' \
    "base64 at the second alignment"
leaks "blocked encoded commit"

git rm -q --cached blob.b64
echo 'API_TOKEN=${API_TOKEN}' >settings.example
git add settings.example
commit "no secret"
expect_rc 0 "without the value the same commit goes through"
[ "$(git rev-list --count HEAD)" = 2 ] && ok || bad "the commit was made"

# The push stage (pre-commit's name for it here: push).
git add settings.ini
pre-commit run --hook-stage push >"$T/out" 2>&1
rc=$?
[ "$rc" -ne 0 ] && ok || bad "the push stage runs the hook too"
expect_out 'scoperun check .*Failed' "push stage: the hook failed"
leaks "push stage"
finish

#!/bin/sh
# The repository guard, end to end: repositories made by the real git in
# the temp dir, the real binary, its refusals, the audit record, and the
# cache (seen through SCOPERUN_DEBUG_CACHE, and strace when it works).
. "$SR_TESTS/e2e/lib.sh"

command -v git >/dev/null 2>&1 || {
	echo "t_repo: git not found: skipped"
	exit 77
}
export XDG_CACHE_HOME="$HOME/.cache" GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_CEILING_DIRECTORIES \
    GIT_COMMON_DIR GIT_OBJECT_DIRECTORY SCOPERUN_DEBUG_CACHE
AUDIT="$XDG_STATE_HOME/scoperun/audit.jsonl"

G() {
	git -c user.name=t -c user.email=t@t -c init.defaultBranch=main \
	    -c protocol.file.allow=always "$@" >/dev/null 2>&1
}
# repo DIR CMD: a new repository at $T/DIR, CMD run in it, all committed
repo() {
	rm -rf "${T:?}/$1"
	G init -q "$T/$1" && (cd "$T/$1" && eval "$2" && G add -A &&
	    G commit -qm init) || bad "cannot make repository $1"
}
# at DIR ARGS...: scoperun ARGS run with $T/DIR as the working directory
at() {
	d=$1
	shift
	(cd "$T/$d" && exec "$SCOPERUN" "$@" >"$T/out" 2>"$T/err" </dev/null)
	rc=$?
}
# settle FILE: wait until FILE's times are in a past second (the cache
# keeps no verdict on stat data from the current second: racy git)
settle() {
	# a second of margin: the guard reads CLOCK_REALTIME_COARSE, which
	# can still say the previous second a few ms after date(1) says the
	# next (seen once in a loaded chroot: "cache racy")
	while [ "$(stat -c '%Y %Z' "$1" | awk '{print ($1 > $2 ? $1 : $2)}')" \
	    -ge "$(($(date +%s) - 1))" ]; do
		sleep 0.2
	done
}
last_record() { tail -n 1 "$AUDIT"; }

{ header bot; printf '[env]\ninherit = ["PATH"]\n'; } | policy bot
BOT="$POL/bot.toml"
FIX='remove them with git rm --cached PATH, commit, and rotate the secrets they exposed'

# Outside a repository, and in a clean one, a run runs.
mkdir -p "$T/plain"
at plain bot -- sh -c 'echo ran'
expect_rc 0 "outside a repository"
expect_out '^ran$' "outside a repository the command runs"
repo clean 'echo hi >README && echo EXAMPLE=1 >.env.example && mkdir -p src/deep'
at clean/src/deep bot -- true
expect_rc 0 "clean repository (.env.example is allowed)"
head=$(cd "$T/clean" && git rev-parse HEAD)
last_record | grep -q "\"repo\":{\"root\":\"$T/clean\",\"head\":\"$head\"},\"task\"\\|\"repo\":{\"root\":\"$T/clean\",\"head\":\"$head\"},\"prev\"" &&
    ok || bad "the run's record holds the repo root and HEAD"

# A committed .env anywhere refuses every run: 125, one line, the paths,
# the fix, the policy; the command does not run; a deny record.
repo env 'echo K=v >.env && echo a >README'
at env bot -- sh -c "touch $T/ran"
refused 125 "^scoperun: bot: denied: the repository at $T/env has committed env files: \\.env; $FIX \\($BOT\\)\$" \
    "committed .env"
[ -e "$T/ran" ] && bad "a refused command ran" || ok
last_record | grep -q '"event":"deny".*"reason":"repo.committed_env".*"repo":{"root":' &&
    ok || bad "the refusal is audited as repo.committed_env"
repo nested 'mkdir -p a/b && echo K=v >a/b/.env.local && echo a >README'
at nested/a bot -- true
refused 125 "committed env files: a/b/\\.env\\.local; remove them" "nested .env.local"
repo suffix 'echo K=v >prod.env && echo K=v >x.env'
at suffix bot -- true
refused 125 "committed env files: prod\\.env, x\\.env; remove" "*.env by default"
repo many 'for i in 01 02 03 04 05 06 07 08 09 10 11 12; do mkdir d$i && echo v >d$i/.env; done'
at many bot -- true
refused 125 "files: d01/\\.env, d02/\\.env, .*, d10/\\.env \\(and 2 more\\); remove" \
    "the first ten and a count"

# HEAD and the index both count: staged, and removed from the index but
# still in HEAD until the commit.
repo staged 'echo a >README'
(cd "$T/staged" && echo K=v >.env && G add .env)
at staged bot -- true
refused 125 "committed env files: \\.env;" "a staged .env"
repo removed 'echo K=v >.env && echo a >README'
(cd "$T/removed" && G rm -q --cached .env)
at removed bot -- true
refused 125 "committed env files: \\.env;" "git rm --cached, HEAD still has it"
(cd "$T/removed" && G commit -qm rm)
at removed bot -- true
expect_rc 0 "git rm --cached and commit: allowed"
rm -rf "$T/unborn" && G init -q "$T/unborn"
(cd "$T/unborn" && echo K=v >.env && G add .env)
at unborn bot -- true
refused 125 "committed env files: \\.env;" "unborn HEAD with a staged .env"

# Worktrees, submodules, bare repositories through GIT_DIR.
repo main 'echo a >README'
(cd "$T/main" && G worktree add -b feat "$T/wt" && cd "$T/wt" &&
    echo K=v >.env && G add .env && G commit -qm env) || bad "worktree"
at wt bot -- true
refused 125 "repository at $T/wt has committed env files: \\.env;" \
    "a worktree's branch"
at main bot -- true
expect_rc 0 "the main worktree is clean"
repo subsrc 'echo K=v >.env.local'
repo super 'echo a >README'
(cd "$T/super" && G submodule add "$T/subsrc" mod && G commit -qm sub) ||
    bad "submodule"
at super/mod bot -- true
refused 125 "repository at $T/super/mod has committed env files: \\.env\\.local;" \
    "a submodule"
# From the superproject's root the agent reads the submodule's files as
# well (issue 11): its committed .env refuses the run there too.
at super bot -- true
refused 125 "repository at $T/super has committed env files: mod/\\.env\\.local;" \
    "a checked-out submodule, from the superproject"
G clone -q "$T/super" "$T/superclone" || bad "clone super"
at superclone bot -- true
expect_rc 0 "a submodule not checked out: nothing to read, allowed"
(cd "$T/superclone" && G submodule update --init) || bad "submodule update"
at superclone bot -- true
refused 125 "committed env files: mod/\\.env\\.local;" \
    "the same submodule once checked out"
# Nested submodules, and the cache: the superproject's clean verdict is
# cached, yet a .env committed two levels down is seen at once.
repo leaf 'echo a >README && echo X=1 >.env.example'
repo mid 'echo a >README'
(cd "$T/mid" && G submodule add "$T/leaf" leaf && G commit -qm leaf) ||
    bad "submodule leaf"
repo top 'echo a >README'
(cd "$T/top" && G submodule add "$T/mid" mid &&
    G submodule update --init --recursive && G commit -qm mid) ||
    bad "submodule mid"
[ -e "$T/top/mid/leaf/.git" ] && ok || bad "the nested submodule is checked out"
for f in "$T/top/.git/index" "$T/top/.git/modules/mid/index" \
    "$T/top/.git/modules/mid/modules/leaf/index"; do
	settle "$f"
done
export SCOPERUN_DEBUG_CACHE=1
at top bot -- true
at top bot -- true
expect_rc 0 "nested submodules, all clean (.env.example allowed)"
expect_err "repo guard: $T/top, cache hit, libgit2 not loaded" \
    "nested submodules: every level answered from the cache"
(cd "$T/top/mid/leaf" && echo K=v >.env && G add .env && G commit -qm env) ||
    bad "commit in the nested submodule"
at top bot -- true
expect_rc 125 "a .env committed in a nested submodule, right after a cached run"
expect_err "repo guard: $T/top, cache hit" "the superproject itself: still cached"
unset SCOPERUN_DEBUG_CACHE
at top bot -- true
refused 125 "repository at $T/top has committed env files: mid/leaf/\\.env;" \
    "a .env committed in a nested submodule: the path from the superproject"
G clone -q --bare "$T/env" "$T/bare.git"
(cd "$T/plain" && GIT_DIR="$T/bare.git" "$SCOPERUN" bot -- true \
    >"$T/out" 2>"$T/err")
rc=$?
refused 125 "repository at $T/bare\\.git has committed env files: \\.env;" \
    "a bare repository through GIT_DIR"

# A damaged index is a clear error, never a crash.
repo broken 'echo a >README'
truncate -s 30 "$T/broken/.git/index"
at broken bot -- true
refused 125 "^scoperun: bot: cannot check the git repository at $T/broken: the index file .*index is damaged \\(.*\\)$" \
    "a truncated index"
last_record | grep -q '"reason":"repo.error"' && ok ||
    bad "the error is audited as repo.error"
printf 'garbage' >"$T/broken/.git/index"
at broken bot -- true
refused 125 "index is damaged \\(too short\\)" "a garbage index"

# The policy decides: off, or other patterns (the refusal then points at
# the [repo] line).
{ header off; printf '[env]\ninherit = ["PATH"]\n[repo]\n'
  printf 'refuse_committed_env = false\n'; } | policy off
at env off -- true
expect_rc 0 "refuse_committed_env = false"
{ header custom; printf '[env]\ninherit = ["PATH"]\n[repo]\n'
  printf 'env_patterns = ["*.secret", "!ok.secret"]\n'; } | policy custom
at env custom -- true
expect_rc 0 "custom patterns: .env no longer matches"
repo secret 'echo v >db.secret && echo v >ok.secret'
at secret custom -- true
refused 125 "files: db\\.secret; $FIX \\($POL/custom\\.toml:8\\)\$" \
    "custom patterns, pointing at [repo]"

# The identity file tracked in the repository.
repo idrepo 'mkdir keys && echo not-really >keys/identity'
SCOPERUN_IDENTITY="$T/idrepo/keys/identity" at idrepo bot -- true
refused 125 "^scoperun: bot: denied: the repository at $T/idrepo tracks your identity file $T/idrepo/keys/identity: git rm --cached it, commit, and rotate the identity \\($BOT\\)\$" \
    "a tracked identity"
last_record | grep -q '"reason":"repo.tracked_identity"' && ok ||
    bad "audited as repo.tracked_identity"

# Identity material anywhere (issue 11): a staged ci.identity, a renamed
# copy, a key pasted into a small config, a file git has no size for, a
# file only HEAD still holds; each refuses the run. Controls: the format
# described in a file, a recipient; and what the guard leaves to
# `scoperun check`: a key inside a file larger than any identity.
"$SCOPERUN" keygen -o "$T/ci.identity" >/dev/null 2>&1 || bad "keygen"
KEYLINE=$(grep '^SCOPERUN-SECRET-1' "$T/ci.identity")
MAT='tracks identity material \(a secret key line\) in'
repo keys 'echo a >README && cat >FORMAT.txt <<EOF
identity    SCOPERUN-SECRET-1<base64url(sk || check)>
an identity (SCOPERUN-SECRET-1...); a recipient: $(sed -n "s/^# recipient: //p" "$T/ci.identity")
EOF'
at keys bot -- true
expect_rc 0 "identity material: the format described is no finding"
(cd "$T/keys" && cp "$T/ci.identity" ci.identity && G add ci.identity)
at keys bot -- true
refused 125 "^scoperun: bot: denied: the repository at $T/keys $MAT $T/keys/ci\\.identity: git rm --cached it, commit, and rotate the identity \\($BOT\\)\$" \
    "a staged ci.identity"
last_record | grep -q '"reason":"repo.tracked_identity"' && ok ||
    bad "identity material: audited as repo.tracked_identity"
(cd "$T/keys" && G mv ci.identity notes.txt && G commit -qm notes)
at keys bot -- true
refused 125 "$MAT $T/keys/notes\\.txt:" "a renamed copy, committed"
(cd "$T/keys" && G rm -q --cached notes.txt)
at keys bot -- true
refused 125 "$MAT $T/keys/notes\\.txt:" "removed from the index, still in HEAD"
(cd "$T/keys" && G commit -qm rm && rm notes.txt &&
    printf 'deploy:\n  env:\n    KEY: "%s"\n' "$KEYLINE" >ci.yml && G add ci.yml)
at keys bot -- true
refused 125 "$MAT $T/keys/ci\\.yml:" "a key pasted into a CI config"
(cd "$T/keys" && G rm -q --cached ci.yml && rm ci.yml &&
    blob=$(git hash-object -w "$T/ci.identity") &&
    G update-index --add --cacheinfo "100644,$blob,nostat.txt")
at keys bot -- true
refused 125 "$MAT $T/keys/nostat\\.txt:" "an index entry without stat data"
(cd "$T/keys" && G rm -q --cached nostat.txt &&
    { head -c 5000 /dev/zero | tr '\0' x; echo; echo "$KEYLINE"; } >big.txt &&
    G add big.txt && G commit -qm big)
at keys bot -- true
expect_rc 0 "a key in a file larger than an identity: left to scoperun check"
(cd "$T/keys" && "$SCOPERUN" check >"$T/out" 2>"$T/err")
rc=$?
expect_rc 1 "... which finds it"
expect_out '^big\.txt:2:1: scoperun identity secret key$' "check names big.txt"
# The cache: blobs found clean are not read again, a new one is.
export SCOPERUN_DEBUG_CACHE=1
settle "$T/keys/.git/index"
at keys bot -- true
at keys bot -- true
expect_err 'cache hit' "identity material: a clean verdict cached"
(cd "$T/keys" && cp "$T/ci.identity" id2 && G add id2)
at keys bot -- true
expect_rc 125 "identity material staged right after a cached run"
(cd "$T/keys" && G rm -q --cached id2 && rm id2)
settle "$T/keys/.git/index"
at keys bot -- true
expect_rc 0 "identity material: clean again"
(cd "$T/keys" && echo b >README && G commit -qam b)
settle "$T/keys/.git/index"
at keys bot -- true
(cd "$T/keys" && touch -d '@1' .git/index)
settle "$T/keys/.git/index"
at keys bot -- true
expect_err 'cache index, libgit2 not loaded' \
    "identity material: known-clean blobs answer without libgit2"
unset SCOPERUN_DEBUG_CACHE

# A dry run says the decision too.
at env -n bot -- true
expect_rc 125 "dry run in a repository with a .env"
expect_out "^repo      $T/env \\([0-9a-f]{40}\\)\$" "dry run names the repository"
expect_out '^decision  refuse: denied: the repository at .* has committed env files' \
    "dry run shows the refusal"

# The cache: a repeated run in an unchanged repository is answered from
# it, without libgit2; any change is seen at once, even in the same
# second as the cached run (racy git).
export SCOPERUN_DEBUG_CACHE=1
repo cached 'echo a >README'
at cached bot -- true
expect_err 'repo guard: .*, cache racy, libgit2 loaded' \
    "an index from this second is not cached"
settle "$T/cached/.git/index"
at cached bot -- true
expect_err "repo guard: $T/cached, cache stored, libgit2 loaded" "stored"
at cached bot -- true
expect_rc 0 "cached run"
expect_err "repo guard: $T/cached, cache hit, libgit2 not loaded" \
    "a repeated run is a cache hit"
if strace -f -e trace=openat -o "$T/trace" true 2>/dev/null; then
	(cd "$T/cached" && strace -f -e trace=openat -o "$T/trace" \
	    "$SCOPERUN" bot -- true 2>/dev/null)
	grep -q 'libgit2' "$T/trace" && bad "libgit2 opened on a cache hit" ||
	    ok
fi
(cd "$T/cached" && echo K=v >.env && G add .env)
at cached bot -- true
expect_rc 125 "git add right after a cached run"
expect_err 'committed env files: \.env;' "git add right after a cached run"
expect_err 'cache miss, libgit2 loaded' "a changed index is checked in full"
(cd "$T/cached" && G rm -q --cached .env)
settle "$T/cached/.git/index"
at cached bot -- true
at cached bot -- true
expect_err 'cache hit' "clean again, cached again"
(cd "$T/cached" && echo b >README && G commit -qam b)
settle "$T/cached/.git/index"
at cached bot -- true
expect_err 'cache stored' "a new commit is checked in full"
(cd "$T/cached" && touch -d '@1' .git/index)
settle "$T/cached/.git/index"
at cached bot -- true
expect_rc 0 "index rewritten, HEAD the same"
expect_err 'cache index, libgit2 not loaded' \
    "decided from the index alone while HEAD is unchanged"
(cd "$T/cached" && echo K=v >.env && G add .env && G commit -qm env)
at cached bot -- true
expect_rc 125 "a commit right after a cached run"
expect_err 'committed env files: \.env;' "a commit right after a cached run"
unset SCOPERUN_DEBUG_CACHE

# libgit2 leaves no descriptor behind for the child.
repo fds 'echo a >README'
at plain bot -- sh -c 'ls /proc/$$/fd'
cp "$T/out" "$T/fds.plain"
at fds bot -- sh -c 'ls /proc/$$/fd'
cmp -s "$T/out" "$T/fds.plain" && ok ||
    bad "the child gets the same descriptors inside a repository"

"$SCOPERUN" audit verify >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "the log with repo records verifies"

finish

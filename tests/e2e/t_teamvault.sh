#!/bin/sh
# `scoperun check` and the team's vault (SPEC §6): the values come from
# your vault and from every scoperun vault the repository tracks that
# your identity opens, known by its first line whatever its name, in
# every mode and through the pre-commit hook, with no flag. A vault you
# cannot open is said and skipped. A blocked commit is told how to
# unstage, not to rotate.
. "$SR_TESTS/e2e/lib.sh"

command -v git >/dev/null 2>&1 || { echo "t_teamvault: no git: skipped"; exit 77; }
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t \
    GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE

rnd() { od -An -N12 -tx1 /dev/urandom | tr -d ' \n'; }
TEAM="team_$(rnd)"
MINE="mine_$(rnd)"
OTHER="other_$(rnd)"

sr init
expect_rc 0 "init"
printf %s "$MINE" | "$SCOPERUN" secret set my/token 2>/dev/null
git init -q -b main "$T/app" && cd "$T/app" || exit 1
echo hello >README
sr init --vault config/team.data	# a vault by its header, any name
expect_rc 0 "the team vault for my identity"
printf %s "$TEAM" | "$SCOPERUN" secret set deploy/token \
    --vault config/team.data 2>/dev/null
# a vault of someone else's, tracked too: not mine to open
"$SCOPERUN" keygen -o "$T/other.identity" >/dev/null 2>&1
"$SCOPERUN" init --identity "$T/other.identity" --vault other.sealed \
    >/dev/null 2>&1
printf %s "$OTHER" | "$SCOPERUN" secret set x/y --identity \
    "$T/other.identity" --vault other.sealed 2>/dev/null
# a file named like a vault that is none
echo "not a vault" >vault.sealed
git add -A && git commit -qm "team vault" || bad "commit"

leaks() {
	for v in "$TEAM" "$MINE" "$OTHER"; do
		grep -qF "$v" "$T/out" "$T/err" && bad "$1: a value shows" ||
		    ok
	done
}

# ---- staged: the team's token is found --------------------------------
printf 'url=https://x/?t=%s\n' "$TEAM" >deploy.conf
git add deploy.conf
sr check --staged
expect_rc 1 "a staged team token is a finding"
expect_out '^deploy.conf:1:[0-9]+: value of secret config/team.data:deploy/token \(raw\)$' \
    "named by its vault and name"
expect_err "note: other.sealed is a scoperun vault your identity does not open" \
    "a vault I cannot open is said"
expect_err "nothing is committed yet: take the values out of the files and git add them again$" \
    "staged: how to fix, no rotation"
expect_no_err "rotate" "staged: nothing to rotate"
leaks "staged"
# base64 too, like any value
printf '%s' "$TEAM" | base64 >deploy.conf
git add deploy.conf
sr check --staged
expect_out 'config/team.data:deploy/token \(base64\)' "the team token, base64"
# control: the same file without it passes
echo 'url=https://x/' >deploy.conf
git add deploy.conf
sr check --staged
expect_rc 0 "the control: no token, no finding"
expect_err "note: other.sealed" "the note stands on a clean check"
# my own vault's values still count
printf '%s\n' "$MINE" >mine.txt
git add mine.txt
sr check --staged
expect_out '^mine.txt:1:1: value of secret my/token \(raw\)$' "my vault too"
git rm -q --cached mine.txt && rm mine.txt

# ---- HEAD and history ------------------------------------------------------
printf '%s\n' "$TEAM" >leak.txt
git add leak.txt && git commit -qm leak
sr check
expect_rc 1 "HEAD: the committed team token"
expect_out 'leak.txt:1:1: value of secret config/team.data:deploy/token' "HEAD"
expect_err "rotate the secrets exposed" "committed: rotate"
git rm -q leak.txt && git commit -qm unleak
sr check
expect_rc 0 "HEAD: clean again"
sr check --history
expect_rc 1 "history: still in an old commit"
expect_out 'leak.txt:1:1: value of secret config/team.data:deploy/token .*in commit' \
    "history"
leaks "head and history"

# ---- the staged vault counts, not only the committed one ------------------
NEW="new_$(rnd)"
printf %s "$NEW" | "$SCOPERUN" secret set deploy/new --vault config/team.data \
    2>/dev/null
printf '%s\n' "$NEW" >new.txt
git add config/team.data new.txt
sr check --staged
expect_out '^new.txt:1:1: value of secret config/team.data:deploy/new' \
    "a value added to the staged vault"
git reset -q new.txt && rm new.txt

# ---- without my own vault: the team's still count ----------------------------
mv "$XDG_DATA_HOME/scoperun/vault.sealed" "$T/mine.aside"
printf '%s\n' "$TEAM" >t.txt
git add t.txt
sr check --staged
expect_rc 1 "no vault of mine: the team's token is still found"
expect_err "no vault at .*: only the env-file and identity rules and the repository's vaults were checked" \
    "the warning says what was checked"
git rm -q --cached t.txt && rm t.txt
mv "$T/mine.aside" "$XDG_DATA_HOME/scoperun/vault.sealed"

# ---- the cache of blobs that are no vault --------------------------------
# It names blob ids, so it cannot go stale; a damaged one, or one others
# could have written, is not used.
C=$(ls "$XDG_CACHE_HOME"/scoperun/vaults-* 2>/dev/null | head -n 1)
[ -n "$C" ] && [ -s "$C" ] && ok || bad "the cache is written"
printf '%s\n' "$TEAM" >t.txt
git add t.txt
vid=$(git rev-parse :config/team.data)
# the vault's own id, written as "no vault": only a cache nobody else
# could write is believed
python3 - "$C" "$vid" <<'PY'
import sys
ids = open(sys.argv[1], "rb").read()
ids = sorted({ids[i:i + 20] for i in range(0, len(ids), 20)} |
             {bytes.fromhex(sys.argv[2])})
open(sys.argv[1], "wb").write(b"".join(ids))
PY
chmod 660 "$C"
sr check --staged
expect_out '^t.txt:1:1: value of secret config/team.data:deploy/token' \
    "a cache others could write is not believed"
chmod 600 "$C"
printf 'garbage' >"$C"
sr check --staged
expect_out '^t.txt:1:1: value of secret config/team.data:deploy/token' \
    "a damaged cache is not used"
# the same path, a new blob: read again
printf %s "$TEAM" | "$SCOPERUN" secret rotate deploy/token \
    --vault config/team.data 2>/dev/null
git add config/team.data
sr check --staged
expect_out '^t.txt:1:1: value of secret config/team.data:deploy/token' \
    "a changed vault is read again"
git rm -q --cached t.txt && rm t.txt

# ---- the pre-commit hook, no flag ----------------------------------------
sr hook install
expect_rc 0 "hook install"
printf 'token: %s\n' "$TEAM" >ci.yml
git add ci.yml
git commit -qm "ci" >"$T/out" 2>"$T/err"
rc=$?
expect_rc 1 "the hook blocks the team token"
expect_err "nothing is committed yet" "the hook's message: nothing committed"
expect_no_err "rotate" "the hook does not say rotate"
leaks "hook"
echo 'token: ${{ secrets.TOKEN }}' >ci.yml
git add ci.yml
git commit -qm "ci" >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "the control: the hook lets a clean commit through"

finish

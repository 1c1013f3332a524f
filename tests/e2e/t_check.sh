#!/bin/sh
# `scoperun check` and `scoperun hook install` end to end: repositories
# made by the real git in the temp dir, a real vault, the real binary.
# The env-file rule (nested, examples allowed, removed from the index but
# still in history), the known-value scan in every form (raw, base64 at
# each alignment in both alphabets, hex, percent), the staged blobs read
# independently of the work tree, worktrees, binary files, a 5 MB file,
# a value split across lines (not reported), JSON and SARIF, the plain
# git hook blocking a commit, and the project's own tree: no finding.
# Every value is random, made here: none is in the project's files. No
# output of any check may hold a value or one of its encoded forms.
. "$SR_TESTS/e2e/lib.sh"

command -v git >/dev/null 2>&1 || {
	echo "t_check: git not found: skipped"
	exit 77
}
command -v python3 >/dev/null 2>&1 || {
	echo "t_check: python3 not found: skipped"
	exit 77
}
export GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_CEILING_DIRECTORIES \
    GIT_COMMON_DIR GIT_OBJECT_DIRECTORY SCOPERUN_DEBUG_CACHE

G() {
	git -c user.name=t -c user.email=t@t -c init.defaultBranch=main \
	    -c protocol.file.allow=always "$@" >/dev/null 2>&1
}
# repo DIR CMD: a new repository at $T/DIR with CMD run in it, committed
repo() {
	rm -rf "${T:?}/$1"
	G init -q "$T/$1" && (cd "$T/$1" && eval "$2" && G add -A &&
	    G commit -qm init --allow-empty) || bad "cannot make repository $1"
}
# stage DIR CMD: CMD run in $T/DIR, then everything staged
stage() {
	(cd "$T/$1" && eval "$2" && G add -A) || bad "cannot stage in $1"
}
rnd() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
b64() { base64 -w0; }
# every byte %XX, upper case; and application/x-www-form-urlencoded
pctall() { printf %s "$1" | od -An -tx1 | tr -d ' \n' | sed 's/../%&/g' |
    tr a-f A-F; }
form() {
	python3 -c 'import sys, urllib.parse
print(urllib.parse.urlencode({"k": sys.argv[1]})[2:], end="")' "$1"
}
hex() { od -An -tx1 | tr -d ' \n'; }
pct() {
	python3 -c 'import sys, urllib.parse
print(urllib.parse.quote(sys.argv[1], safe=""), end="")' "$1"
}

# ---- the vault: random values, made now ----------------------------
TOKEN="tok_$(rnd 12)"
DBPASS="p@ss w/rd:$(rnd 6)!"
SHORTV=abc
"$SCOPERUN" init >/dev/null 2>&1 || bad "init"
printf %s "$TOKEN" | "$SCOPERUN" secret set API_TOKEN 2>/dev/null ||
    bad "secret set API_TOKEN"
printf %s "$DBPASS" | "$SCOPERUN" secret set DB_PASSWORD 2>/dev/null ||
    bad "secret set DB_PASSWORD"
printf %s "$SHORTV" | "$SCOPERUN" secret set PIN 2>/dev/null ||
    bad "secret set PIN"
# a value whose base64 holds '+' and '/': the alphabets differ
head -c 4096 /dev/urandom | tr -d '\000' | head -c 30 >"$T/binval"
printf '\373\377\277\373\377\277' >>"$T/binval"
"$SCOPERUN" secret set BLOB_KEY --from-file "$T/binval" >/dev/null 2>&1 ||
    bad "secret set BLOB_KEY"

# Everything no output may hold: each value, and its whole encodings.
{
	printf '%s\n' "$TOKEN" "$DBPASS"
	printf %s "$TOKEN" | b64; echo
	printf %s "$TOKEN" | hex; echo
	pct "$DBPASS"; echo
	pctall "$TOKEN"; echo
	form "$DBPASS"; echo
	b64 <"$T/binval"; echo
	hex <"$T/binval"; echo
	printf %s "$TOKEN" | cut -c 5-16
} >"$T/values"
leaks() {
	grep -aqF -f "$T/values" "$T/out" "$T/err" &&
	    bad "$1: an output holds a secret value" || ok
}
# chk DIR ARGS...: scoperun check ARGS run in $T/DIR; $rc, out, err
chk() {
	d=$1
	shift
	(cd "$T/$d" && exec "$SCOPERUN" check "$@" >"$T/out" 2>"$T/err" \
	    </dev/null)
	rc=$?
	leaks "check $* in $d"
}
# same_out FILE WHAT: stdout is FILE's text exactly
same_out() {
	cmp -s "$1" "$T/out" && ok || {
		bad "$2: stdout differs"
		diff "$1" "$T/out" | head -20
	}
}

# ---- usage and errors ----------------------------------------------
mkdir -p "$T/plain"
chk plain
expect_rc 2 "outside a repository"
expect_err "^scoperun: check: .*plain is not inside a git repository\$" \
    "outside a repository says so"
expect_one_line "outside a repository: one line"
for args in "--bogus" "--staged --history" "--format xml" "a b"; do
	# shellcheck disable=SC2086
	chk plain $args
	expect_rc 2 "usage error: $args"
	expect_err "^usage: scoperun check" "usage error: $args: usage"
done
chk plain --help
expect_rc 0 "--help"

# ---- the env-file rule ---------------------------------------------
repo clean 'echo hi >README && echo X=1 >.env.example &&
    mkdir -p config && echo X=1 >config/.env.sample && echo x >env.c'
chk clean
expect_rc 0 "a clean repository (.env.example, .env.sample allowed)"
[ -s "$T/out" ] && bad "a clean check prints nothing" || ok
expect_err "warning: secret PIN is shorter than 8 bytes and was not searched for" \
    "a short value is skipped with a warning"
expect_no_err "no vault" "the vault was found"
chk clean --staged
expect_rc 0 "clean, staged"
chk clean --history
expect_rc 0 "clean, history"

repo nested 'echo hi >README'
stage nested 'mkdir -p a/b && echo K=v >a/b/.env.local'
chk nested --staged
expect_rc 1 "a staged nested .env.local"
printf 'a/b/.env.local: env file is tracked\n' >"$T/want"
same_out "$T/want" "a staged nested .env.local"
expect_err "^scoperun: check: 1 finding in $T/nested \\(the staged files\\): nothing is committed yet: unstage the files with git restore --staged PATH \\(git rm --cached PATH to stop tracking one\\)\$" \
    "the summary names the fix"
chk nested/a
expect_rc 1 "HEAD mode sees the index's paths too (from a subdirectory)"

# --agent: that agent's rule, as its runs apply it. Its own pattern finds
# db.secret, which the defaults do not; an agent with the guard off lets
# a committed .env pass; an unknown agent is an error.
repo custom 'echo hi >README && echo K=v >db.secret'
{ header custom; printf '[repo]\nenv_patterns = ["*.secret"]\n'; } |
    policy custom
{ header noguard; printf '[repo]\nrefuse_committed_env = false\n'; } |
    policy noguard
chk custom
expect_rc 0 "db.secret is no env file by default"
chk custom --agent custom
expect_rc 1 "--agent: the agent's env_patterns"
printf 'db.secret: env file is tracked\n' >"$T/want"
same_out "$T/want" "--agent: the agent's pattern named"
repo envc 'echo K=v >.env'
chk envc
expect_rc 1 "a committed .env"
chk envc --agent noguard
expect_rc 0 "--agent: an agent with the guard off"
chk custom --agent nobody
expect_rc 2 "--agent: an unknown agent"
expect_err "^scoperun: nobody: no policy for agent 'nobody'" \
    "--agent: an unknown agent named"

# committed, then removed from the index: gone from HEAD, not from history
repo removed 'echo K=v >.env && echo "$TOKEN" >old.txt && echo hi >README'
first=$(cd "$T/removed" && git rev-parse HEAD)
(cd "$T/removed" && G rm -q --cached .env old.txt && G commit -qm rm) ||
    bad "git rm --cached"
chk removed
expect_rc 0 "removed from the index and committed: HEAD is clean"
chk removed --staged
expect_rc 0 "removed: the index is clean"
chk removed --history
expect_rc 1 "--history finds the removed .env and value"
printf '.env: env file is tracked in commit %.12s\nold.txt:1:1: value of secret API_TOKEN (raw) in commit %.12s\n' \
    "$first" "$first" >"$T/want"
same_out "$T/want" "--history names the commit"
chk removed --history --format json
python3 - "$T/out" "$first" <<'EOF' && ok || bad "--history JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["mode"] == "history", d
assert [f["commit"] for f in d["findings"]] == [sys.argv[2]] * 2, d
EOF

# ---- the known-value scan, every form ------------------------------
repo forms 'echo hi >README'
stage forms '
	printf "x = \"%s\"\n" "$TOKEN" >raw.txt
	printf %s "$TOKEN" | b64 >b64_0.txt
	printf %s "x$TOKEN" | b64 >b64_1.txt
	printf %s "xy$TOKEN" | b64 >b64_2.txt
	{ printf "k: "; b64 <"$T/binval"; } >std.yml
	{ printf "k: "; b64 <"$T/binval" | tr "+/" "-_"; } >url.yml
	{ printf "HEX="; printf %s "$TOKEN" | hex | tr a-f A-F; } >hex.env.txt
	printf "\n\nDATABASE_URL=postgres://app:%s@db/app\n" "$(pct "$DBPASS")" >db.conf
	printf "token=%s\n" "$(pctall "$TOKEN")" >pctall.txt
	printf "t=%s\n" "$(pctall "$TOKEN" | tr A-F a-f)" >pctlow.txt
	printf "user=app&password=%s\n" "$(form "$DBPASS")" >form.txt
'
chk forms --staged
expect_rc 1 "every form is found"
cat >"$T/want" <<EOF
b64_0.txt:1:1: value of secret API_TOKEN (base64)
b64_1.txt:1:3: value of secret API_TOKEN (base64)
b64_2.txt:1:4: value of secret API_TOKEN (base64)
db.conf:3:29: value of secret DB_PASSWORD (percent)
form.txt:1:19: value of secret DB_PASSWORD (form)
hex.env.txt:1:5: value of secret API_TOKEN (hex)
pctall.txt:1:7: value of secret API_TOKEN (percent)
pctlow.txt:1:3: value of secret API_TOKEN (percent)
raw.txt:1:6: value of secret API_TOKEN (raw)
std.yml:1:4: value of secret BLOB_KEY (base64)
url.yml:1:4: value of secret BLOB_KEY (base64url)
EOF
same_out "$T/want" "forms: file, line, column, name, form"
expect_err "11 findings in $T/forms \\(the staged files\\): nothing is committed yet: take the values out of the files and git add them again$" \
    "forms: the summary"
chk forms --history
expect_rc 0 "HEAD does not have them yet"
chk forms
expect_rc 1 "default mode: the work tree's copies of staged files"

# the staged blob counts, not the work tree
repo wt1 'echo hi >a.txt'
stage wt1 'echo "$TOKEN" >a.txt'
(cd "$T/wt1" && echo clean >a.txt)
chk wt1 --staged
expect_rc 1 "staged value, clean work tree: found"
repo wt2 'echo hi >a.txt'
(cd "$T/wt2" && echo "$TOKEN" >a.txt)
chk wt2 --staged
expect_rc 0 "value only in the work tree: not staged, not found"
# The default mode reads the work tree's tracked files (SPEC §6): an
# unstaged edit is found; an untracked file is not (nothing tracks it),
# nor is what a link or a FIFO put in a tracked file's place points at.
chk wt2
expect_rc 1 "default mode: a value in an unstaged edit of a tracked file"
printf 'a.txt:1:1: value of secret API_TOKEN (raw)\n' >"$T/want"
same_out "$T/want" "default mode: the unstaged edit's finding"
repo wt3 'echo hi >a.txt && mkdir sub && echo hi >sub/b.txt &&
    echo hi >c.txt && echo hi >gone.txt'
mkdir -p "$T/elsewhere"
printf '%s\n' "$TOKEN" >"$T/elsewhere/b.txt"
printf '%s\n' "$TOKEN" >"$T/elsewhere/a.txt"
(cd "$T/wt3" && printf '%s\n' "$TOKEN" >untracked.txt &&
    rm a.txt sub/b.txt gone.txt && rmdir sub &&
    ln -s "$T/elsewhere/a.txt" a.txt && ln -s "$T/elsewhere" sub &&
    rm c.txt && mkfifo c.txt) || bad "cannot set up wt3"
chk wt3
expect_rc 0 "default mode: untracked, links, a FIFO, a deleted file: nothing"
expect_no_err "cannot|error|denied" "default mode: no error for them"

# split across lines, wrapped base64, near misses: not reported
repo split 'echo hi >README'
stage split '
	printf "%s\n%s\n" "$(printf %s "$TOKEN" | cut -c 1-10)" \
	    "$(printf %s "$TOKEN" | cut -c 11-)" >split.txt
	printf "%s" "$TOKEN" | cut -c 1-27 >short.txt
	printf %s "$TOKEN$TOKEN$TOKEN" | base64 -w 20 >wrapped.txt
'
chk split --staged
expect_rc 0 "a value split across lines is not reported"

# binary files: a value inside NULs is found; random bytes are not
repo bin 'echo hi >README'
stage bin '
	head -c 3000 /dev/urandom >noise.bin
	{ head -c 700 /dev/urandom; printf "\000\000%s\000" "$TOKEN";
	  head -c 700 /dev/urandom; } >blob.bin
'
chk bin --staged
expect_rc 1 "a value in a binary file"
expect_out '^blob\.bin:[0-9]+:[0-9]+: value of secret API_TOKEN \(raw\)$' \
    "binary: found, with a line"
expect_no_out 'noise\.bin' "random bytes: nothing"

# a 5 MB file: the value on its last line
repo big 'echo hi >README'
stage big '
	awk "BEGIN { for (i = 0; i < 90000; i++)
	    printf \"line %06d abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ\\n\", i }" >big.txt
	printf "last: %s\n" "$TOKEN" >>big.txt
'
[ "$(wc -c <"$T/big/big.txt")" -gt 5000000 ] && ok || bad "big.txt is 5 MB"
chk big --staged
expect_rc 1 "a value at the end of a 5 MB file"
printf 'big.txt:90001:7: value of secret API_TOKEN (raw)\n' >"$T/want"
same_out "$T/want" "5 MB file: the right line"

# a worktree has its own index and HEAD
repo main 'echo hi >README'
(cd "$T/main" && G worktree add -b feat "$T/wt") || bad "worktree add"
stage wt 'printf %s "$TOKEN" | b64 >token.b64'
chk wt --staged
expect_rc 1 "a value staged in a worktree"
expect_out '^token\.b64:1:1: value of secret API_TOKEN \(base64\)$' \
    "worktree: the finding"
chk main --staged
expect_rc 0 "the main worktree's index is clean"
(cd "$T/wt" && G commit -qm leak) || bad "commit in the worktree"
chk wt
expect_rc 1 "committed in the worktree: HEAD mode there finds it"
chk main --history
expect_rc 0 "main's history does not hold the worktree's branch"

# the identity file tracked
repo idrepo 'mkdir keys && cp "$XDG_CONFIG_HOME/scoperun/identity" keys/id &&
    chmod 600 keys/id'
chk idrepo --staged --identity "$T/idrepo/keys/id"
expect_rc 1 "a tracked identity"
expect_out '^keys/id: your scoperun identity file is tracked$' \
    "a tracked identity: the finding"

# ---- identity material anywhere (issue 11) ---------------------------
# A staged ci.identity (the README's own name for a CI key), a renamed
# copy, and a key line pasted into a config file are each a finding, in
# every mode, with or without a vault. Text about the format is not.
"$SCOPERUN" keygen -o "$T/ci.identity" >/dev/null 2>&1 || bad "keygen"
grep '^SCOPERUN-SECRET-1' "$T/ci.identity" >>"$T/values"
grep '^SCOPERUN-SECRET-1' "$XDG_CONFIG_HOME/scoperun/identity" >>"$T/values"
KEYLINE=$(grep '^SCOPERUN-SECRET-1' "$T/ci.identity")
repo keys 'echo hi >README && cat >FORMAT.txt <<EOF
identity    SCOPERUN-SECRET-1<base64url(sk || check)>
an identity (SCOPERUN-SECRET-1...) and a recipient: $(
    "$SCOPERUN" recipient self 2>/dev/null)
SCOPERUN-SECRET-1$(printf %s "$KEYLINE" | cut -c 18-50) is cut short
EOF'
chk keys
expect_rc 0 "key material: the format's description is no finding"
chk keys --history
expect_rc 0 "key material: clean history"
stage keys 'cp "$T/ci.identity" ci.identity'
chk keys --staged
expect_rc 1 "a staged ci.identity"
printf 'ci.identity:3:1: scoperun identity secret key\n' >"$T/want"
same_out "$T/want" "a staged ci.identity: the finding"
chk keys --history
expect_rc 0 "not yet in HEAD"
chk keys
expect_rc 1 "default mode: the work tree's copy"
stage keys 'git mv ci.identity docs.txt && mkdir -p deploy &&
    printf "env:\n  KEY: \"%s\"\n" "$KEYLINE" >deploy/ci.yml'
(cd "$T/keys" && G commit -qm keys) || bad "commit the keys"
chk keys
expect_rc 1 "renamed and pasted copies in HEAD"
printf 'deploy/ci.yml:2:9: scoperun identity secret key\ndocs.txt:3:1: scoperun identity secret key\n' \
    >"$T/want"
same_out "$T/want" "renamed and pasted copies: the findings"
chk keys --format json
python3 - "$T/out" <<'EOF' && ok || bad "key material: JSON"
import json, sys
f = json.load(open(sys.argv[1]))["findings"]
assert f[0] == {"rule": "identity-key", "path": "deploy/ci.yml", "line": 2,
    "column": 9}, f
EOF
(cd "$T/keys" && G rm -q deploy/ci.yml docs.txt && G commit -qm rm) ||
    bad "remove the keys"
chk keys
expect_rc 0 "removed: HEAD is clean"
chk keys --history
expect_rc 1 "removed: the history still holds them"
expect_out '^docs\.txt:3:1: scoperun identity secret key in commit [0-9a-f]{12}$' \
    "removed: the history names the commit"
chk keys --history --vault "$T/nowhere.sealed"
expect_rc 2 "(a named vault must exist)"
mv "$XDG_DATA_HOME/scoperun/vault.sealed" "$T/vault.aside"
chk keys --history
expect_rc 1 "key material is found without a vault"
mv "$T/vault.aside" "$XDG_DATA_HOME/scoperun/vault.sealed"

# ---- checked-out submodules (issue 11) ------------------------------
# From the superproject's root, a checked-out submodule's files are read
# as the agent would read them: its own HEAD, index, work tree and
# history, in each mode, reported under the submodule's path; nested too.
repo leaf 'echo hi >README && echo X=1 >.env.example'
repo subsrc 'echo hi >README'
(cd "$T/subsrc" && G submodule add "$T/leaf" leaf && G commit -qm leaf) ||
    bad "submodule leaf"
repo super 'echo hi >README'
(cd "$T/super" && G submodule add "$T/subsrc" mod &&
    G submodule update --init --recursive && G commit -qm mod) ||
    bad "submodule mod"
G clone -q "$T/super" "$T/superclone" || bad "clone super"
chk super
expect_rc 0 "submodules: clean (.env.example allowed)"
chk super --history
expect_rc 0 "submodules: clean history"
(cd "$T/super/mod" && echo K=v >.env && printf '%s\n' "$TOKEN" >tok.txt &&
    G add .env tok.txt) || bad "stage in the submodule"
(cd "$T/super/mod/leaf" && cp "$T/ci.identity" ci.identity &&
    G add ci.identity && G commit -qm key) || bad "commit in the nested one"
chk super --staged
expect_rc 1 "submodules: --staged reads each one's index"
cat >"$T/want" <<EOF
mod/.env: env file is tracked
mod/leaf/ci.identity:3:1: scoperun identity secret key
mod/tok.txt:1:1: value of secret API_TOKEN (raw)
EOF
same_out "$T/want" "submodules: --staged findings under their paths"
chk super
expect_rc 1 "submodules: the default mode"
cat >"$T/want" <<EOF
mod/.env: env file is tracked
mod/leaf/ci.identity:3:1: scoperun identity secret key
mod/tok.txt:1:1: value of secret API_TOKEN (raw)
EOF
same_out "$T/want" "submodules: default mode, nested too"
chk super --history
expect_rc 1 "submodules: --history"
expect_out '^mod/leaf/ci\.identity:3:1: scoperun identity secret key in commit [0-9a-f]{12}$' \
    "submodules: --history names the submodule's commit"
chk superclone
expect_rc 0 "submodules not checked out: nothing to read"

# ---- the vault's absence, and a vault that cannot be opened ----------
mv "$XDG_DATA_HOME/scoperun/vault.sealed" "$T/vault.aside"
chk nested --staged
expect_rc 1 "no vault: the env-file rule still runs"
expect_err "warning: no vault at .*vault\\.sealed: only the env-file and identity rules were checked" \
    "no vault: a warning"
chk forms --staged
expect_rc 0 "no vault: no value to find"
chk forms --staged --vault "$T/nowhere.sealed"
expect_rc 2 "a vault named with --vault must exist"
mv "$T/vault.aside" "$XDG_DATA_HOME/scoperun/vault.sealed"
chk forms --staged --identity "$T/nowhere.id"
expect_rc 2 "a vault with secrets and no identity: an error, not a pass"

# ---- JSON and SARIF ------------------------------------------------
chk forms --staged --format json
expect_rc 1 "JSON: exit 1"
python3 - "$T/out" "$T/forms" <<'EOF' && ok || bad "JSON report"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["tool"] == "scoperun" and d["mode"] == "staged", d
assert d["root"] == sys.argv[2] and d["head"] and len(d["head"]) == 40, d
assert d["skipped"] == ["PIN"] and d["not_listed"] == 0, d
f = d["findings"]
assert len(f) == 11, f
assert {x["form"] for x in f} == {"raw", "hex", "base64", "base64url",
    "percent", "form"}, f
assert all(set(x) == {"rule", "path", "line", "column", "secret", "form"}
    for x in f), f
assert f[3] == {"rule": "known-secret", "path": "db.conf", "line": 3,
    "column": 29, "secret": "DB_PASSWORD", "form": "percent"}, f[3]
EOF
stage forms 'mkdir -p "sp ace" && echo K=v >"sp ace/.env"'
chk forms --staged --format=sarif
expect_rc 1 "SARIF: exit 1"
python3 - "$T/out" <<'EOF' && ok || bad "SARIF report (GitHub's subset)"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == "2.1.0" and "sarif-2.1.0" in d["$schema"], d
assert len(d["runs"]) == 1
run = d["runs"][0]
drv = run["tool"]["driver"]
assert drv["name"] == "scoperun" and drv["version"], drv
ids = [r["id"] for r in drv["rules"]]
assert ids == ["committed-env", "tracked-identity", "known-secret",
    "identity-key"], ids
for r in drv["rules"]:
    for k in ("shortDescription", "fullDescription", "help"):
        assert r[k]["text"], r
    assert r["defaultConfiguration"]["level"] == "error", r
    assert float(r["properties"]["security-severity"]) > 0, r
    assert "security" in r["properties"]["tags"], r
res = run["results"]
assert len(res) == 12, len(res)
fps = set()
for x in res:
    assert ids[x["ruleIndex"]] == x["ruleId"], x
    assert x["level"] == "error" and x["message"]["text"], x
    assert len(x["locations"]) == 1, x
    pl = x["locations"][0]["physicalLocation"]
    uri = pl["artifactLocation"]["uri"]
    assert not uri.startswith("/") and ":" not in uri, uri
    assert pl["artifactLocation"]["uriBaseId"] == "%SRCROOT%", pl
    assert pl["region"]["startLine"] >= 1, pl
    fp = x["partialFingerprints"]["primaryLocationLineHash"]
    assert fp not in fps, fp
    fps.add(fp)
uris = [x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    for x in res]
assert "sp%20ace/.env" in uris, uris
db = [x for x in res if uris[res.index(x)] == "db.conf"][0]
assert db["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
assert db["properties"] == {"secret": "DB_PASSWORD", "form": "percent"}, db
EOF
chk clean --format sarif
expect_rc 0 "SARIF, clean: exit 0"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["runs"][0]["results"] == []' \
    "$T/out" && ok || bad "SARIF, clean: no results"

# ---- the plain git hook --------------------------------------------
repo hooked 'echo hi >README'
chk hooked
(cd "$T/hooked" && "$SCOPERUN" hook install >"$T/out" 2>"$T/err")
rc=$?
expect_rc 0 "hook install"
expect_out "^installed the pre-commit hook at $T/hooked/\\.git/hooks/pre-commit\$" \
    "hook install says where"
[ -x "$T/hooked/.git/hooks/pre-commit" ] && ok || bad "the hook is executable"
stage hooked 'echo "$TOKEN" >leak.txt'
(cd "$T/hooked" && git -c user.name=t -c user.email=t@t commit -qm leak \
    >"$T/out" 2>"$T/err")
rc=$?
[ "$rc" -ne 0 ] && ok || bad "the hook blocks a staged value"
expect_err '^leak\.txt:1:1: value of secret API_TOKEN \(raw\)$' \
    "the hook says what it found (git sends a hook's stdout to stderr)"
leaks "the blocked commit"
[ "$(cd "$T/hooked" && git rev-list --count HEAD)" = 1 ] && ok ||
    bad "no commit was made"
(cd "$T/hooked" && G rm -q --cached leak.txt && rm leak.txt &&
    echo fine >ok.txt && G add ok.txt &&
    git -c user.name=t -c user.email=t@t commit -qm ok >"$T/out" 2>"$T/err")
rc=$?
expect_rc 0 "the hook lets a clean commit through"
# git commit -a points the hook at a temporary index (GIT_INDEX_FILE)
(cd "$T/hooked" && echo "$TOKEN" >ok.txt &&
    git -c user.name=t -c user.email=t@t commit -qam leak2 >"$T/out" 2>"$T/err")
rc=$?
[ "$rc" -ne 0 ] && ok || bad "the hook blocks git commit -a"
(cd "$T/hooked" && git checkout -q ok.txt)
# a worktree shares the hook
(cd "$T/hooked" && G worktree add -b side "$T/hookwt") || bad "worktree"
stage hookwt 'printf %s "$TOKEN" | hex >x.hex'
(cd "$T/hookwt" && git -c user.name=t -c user.email=t@t commit -qm leak \
    >"$T/out" 2>"$T/err")
rc=$?
[ "$rc" -ne 0 ] && ok || bad "the hook blocks in a worktree too"
# someone else's hook is kept unless --force
printf '#!/bin/sh\necho mine\n' >"$T/hooked/.git/hooks/pre-commit"
(cd "$T/hooked" && "$SCOPERUN" hook install >"$T/out" 2>"$T/err")
rc=$?
refused 2 "pre-commit exists and is not scoperun's; keep it, or replace it with --force" \
    "a foreign hook is kept"
grep -q mine "$T/hooked/.git/hooks/pre-commit" && ok || bad "kept intact"
(cd "$T/hooked" && "$SCOPERUN" hook install --force >"$T/out" 2>"$T/err")
rc=$?
expect_rc 0 "--force replaces it"
(cd "$T/hooked" && "$SCOPERUN" hook install >"$T/out" 2>"$T/err")
rc=$?
expect_rc 0 "installing again over scoperun's own hook"
(cd "$T/hooked" && git config core.hooksPath .githooks &&
    "$SCOPERUN" hook install >"$T/out" 2>"$T/err")
rc=$?
expect_out "at $T/hooked/\\.githooks/pre-commit\$" "core.hooksPath is honoured"
(cd "$T/plain" && "$SCOPERUN" hook install >"$T/out" 2>"$T/err")
rc=$?
refused 2 "is not inside a git repository" "hook install outside a repository"

# ---- the project's own tree: no false positive ----------------------
if [ -n "${SR_SOURCE:-}" ] && git -C "$SR_SOURCE" rev-parse HEAD >/dev/null 2>&1; then
	# HEAD holds no key material: the test-vector identity (lib/
	# FORMAT.md: a throwaway key) and the fuzz seeds made from it are
	# tracked defused. History still has them as they were committed
	# before: key material is reported wherever it is, and nothing else
	# may be.
	printf '%s: scoperun identity secret key\n' \
	    tests/fuzz/corpus/fuzz_identity/file:3:1 \
	    tests/fuzz/corpus/fuzz_identity/line:1:1 \
	    tests/vectors/vault-v1.identity:3:1 >"$T/want"
	(cd "$SR_SOURCE" && "$SCOPERUN" check >"$T/out" 2>"$T/err")
	rc=$?
	expect_rc 0 "the project's HEAD: no finding"
	[ ! -s "$T/out" ] && ok || bad "the project's HEAD: nothing printed"
	(cd "$SR_SOURCE" && "$SCOPERUN" check --history >"$T/out" 2>"$T/err")
	rc=$?
	expect_rc 1 "the project's history: the test vector's key as first committed"
	sed 's/^\([^ ]*\) in commit [0-9a-f]*$/\1/' "$T/out" |
	    sed 's/ in commit [0-9a-f]*$//' | sort -u >"$T/out.h"
	# a blob is reported once, under whichever path the walk meets
	# first (the vector and a fuzz seed are the same bytes): each finding
	# is one of these, and there is one
	[ -s "$T/out.h" ] && [ -z "$(sort "$T/want" | comm -23 "$T/out.h" -)" ] &&
	    ok || bad "the project's history: no other finding"
fi
finish

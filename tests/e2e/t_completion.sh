#!/bin/sh
# Shell completion: the bash function is called as bash calls it
# (COMP_WORDS, COMP_CWORD), against the real binary: verbs, sub-verbs,
# options from each verb's usage, agent names from the policy
# directories, secret names for the secret verbs, never a value. The
# zsh and fish files are checked for syntax where those shells exist.
. "$SR_TESTS/e2e/lib.sh"

command -v bash >/dev/null 2>&1 || { echo "t_completion: no bash: skipped"; exit 77; }
COMP="$SR_SOURCE/cmd/completions"
mkdir -p "$T/bin"
ln -s "$SCOPERUN" "$T/bin/scoperun"
export PATH="$T/bin:$PATH"

VALUE="value_$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
sr init
printf %s "$VALUE" | "$SCOPERUN" secret set deploy/token 2>/dev/null
printf %s "$VALUE" | "$SCOPERUN" secret set db/password 2>/dev/null
{ header claude-agent; printf '[env]\ninherit = ["PATH"]\n'; } |
    policy claude-agent
{ header ci-build; printf '[env]\ninherit = ["PATH"]\n'; } | policy ci-build

# comp WORD...: the completions of the last word, one a line, in $T/out
comp() {
	bash -c '. "$1/scoperun.bash"; shift
	    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
	    _scoperun; ((${#COMPREPLY[@]})) && printf "%s\n" "${COMPREPLY[@]}"' sh "$COMP" "$@" \
	    >"$T/out" 2>"$T/err"
	rc=$?
}
has() { grep -qx -- "$1" "$T/out" && ok || bad "$2: want $1"; }
hasnt() { grep -qx -- "$1" "$T/out" && bad "$2: not $1" || ok; }

comp scoperun ""
for w in run init keygen secret recipient policy audit check hook help \
    claude-agent ci-build; do
	has "$w" "first word"
done
hasnt __complete "the hidden verb is not offered"
comp scoperun se
has secret "a verb's prefix"
hasnt check "only what matches"
comp scoperun cl
has claude-agent "an agent's prefix"
comp scoperun -
has --dry-run "run options"
has --help "--help"
comp scoperun secret ""
for w in set rotate ls rm import; do has "$w" "secret's sub-verbs"; done
comp scoperun secret rm ""
has deploy/token "secret names for rm"
has db/password "secret names for rm"
comp scoperun secret set de
has deploy/token "secret names for set"
hasnt db/password "secret names: the prefix"
grep -qF "$VALUE" "$T/out" && bad "a value in the completions" || ok
comp scoperun secret ls --
has --json "secret ls --json"
has --vault "vault options"
comp scoperun audit show --
for w in --json --agent --event --since --limit; do has "$w" "audit show options"; done
comp scoperun audit show --event s
has secret.set "--event's values"
comp scoperun check --format ""
for w in text json sarif; do has "$w" "--format's values"; done
comp scoperun check --agent ""
has ci-build "--agent: agent names"
comp scoperun policy explain ""
has claude-agent "policy explain: agent names"
comp scoperun help ""
has recipient "help: the verbs"
comp scoperun recipient ""
has self "recipient self"
comp scoperun claude-agent -- ba
has bash "after an agent: commands"
comp scoperun run ""
has ci-build "run: agent names"
# the options offered are the usage's: each one the parser takes
"$SCOPERUN" __complete options audit >"$T/opts"
grep -qx -- --key-file "$T/opts" && ok || bad "__complete options follows the usage"
"$SCOPERUN" __complete options nonesuch
rc=$?
expect_rc 2 "__complete options of no verb"
# secrets of another vault with --vault
"$SCOPERUN" init --vault "$T/team.sealed" >/dev/null 2>&1
printf %s "$VALUE" | "$SCOPERUN" secret set team/only --vault "$T/team.sealed" \
    2>/dev/null
comp scoperun secret rm --vault "$T/team.sealed" ""
has team/only "--vault's secrets"
hasnt deploy/token "not the default vault's"
# without a vault: nothing, quietly
SCOPERUN_VAULT="$T/none" comp scoperun secret rm ""
[ -s "$T/out" ] || [ -s "$T/err" ] && bad "no vault: no completion, no noise" || ok

# zsh: the function run with compsys's builtins stubbed (compadd prints
# what it is given), words and CURRENT as zsh sets them
if command -v zsh >/dev/null 2>&1; then
	zsh -n "$COMP/_scoperun" && ok || bad "zsh completion syntax"
	cat >"$T/zt.zsh" <<'ZSH'
compadd() { local a; for a in "$@"; do [[ $a == -- ]] || print -r -- "$a"; done }
_files() { print -r -- "<files>" }
_command_names() { print -r -- "<commands>" }
_call_program() { shift; eval "$@" }
f=$1; shift
words=("$@"); CURRENT=$#words; PREFIX=${words[CURRENT]}
source $f
ZSH
	zcomp() { zsh -f "$T/zt.zsh" "$COMP/_scoperun" "$@" >"$T/out" 2>"$T/err"; }
	zcomp scoperun ""
	has secret "zsh: verbs"
	has claude-agent "zsh: agents"
	zcomp scoperun secret rm ""
	has deploy/token "zsh: secret names"
	grep -qF "$VALUE" "$T/out" && bad "zsh: a value" || ok
	zcomp scoperun audit show --
	has --limit "zsh: options from the usage"
	zcomp scoperun claude-agent -- ""
	has "<commands>" "zsh: after an agent, commands"
else
	echo "t_completion: no zsh (tests/install-deps.sh installs it): its part skipped"
fi
# fish: its own `complete -C`
if command -v fish >/dev/null 2>&1; then
	fish -n "$COMP/scoperun.fish" && ok || bad "fish completion syntax"
	fcomp() {
		fish --no-config -c "source '$COMP/scoperun.fish'; complete -C '$1'" |
		    cut -f1 >"$T/out" 2>"$T/err"
	}
	fcomp "scoperun se"
	has secret "fish: verbs"
	fcomp "scoperun cl"
	has claude-agent "fish: agents"
	fcomp "scoperun secret rm "
	has deploy/token "fish: secret names"
	grep -qF "$VALUE" "$T/out" && bad "fish: a value" || ok
	fcomp "scoperun audit show --l"
	has --limit "fish: options from the usage"
	fcomp "scoperun secret "
	has import "fish: sub-verbs"
else
	echo "t_completion: no fish (tests/install-deps.sh installs it): its part skipped"
fi

finish

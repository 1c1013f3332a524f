#!/bin/sh
# Help: every verb and sub-verb answers --help with its usage on stdout
# and exit 0, `scoperun help VERB` says the same, and every option a
# usage names is one its parser takes (the usage cannot drift from it).
# Names close to a verb get a hint instead of "no policy".
. "$SR_TESTS/e2e/lib.sh"

mkdir -p "$T/scratch"
cd "$T/scratch" || exit 1

# No policy at all yet: the refusal says how to make one.
sr foo -- true
refused 125 "looked for foo.toml in .*\\): there is no policy yet; .scoperun init. writes an example, and templates to copy are in /.*/scoperun/policies$" \
    "no policy at all: how to make one"
expect_no_err "did you mean" "foo is no typo"

# verb and a sub-verb of it ("-" for none)
verbs="run:- init:- keygen:- secret:set secret:rotate secret:ls secret:rm
recipient:ls recipient:add recipient:rm policy:check policy:explain
audit:verify audit:show audit:report audit:checkpoint audit:key check:-
hook:install help:-"
for vs in $verbs; do
	v=${vs%%:*} sub=${vs#*:}
	[ "$sub" = - ] && sub=
	# shellcheck disable=SC2086
	sr $v $sub --help
	expect_rc 0 "$v $sub --help"
	case $v in
	run) expect_out '^usage: scoperun \[run\]' "run --help: usage" ;;
	*) expect_out "^usage: scoperun $v" "$v $sub --help: usage" ;;
	esac
	[ -s "$T/err" ] && bad "$v $sub --help: stderr is quiet" || ok
	cp "$T/out" "$T/dash-help"
	# shellcheck disable=SC2086
	sr $v $sub -h
	cmp -s "$T/out" "$T/dash-help" && ok || bad "$v $sub: -h is --help"
	sr help "$v"
	expect_rc 0 "help $v"
	cmp -s "$T/out" "$T/dash-help" && ok || bad "help $v is $v --help"
done

# --help after a sub-verb's arguments too; a value after `--` is no help
sr policy check --help
expect_rc 0 "policy check --help is not an agent name"
sr hook install --help
expect_rc 0 "hook install --help"
sr secret set NAME --help
expect_rc 0 "secret set NAME --help"
# a run's options end at AGENT: --help after it belongs to the command
{ header bot; printf '[env]\ninherit = ["PATH"]\n'; } | policy bot
sr bot -- sh -c 'echo "args: $*"' sh --help
expect_rc 0 "--help after AGENT goes to the command"
expect_out '^args: --help$' "the command got --help"

# Drift: each option a verb's usage names is one its parser takes.
for v in run init keygen secret recipient policy audit check hook; do
	# the synopsis and the option lines, not the prose
	"$SCOPERUN" help "$v" | grep -E '^(usage:| )' |
	    grep -oE -- '--[a-z][a-z-]+' | sort -u >"$T/opts"
	case $v in policy | keygen) ;; *) [ -s "$T/opts" ] ||
	    bad "help $v names no option" ;; esac
	case $v in
	secret | recipient) pre="$v ls" ;;
	audit) pre="audit show" ;;
	hook) pre="hook install" ;;
	*) pre=$v ;;
	esac
	while read -r opt; do
		val=x
		[ "$opt" = --format ] && val=text
		# shellcheck disable=SC2086
		sr $pre "$opt" "$val"
		# a flag takes no value: then without one (check and hook
		# answer a bad option with their usage line)
		# shellcheck disable=SC2086
		grep -Eq "unknown option|usage:" "$T/err" && sr $pre "$opt"
		expect_no_err "unknown option|usage:" \
		    "$v: $opt from the usage is taken"
	done <"$T/opts"
	# shellcheck disable=SC2086
	sr $pre --no-such-option
	expect_err "unknown option '--no-such-option'|usage:" \
	    "$v: an unknown option is refused (the control)"
done

# Usage errors: one line on stderr pointing at the help, exit 2.
sr secret frob
refused 2 'usage: scoperun secret .*\(more: scoperun help secret\)' \
    "secret usage error"
sr help no-such-verb
refused 2 'usage: scoperun help' "help of a name that is no verb"
sr help secrt
refused 2 "did you mean 'scoperun secret'\\?" "help of a typo"
# A name close to a verb, with no policy: the verb meant, in the one
# line of the refusal (exit 125, recorded as any refusal is).
for typo in secrets:secret audti:audit chek:check polcy:policy sec:secret \
    hok:hook; do
	sr "${typo%%:*}" ls
	refused 125 "no policy for agent '${typo%%:*}' \(did you mean 'scoperun ${typo#*:}'\?\)" \
	    "typo ${typo%%:*}"
done
# controls: a name far from every verb gets no hint; an agent whose
# name is close to a verb runs as it always did
{ header secrets; printf '[env]\ninherit = ["PATH"]\n'; } | policy secrets
sr secrets -- true
expect_rc 0 "an agent named secrets runs"
sr foo -- true
refused 125 "no policy for agent 'foo' \(looked for" \
    "with policies: the plain refusal"

sr help
expect_rc 0 "help"
expect_out '^scoperun help \[VERB\]' "help lists help"
expect_out '^scoperun policy check AGENT' "help lists the verbs"

finish

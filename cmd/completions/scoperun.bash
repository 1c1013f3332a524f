# bash completion for scoperun                              -*- sh -*-
# Installed to share/bash-completion/completions/scoperun; or source it.
# Verbs, sub-verbs and options (from `scoperun help VERB`, through the
# hidden `scoperun __complete`), agent names from the policy directories,
# secret names for the secret verbs: names only, never a value.

# _scoperun_q WHAT...: `scoperun __complete WHAT`, quiet on any error
_scoperun_q() {
	"${_scoperun_bin:-scoperun}" __complete "$@" 2>/dev/null
}

# _scoperun_add CUR WORDS...: the words that start with CUR
_scoperun_add() {
	local cur=$1 w
	shift
	for w in "$@"; do
		[[ $w == "$cur"* ]] && COMPREPLY+=("$w")
	done
}

_scoperun_files() {
	local IFS=$'\n'
	COMPREPLY+=($(compgen -f -- "$1"))
	compopt -o filenames 2>/dev/null
}

# the value of --vault on the line, for secret names from that vault
_scoperun_vault_opt() {
	local i
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		[[ ${COMP_WORDS[i]} == --vault ]] && {
			printf '%s' "${COMP_WORDS[i + 1]}"
			return
		}
	done
}

_scoperun() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev= verb= sub= i
	COMPREPLY=()
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	_scoperun_bin=${COMP_WORDS[0]}
	case $prev in
	--vault | --identity | --from-file | -o | --key-file | --checkpoint)
		_scoperun_files "$cur"
		return 0 ;;
	--format)
		_scoperun_add "$cur" text json sarif
		return 0 ;;
	--agent)
		_scoperun_add "$cur" $(_scoperun_q agents)
		return 0 ;;
	--event)
		_scoperun_add "$cur" run deny exit secret secret.set \
		    secret.rotate secret.rm recipient recipient.add \
		    recipient.rm
		return 0 ;;
	--task | --expires | --rotate-after | --label | --prefix | --since | \
	    --limit | --key | --pubkey)
		return 0 ;;
	esac
	# the verb, its sub-verb, or an agent, and where options end
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--) [[ -z $verb || $verb == run ]] && {
			COMPREPLY=($(compgen -c -- "$cur"))
			return 0
		} ;;
		-*) ;;
		*)
			case ${COMP_WORDS[i - 1]} in
			--vault | --identity | --task | -o | --from-file | \
			    --expires | --rotate-after | --label | --prefix | \
			    --since | --limit | --key | --key-file | --pubkey | \
			    --checkpoint | --format | --agent | --event)
				continue ;;
			esac
			if [[ -z $verb ]]; then
				verb=${COMP_WORDS[i]}
			elif [[ -z $sub ]]; then
				sub=${COMP_WORDS[i]}
			fi ;;
		esac
	done
	local verbs
	verbs=$(_scoperun_q verbs)
	verbs=${verbs//$'\n'/ }
	if [[ -z $verb ]]; then
		if [[ $cur == -* ]]; then
			_scoperun_add "$cur" $(_scoperun_q options run) --help \
			    --version
		else
			_scoperun_add "$cur" $verbs $(_scoperun_q agents)
		fi
		return 0
	fi
	if [[ " $verbs " != *" $verb "* ]]; then
		# scoperun AGENT COMMAND...: the command
		COMPREPLY=($(compgen -c -- "$cur"))
		return 0
	fi
	if [[ $cur == -* ]]; then
		_scoperun_add "$cur" $(_scoperun_q options "$verb") --help
		return 0
	fi
	case $verb in
	run)
		if [[ -z $sub ]]; then
			_scoperun_add "$cur" $(_scoperun_q agents)
		else
			COMPREPLY=($(compgen -c -- "$cur"))
		fi ;;
	secret)
		case $sub in
		"") _scoperun_add "$cur" set rotate ls rm import ;;
		set | rotate | rm)
			_scoperun_add "$cur" $(_scoperun_q secrets \
			    $(_scoperun_vault_opt)) ;;
		import) _scoperun_files "$cur" ;;
		esac ;;
	recipient) [[ -z $sub ]] && _scoperun_add "$cur" ls add rm self ;;
	policy)
		if [[ -z $sub ]]; then
			_scoperun_add "$cur" check explain
		else
			_scoperun_add "$cur" $(_scoperun_q agents)
		fi ;;
	audit)
		if [[ -z $sub ]]; then
			_scoperun_add "$cur" verify show report checkpoint key
		else
			_scoperun_files "$cur"
		fi ;;
	check)
		local IFS=$'\n'
		COMPREPLY=($(compgen -d -- "$cur"))
		compopt -o filenames 2>/dev/null ;;
	hook) [[ -z $sub ]] && _scoperun_add "$cur" install ;;
	help) [[ -z $sub ]] && _scoperun_add "$cur" $verbs ;;
	esac
	return 0
}
complete -F _scoperun scoperun

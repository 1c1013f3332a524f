# fish completion for scoperun; installed to
# share/fish/vendor_completions.d. Verbs, sub-verbs and options (from
# `scoperun help VERB`, through the hidden `scoperun __complete`), agent
# names from the policy directories, secret names for the secret verbs:
# names only, never a value.

function __scoperun_q
    command scoperun __complete $argv 2>/dev/null
end

# The words after `scoperun` that are neither options nor their values.
function __scoperun_words
    set -l words (commandline -opc)
    set -e words[1]
    set -l skip 0
    for w in $words
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $w
            case --vault --identity --task -o --from-file --expires \
                --rotate-after --label --prefix --since --limit --key \
                --key-file --pubkey --checkpoint --format --agent --event
                set skip 1
            case '-*'
            case '*'
                echo $w
        end
    end
end

# __scoperun_at N: exactly N words so far
function __scoperun_at
    test (count (__scoperun_words)) -eq $argv[1]
end

# __scoperun_is VERB [SUB]: the verb (and sub-verb) given so far
function __scoperun_is
    set -l w (__scoperun_words)
    test (count $w) -ge (count $argv); or return 1
    for i in (seq (count $argv))
        test "$w[$i]" = "$argv[$i]"; or return 1
    end
end

function __scoperun_options
    set -l w (__scoperun_words)
    if test (count $w) -eq 0
        __scoperun_q options run
    else if contains -- $w[1] (__scoperun_q verbs)
        __scoperun_q options $w[1]
    end
end

function __scoperun_secrets
    set -l words (commandline -opc)
    set -l i (contains -i -- --vault $words)
    if test -n "$i"; and test $i -lt (count $words)
        __scoperun_q secrets $words[(math $i + 1)]
    else
        __scoperun_q secrets
    end
end

complete -c scoperun -f
complete -c scoperun -n '__scoperun_at 0' -a '(__scoperun_q verbs)' -d verb
complete -c scoperun -n '__scoperun_at 0' -a '(__scoperun_q agents)' -d agent
complete -c scoperun -n 'string match -q -- "-*" (commandline -ct)' \
    -a '(__scoperun_options)'
complete -c scoperun -l help -d 'usage'
complete -c scoperun -n '__scoperun_at 0' -l version -d version
complete -c scoperun -l vault -r -F -d 'the sealed vault'
complete -c scoperun -l identity -r -F -d 'the identity'
complete -c scoperun -l format -x -a 'text json sarif'
complete -c scoperun -l agent -x -a '(__scoperun_q agents)'
complete -c scoperun -l event -x -a 'run deny exit secret secret.set secret.rotate secret.rm recipient recipient.add recipient.rm'
complete -c scoperun -n '__scoperun_is secret; and __scoperun_at 1' \
    -a 'set rotate ls rm import'
complete -c scoperun -n '__scoperun_is secret set; or __scoperun_is secret rotate; or __scoperun_is secret rm' \
    -a '(__scoperun_secrets)' -d secret
complete -c scoperun -n '__scoperun_is secret import' -F
complete -c scoperun -n '__scoperun_is recipient; and __scoperun_at 1' \
    -a 'ls add rm self'
complete -c scoperun -n '__scoperun_is policy; and __scoperun_at 1' \
    -a 'check explain'
complete -c scoperun -n '__scoperun_is policy; and __scoperun_at 2' \
    -a '(__scoperun_q agents)' -d agent
complete -c scoperun -n '__scoperun_is audit; and __scoperun_at 1' \
    -a 'verify show report checkpoint key'
complete -c scoperun -n '__scoperun_is hook; and __scoperun_at 1' -a install
complete -c scoperun -n '__scoperun_is help; and __scoperun_at 1' \
    -a '(__scoperun_q verbs)'
complete -c scoperun -n '__scoperun_is run; and __scoperun_at 1' \
    -a '(__scoperun_q agents)' -d agent
complete -c scoperun -n '__scoperun_is check' -a '(__fish_complete_directories)'

# SPDX-License-Identifier: GPL-3.0-or-later
# Bash completion for rune. The words come from `rune __complete`, which reads the same command
# table as the parser, so the completion cannot offer a command or option that does not exist.
_rune()
{
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=${COMP_WORDS[COMP_CWORD-1]}
    case $prev in
        --data-dir)
            COMPREPLY=($(compgen -d -- "$cur"))
            return
            ;;
        --agent-binary|--key)
            COMPREPLY=($(compgen -f -- "$cur"))
            return
            ;;
        --output)
            COMPREPLY=($(compgen -W "text json" -- "$cur"))
            return
            ;;
        --role)
            COMPREPLY=($(compgen -W "compute edge controller" -- "$cur"))
            return
            ;;
    esac
    local words
    words=$("${COMP_WORDS[0]}" __complete "${COMP_WORDS[@]:1:COMP_CWORD-1}" 2>/dev/null) || return
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _rune rune

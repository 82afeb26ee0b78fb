# bash completion for ratifyctl: commands, services, streams, instruments,
# participants and actions. Installed by `make install` into
# <prefix>/share/bash-completion/completions/ratifyctl.
_ratifyctl() {
  local cur prev cmd words cword
  _init_completion -n : 2>/dev/null || {
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
  }
  cmd=${COMP_WORDS[1]}
  local commands="deposit load events retract ping request watch decode encode catalog status subscribe webhook report help"
  local services="registry threshold notifier reporter"
  local streams="registry threshold alerts"
  local actions="signature ratification acceptance approval accession succession denunciation"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "$commands --help" -- "$cur"))
    return
  fi
  if [[ "$cur" == -* ]]; then
    local opts
    opts=$(ratifyctl "$cmd" --help 2>/dev/null | grep -o -- '--[a-z-]*' | sort -u)
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    return
  fi
  local IFS=$'\n'
  case "$cmd" in
    help) COMPREPLY=($(compgen -W "${commands// /$'\n'}" -- "$cur")) ;;
    ping | request) [ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W "${services// /$'\n'}" -- "$cur")) ;;
    watch) [ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W "${streams// /$'\n'}" -- "$cur")) ;;
    load) COMPREPLY=($(compgen -f -- "$cur")) ;;
    catalog) COMPREPLY=($(compgen -W $'instruments\nparticipants' -- "$cur")) ;;
    status | report)
      COMPREPLY=($(compgen -W "$(ratifyctl catalog instruments --ids 2>/dev/null)" -- "$cur")) ;;
    deposit)
      case "$COMP_CWORD" in
        2) COMPREPLY=($(compgen -W "$(ratifyctl catalog instruments --ids 2>/dev/null)" -- "$cur")) ;;
        3) local names
           names=$(ratifyctl catalog participants --ids 2>/dev/null)
           COMPREPLY=($(compgen -W "$names" -- "$cur"))
           COMPREPLY=("${COMPREPLY[@]// /\\ }") ;;
        4) COMPREPLY=($(compgen -W "${actions// /$'\n'}" -- "$cur")) ;;
      esac ;;
  esac
}
complete -F _ratifyctl ratifyctl

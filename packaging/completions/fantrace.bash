# bash completion for fantrace and fsatrace, installed by fantrace.
# fantrace's candidates come from `fantrace __complete WORD...`, so that they
# follow the subcommands and options of the binary itself.

_fantrace() {
  local cur words cword
  if declare -F _get_comp_words_by_ref >/dev/null; then
    _get_comp_words_by_ref -n =: cur words cword   # --format=jsonl stays one word
  else  # without bash-completion: the line split on blanks keeps --opt=value whole
    read -r -a words <<< "${COMP_LINE:0:COMP_POINT}"
    [[ ${COMP_LINE:0:COMP_POINT} == *[[:blank:]] || ${#words[@]} -eq 0 ]] && words+=("")
    cword=$((${#words[@]} - 1)) cur=${words[cword]}
  fi
  COMPREPLY=()
  # bash replaces only what follows the last '=' (a word break): strip
  # "--opt=" from the candidates when the word has one.
  local head=
  [[ $cur == --*=* ]] && head=${cur%%=*}=
  local line
  while IFS= read -r line; do
    case $line in
      :files) compopt -o filenames 2>/dev/null; mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "${cur#"$head"}") ;;
      :dirs) compopt -o filenames 2>/dev/null; mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -d -- "${cur#"$head"}") ;;
      :commands) mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -c -- "$cur") ;;
      '') ;;
      *) line=${line%%$'\t'*}; COMPREPLY+=("${line#"$head"}") ;;
    esac
  done < <("${words[0]}" __complete "${words[@]:1:cword}" 2>/dev/null)
}

# fsatrace FLAGS OUTPUT -- COMMAND [ARG...]
_fsatrace() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  COMPREPLY=()
  case $COMP_CWORD in
    1) mapfile -t COMPREPLY < <(compgen -W 'rwmd rwmdqt rw r w' -- "$cur") ;;
    2) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
    3) mapfile -t COMPREPLY < <(compgen -W '-- ---' -- "$cur") ;;
    4) mapfile -t COMPREPLY < <(compgen -c -- "$cur") ;;
    *) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
  esac
}

complete -F _fantrace fantrace
complete -F _fsatrace fsatrace

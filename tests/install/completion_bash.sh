#!/bin/bash
# The bash completion of fantrace and fsatrace, sourced as bash-completion
# loads it (with bash-completion's helpers, and without them), then driven
# the way bash drives it: COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT
# set for a line, the completion function called, COMPREPLY read.
#   completion_bash.sh BIN_DIR SCRIPT [with|without]
set -u
bin_dir=$1 script=$2 helpers=${3:-with}
export PATH="$bin_dir:$PATH"
cd "$(mktemp -d)" && trap 'rm -rf "$PWD"' EXIT
touch trace.jsonl data.csv

if [[ $helpers == with ]]; then
  # shellcheck disable=SC1091
  source /usr/share/bash-completion/bash_completion || { echo "no bash-completion" >&2; exit 1; }
fi
# shellcheck disable=SC1090
source "$script"

failures=0
fail() { echo "FAIL ($helpers bash-completion): $*" >&2; failures=$((failures + 1)); }

spec=$(complete -p fantrace 2>&1) || fail "complete -p fantrace: $spec"
[[ $spec == "complete -F _fantrace fantrace" ]] || fail "complete -p fantrace says: $spec"
spec=$(complete -p fsatrace 2>&1) || fail "complete -p fsatrace: $spec"

# complete LINE: the candidates for the last word of LINE (a trailing blank
# means an empty word), one a line, sorted.
complete_line() {
  local line=$1 fn=${2:-_fantrace}
  read -r -a COMP_WORDS <<< "$line"
  [[ $line == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE=$line COMP_POINT=${#line}
  COMPREPLY=()
  "$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]:-}"
  printf '%s\n' "${COMPREPLY[@]}" | sort
}

expect() {  # expect LINE WANTED...: exactly these candidates
  local line=$1; shift
  local got want
  got=$(complete_line "$line")
  want=$(printf '%s\n' "$@" | sort)
  [[ $got == "$want" ]] || fail "'$line<TAB>' gave [$(echo $got)], expected [$(echo $want)]"
}

expect_some() {  # expect_some LINE WANTED...: these among the candidates
  local line=$1; shift
  local got
  got=$(complete_line "$line" "${FN:-_fantrace}")
  for w in "$@"; do
    grep -qxF -- "$w" <<< "$got" || fail "'$line<TAB>' gave [$(echo $got | head -c 300)], without '$w'"
  done
}

expect "fantrace r" record replay run
expect "fantrace run --for" --format
expect "fantrace run --format " fsatrace jsonl text
expect "fantrace run -f j" jsonl
expect "fantrace run --events open,mo" open,modify open,mount
expect "fantrace lineage --format " dot html json text
expect "fantrace li" lineage
expect "fantrace hist" history
expect_some "fantrace run --" --format --events --output --include --no-merge --help --
expect_some "fantrace " run attach record query history show lineage doctor shell-init filter-template
expect_some "fantrace run -o tr" trace.jsonl
expect_some "fantrace run -- ech" echo
expect_some "fantrace run --format jsonl -- cat da" data.csv
expect_some "fantrace query --wfile da" data.csv
if [[ $helpers == with ]]; then
  expect "fantrace run --format=js" jsonl   # bash replaces what follows '='
fi
FN=_fsatrace expect_some "fsatrace rw - -" -- ---
FN=_fsatrace expect_some "fsatrace rwmd - -- ech" echo

if ((failures)); then
  echo "$failures completion checks failed" >&2
  exit 1
fi
echo "bash completion ($helpers bash-completion): all checks passed"

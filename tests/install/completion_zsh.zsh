#!/usr/bin/zsh -f
# The zsh completion of fantrace, in a real interactive zsh on a pseudo
# terminal (zsh/zpty): compinit loads _fantrace from its directory, the test
# types a line and TAB, and reads back what zsh listed and what it made of
# the line (a key bound to a widget that prints $BUFFER).
#   completion_zsh.zsh BIN_DIR COMPLETION_DIR
zmodload zsh/zpty || exit 1
bin_dir=$1 comp_dir=$2
tmp=$(mktemp -d) && trap 'zpty -d z 2>/dev/null; rm -rf $tmp' EXIT
cd $tmp

zpty -b z "env -i HOME=$tmp TERM=dumb PATH=$bin_dir:$PATH zsh -f -i"
zpty -w z "PS1='%% '; unsetopt beep; fpath=($comp_dir \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z 'dump() { zle -I; print -r -- "BUFFER=[$BUFFER]"; BUFFER=; }; zle -N dump; bindkey "^X" dump'
zpty -w z 'print READY'

# Reads the pty until PATTERN matches what came so far (at most 20 s).
read_until() {
  local pattern=$1 chunk
  got=
  local deadline=$((SECONDS + 20))
  while (( SECONDS < deadline )); do
    if zpty -r -t z chunk; then
      got+=$chunk
      [[ $got == $~pattern ]] && return 0
    else
      sleep 0.05
    fi
  done
  return 1
}

read_until '*READY*READY*' || { print -u2 "zsh never became ready: $got"; exit 1; }

failures=0
# complete LINE: types LINE and TAB, then ^X; sets $got to all that zsh
# printed (the listing) and $buffer to the line as completion left it.
complete() {
  zpty -w -n z "$1"$'\t'
  sleep 0.5
  zpty -w -n z $'\C-x'
  read_until '*BUFFER=\[*\]*' || { print -u2 "no answer for '$1': $got"; failures=$((failures + 1)); return; }
  buffer=${${got##*BUFFER=\[}%%\]*}
}

complete 'fantrace r'
[[ $got == *record* && $got == *run* ]] || { print -u2 "FAIL: 'fantrace r<TAB>' listed: $got"; failures=$((failures + 1)); }
complete 'fantrace run --for'
[[ $buffer == 'fantrace run --format ' ]] || { print -u2 "FAIL: 'fantrace run --for<TAB>' gave '$buffer'"; failures=$((failures + 1)); }
complete 'fantrace run --format js'
[[ $buffer == 'fantrace run --format jsonl ' ]] || { print -u2 "FAIL: '--format js<TAB>' gave '$buffer'"; failures=$((failures + 1)); }
complete 'fsatrace rw - -- ech'
[[ $buffer == 'fsatrace rw - -- echo ' ]] || { print -u2 "FAIL: 'fsatrace rw - -- ech<TAB>' gave '$buffer'"; failures=$((failures + 1)); }

if (( failures )); then
  print -u2 "$failures zsh completion checks failed"
  exit 1
fi
print "zsh completion: all checks passed"

#include "store/shell_words.h"

namespace fantrace::store {
namespace {

// Characters that are never special to sh in any position of a word ('='
// only matters before the command name, ':' and ',' nowhere, '@' and '%'
// only in parameter expansions that need a '$').
bool IsPlain(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("_-+=/.,:@%").find(c) != std::string_view::npos;
}

}  // namespace

std::string ShellQuote(std::string_view word) {
  if (word.empty()) return "''";
  bool plain = true;
  for (char c : word) plain = plain && IsPlain(c);
  // A leading '=' is plain for sh but zsh expands it (=cmd): quote it.
  if (plain && word.front() != '=') return std::string(word);
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  out += '\'';
  return out;
}

std::string ShellJoin(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& word : argv) {
    if (!out.empty()) out += ' ';
    out += ShellQuote(word);
  }
  return out;
}

}  // namespace fantrace::store

// Arguments as a POSIX shell reads them back: each word that needs it is
// put in single quotes (a quote inside becomes '\''), so that sh -c of the
// joined line runs exactly the recorded argv. Used by the workflow exports
// and the command lines shown in PROV and RO-Crate. Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fantrace::store {

// `word` as one shell word: unchanged if it has only characters no shell
// treats specially, else single-quoted; '' for the empty word.
std::string ShellQuote(std::string_view word);

// The words quoted and joined by spaces.
std::string ShellJoin(const std::vector<std::string>& argv);

}  // namespace fantrace::store

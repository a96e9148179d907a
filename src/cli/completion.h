// Shell completion computed by fantrace itself, so that the bash and zsh
// scripts (packaging/completions) follow every subcommand and option the
// binary has without a list of their own. The scripts run
//
//   fantrace __complete WORD...      (the words of the line up to the cursor)
//
// and get one candidate a line ("text\tdescription"), the candidates for the
// last word, already matched against it; or one line ":files", ":dirs" or
// ":commands" telling the shell to complete those itself. The subcommand is
// hidden from --help. Not thread-safe (CLI11 apps are not).
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace fantrace::cli {

// The completion lines for `words` (words[0] is the program name, the last
// one the word being completed, maybe empty), from the parser `app`.
std::vector<std::string> CompletionCandidates(const CLI::App& app, const std::vector<std::string>& words);

}  // namespace fantrace::cli

#include "cli/completion.h"

#include <CLI/CLI.hpp>

#include "fantrace/tracer.h"

namespace fantrace::cli {
namespace {

bool StartsWith(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// The option `word` names in `app` ("--format", "-f", "--format=jsonl"), or null.
const CLI::Option* FindOption(const CLI::App& app, std::string word) {
  if (size_t eq = word.find('='); eq != std::string::npos) word.resize(eq);
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->nonpositional() && opt->check_name(word)) return opt;
  }
  return nullptr;
}

bool TakesValue(const CLI::Option* opt) { return opt->get_type_size() != 0; }

std::vector<const CLI::App*> VisibleSubcommands(const CLI::App& app) {
  std::vector<const CLI::App*> subs;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); }))
    subs.push_back(sub);
  return subs;
}

const CLI::App* FindSubcommand(const CLI::App& app, const std::string& name) {
  for (const CLI::App* sub : VisibleSubcommands(app))
    if (sub->get_name() == name) return sub;
  return nullptr;
}

// "FORMAT:{text,jsonl,fsatrace}" -> {text, jsonl, fsatrace}.
std::vector<std::string> Choices(const std::string& type_name) {
  std::vector<std::string> choices;
  size_t open = type_name.find(":{");
  size_t close = type_name.rfind('}');
  if (open == std::string::npos || close == std::string::npos || close < open) return choices;
  std::string list = type_name.substr(open + 2, close - open - 2);
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    if (comma > start) choices.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return choices;
}

// The values of an option that takes one, matched against `cur`.
std::vector<std::string> ValueCandidates(const CLI::Option* opt, const std::string& cur) {
  std::vector<std::string> out;
  if (opt->check_lname("events")) {  // a comma-separated list: complete its last item
    size_t comma = cur.rfind(',');
    std::string done = comma == std::string::npos ? "" : cur.substr(0, comma + 1);
    std::string last = cur.substr(done.size());
    std::vector<std::string> kinds = EventKindNames();
    kinds.push_back("all");
    for (const std::string& kind : kinds)
      if (StartsWith(kind, last)) out.push_back(done + kind);
    return out;
  }
  const std::string type = opt->get_type_name();
  std::vector<std::string> choices = Choices(type);
  if (!choices.empty()) {
    for (const std::string& c : choices)
      if (StartsWith(c, cur)) out.push_back(c);
    return out;
  }
  if (StartsWith(type, "DIR")) return {":dirs"};
  if (StartsWith(type, "FILE") || StartsWith(type, "PATH")) return {":files"};
  return out;  // a number, a name, a size: nothing to offer
}

}  // namespace

std::vector<std::string> CompletionCandidates(const CLI::App& app, const std::vector<std::string>& words) {
  if (words.empty()) return {};
  const std::string cur = words.back();
  const CLI::App* at = &app;
  const CLI::Option* pending = nullptr;  // an option whose value is the next word
  for (size_t i = 1; i + 1 < words.size(); ++i) {
    const std::string& w = words[i];
    if (pending) {
      pending = nullptr;
      continue;
    }
    if (w == "--") {  // the traced command: its name, then its arguments
      return {i + 2 == words.size() ? ":commands" : ":files"};
    }
    if (StartsWith(w, "-")) {
      const CLI::Option* opt = FindOption(*at, w);
      if (opt && TakesValue(opt) && w.find('=') == std::string::npos) pending = opt;
      continue;
    }
    if (const CLI::App* sub = FindSubcommand(*at, w)) at = sub;
  }
  if (pending) return ValueCandidates(pending, cur);

  std::vector<std::string> out;
  if (StartsWith(cur, "--") && cur.find('=') != std::string::npos) {
    const CLI::Option* opt = FindOption(*at, cur);
    if (!opt || !TakesValue(opt)) return out;
    std::string name = cur.substr(0, cur.find('=') + 1);
    for (const std::string& v : ValueCandidates(opt, cur.substr(name.size())))
      out.push_back(StartsWith(v, ":") ? v : name + v);
    return out;
  }
  if (StartsWith(cur, "-")) {
    for (const CLI::Option* opt : at->get_options()) {
      if (!opt->nonpositional()) continue;
      std::vector<std::string> names;
      for (const std::string& n : opt->get_lnames()) names.push_back("--" + n);
      for (const std::string& n : opt->get_snames()) names.push_back("-" + n);
      for (const std::string& n : names)
        if (StartsWith(n, cur)) out.push_back(n + "\t" + opt->get_description());
    }
    if (at != &app && StartsWith("--", cur)) out.push_back("--\tthe command follows");
    return out;
  }
  std::vector<const CLI::App*> subs = VisibleSubcommands(*at);
  if (!subs.empty()) {
    for (const CLI::App* sub : subs)
      if (StartsWith(sub->get_name(), cur)) out.push_back(sub->get_name() + "\t" + sub->get_description());
    return out;
  }
  if (at->get_prefix_command()) return {":commands"};  // run, record: the command without --
  return {":files"};
}

}  // namespace fantrace::cli

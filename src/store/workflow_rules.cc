#include "store/workflow_rules.h"

#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "lib/json_escape.h"
#include "store/lineage.h"
#include "store/shell_words.h"

namespace fantrace::store {
namespace {

struct Rule {
  std::string name;                  // an identifier: cmd12_sort
  int64_t id = 0;
  std::vector<std::string> inputs;   // paths as recorded (absolute)
  std::vector<std::string> outputs;
  std::string cwd;
  std::vector<std::string> argv;
};

std::string RuleName(const CommandRecord& c) {
  std::string name = fmt::format("cmd{}", c.id);
  if (!c.argv.empty()) {
    name += '_';
    for (char ch : std::filesystem::path(c.argv[0]).filename().string())
      name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  }
  return name;
}

// The rules, oldest first; a command whose outputs were all written again
// later has none left and no rule.
std::vector<Rule> Rules(const ExportGraph& g) {
  std::map<std::string, size_t> last_writer;
  for (size_t i = 0; i < g.commands.size(); ++i)
    for (size_t v : g.flows[i].written) last_writer[g.versions[v].file.path] = i;
  std::vector<Rule> rules;
  for (size_t i = 0; i < g.commands.size(); ++i) {
    const CommandRecord& c = g.commands[i];
    Rule r{RuleName(c), c.id, {}, {}, c.cwd, c.argv};
    std::set<std::string> outs, ins;
    for (size_t v : g.flows[i].written) {
      const std::string& p = g.versions[v].file.path;
      if (last_writer[p] == i && outs.insert(p).second) r.outputs.push_back(p);
    }
    if (r.outputs.empty()) continue;
    for (const std::vector<size_t>* list : {&g.flows[i].executed, &g.flows[i].read})
      for (size_t v : *list) {
        const std::string& p = g.versions[v].file.path;
        // An environment file (a program, a library) is no data input; one
        // the command also wrote would make the rule its own prerequisite.
        if (IsSystemPath(p) && !last_writer.contains(p)) continue;
        if (outs.contains(p) || !ins.insert(p).second) continue;
        r.inputs.push_back(p);
      }
    rules.push_back(std::move(r));
  }
  return rules;
}

// The rule's shell line: into its directory (unless that is base), then
// the command.
std::string ShellLine(const Rule& r, const std::string& base, bool quote_first) {
  std::string line;
  const std::string dir = PathFromBase(r.cwd, base);
  if (dir != ".") line = "cd " + ShellQuote(dir) + " && ";
  std::vector<std::string> words = r.argv;
  std::string cmd = ShellJoin(words);
  // make reads a leading '-', '@' or '+' of a recipe as its own prefix.
  if (quote_first && !words.empty() && !cmd.empty() && std::string_view("-@+").find(cmd[0]) != std::string_view::npos)
    cmd = "'" + words[0] + "'" + cmd.substr(ShellQuote(words[0]).size());
  return line + cmd;
}

Error Fail(const Rule& r, const std::string& what, const Error& e) {
  return MakeError(fmt::format("command #{} cannot be written into a {}: {}", r.id, what, e.message));
}

std::string Header(const ExportGraph& g, const std::string& base, const char* tool) {
  return fmt::format(
      "# Written by fantrace export from {} recorded command{}: one rule for each\n"
      "# command that wrote a file, with the inputs and outputs it had then.\n"
      "# Run it in {} (paths are relative to it): {}\n",
      g.commands.size(), g.commands.size() == 1 ? "" : "s", base, tool);
}

}  // namespace

std::string PathFromBase(const std::string& path, const std::string& base) {
  if (path == base) return ".";
  if (base == "/") return path.size() > 1 ? path.substr(1) : ".";
  if (path.size() > base.size() && path.starts_with(base) && path[base.size()] == '/')
    return path.substr(base.size() + 1);
  return path;
}

std::string CommonDirectory(const ExportGraph& g) {
  std::optional<std::filesystem::path> common;
  for (const CommandRecord& c : g.commands) {
    std::filesystem::path dir(c.cwd);
    if (!common) {
      common = dir;
      continue;
    }
    std::filesystem::path shared;
    for (auto a = common->begin(), b = dir.begin(); a != common->end() && b != dir.end() && *a == *b; ++a, ++b)
      shared /= *a;
    common = shared;
  }
  return common && !common->empty() ? common->string() : "/";
}

Result<std::string> PythonString(std::string_view text) {
  std::string out = "\"";
  while (!text.empty()) {
    const size_t n = Utf8SequenceLength(text);
    if (n == 0) return MakeError("it holds bytes that are not UTF-8, which a Python string cannot hold");
    const unsigned char c = static_cast<unsigned char>(text[0]);
    if (c == '"' || c == '\\') out += std::string("\\") + static_cast<char>(c);
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
    else out.append(text.substr(0, n));
    text.remove_prefix(n);
  }
  return out + "\"";
}

Result<std::string> MakeWord(std::string_view path, bool target) {
  std::string out;
  for (char c : path) {
    if (std::string_view("\n\t=;|\\").find(c) != std::string_view::npos)
      return MakeError(fmt::format("make cannot name the file '{}' (a newline, tab, '=', ';', '|' or '\\')",
                                   std::string(path)));
    if (c == '$') out += "$$";
    // make unescapes "\%" in targets only: a prerequisite keeps the backslash.
    else if (c == '%' && !target) out += c;
    else if (std::string_view(" #:%*?[]").find(c) != std::string_view::npos) out += std::string("\\") + c;
    else out += c;
  }
  return out;
}

Result<std::string> MakeRecipe(std::string_view line) {
  std::string out;
  for (char c : line) {
    if (c == '\n') return MakeError("a make recipe line cannot hold a newline");
    if (c == '$') out += "$$";
    else out += c;
  }
  return out;
}

Result<std::string> WriteSnakefile(const ExportGraph& g, const std::string& base) {
  const std::vector<Rule> rules = Rules(g);
  std::string body, all;
  auto paths = [&](const Rule& r, const std::vector<std::string>& list, std::string& out) -> Status {
    for (const std::string& p : list) {
      if (p.find_first_of("{}") != std::string::npos)
        return Fail(r, "Snakefile", MakeError("Snakemake reads braces in file names as wildcards: " + p));
      Result<std::string> s = PythonString(PathFromBase(p, base));
      if (!s) return Fail(r, "Snakefile", s.error());
      out += "        " + *s + ",\n";
    }
    return Ok{};
  };
  for (const Rule& r : rules) {
    body += fmt::format("\nrule {}:\n", r.name);
    if (!r.inputs.empty()) {
      body += "    input:\n";
      if (Status st = paths(r, r.inputs, body); !st) return st.error();
    }
    body += "    output:\n";
    if (Status st = paths(r, r.outputs, body); !st) return st.error();
    if (Status st = paths(r, r.outputs, all); !st) return st.error();
    std::string shell;
    for (char c : ShellLine(r, base, false)) {  // Snakemake formats the line: double its braces
      shell += c;
      if (c == '{' || c == '}') shell += c;
    }
    Result<std::string> s = PythonString(shell);
    if (!s) return Fail(r, "Snakefile", s.error());
    body += "    shell:\n        " + *s + "\n";
  }
  return Header(g, base, "snakemake -c1") + "\nrule all:\n    input:\n" + all + body;
}

Result<std::string> WriteMakefile(const ExportGraph& g, const std::string& base) {
  const std::vector<Rule> rules = Rules(g);
  std::string body, all;
  for (const Rule& r : rules) {
    std::vector<std::string> outs, ins;
    std::vector<std::string> all_words;
    for (auto [from, to, target] : {std::tuple{&r.outputs, &outs, true}, std::tuple{&r.inputs, &ins, false},
                                    std::tuple{&r.outputs, &all_words, false}})
      for (const std::string& p : *from) {
        Result<std::string> w = MakeWord(PathFromBase(p, base), target);
        if (!w) return Fail(r, "Makefile", w.error());
        to->push_back(*w);
      }
    Result<std::string> recipe = MakeRecipe(ShellLine(r, base, true));
    if (!recipe) return Fail(r, "Makefile", recipe.error());
    all += " " + fmt::format("{}", fmt::join(all_words, " "));
    body += fmt::format("\n# fantrace command #{}\n{} {} {}\n\t{}\n", r.id, fmt::join(outs, " "),
                        outs.size() > 1 ? "&:" : ":", fmt::join(ins, " "), *recipe);
  }
  return Header(g, base, "make") + "\n.PHONY: all\nall:" + all + "\n" + body;
}

}  // namespace fantrace::store

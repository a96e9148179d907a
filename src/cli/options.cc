#include "cli/options.h"

#include <algorithm>
#include <cstdio>
#include <string_view>
#include <cstdlib>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/completion.h"
#include "cli/exit_status.h"
#include "cli/filter_template.h"
#include "lib/fs_magic.h"

namespace fantrace::cli {
namespace {

// What --backend (and $FANTRACE_BACKEND) may name.
const std::vector<std::string> kBackends{"ebpf", "fanotify", "auto"};

constexpr const char* kDescription =
    "fantrace follows one process tree (a command and everything it starts)\n"
    "and reports every file it opens, reads, writes, renames, deletes and\n"
    "executes, with canonical paths resolved by the kernel. It runs in the\n"
    "kernel (eBPF, tracepoints only) and never stops the traced processes;\n"
    "events the kernel could not buffer are counted and reported as lost.";

constexpr const char* kFooter =
    "\nOutput formats:\n"
    "  text      one readable line per event (default)\n"
    "  jsonl     one JSON object per event, a summary object last (docs/jsonl.md)\n"
    "  fsatrace  the fsatrace line format (r|path, w|path, m|to|from, d|path)\n"
    "\nExit status:\n"
    "  the traced command's exit status (128+N if it was killed by signal N);\n"
    "  2 if fantrace itself failed (bad options, not root and no fantraced\n"
    "    running, a process fantraced refuses to trace, BPF refused,\n"
    "    output unwritable); 126 if the command cannot be executed;\n"
    "  127 if the command was not found.\n"
    "\nExamples:\n"
    "  sudo fantrace run -- make -j2\n"
    "  sudo fantrace run --format jsonl -o trace.jsonl -- ./analysis.sh\n"
    "  sudo fantrace run --format fsatrace -o - --events open,modify -- gcc -c x.c\n"
    "  sudo fantrace attach 1234\n"
    "  fantrace filter-template my_filter > my_filter.bpf.c   (then see its first lines)\n"
    "  sudo fantrace run --filter-bpf my_filter.bpf.o -- make\n"
    "  fantrace run -- make      (as an ordinary user, with fantraced running)\n";

void AddTraceOptions(CLI::App* cmd, Options& o, std::string& events, std::string& buffer) {
  cmd->add_option("-o,--output", o.output,
                  "Write events to FILE ('-' = standard output); default: standard error")
      ->type_name("FILE");
  cmd->add_option("-f,--format", o.format, "Event format: text, jsonl or fsatrace (default text)")
      ->check(CLI::IsMember({"text", "jsonl", "fsatrace"}))
      ->type_name("FORMAT");
  cmd->add_flag("--summary-only", o.summary_only,
                "Write no events, only the summary on standard error");
  cmd->add_flag("--no-summary", o.no_summary, "Do not print the summary on standard error");
  cmd->add_option("-e,--events", events,
                  "Report only these event kinds (comma-separated): exec, fork, exit, open, "
                  "modify, close, rename, unlink, rmdir, mkdir, link, symlink, truncate, "
                  "untraced, chroot, mount, attrib, mknod, the lookups stat, readdir, missing, or all "
                  "(every kind but the lookups: the default)")
      ->type_name("LIST");
  cmd->add_flag("--probes", o.probes,
                "Also report lookups: paths looked up without being opened (stat), directories "
                "listed (readdir) and paths looked for but not found (missing); the summary then "
                "lists them as probed, listed and missing. Off by default: they are frequent");
  cmd->add_option("--include", o.trace.include,
                  "Report only files under this absolute path prefix (repeatable, up to 16)")
      ->type_name("PREFIX");
  cmd->add_option("--exclude", o.trace.exclude,
                  "Do not report files under this absolute path prefix (repeatable, up to 16)")
      ->type_name("PREFIX");
  cmd->add_flag("--no-merge", [&o](int64_t) { o.trace.merge = false; },
                "Report every event; by default repeated identical events of the same file "
                "(same path, kind and access) are merged in the kernel into the first one");
  cmd->add_flag("--only-written", o.trace.only_written,
                "Report only files the tree writes: opens without write access and closes of "
                "unwritten files are dropped in the kernel (the summary's read list is then empty)");
  cmd->add_option("--exclude-fs", o.exclude_fs,
                  "Do not report files on these file system types (comma-separated, matched by "
                  "the superblock's magic number; 'none' for no exclusion, 'default' for the "
                  "default list). Default: proc,sysfs,cgroup,cgroup2,debugfs,tracefs,securityfs,"
                  "pstore,bpf,configfs,devpts,mqueue,fusectl,binfmt_misc,selinuxfs,efivarfs,nsfs,"
                  "pipefs,sockfs,anon_inodefs")
      ->type_name("LIST");
  cmd->add_option("--exclude-comm", o.trace.exclude_comm,
                  "Do not report the events of processes with this command name (as in "
                  "/proc/PID/comm, up to 15 bytes; repeatable, up to 8)")
      ->type_name("NAME");
  cmd->add_flag("--all-files", [&o](int64_t) { o.trace.regular_only = false; },
                "Also report opens of directories, devices, pipes and sockets; by default only "
                "regular files are reported (--regular-only)");
  cmd->add_flag("--regular-only", [&o](int64_t) { o.trace.regular_only = true; },
                "Report opens of regular files only (the default)");
  cmd->add_option("--filter-bpf", o.trace.filter_bpf,
                  "Run this user filter program (a BPF object built against "
                  "<fantrace/filter.bpf.h>) in the kernel on every file event before it is merged "
                  "and buffered; it keeps or drops the event. Repeatable: filters run in the order "
                  "given, up to 8 programs. A filter that cannot be loaded stops fantrace before "
                  "the command starts. See 'fantrace filter-template' and docs/writing-a-filter.md")
      ->type_name("FILE.bpf.o");
  cmd->add_option("--filter-arg", o.trace.filter_args,
                  "Set the const volatile global KEY of the filters that declare it to VALUE "
                  "(an integer, true/false, or a string for a char array) before they are loaded "
                  "(repeatable). 'ft_cwd' is set to the command's working directory by default")
      ->type_name("KEY=VALUE");
  cmd->add_flag("--daemon", o.daemon,
                "Trace through the fantraced daemon even as root. Ordinary users always do: "
                "fantraced (started by root) loads the engine and traces only processes the "
                "user owns. The socket is $FANTRACE_SOCKET, else /run/fantrace/fantrace.sock");
  cmd->add_option("--backend", o.backend,
                  "What traces: ebpf (the BPF engine), fanotify (fanotify's tracing mode, FAN_TRACE, "
                  "on a kernel with the kernel/ series; see docs/compatibility.md for what it "
                  "cannot report) or auto (default: ebpf, else fanotify where BPF cannot be used "
                  "and the kernel has FAN_TRACE). $FANTRACE_BACKEND is the default when set")
      ->check(CLI::IsMember(kBackends))
      ->type_name("BACKEND");
  cmd->add_option("--buffer-size", buffer,
                  "Kernel ring buffer size, a power of two (suffixes K, M, G; default 16M)")
      ->type_name("SIZE");
}

// run and record: who runs the command, and the command itself.
void AddCommandOptions(CLI::App* cmd, Options& o) {
  cmd->add_option("-u,--user", o.user,
                  "Run the command as this user (name or uid); under sudo the default is "
                  "the invoking user")
      ->type_name("USER");
  cmd->add_option("command", o.command, "The command and its arguments (after --)")
      ->type_name("COMMAND [ARG...]");
  cmd->prefix_command();
}

}  // namespace

Result<uint64_t> ParseSize(const std::string& text) {
  char* end = nullptr;
  errno = 0;
  unsigned long long value = strtoull(text.c_str(), &end, 10);
  if (end == text.c_str() || errno != 0 || text[0] == '-')
    return MakeError(fmt::format("'{}' is not a size", text));
  std::string suffix(end);
  uint64_t scale = 1;
  if (suffix == "K" || suffix == "k" || suffix == "KiB") scale = 1ull << 10;
  else if (suffix == "M" || suffix == "MiB") scale = 1ull << 20;
  else if (suffix == "G" || suffix == "GiB") scale = 1ull << 30;
  else if (!suffix.empty()) return MakeError(fmt::format("'{}' is not a size (suffixes: K, M, G)", text));
  if (value > (UINT64_MAX / scale)) return MakeError(fmt::format("size '{}' is too large", text));
  return value * scale;
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  CLI::App app(kDescription, "fantrace");
  app.footer(std::string(kFooter) + kStoreFooter + kPackFooter);
  app.set_version_flag("-V,--version", std::string("fantrace ") + FANTRACE_VERSION);
  app.require_subcommand(1);

  std::string events, buffer;
  CLI::App* run = app.add_subcommand(
      "run", "Run COMMAND and trace it and everything it starts, until the last of them exits");
  AddTraceOptions(run, o, events, buffer);
  AddCommandOptions(run, o);

  CLI::App* attach = app.add_subcommand(
      "attach",
      "Trace a running process, the descendants it already has, and everything they start from "
      "now on, until they all exit");
  std::string events_a, buffer_a;
  AddTraceOptions(attach, o, events_a, buffer_a);
  attach->add_option("pid", o.attach_pid, "Process id to attach to")->required()->check(CLI::PositiveNumber);

  CLI::App* templ = app.add_subcommand(
      "filter-template",
      "Print a working user filter (C for clang -target bpf) and, in its first lines, the "
      "command that compiles it; see --filter-bpf");
  std::string filter_name = "my_filter";
  templ->add_option("name", filter_name, "The filter's name, a C identifier (default my_filter)")
      ->check([](const std::string& name) {
        bool ok = !name.empty() && !isdigit(static_cast<unsigned char>(name[0]));
        for (char c : name) ok = ok && (isalnum(static_cast<unsigned char>(c)) || c == '_');
        return ok ? std::string() : "'" + name + "' is not a C identifier";
      });

  StoreSubcommands store = AddStoreSubcommands(app, o);
  CLI::App* record = store.record;
  std::string events_r, buffer_r;
  AddTraceOptions(record, o, events_r, buffer_r);
  AddCommandOptions(record, o);

  PackSubcommands packs = AddPackSubcommands(app, o);

  CLI::App* doctor = app.add_subcommand(
      "doctor", "Print the kernel features fantrace uses, which are missing, and whether it can trace here");

  CLI::App* shell_init = app.add_subcommand(
      "shell-init",
      "Print the shell code that records every interactive command in the provenance database: "
      "add 'eval \"$(fantrace shell-init bash)\"' to ~/.bashrc (zsh: ~/.zshrc). FANTRACE_SHELL=off "
      "set before it keeps it off; 'eval \"$(fantrace shell-init --disable)\"' turns it off in a "
      "running shell");
  shell_init->add_option("shell", o.shell, "bash or zsh")->check(CLI::IsMember({"bash", "zsh"}));
  shell_init->add_flag("--disable", o.shell_disable, "Print the code that turns it off in the running shell");
  CLI::App* shell_session = app.add_subcommand("shell-session", "");  // hidden: started by shell-init's code
  shell_session->group("");
  shell_session->add_option("--shell", o.shell, "bash or zsh")->required();
  shell_session->add_option("--pid", o.attach_pid, "The shell")->required()->check(CLI::PositiveNumber);
  shell_session->add_option("--fifo", o.shell_fifo, "The fifo to create for the hooks' marks")->required();
  shell_session->add_option("--db", o.store.db, "Provenance database (default: the user's)");

  // The shell completion scripts ask here (cli/completion.h).
  if (argc >= 2 && std::string_view(argv[1]) == "__complete") {
    std::vector<std::string> words{"fantrace"};
    words.insert(words.end(), argv + 2, argv + argc);
    if (words.size() == 1) words.emplace_back();
    for (const std::string& line : CompletionCandidates(app, words)) fmt::print("{}\n", line);
    o.mode = Mode::kExit;
    return o;
  }

  // Everything after the first "--" is the command, verbatim: CLI11 would
  // otherwise see the command's own options.
  std::vector<std::string> args;
  std::vector<std::string> after_dashes;
  bool dashes = false;
  for (int i = 1; i < argc; ++i) {
    if (!dashes && std::string_view(argv[i]) == "--") {
      dashes = true;
      continue;
    }
    (dashes ? after_dashes : args).emplace_back(argv[i]);
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes them reversed
  // --backend's default. Not CLI11's envname: the option is declared on
  // run, record, attach and shell-session alike, and the environment would
  // then overwrite the value given to the one that was parsed.
  const char* env_backend = getenv("FANTRACE_BACKEND");
  if (env_backend && *env_backend) o.backend = env_backend;
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    o.mode = Mode::kExit;
    int rc = app.exit(e);
    o.exit_status = rc == 0 ? 0 : kExitUsage;
    return o;
  }
  if (std::find(kBackends.begin(), kBackends.end(), o.backend) == kBackends.end() &&
      (run->parsed() || record->parsed() || attach->parsed() || shell_session->parsed())) {
    fmt::print(stderr, "fantrace: FANTRACE_BACKEND={} is not a backend: ebpf, fanotify or auto\n", o.backend);
    o.mode = Mode::kExit;
    o.exit_status = kExitUsage;
    return o;
  }

  if (packs.parsed()) {
    if (std::optional<std::string> error = FinishPackOptions(packs, o, after_dashes)) {
      fmt::print(stderr, "fantrace: {}\nTry 'fantrace --help' for more information.\n", *error);
      o.mode = Mode::kExit;
      o.exit_status = kExitUsage;
    }
    return o;
  }
  if (doctor->parsed()) {
    o.mode = Mode::kDoctor;
    return o;
  }
  if (shell_init->parsed()) {
    if (o.shell.empty() && !o.shell_disable) {
      fmt::print(stderr, "fantrace: shell-init needs a shell: fantrace shell-init bash|zsh (or --disable)\n");
      o.mode = Mode::kExit;
      o.exit_status = kExitUsage;
      return o;
    }
    o.mode = Mode::kShellInit;
    return o;
  }
  if (shell_session->parsed()) {
    o.mode = Mode::kShellSession;
    return o;
  }
  if (templ->parsed()) {
    fmt::print("{}", FilterTemplate(filter_name));
    o.mode = Mode::kExit;
    o.exit_status = 0;
    return o;
  }
  if (run->parsed() || record->parsed()) {
    o.mode = run->parsed() ? Mode::kRun : Mode::kRecord;
    for (const std::string& extra : (run->parsed() ? run : record)->remaining()) o.command.push_back(extra);
    o.command.insert(o.command.end(), after_dashes.begin(), after_dashes.end());
    if (record->parsed()) {
      events = events_r;
      buffer = buffer_r;
      // A recorded command's events go to the database; print them only when asked.
      if (record->count("--output") == 0 && record->count("--format") == 0) o.summary_only = true;
    }
  } else if (attach->parsed()) {
    o.mode = Mode::kAttach;
    events = events.empty() ? events_a : events;
    buffer = buffer.empty() ? buffer_a : buffer;
  }

  auto fail = [&](const std::string& message) {
    fmt::print(stderr, "fantrace: {}\nTry 'fantrace --help' for more information.\n", message);
    o.mode = Mode::kExit;
    o.exit_status = kExitUsage;
    return o;
  };
  if (store.sync->parsed()) {
    o.mode = Mode::kSync;
    return o;
  }
  if (!run->parsed() && !record->parsed() && !attach->parsed()) {
    o.mode = store.query->parsed()     ? Mode::kQuery
             : store.history->parsed() ? Mode::kHistory
             : store.show->parsed()    ? Mode::kShow
                                       : Mode::kLineage;
    if (std::optional<std::string> error = CheckStoreOptions(store, o)) return fail(*error);
    return o;
  }
  const bool runs = o.mode == Mode::kRun || o.mode == Mode::kRecord;
  const char* verb = o.mode == Mode::kRecord ? "record" : "run";
  if (runs && !o.command.empty() && o.command[0].size() > 1 && o.command[0][0] == '-' &&
      (after_dashes.empty() || o.command.size() > after_dashes.size()))
    return fail(fmt::format("unknown option '{}' (put the command after --)", o.command[0]));
  if (runs && o.command.empty())
    return fail(fmt::format("{0} needs a command: fantrace {0} -- COMMAND [ARG...]", verb));
  CLI::App* used = run->parsed() ? run : record->parsed() ? record : attach;
  if (used->count("--events") > 0) {  // given, even as '': an empty list is an error
    Result<uint32_t> mask = EventMaskFromList(events);
    if (!mask) return fail(mask.error().message);
    o.trace.event_mask = *mask;
  }
  if (o.probes) o.trace.event_mask |= kLookupEventMask;
  if (o.exclude_fs) {
    Result<std::vector<std::string>> fs = ParseFilesystemList(*o.exclude_fs);
    if (!fs) return fail("--exclude-fs: " + fs.error().message);
    o.trace.exclude_fs = *fs;
  }
  if (!buffer.empty()) {
    Result<uint64_t> size = ParseSize(buffer);
    if (!size) return fail("--buffer-size: " + size.error().message);
    o.trace.buffer_size = *size;
  }
  if (o.summary_only && !o.output.empty()) return fail("--summary-only writes no events; drop -o");
  return o;
}

}  // namespace fantrace::cli

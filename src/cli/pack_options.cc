#include "cli/pack_options.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/options.h"

namespace fantrace::cli {

const char* const kPackFooter =
    "\nReproduce (docs/pack.md):\n"
    "  sudo fantrace pack -o exp.ftpack -- ./analysis.sh      trace and bundle what it needs\n"
    "  fantrace pack --from trace.jsonl -o exp.ftpack          bundle an earlier jsonl trace\n"
    "  sudo fantrace replay exp.ftpack --verify                re-run it isolated, compare outputs\n"
    "  fantrace info exp.ftpack ; fantrace unpack exp.ftpack DIR\n"
    "  fantrace export-image exp.ftpack -o image.tar ; podman load -i image.tar\n";

bool PackSubcommands::parsed() const {
  return pack->parsed() || replay->parsed() || unpack->parsed() || info->parsed() || export_image->parsed();
}

PackSubcommands AddPackSubcommands(CLI::App& app, Options& o) {
  PackOptions& p = o.pack;
  PackSubcommands c;
  c.pack = app.add_subcommand(
      "pack",
      "Run COMMAND under the tracer (or read --from a jsonl trace) and write a bundle of everything it read and "
      "executed: programs, the dynamic loader, libraries, scripts, inputs, the symlinks on their paths, with a "
      "manifest of the command, its environment and the outputs' hashes. Exit status: the command's (as run), "
      "0 with --from; 2 if packing failed");
  c.pack->add_option("-o,--output", p.output, "The bundle to write (EXP.ftpack), or the OCI archive with --image")
      ->type_name("FILE")
      ->required();
  c.pack->add_option("--from", p.from,
                     "Pack a trace written earlier by 'fantrace run --format jsonl' instead of running a command; "
                     "files that changed since (inode, size or mtime) are flagged in the manifest and on stderr")
      ->type_name("TRACE.jsonl");
  c.pack->add_option("--cwd", p.cwd, "With --from: the directory the command ran in (default: the current one)")
      ->type_name("DIR");
  c.pack->add_option("--trace", p.trace, "Also keep the jsonl trace of the command in FILE")->type_name("FILE");
  c.pack->add_flag("--no-package-files", p.no_package_files,
                   "Leave out files that belong to an installed Debian package (still listed with package and "
                   "version); replay takes them from the replaying machine when their hash matches");
  c.pack->add_option("--env-exclude", p.env_exclude,
                     "Leave environment variables matching this pattern (fnmatch, case-insensitive) out of the "
                     "manifest; repeatable, added to the defaults *TOKEN* *SECRET* *PASSWORD* *PASSWD* *KEY* "
                     "*CREDENTIAL* *PRIVATE* *COOKIE* *AUTH* SSH_AUTH_SOCK *SESSION*")
      ->type_name("PATTERN");
  c.pack->add_flag("--no-default-env-exclude", p.no_default_env_exclude,
                   "Keep the variables the default patterns would leave out");
  c.pack->add_flag("--image", p.image, "Write an OCI image archive (for podman load) instead of a bundle");
  c.pack->add_option("--tag", p.tag, "With --image: the image's name (default fantrace-replay:latest)");
  c.pack->add_option("-u,--user", o.user,
                     "Run the command as this user (name or uid); under sudo the default is the invoking user")
      ->type_name("USER");
  c.pack->add_option("--buffer-size", p.buffer_size, "Kernel ring buffer size, as for run (default 16M)")
      ->type_name("SIZE");
  c.pack->add_option("command", o.command, "The command and its arguments (after --)")->type_name("COMMAND [ARG...]");
  c.pack->prefix_command();

  c.replay = app.add_subcommand(
      "replay",
      "Run a bundle's command again, as root, in a root of the bundle's files only (new mount, network and UTS "
      "namespaces; /proc, a minimal /dev and a fresh /tmp), with the recorded directory, arguments, environment "
      "and user, traced: files it reads that the bundle lacks are reported. Exit status: the command's; with "
      "--verify 0 when its outputs and exit status are the recorded ones, 1 when any differs; 2 if fantrace "
      "failed");
  c.replay->add_option("bundle", p.bundle, "The bundle (EXP.ftpack)")->required()->type_name("EXP.ftpack");
  c.replay->add_option("--input", p.inputs, "Replace the bundled file ORIGINAL (its recorded path) by NEWFILE")
      ->type_name("ORIGINAL=NEWFILE");
  c.replay->add_option("--output-dir", p.output_dir,
                       "Copy the outputs here (below the recorded directory: by their relative paths; elsewhere: "
                       "by their absolute paths)")
      ->type_name("DIR");
  c.replay->add_flag("--verify", p.verify, "Compare the outputs' hashes and the exit status with the recorded ones");
  c.replay->add_flag("--network", p.network, "Keep the host's network (default: a network namespace with loopback only)");
  c.replay->add_flag("--keep", p.keep, "Keep the unpacked root and the replay's trace, and print where they are");
  c.replay->add_option("--report", p.report, "Write the findings (outside, missing, differs, exit) as JSON to FILE")
      ->type_name("FILE");

  c.unpack = app.add_subcommand("unpack", "Unpack a bundle into DIR: DIR/manifest.json and DIR/root/...");
  c.unpack->add_option("bundle", p.bundle, "The bundle")->required()->type_name("EXP.ftpack");
  c.unpack->add_option("dir", p.dir, "The directory to create")->required()->type_name("DIR");

  c.info = app.add_subcommand("info", "Describe a bundle: the command, the machine, sizes by role and by package");
  c.info->add_option("bundle", p.bundle, "The bundle")->required()->type_name("EXP.ftpack");
  c.info->add_flag("--json", o.store.json, "Print the manifest itself");

  c.export_image = app.add_subcommand(
      "export-image", "Write a bundle as an OCI image archive (podman load -i IMAGE.tar) whose entrypoint is the command");
  c.export_image->add_option("bundle", p.bundle, "The bundle")->required()->type_name("EXP.ftpack");
  c.export_image->add_option("-o,--output", p.output, "The OCI archive to write")->required()->type_name("IMAGE.tar");
  c.export_image->add_option("--tag", p.tag, "The image's name (default fantrace-replay:latest)");
  return c;
}

std::optional<std::string> FinishPackOptions(const PackSubcommands& c, Options& o,
                                             const std::vector<std::string>& after_dashes) {
  PackOptions& p = o.pack;
  if (c.pack->parsed()) {
    o.mode = Mode::kPack;
    for (const std::string& extra : c.pack->remaining()) o.command.push_back(extra);
    o.command.insert(o.command.end(), after_dashes.begin(), after_dashes.end());
    if (p.from && !o.command.empty()) return "pack takes a command or --from TRACE.jsonl, not both";
    if (!p.from && o.command.empty()) return "pack needs a command: fantrace pack -o EXP.ftpack -- COMMAND [ARG...]";
    if (!o.command.empty() && o.command[0].size() > 1 && o.command[0][0] == '-' && after_dashes.empty())
      return fmt::format("unknown option '{}' (put the command after --)", o.command[0]);
    if (!p.cwd.empty() && !p.from) return "--cwd goes with --from (a traced command runs here)";
  } else if (c.replay->parsed()) {
    o.mode = Mode::kReplay;
    p.argv = after_dashes;
    for (const std::string& in : p.inputs)
      if (in.find('=') == std::string::npos || in.front() == '=' || in.back() == '=')
        return fmt::format("--input {}: expected ORIGINAL=NEWFILE", in);
  } else if (c.unpack->parsed()) {
    o.mode = Mode::kUnpack;
  } else if (c.info->parsed()) {
    o.mode = Mode::kInfo;
  } else {
    o.mode = Mode::kExportImage;
  }
  if (o.mode != Mode::kPack && o.mode != Mode::kReplay && !after_dashes.empty())
    return "unexpected arguments after --";
  return std::nullopt;
}

}  // namespace fantrace::cli

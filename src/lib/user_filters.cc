#include "lib/user_filters.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <elf.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include <fmt/format.h>

#include "abi/events.h"
#include "lib/bpf_handles.h"
#include "lib/kernel_env.h"

namespace fantrace {
namespace {

constexpr const char* kFilterSection = "tracepoint";  // what FANTRACE_FILTER emits
constexpr const char* kCwdParam = "ft_cwd";
constexpr size_t kLogLines = 15;

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A BPF object is an ELF relocatable file for machine EM_BPF: checked here so
// that a wrong file gets a plain answer, not libbpf's.
Status CheckBpfElf(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return MakeError(fmt::format("--filter-bpf {}: cannot open: {}", path, strerror(errno)));
  Elf64_Ehdr hdr{};
  ssize_t n = read(fd, &hdr, sizeof(hdr));
  close(fd);
  if (n != static_cast<ssize_t>(sizeof(hdr)) || memcmp(hdr.e_ident, ELFMAG, SELFMAG) != 0)
    return MakeError(fmt::format(
        "--filter-bpf {}: not an ELF object; build a filter with clang -target bpf "
        "(fantrace filter-template shows how)", path));
  if (hdr.e_machine != EM_BPF)
    return MakeError(fmt::format(
        "--filter-bpf {}: an ELF object for machine {}, not a BPF object; build it with "
        "clang -target bpf (fantrace filter-template shows how)", path, hdr.e_machine));
  return Ok{};
}

// The verifier's own lines from libbpf's log, the last ones: they say
// which instruction was refused and why.
std::string VerifierLines(const std::string& log) {
  std::vector<std::string> lines;
  std::istringstream in(log);
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.find("-- BEGIN PROG LOAD LOG --") != std::string::npos) {
      inside = true;
      lines.clear();
      continue;
    }
    if (line.find("-- END PROG LOAD LOG --") != std::string::npos) {
      inside = false;
      continue;
    }
    if (inside || line.find("libbpf:") == 0) lines.push_back(line);
  }
  size_t first = lines.size() > kLogLines ? lines.size() - kLogLines : 0;
  std::string out;
  for (size_t i = first; i < lines.size(); ++i) out += "  " + lines[i] + "\n";
  return out;
}

bpf_map* RodataMap(bpf_object* obj) {
  bpf_map* map;
  bpf_object__for_each_map(map, obj) {
    std::string name = bpf_map__name(map);
    if (bpf_map__is_internal(map) && name.size() >= 7 && name.compare(name.size() - 7, 7, ".rodata") == 0)
      return map;
  }
  return nullptr;
}

// Writes `value` into the const volatile global `key` of obj's .rodata.
// Returns false (and no error) when the object has no such global.
Result<bool> SetParam(bpf_object* obj, const std::string& path, const FilterParam& param) {
  btf* types = bpf_object__btf(obj);
  bpf_map* map = RodataMap(obj);
  if (!types || !map) return false;
  int sec_id = btf__find_by_name_kind(types, ".rodata", BTF_KIND_DATASEC);
  if (sec_id < 0) return false;
  const btf_type* sec = btf__type_by_id(types, sec_id);
  const btf_var_secinfo* vars = btf_var_secinfos(sec);
  for (int i = 0; i < btf_vlen(sec); ++i) {
    const btf_type* var = btf__type_by_id(types, vars[i].type);
    if (param.key != btf__name_by_offset(types, var->name_off)) continue;
    size_t size = 0;
    auto* data = static_cast<char*>(const_cast<void*>(bpf_map__initial_value(map, &size)));
    if (!data || vars[i].offset + vars[i].size > size) return false;
    char* dst = data + vars[i].offset;
    int type_id = btf__resolve_type(types, var->type);  // through const, volatile, typedef
    const btf_type* t = type_id < 0 ? nullptr : btf__type_by_id(types, type_id);
    auto where = [&] { return fmt::format("--filter-arg {}: in {}", param.key, path); };
    if (t && btf_is_array(t)) {
      const btf_type* elem = btf__type_by_id(types, btf__resolve_type(types, btf_array(t)->type));
      if (!elem || !btf_is_int(elem) || elem->size != 1)
        return MakeError(where() + " it is an array of non-chars; only strings and integers can be set");
      if (param.value.size() >= vars[i].size)
        return MakeError(fmt::format("{} the value is {} bytes, the char array holds {} with its NUL",
                                     where(), param.value.size(), vars[i].size));
      memset(dst, 0, vars[i].size);
      memcpy(dst, param.value.data(), param.value.size());
      return true;
    }
    if (t && btf_is_int(t) && vars[i].size <= 8) {
      bool is_signed = btf_int_encoding(t) & BTF_INT_SIGNED;
      bool is_bool = btf_int_encoding(t) & BTF_INT_BOOL;
      uint64_t v = 0;
      if (is_bool && (param.value == "true" || param.value == "false")) {
        v = param.value == "true";
      } else {
        char* end = nullptr;
        errno = 0;
        v = is_signed ? static_cast<uint64_t>(strtoll(param.value.c_str(), &end, 0))
                      : strtoull(param.value.c_str(), &end, 0);
        if (param.value.empty() || *end != 0 || errno != 0 || (!is_signed && param.value[0] == '-'))
          return MakeError(fmt::format("{} '{}' is not a number", where(), param.value));
        unsigned bits = vars[i].size * 8;
        bool fits = bits == 64 ||
                    (is_signed ? (static_cast<int64_t>(v) >= -(int64_t{1} << (bits - 1)) &&
                                  static_cast<int64_t>(v) < (int64_t{1} << (bits - 1)))
                               : v < (uint64_t{1} << bits));
        if (!fits)
          return MakeError(fmt::format("{} '{}' does not fit its {}-bit integer", where(), param.value, bits));
      }
      memcpy(dst, &v, vars[i].size);  // little endian: the low bytes
      return true;
    }
    return MakeError(where() + " it is neither an integer nor a char array");
  }
  return false;
}

}  // namespace

Result<FilterParam> ParseFilterParam(const std::string& text) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    return MakeError(fmt::format("--filter-arg '{}': expected KEY=VALUE", text));
  return FilterParam{text.substr(0, eq), text.substr(eq + 1)};
}

Result<UserFilters> UserFilters::Open(const std::vector<std::string>& paths,
                                      const std::vector<FilterParam>& params, const std::string& cwd) {
  UserFilters filters;
  for (const std::string& path : paths) {
    if (Status st = CheckBpfElf(path); !st) return st.error();
    TakeLibbpfLog();
    Object o{path, std::unique_ptr<bpf_object, ObjectDeleter>(bpf_object__open_file(path.c_str(), nullptr)), {}};
    if (!o.obj) {
      int err = errno;
      return MakeError(fmt::format("--filter-bpf {}: libbpf cannot open it: {}\n{}", path, strerror(err),
                                   VerifierLines(TakeLibbpfLog())));
    }
    bpf_program* prog;
    bpf_object__for_each_program(prog, o.obj.get()) {
      if (strcmp(bpf_program__section_name(prog), kFilterSection) == 0 &&
          bpf_program__type(prog) == BPF_PROG_TYPE_TRACEPOINT)
        o.filters.push_back(prog);
      else
        bpf_program__set_autoload(prog, false);
    }
    if (o.filters.empty())
      return MakeError(fmt::format(
          "--filter-bpf {}: no filter program in it (a function defined with FANTRACE_FILTER from "
          "<fantrace/filter.bpf.h>, in section \"{}\")", path, kFilterSection));
    for (bpf_program* p : o.filters) filters.names_.push_back(BaseName(path) + ":" + bpf_program__name(p));
    filters.objects_.push_back(std::move(o));
  }
  if (filters.names_.size() > FT_FILTER_MAX)
    return MakeError(fmt::format("{} filter programs given; at most {} can be chained",
                                 filters.names_.size(), FT_FILTER_MAX));

  bool cwd_given = false;
  for (const FilterParam& param : params) {
    bool used = false;
    for (Object& o : filters.objects_) {
      Result<bool> set = SetParam(o.obj.get(), o.path, param);
      if (!set) return set.error();
      used = used || *set;
    }
    if (!used)
      return MakeError(fmt::format("--filter-arg {}: no filter declares a const volatile global '{}'",
                                   param.key, param.key));
    cwd_given = cwd_given || param.key == kCwdParam;
  }
  if (!cwd_given) {
    for (Object& o : filters.objects_) {
      Result<bool> set = SetParam(o.obj.get(), o.path, FilterParam{kCwdParam, cwd});
      if (!set) return set.error();
    }
  }
  return filters;
}

Status UserFilters::Load(fantrace_bpf* skel) {
  int chain_fd = bpf_map__fd(skel->maps.ft_filter_chain);
  int events_fd = bpf_map__fd(skel->maps.ft_filter_events);
  std::vector<int> prog_fds;
  for (Object& o : objects_) {
    bpf_object* obj = o.obj.get();
    bpf_map* chain = bpf_object__find_map_by_name(obj, "ft_filter_chain");
    bpf_map* events = bpf_object__find_map_by_name(obj, "ft_filter_events");
    if (!chain || !events)
      return MakeError(fmt::format("--filter-bpf {}: it does not use fantrace's maps; build it "
                                   "against <fantrace/filter.bpf.h>", o.path));
    if (bpf_map__reuse_fd(chain, chain_fd) != 0 || bpf_map__reuse_fd(events, events_fd) != 0)
      return MakeError(fmt::format("--filter-bpf {}: cannot share fantrace's maps with it: {}", o.path,
                                   strerror(errno)));
    TakeLibbpfLog();
    if (int err = bpf_object__load(obj); err) {
      std::string log = TakeLibbpfLog();
      return MakeError(fmt::format(
          "--filter-bpf {}: the kernel refused the filter ({}). The verifier said:\n{}"
          "Fix the filter (docs/writing-a-filter.md, \"When the verifier says no\") and rebuild it; "
          "a header/ABI mismatch shows as incompatible maps: rebuild against this fantrace's header.",
          o.path, strerror(-err), VerifierLines(log)));
    }
    for (bpf_program* p : o.filters) prog_fds.push_back(bpf_program__fd(p));
  }
  int commit_fd = bpf_program__fd(skel->progs.commit_filtered);
  for (uint32_t slot = 0; slot <= FT_FILTER_MAX; ++slot) {
    int fd = slot < prog_fds.size() ? prog_fds[slot] : commit_fd;
    if (bpf_map_update_elem(chain_fd, &slot, &fd, BPF_ANY) != 0)
      return MakeError(fmt::format("cannot chain filter {}: {}", slot, strerror(errno)));
  }
  return Ok{};
}

}  // namespace fantrace

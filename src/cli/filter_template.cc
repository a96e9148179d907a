#include "cli/filter_template.h"

#include <unistd.h>

#include <fmt/format.h>

namespace fantrace::cli {

std::string FilterIncludeDir() {
  std::string installed = FANTRACE_INSTALL_INCLUDEDIR;
  if (access((installed + "/fantrace/filter.bpf.h").c_str(), R_OK) == 0) return installed;
  return FANTRACE_BUILD_INCLUDEDIR;
}

std::string FilterTemplate(const std::string& name) {
  return fmt::format(R"(/* {0}.bpf.c: a fantrace user filter. Build it with
 *
 *   clang -O2 -g -target bpf -I {1} -c {0}.bpf.c -o {0}.bpf.o
 *
 * (<fantrace/filter.bpf.h> is installed under {2};
 * in fantrace's build tree it is under {3}), then run
 *
 *   fantrace run --filter-bpf {0}.bpf.o -- COMMAND
 *
 * The body runs in the kernel for every file event of the traced tree and
 * returns FT_KEEP or FT_DROP. `rec` is the record (rec->type is FT_OPEN,
 * FT_MODIFY, FT_CLOSE, FT_RENAME, FT_UNLINK, ...; rec->flags, rec->size,
 * rec->pid, ...), `path` its path (event->path_len bytes), event->path2 the
 * new name of a rename or link. See docs/writing-a-filter.md. */
#include <fantrace/filter.bpf.h>

#define SKIP_MAX 256

/* A parameter: fantrace run --filter-arg skip=/var/cache ... */
const volatile char skip[SKIP_MAX] = "/usr";

FANTRACE_FILTER({0})
{{
	/* the files under `skip` are dropped */
	if (ft_path_under(path, event->path_len, skip, SKIP_MAX))
		return FT_DROP;
	/* so are the opens of empty files that are only read */
	if (rec->type == FT_OPEN && rec->size == 0 && !ft_was_written(rec))
		return FT_DROP;
	return FT_KEEP;
}}
)",
                     name, FilterIncludeDir(), FANTRACE_INSTALL_INCLUDEDIR, FANTRACE_BUILD_INCLUDEDIR);
}

}  // namespace fantrace::cli

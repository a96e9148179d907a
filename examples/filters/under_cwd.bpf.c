/* Keep only the files under the command's working directory.
 *
 * fantrace sets ft_cwd to the directory the traced command starts in (for
 * `attach`, the process's working directory); give another directory with
 * --filter-arg ft_cwd=/some/dir. Events whose path (or, for rename and
 * link, new path) lies under it are kept, all others dropped.
 *
 *   fantrace run --filter-bpf under_cwd.bpf.o -- make */
#include <fantrace/filter.bpf.h>

#define CWD_MAX 1024

const volatile char ft_cwd[CWD_MAX] = "";

FANTRACE_FILTER(under_cwd)
{
	if (ft_path_under(path, event->path_len, ft_cwd, CWD_MAX))
		return FT_KEEP;
	if (event->path2_len && ft_path_under(event->path2, event->path2_len, ft_cwd, CWD_MAX))
		return FT_KEEP;
	return FT_DROP;
}

/* Keep only files larger than min_size bytes, and files the tree writes.
 *
 * Opens of small files without write access are dropped (their closes
 * follow); opens for writing and written closes are kept whatever their
 * size. Namespace events (rename, unlink, mkdir, ...) are kept: they carry
 * no size. Set the threshold with --filter-arg min_size=4096.
 *
 *   fantrace run --filter-bpf big_or_written.bpf.o -- ./build.sh */
#include <fantrace/filter.bpf.h>

const volatile __u64 min_size = 1024 * 1024;

FANTRACE_FILTER(big_or_written)
{
	if (!ft_is_file_event(rec))
		return FT_KEEP;
	if (ft_was_written(rec) || rec->size > min_size)
		return FT_KEEP;
	return FT_DROP;
}

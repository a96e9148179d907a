/* Drop files whose name ends with one of a list of suffixes: build
 * by-products and caches (.o, .d, .pyc, ...).
 *
 * The list is a comma-separated string; replace it with
 * --filter-arg suffixes=.o,.a,.so (up to 255 bytes, suffixes up to 31).
 *
 *   fantrace run --filter-bpf drop_suffixes.bpf.o -- make */
#include <fantrace/filter.bpf.h>

#define LIST_MAX   256
#define SUFFIX_MAX 32

const volatile char suffixes[LIST_MAX] = ".o,.d,.pyc,.pyo,.tmp,.swp";

FANTRACE_FILTER(drop_suffixes)
{
	__u32 start = 0;

	for (__u32 i = 0; i < LIST_MAX; i++) {
		char c = suffixes[i];
		if (c != ',' && c != 0)
			continue;
		if (ft_ends_with_n(path, event->path_len, &suffixes[start], i - start, SUFFIX_MAX))
			return FT_DROP;
		if (c == 0)
			break;
		start = i + 1;
	}
	return FT_KEEP;
}

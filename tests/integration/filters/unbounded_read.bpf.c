/* Test filter the verifier refuses: it indexes the path with the file's
 * size, a value without bounds (no mask), which could read past the
 * buffer. fantrace must show the verifier's reason and not run the command. */
#include <fantrace/filter.bpf.h>

FANTRACE_FILTER(unbounded_read)
{
	return path[rec->size] == 'x' ? FT_DROP : FT_KEEP;
}

/* Test filter: keeps every event it is given. */
#include <fantrace/filter.bpf.h>

FANTRACE_FILTER(keep_all)
{
	return FT_KEEP;
}

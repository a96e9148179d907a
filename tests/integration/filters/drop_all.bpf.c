/* Test filter: drops every event it is given. */
#include <fantrace/filter.bpf.h>

FANTRACE_FILTER(drop_all)
{
	return FT_DROP;
}

/* Files a process let go of without a close() that drops their last
 * reference: closed while a shared writable mapping still holds them, or
 * marked close-on-exec when it execs. Such a file's close is reported when
 * its last reference is seen gone: at the process's munmap, exec or exit
 * (release_events.bpf.h). The list is per process, FT_PENDING_MAX long;
 * a file that finds it full is counted (pending_full), never dropped
 * silently. Part of fantrace.bpf.c, before file_events.bpf.h. */
#ifndef FANTRACE_PENDING_BPF_H
#define FANTRACE_PENDING_BPF_H

#include "common.bpf.h"

/* A global function (scalar arguments only): verified once per program,
 * not at each call site. Inlined, its search loop multiplied the states of
 * close_file and of close_range's fd scan (close_range took 0.8 s to
 * verify instead of 21 ms). */
__noinline int pending_add(__u32 tgid, __u64 file)
{
	struct ft_pending *p = bpf_map_lookup_elem(&pending, &tgid);
	if (!p) {
		struct ft_scratch *s = get_scratch();
		if (!s)
			return 0;
		/* from the scratch, not the stack, which close_file's call chain
		 * has no room for */
		bpf_map_update_elem(&pending, &tgid, &s->pending_zero, BPF_NOEXIST);
		p = bpf_map_lookup_elem(&pending, &tgid);
		if (!p) {
			COUNT(pending_full);
			return 0;
		}
	}
	__s32 free = -1;
	for (__u32 i = 0; i < FT_PENDING_MAX; i++) {
		if (p->file[i] == file)
			return 0;  /* noted already (an exec that failed, say) */
		if (!p->file[i] && free < 0)
			free = i;
	}
	if (free < 0) {
		COUNT(pending_full);
		return 0;
	}
	p->file[free & (FT_PENDING_MAX - 1)] = file;
	return 0;
}

#endif

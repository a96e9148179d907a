/* Closes without a close(): the files on a process's pending list
 * (pending.bpf.h) are reported closed when their last reference is seen
 * gone, at the process's munmap, successful exec or exit.
 *
 * Close-on-exec: the kernel closes those fds in begin_new_exec (the point
 * of no return, do_close_on_exec), before sched_process_exec fires. So
 * the tracked files behind close-on-exec fds are noted at the exec's
 * entry (the fd table's close_on_exec bitmap), and looked at again in
 * sched_process_exec: by then their fds are closed, and a file whose
 * reference count is gone was closed by the exec. The kernel frees a
 * file at the task's return to user space (fput's task work), so it can
 * still be read there. A failed exec closes nothing: its files stay noted
 * (refs > 0) until the process's next exec or exit. Part of fantrace.bpf.c,
 * after file_events.bpf.h. */
#ifndef FANTRACE_RELEASE_EVENTS_BPF_H
#define FANTRACE_RELEASE_EVENTS_BPF_H

/* One pending file: 0 when it is done with (reported, or closed by the
 * tree meanwhile), 1 when it is still held. A global function of
 * scalars: verified once, not once per slot of the list. */
__noinline int release_one(__u64 file, __u32 flags, __u32 mm_going)
{
	struct ft_file_state *st = file_state((struct file *)file);
	if (!st)
		return 0;  /* closed by the tree, or gone */
	if (file_refs((struct file *)file) > 0 && !(mm_going && st->mapped))
		return 1;
	close_file(file, flags, CLOSE_RELEASED);
	return 0;
}

/* Reports the close of each pending file of tgid whose last reference is
 * gone, and forgets it, and those the tree closed meanwhile; keeps the
 * others. With mm_going, the process's own address space is about to go
 * with its mappings: a mapped file is reported even though they still
 * hold it. */
static __always_inline void pending_release(__u32 tgid, __u32 flags, bool mm_going)
{
	struct ft_pending *p = bpf_map_lookup_elem(&pending, &tgid);
	if (!p)
		return;
	bool left = false;
	for (__u32 i = 0; i < FT_PENDING_MAX; i++) {
		__u64 file = p->file[i];
		if (!file)
			continue;
		if (release_one(file, flags, mm_going))
			left = true;
		else
			p->file[i] = 0;
	}
	if (!left)
		bpf_map_delete_elem(&pending, &tgid);
}

/* sched_process_exec: what the exec closed (close-on-exec fds, and the
 * mappings of the old address space). */
static __always_inline void released_by_exec(__u32 tgid)
{
	pending_release(tgid, FT_F_AT_EXEC, false);
}

/* sched_process_exit, after the fd scan. Before 6.16 the address space
 * is gone by then (exit_mm ran before the tracepoint), and what is still
 * held belongs to another process, which reports it. Since then the
 * tracepoint comes first (BPF may read the exiting task's memory): when
 * the task still has its address space and is its only user, the
 * mappings go with it, so its mapped files are closed now. */
static __always_inline void released_by_exit(struct task_struct *task, __u32 tgid)
{
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	bool mm_going = mm && BPF_CORE_READ(mm, mm_users.counter) == 1;

	pending_release(tgid, FT_F_AT_EXIT, mm_going);
	bpf_map_delete_elem(&pending, &tgid);
}

/* execve/execveat: note the tracked files of close-on-exec fds. */
SEC("tracepoint/syscalls/sys_enter_execve")
int enter_exec_family(struct trace_event_raw_sys_enter *ctx)
{
	if (!current_traced())
		return 0;
	close_fd_range(current_task(), 0, ~0ULL, FT_F_AT_EXEC);
	return 0;
}

/* munmap: a file closed while mapped loses its last reference here. */
SEC("tracepoint/syscalls/sys_exit_munmap")
int exit_munmap(struct trace_event_raw_sys_exit *ctx)
{
	if (ctx->ret != 0 || !current_traced())
		return 0;
	pending_release(bpf_get_current_pid_tgid() >> 32, FT_F_UNMAPPED, false);
	return 0;
}

#endif

/* Process-tree membership: a process (tgid) is traced when userspace added
 * it as a root or a traced process forked it. Threads share their process's
 * membership, and its session slot. live_procs[slot] counts the traced
 * processes of a session still running; its trace ends when it drops to
 * zero. */
#ifndef FANTRACE_PROC_TREE_BPF_H
#define FANTRACE_PROC_TREE_BPF_H

#include "common.bpf.h"

/* True when tgid is traced; then its session is the one being served
 * (current_session) for the rest of the program.
 *
 * Every handler starts here, for every process on the machine that makes
 * a traced syscall, so the answer is kept per CPU (a small direct-mapped
 * cache in the scratch) and reused while membership_generation stands:
 * that is bumped after every change to procs, by the BPF side (fork, exit,
 * setuid exec) and by userspace (roots added, sessions removed). The
 * generation is read before procs is, so an answer cached from a lookup
 * that raced with a change carries the generation from before it, and the
 * bump that follows the change retires it. A fork's child is added, and
 * the bump made, before the child first runs. */
static __always_inline bool tgid_traced(__u32 tgid)
{
	struct ft_scratch *s = get_scratch();
	if (!s)
		return false;
	__u64 generation = *(volatile __u64 *)&membership_generation;
	struct ft_member_answer *a = &s->members[tgid & (FT_MEMBER_CACHE - 1)];
	if (a->tgid != tgid || a->generation != generation) {
		struct ft_proc *p = bpf_map_lookup_elem(&procs, &tgid);
		a->tgid = tgid;
		a->generation = generation;
		a->traced = p != NULL;
		a->session = p ? p->session : 0;
	}
	if (!a->traced)
		return false;
	s->session = a->session;
	return true;
}

static __always_inline void membership_changed(void)
{
	__sync_fetch_and_add(&membership_generation, 1);
}

static __always_inline bool current_traced(void)
{
	return tgid_traced(bpf_get_current_pid_tgid() >> 32);
}

/* Returns true when the tgid was new to the tree. It joins the session
 * being served (its parent's). */
static __always_inline bool tree_add(struct task_struct *task)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);
	__u32 session = current_session();
	struct ft_proc info = { .start_time = BPF_CORE_READ(task, start_time), .session = session };

	long err = bpf_map_update_elem(&procs, &tgid, &info, BPF_NOEXIST);
	if (err == -E2BIG || err == -ENOMEM)
		COUNT(untracked_procs);  /* never silent: the summary says so */
	if (err != 0)
		return false;
	membership_changed();
	__sync_fetch_and_add(&live_procs[session & FT_SESSION_MASK], 1);
	return true;
}

/* Takes the process out of the tree. Only one caller succeeds, even when
 * two threads of a process exit at once. */
static __always_inline bool tree_leave(__u32 tgid)
{
	if (bpf_map_delete_elem(&procs, &tgid) != 0)
		return false;
	membership_changed();
	return true;
}

/* After a successful tree_leave: true when that was the last process of
 * the session. */
static __always_inline bool tree_was_last(void)
{
#ifdef FT_COMPAT_510
	/* no fetching atomics before 5.12: decrement, then look. Two
	 * processes leaving at once may both see zero; the reader goes by
	 * live_procs, so a second tree-end record changes nothing. */
	__s64 *live = &live_procs[current_session()];
	__sync_fetch_and_add(live, -1);
	return *(volatile __s64 *)live == 0;
#else
	return __sync_fetch_and_add(&live_procs[current_session()], -1) == 1;
#endif
}

#endif

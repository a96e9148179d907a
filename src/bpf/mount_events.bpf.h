/* Mount changes by the tree: mount, umount2, move_mount, pivot_root,
 * unshare and setns of a mount namespace, and (in on_fork) a clone into a
 * new one. Each is reported (FT_MOUNT) and bumps the merge generation, as
 * a rename does: a dentry the tree saw may now have another path, so
 * merging and the reuse of an open's path start afresh. Reported at the
 * exit of a successful call, the arguments read from the entry registers
 * (as the name calls do). Part of fantrace.bpf.c, after name_events.bpf.h. */
#ifndef FANTRACE_MOUNT_EVENTS_BPF_H
#define FANTRACE_MOUNT_EVENTS_BPF_H

/* 6.18 moved the namespace's type from its operations (ops->type) into
 * ns_common itself (ns_type). */
struct ns_common___v618 {
	__u32 ns_type;
} __attribute__((preserve_access_index));
struct proc_ns_operations___pre618 {
	int type;
} __attribute__((preserve_access_index));

/* setns(fd, 0) joins whatever namespace fd is: true for a mount one. */
static __always_inline bool fd_is_mount_ns(__s64 fd)
{
	struct file *file = current_fd_file(fd);
	if (!file || BPF_CORE_READ(file, f_inode, i_sb, s_magic) != NSFS_MAGIC)
		return false;
	void *ns = BPF_CORE_READ(file, f_inode, i_private);
	if (bpf_core_field_exists(struct ns_common___v618, ns_type))
		return BPF_CORE_READ((struct ns_common___v618 *)ns, ns_type) == CLONE_NEWNS;
	const struct proc_ns_operations___pre618 *ops = (const void *)BPF_CORE_READ((struct ns_common *)ns, ops);
	return BPF_CORE_READ(ops, type) == CLONE_NEWNS;
}

static __always_inline void emit_mount(__u32 what, __u32 flags, __s64 tdfd, const char *target,
				       __s64 sdfd, const char *source)
{
	namespace_changed();
	if (!kind_enabled(FT_MOUNT) || comm_excluded())
		return;
	struct ft_scratch *s = record_begin(FT_MOUNT);
	if (!s)
		return;
	s->rec.aux = what;
	s->rec.flags = flags;
	if (target) {
		append_base(s, tdfd, target, 0, true);
		append_user_str(s, target, 1);
	}
	if (source) {
		if (flags & FT_F_SOURCE_PATH)
			append_base(s, sdfd, source, 2, true);
		append_user_str(s, source, 3);
	}
	record_submit(s, false);
}

static __always_inline int on_mount_exit(long ret, __s32 nr)
{
	if (ret != 0 || !current_traced())
		return 0;
	ft_regs *regs = syscall_regs(nr);
	if (!regs) {
		COUNT(lost);  /* the compat object found no registers: said, not hidden */
		return 0;
	}
	__u64 a0 = SYSCALL_ARG(regs, 0), a1 = SYSCALL_ARG(regs, 1), a2 = SYSCALL_ARG(regs, 2), a3 = SYSCALL_ARG(regs, 3);
	switch (nr) {
	case NR_MOUNT:  /* (source, target, fstype, flags, data) */
		emit_mount((a3 & MS_MOVE) ? FT_MOUNT_MOVE : FT_MOUNT_MOUNT,
			   (a3 & (MS_BIND | MS_MOVE)) ? FT_F_SOURCE_PATH : 0,
			   AT_FDCWD, (const char *)a1, AT_FDCWD, (const char *)a0);
		break;
	case NR_UMOUNT2:  /* (target, flags) */
		emit_mount(FT_MOUNT_UMOUNT, 0, AT_FDCWD, (const char *)a0, 0, NULL);
		break;
	case NR_MOVE_MOUNT:  /* (from_dfd, from_path, to_dfd, to_path, flags) */
		emit_mount(FT_MOUNT_MOVE, FT_F_SOURCE_PATH, a2, (const char *)a3, a0, (const char *)a1);
		break;
	case NR_PIVOT_ROOT:  /* (new_root, put_old) */
		emit_mount(FT_MOUNT_PIVOT_ROOT, FT_F_SOURCE_PATH, AT_FDCWD, (const char *)a0,
			   AT_FDCWD, (const char *)a1);
		break;
	case NR_UNSHARE:  /* (flags) */
		if (a0 & CLONE_NEWNS)
			emit_mount(FT_MOUNT_UNSHARE, 0, 0, NULL, 0, NULL);
		break;
	case NR_SETNS:  /* (fd, nstype): a pidfd with CLONE_NEWNS, or 0 and a mount ns fd */
		if ((a1 & CLONE_NEWNS) || (a1 == 0 && fd_is_mount_ns(a0)))
			emit_mount(FT_MOUNT_SETNS, 0, 0, NULL, 0, NULL);
		break;
	}
	return 0;
}

/* One program for the exits of all the mount calls: sys_exit_mount here,
 * the others attached by userspace (src/lib/tracepoints.cc). */
SEC("tracepoint/syscalls/sys_exit_mount")
int exit_mount_family(struct trace_event_raw_sys_exit *ctx)
{
	on_mount_exit(ctx->ret, syscall_nr(ctx->id));
	return 0;
}

/* on_fork: a child in another mount namespace than its parent (clone or
 * clone3 with CLONE_NEWNS). */
static __always_inline void forked_into_new_mount_ns(struct task_struct *parent, struct task_struct *child)
{
	if (BPF_CORE_READ(child, nsproxy, mnt_ns) == BPF_CORE_READ(parent, nsproxy, mnt_ns))
		return;
	namespace_changed();
	if (!kind_enabled(FT_MOUNT))
		return;
	struct ft_scratch *s = record_begin(FT_MOUNT);
	if (!s)
		return;
	s->rec.pid = BPF_CORE_READ(child, tgid);
	s->rec.tid = BPF_CORE_READ(child, pid);
	s->rec.aux = FT_MOUNT_CLONE;
	record_submit(s, false);
}

#endif

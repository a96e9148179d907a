/* Namespace events: rename, unlink, rmdir, mkdir, link, symlink, truncate
 * by name (reported at the exit of a successful call, with the kernel's
 * base directory and the name as given), and chroot. Part of fantrace.bpf.c (one compilation unit), after
 * file_events.bpf.h. */
#ifndef FANTRACE_NAME_EVENTS_BPF_H
#define FANTRACE_NAME_EVENTS_BPF_H

enum name_call {
	P_RENAME = 1,
	P_UNLINK,
	P_RMDIR,
	P_MKDIR,
	P_LINK,
	P_SYMLINK,
	P_TRUNCATE,
};

/* A name call's arguments, normalised to (dfd1, name1, dfd2, name2, flags);
 * name2 is NULL for the calls with one name. The names are the task's
 * strings (a syscall's) or the kernel's copies (io_uring's, with
 * FT_F_IO_URING in via). */
struct ft_name_args {
	__u64 args[5];
	__u64 request;                   /* io_uring: the request, the record's aux */
	__u32 call;                      /* enum name_call */
	__u32 via;                       /* 0, or FT_F_IO_URING */
};

static __always_inline bool user_names(const struct ft_name_args *c)
{
	return !(c->via & FT_F_IO_URING);
}

/* The record's flags and aux for call c. */
static __always_inline void name_record_start(struct ft_scratch *s, const struct ft_name_args *c, __u32 flags)
{
	s->rec.flags = flags | c->via;
	s->rec.aux = c->request;
}

/* ---- namespace events: base directory from the kernel, name as given --- */

/* Name events come from exit_name_family only, which runs the chain. */
static __always_inline void submit_name_record(struct ft_scratch *s)
{
	if (cfg_user_filters)
		stage_record(s, NULL, 0, false);
	else
		record_submit(s, false);
}

static __always_inline void append_base(struct ft_scratch *s, __s64 dfd, const char *name, __u32 slot, bool user)
{
	char first = 0;
	struct task_struct *task = current_task();

	if (user)
		bpf_probe_read_user(&first, 1, name);
	else
		bpf_probe_read_kernel(&first, 1, name);
	if (first == '/')
		return;  /* absolute: empty base, the task's root */
	/* an int argument: the upper half of the register is not sign-extended */
	dfd = (__s32)dfd;
	if (dfd == AT_FDCWD) {
		append_path(s, BPF_CORE_READ(task, fs, pwd.dentry), BPF_CORE_READ(task, fs, pwd.mnt), slot);
		return;
	}
	struct file *file = current_fd_file(dfd);
	if (file)
		append_file_path(s, file, slot);
	else
		slot_unreadable(s, slot);  /* dirfd gone (closed by another thread) */
}

/* c->args: (dfd1, name1, dfd2, name2); name2 is NULL for one-name calls */
FT_SHARED int emit_name_event(struct ft_name_args *c, __u32 type, __u32 flags)
{
	if (!c)
		return 0;
	__s64 dfd1 = c->args[0], dfd2 = c->args[2];
	const char *name1 = (const char *)c->args[1], *name2 = (const char *)c->args[3];

	if (!kind_enabled(type) || comm_excluded())
		return 0;
	struct ft_scratch *s = record_begin(type);
	if (!s)
		return 0;
	bool user = user_names(c);
	name_record_start(s, c, flags);
	append_base(s, dfd1, name1, 0, user);
	append_str(s, name1, 1, user);
	if (name2) {
		append_base(s, dfd2, name2, 2, user);
		append_str(s, name2, 3, user);
	}
	submit_name_record(s);
	return 0;
}

#define FT_FD_DIGITS 10

static __always_inline bool starts_with(const char *s, const char *prefix, __u32 n)
{
	for (__u32 i = 0; i < n; i++)
		if (s[i] != prefix[i])
			return false;
	return true;
}

/* The fd named by "/proc/self/fd/N" or "/dev/fd/N", or -1: linkat() with
 * AT_SYMLINK_FOLLOW through such a name links the open file itself (the
 * unprivileged way to give an O_TMPFILE a name). */
static __always_inline __s64 magic_fd_link(const char *name)
{
	char buf[32] = {};  /* "/proc/self/fd/" and FT_FD_DIGITS digits */
	__u32 start;

	if (bpf_probe_read_user_str(buf, sizeof(buf), name) <= 0)
		return -1;
	if (buf[1] == 'p' && starts_with(buf, "/proc/self/fd/", 14))
		start = 14;
	else if (buf[1] == 'd' && starts_with(buf, "/dev/fd/", 8))
		start = 8;
	else
		return -1;
	__s64 fd = 0;
	for (__u32 i = 0; i < FT_FD_DIGITS; i++) {
		char ch = buf[(start + i) & (sizeof(buf) - 1)];
		if (ch == 0)
			return i ? fd : -1;
		if (ch < '0' || ch > '9')
			return -1;
		fd = fd * 10 + (ch - '0');
	}
	return -1;
}

static __always_inline int emit_link(struct ft_name_args *c)
{
	__s64 olddfd = (__s32)c->args[0], newdfd = (__s32)c->args[2];
	const char *oldname = (const char *)c->args[1], *newname = (const char *)c->args[3];
	char first = 0;

	if (!user_names(c))  /* io_uring: the names as the kernel copied them */
		return emit_name_event(c, FT_LINK, 0);
	bpf_probe_read_user(&first, 1, oldname);
	if ((c->args[4] & AT_EMPTY_PATH) && first == 0) {
		/* linkat(fd, "", ..., AT_EMPTY_PATH): the existing file is the fd's,
		 * an O_TMPFILE made visible for instance. */
	} else if ((c->args[4] & AT_SYMLINK_FOLLOW) && (olddfd = magic_fd_link(oldname)) >= 0) {
		/* the fd behind /proc/self/fd/N */
	} else {
		return emit_name_event(c, FT_LINK, 0);
	}
	if (!kind_enabled(FT_LINK) || comm_excluded())
		return 0;
	struct file *file = current_fd_file(olddfd);
	struct ft_file_view v;
	if (!file || read_file_view(&v, file) != 0)
		return 0;
	struct ft_scratch *s = record_begin(FT_LINK);
	if (!s)
		return 0;
	s->rec.flags = FT_F_TARGET_FILE;
	fill_inode(&s->rec, &v);
	append_path(s, v.path.dentry, v.path.mnt, 0);
	append_base(s, newdfd, newname, 2, true);
	append_user_str(s, newname, 3);
	submit_name_record(s);
	return 0;
}

static __always_inline int emit_symlink(struct ft_name_args *c)
{
	if (!kind_enabled(FT_SYMLINK) || comm_excluded())
		return 0;
	struct ft_scratch *s = record_begin(FT_SYMLINK);
	if (!s)
		return 0;
	bool user = user_names(c);
	name_record_start(s, c, 0);
	append_str(s, (const char *)c->args[0], 1, user);
	append_base(s, c->args[1], (const char *)c->args[2], 2, user);
	append_str(s, (const char *)c->args[2], 3, user);
	submit_name_record(s);
	return 0;
}

#define NAME_ARGS(kind, a0, a1, a2, a3, a4) \
	((struct ft_name_args){ .args = { (a0), (a1), (a2), (a3), (a4) }, .call = (kind) })

/* The arguments of name call nr, read at its exit from the registers the
 * task entered it with (syscall_regs.bpf.h, as for the opens): no
 * enter handler, no stash of the arguments in a map, half the tracepoints. */
static __always_inline bool name_call_args(struct ft_name_args *c, __s32 nr)
{
	ft_regs *regs = syscall_regs(nr);

	if (!regs)
		return false;
	__u64 a0 = SYSCALL_ARG(regs, 0), a1 = SYSCALL_ARG(regs, 1), a2 = SYSCALL_ARG(regs, 2);
	switch (nr) {
	case NR_RENAME:
		*c = NAME_ARGS(P_RENAME, AT_FDCWD, a0, AT_FDCWD, a1, 0);
		return true;
	case NR_RENAMEAT:
		*c = NAME_ARGS(P_RENAME, a0, a1, a2, SYSCALL_ARG(regs, 3), 0);
		return true;
	case NR_RENAMEAT2:
		*c = NAME_ARGS(P_RENAME, a0, a1, a2, SYSCALL_ARG(regs, 3), SYSCALL_ARG(regs, 4));
		return true;
	case NR_UNLINK:
		*c = NAME_ARGS(P_UNLINK, AT_FDCWD, a0, 0, 0, 0);
		return true;
	case NR_UNLINKAT:
		*c = NAME_ARGS((a2 & AT_REMOVEDIR) ? P_RMDIR : P_UNLINK, a0, a1, 0, 0, 0);
		return true;
	case NR_RMDIR:
		*c = NAME_ARGS(P_RMDIR, AT_FDCWD, a0, 0, 0, 0);
		return true;
	case NR_MKDIR:
		*c = NAME_ARGS(P_MKDIR, AT_FDCWD, a0, 0, 0, 0);
		return true;
	case NR_MKDIRAT:
		*c = NAME_ARGS(P_MKDIR, a0, a1, 0, 0, 0);
		return true;
	case NR_LINK:
		*c = NAME_ARGS(P_LINK, AT_FDCWD, a0, AT_FDCWD, a1, 0);
		return true;
	case NR_LINKAT:
		*c = NAME_ARGS(P_LINK, a0, a1, a2, SYSCALL_ARG(regs, 3), SYSCALL_ARG(regs, 4));
		return true;
	/* symlink: args[0] = link text, args[1] = dfd, args[2] = new name */
	case NR_SYMLINK:
		*c = NAME_ARGS(P_SYMLINK, a0, AT_FDCWD, a1, 0, 0);
		return true;
	case NR_SYMLINKAT:
		*c = NAME_ARGS(P_SYMLINK, a0, a1, a2, 0, 0);
		return true;
	case NR_TRUNCATE:
		*c = NAME_ARGS(P_TRUNCATE, AT_FDCWD, a0, 0, 0, 0);
		return true;
	}
	return false;
}

/* A rename, unlink or rmdir changes what names the files have: merges and
 * paths taken from opens no longer hold. */
static __always_inline bool name_call_moves(__u32 call)
{
	return call == P_RENAME || call == P_UNLINK || call == P_RMDIR;
}

/* The record of name call c (a syscall's, or an io_uring request's). */
static __always_inline int emit_name_call(struct ft_name_args *c)
{
	switch (c->call) {
	case P_RENAME:
		return emit_name_event(c, FT_RENAME, (c->args[4] & RENAME_EXCHANGE) ? FT_F_EXCHANGE : 0);
	case P_UNLINK:
		return emit_name_event(c, FT_UNLINK, 0);
	case P_RMDIR:
		return emit_name_event(c, FT_RMDIR, FT_F_DIR_OP);
	case P_MKDIR:
		return emit_name_event(c, FT_MKDIR, FT_F_DIR_OP);
	case P_TRUNCATE:
		return emit_name_event(c, FT_TRUNCATE, 0);
	case P_LINK:
		return emit_link(c);
	case P_SYMLINK:
		return emit_symlink(c);
	}
	return 0;
}

static __always_inline int on_name_exit(long ret, __s32 nr)
{
	struct ft_name_args c = {};

	if (ret != 0 || !current_traced())
		return 0;
	if (!name_call_args(&c, nr)) {
		/* the compat object found no registers (an unexpected kernel
		 * stack layout): the event cannot be reported, and says so */
		COUNT(lost);
		return 0;
	}
	if (name_call_moves(c.call))
		namespace_changed();
	return emit_name_call(&c);
}

/* One program for the exits of all the name calls: sys_exit_renameat here
 * (a call of every architecture), the others attached by userspace
 * (src/lib/tracepoints.cc). */
FT_HANDLER("tracepoint/syscalls/sys_exit_renameat", exit_name_family, struct trace_event_raw_sys_exit,
	   on_name_exit(ctx->ret, syscall_nr(ctx->id)))

/* chroot: the summary must look for the files a chrooted process writes
 * under its new root, so the new root is reported from outside it. */
SEC("tracepoint/syscalls/sys_exit_chroot")
int exit_chroot(struct trace_event_raw_sys_exit *ctx)
{
	if (ctx->ret != 0 || !current_traced())
		return 0;
	namespace_changed();  /* the task's paths of known dentries changed */
	if (!kind_enabled(FT_CHROOT))
		return 0;
	struct task_struct *task = current_task();
	struct ft_scratch *s = record_begin(FT_CHROOT);
	if (!s)
		return 0;
	append_path_walk(s, BPF_CORE_READ(task, fs, root.dentry), BPF_CORE_READ(task, fs, root.mnt),
			 0, WALK_NS_ROOT);
	record_submit(s, false);
	return 0;
}

#endif

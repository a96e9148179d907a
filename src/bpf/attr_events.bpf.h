/* Metadata changes (attrib: mode, owner, times, extended attributes; the
 * counterpart of fanotify's FAN_ATTRIB) and mknod, reported at the exit of
 * a successful call, by name (base directory from the kernel, name as
 * given) or, for the fd forms, with the open file's path. Part of
 * fantrace.bpf.c (one compilation unit), after name_events.bpf.h. */
#ifndef FANTRACE_ATTR_EVENTS_BPF_H
#define FANTRACE_ATTR_EVENTS_BPF_H

/* name 0 or "" (AT_EMPTY_PATH, futimens): the file open on dfd itself,
 * reported with its path (slot 1 empty); else as a name event. */
static __always_inline int emit_attrib(__u32 type, __s64 dfd, __u64 name, __u32 flags)
{
	char first = 0;

	if (name)
		bpf_probe_read_user(&first, 1, (const char *)name);
	if (first) {
		struct ft_name_args c = NAME_ARGS(0, dfd, name, 0, 0, 0);
		return emit_name_event(&c, type, flags);
	}
	if (!kind_enabled(type) || comm_excluded())
		return 0;
	struct file *file = current_fd_file((__s32)dfd);
	if (!file)
		return 0;
	/* A file whose open was sent, in a namespace unchanged since (tar sets
	 * the times, owner and mode of each file it makes through its fd): the
	 * reader takes the path from the open, as for its modify and close,
	 * and no path is walked. With user filters the record goes through
	 * the chain, which needs its path. */
	struct ft_file_state *st = cfg_user_filters ? NULL : file_state(file);
	bool from_open = st && path_from_open(st);
	struct ft_scratch *s = record_begin(type);
	if (!s)
		return 0;
	s->rec.flags = flags;
	if (from_open) {
		s->rec.flags |= FT_F_PATH_FROM_OPEN;
		s->rec.aux = st->open_id;
		record_submit(s, false);
		return 0;
	}
	append_file_path(s, file, 0);
	submit_name_record(s);
	return 0;
}

static __always_inline int on_attrib_exit(long ret, __s32 nr)
{
	if (ret != 0 || !current_traced())
		return 0;
	ft_regs *regs = syscall_regs(nr);
	if (!regs) {
		COUNT(lost);  /* the compat object found no registers */
		return 0;
	}
	/* loaded before the switch: see open_flags */
	__u64 a0 = SYSCALL_ARG(regs, 0), a1 = SYSCALL_ARG(regs, 1), a2 = SYSCALL_ARG(regs, 2);
	__s64 dfd = AT_FDCWD;
	__u64 name = a0;
	__u32 type = FT_ATTRIB, what = 0;
	switch (nr) {
	case NR_CHMOD:
		what = FT_ATTR_MODE;
		break;
	case NR_FCHMOD:
		what = FT_ATTR_MODE, dfd = a0, name = 0;
		break;
	case NR_FCHMODAT:
	case NR_FCHMODAT2:
		what = FT_ATTR_MODE, dfd = a0, name = a1;
		break;
	case NR_CHOWN:
	case NR_LCHOWN:
		what = FT_ATTR_OWNER;
		break;
	case NR_FCHOWN:
		what = FT_ATTR_OWNER, dfd = a0, name = 0;
		break;
	case NR_FCHOWNAT:
		what = FT_ATTR_OWNER, dfd = a0, name = a1;
		break;
	case NR_UTIME:
	case NR_UTIMES:
		what = FT_ATTR_TIMES;
		break;
	case NR_FUTIMESAT:
	case NR_UTIMENSAT:  /* a NULL name: futimens(dfd) */
		what = FT_ATTR_TIMES, dfd = a0, name = a1;
		break;
	case NR_SETXATTR:
	case NR_LSETXATTR:
	case NR_REMOVEXATTR:
	case NR_LREMOVEXATTR:
		what = FT_ATTR_XATTR;
		break;
	case NR_FSETXATTR:
	case NR_FREMOVEXATTR:
		what = FT_ATTR_XATTR, dfd = a0, name = 0;
		break;
	case NR_SETXATTRAT:
	case NR_REMOVEXATTRAT:
		what = FT_ATTR_XATTR, dfd = a0, name = a1;
		break;
	case NR_MKNOD:  /* the file type: S_IFMT >> 12 fits the subkind */
		type = FT_MKNOD, what = (a1 & S_IFMT) >> 12;
		break;
	case NR_MKNODAT:
		type = FT_MKNOD, dfd = a0, name = a1, what = (a2 & S_IFMT) >> 12;
		break;
	default:
		return 0;
	}
	return emit_attrib(type, dfd, name, FT_F_SUBKIND(what));
}

/* One program for the exits of the metadata calls and mknod:
 * sys_exit_fchmodat here (a call of every architecture), the others
 * attached by userspace (src/lib/tracepoints.cc). */
FT_HANDLER("tracepoint/syscalls/sys_exit_fchmodat", exit_attrib_family, struct trace_event_raw_sys_exit,
	   on_attrib_exit(ctx->ret, syscall_nr(ctx->id)))

#endif

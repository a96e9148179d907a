/* Lookups (--probes): a path looked up without being opened (stat), a
 * directory listed (readdir), a path looked for and not found (missing).
 * They are frequent (a compiler probes every include directory), so their
 * programs are loaded and attached only when lookups are asked for, and
 * they are merged in the kernel like opens. They do not go through the
 * user filters. Part of fantrace.bpf.c (one compilation unit), after
 * name_events.bpf.h. */
#ifndef FANTRACE_LOOKUP_EVENTS_BPF_H
#define FANTRACE_LOOKUP_EVENTS_BPF_H

#define FT_HASH_WORDS (FT_PATH_MAX / 8)

/* A 64-bit hash of the first n bytes of the record's data (the name as
 * given, slot 0), read a word at a time: the merge key of a lookup, which
 * has no dentry to be named by. */
static __always_inline __u64 name_hash(struct ft_scratch *s, __u32 n)
{
	__u64 h = 0x9E3779B97F4A7C15ull ^ n;

	for (__u32 i = 0; i < FT_HASH_WORDS; i++) {
		__u32 off = i * 8;
		if (off >= n)
			break;
		__u64 w = *(__u64 *)(s->data + (off & FT_PATH_MASK));
		if (n - off < 8)  /* the bytes past the name are an older record's */
			w &= ~0ull >> (64 - 8 * (n - off));
		h = (h ^ w) * 0x100000001B3ull;
		h ^= h >> 29;
	}
	return h;
}

/* emit_lookup's type may carry these (a function takes five arguments):
 * the name is a kernel string, the lookup was an io_uring STATX. */
#define LOOKUP_KERNEL_NAME (1u << 31)
#define LOOKUP_IO_URING    (1u << 30)
#define LOOKUP_TYPE_MASK   0xffu

/* A lookup of `name` (a user pointer) from dfd: stat (it exists; dev and
 * ino in the kernel's encoding when the call returned them) or missing.
 * Merged on (base directory, name, kind) before the base's path is walked,
 * so a path looked up a thousand times costs one walk. Scalar arguments
 * only: 5.10 takes no pointers in a subprogram's signature either way. */
static __noinline int emit_lookup(__u32 type_flags, __s64 dfd, __u64 name, __u64 dev, __u64 ino)
{
	__u32 type = type_flags & LOOKUP_TYPE_MASK;
	if (!kind_enabled(type) || comm_excluded())
		return 0;
	struct ft_scratch *s = record_begin(type);
	if (!s)
		return 0;
	if (type_flags & LOOKUP_KERNEL_NAME)
		append_kernel_str(s, (const char *)name, 0);
	else
		append_user_str(s, (const char *)name, 0);
	if (type_flags & LOOKUP_IO_URING)
		s->rec.flags |= FT_F_IO_URING;
	__u32 n = s->rec.slot_len[0] & FT_PATH_MASK;
	if (n == 0)  /* "": the fd itself (AT_EMPTY_PATH), no lookup */
		return 0;
	struct task_struct *task = current_task();
	struct dentry *dentry = NULL;
	struct vfsmount *mnt = NULL;
	bool absolute = s->data[0] == '/';
	dfd = (__s32)dfd;  /* an int argument: the upper half is not sign-extended */
	if (absolute) {  /* the task's root: part of the key, not of the path */
		dentry = BPF_CORE_READ(task, fs, root.dentry);
		mnt = BPF_CORE_READ(task, fs, root.mnt);
	} else if (dfd == AT_FDCWD) {
		dentry = BPF_CORE_READ(task, fs, pwd.dentry);
		mnt = BPF_CORE_READ(task, fs, pwd.mnt);
	} else {
		struct file *dir = current_fd_file(dfd);
		if (dir) {
			dentry = BPF_CORE_READ(dir, f_path.dentry);
			mnt = BPF_CORE_READ(dir, f_path.mnt);
		}
	}
	struct ft_merge_key key = {
		.dentry = (__u64)dentry,
		.mnt = (__u64)mnt,
		.ino = name_hash(s, n),
		.type = type,
		.generation = merge_generation,
		.session = current_session(),
	};
	if (merge_key_lookup(&key))
		return 0;
	merge_key_insert(&key);
	s->rec.dev = dev;
	s->rec.ino = ino;
	if (!absolute) {
		if (dentry)
			append_path(s, dentry, mnt, 1);
		else
			slot_unreadable(s, 1);  /* dirfd gone (closed by another thread) */
	}
	record_submit(s, false);
	return 0;
}

/* A failed open (ENOENT, ENOTDIR) of a traced task: its name is missing.
 * Called from the open family's exit only when lookups are traced. */
static __always_inline int open_missing(__s32 nr)
{
	ft_regs *regs = syscall_regs(nr);

	if (!regs || !current_traced())
		return 0;
	__u64 a0 = SYSCALL_ARG(regs, 0), a1 = SYSCALL_ARG(regs, 1);
	if (nr == NR_OPEN || nr == NR_CREAT)
		return emit_lookup(FT_MISSING, AT_FDCWD, a0, 0, 0);
	return emit_lookup(FT_MISSING, a0, a1, 0, 0);  /* openat, openat2 */
}

/* new_encode_dev's 32 bits (what stat(2) writes in st_dev) to the kernel's
 * major << 20 | minor, the record's encoding. */
static __always_inline __u64 kernel_dev_of_stat(__u64 d)
{
	__u64 major = (d >> 8) & 0xfff, minor = (d & 0xff) | ((d >> 12) & 0xfff00);
	return major << 20 | minor;
}

/* dev and ino from the buffer a stat call filled: struct stat (st_dev at
 * 0, st_ino at 8 on x86-64 and in arm64's asm-generic layout) or struct
 * statx (stx_ino at 32, stx_dev_major and _minor at 136). */
static __always_inline void stat_ids(__u64 buf, bool statx, __u64 *dev, __u64 *ino)
{
	__u64 ids[2] = {};
	__u32 dm[2] = {};

	if (statx) {
		bpf_probe_read_user(ino, sizeof(*ino), (void *)(buf + 32));
		bpf_probe_read_user(dm, sizeof(dm), (void *)(buf + 136));
		*dev = (__u64)dm[0] << 20 | dm[1];
		return;
	}
	bpf_probe_read_user(ids, sizeof(ids), (void *)buf);
	*dev = kernel_dev_of_stat(ids[0]);
	*ino = ids[1];
}

/* The exits of the stat, access, readlink and exec families: a success is
 * a stat (exec's is the exec event), ENOENT or ENOTDIR a missing. */
static __always_inline int on_lookup_exit(long ret, __s32 nr)
{
	bool found = ret >= 0;

	if (!found && ret != -ENOENT && ret != -ENOTDIR)
		return 0;
	/* a successful exec runs the new program: reported by its exec event,
	 * and the registers are no longer the call's */
	if (found && (nr == NR_EXECVE || nr == NR_EXECVEAT))
		return 0;
	if (!current_traced())
		return 0;
	ft_regs *regs = syscall_regs(nr);
	if (!regs) {
		COUNT(lost);  /* the compat object found no registers */
		return 0;
	}
	/* loaded before the switch: see open_flags */
	__u64 a0 = SYSCALL_ARG(regs, 0), a1 = SYSCALL_ARG(regs, 1), a2 = SYSCALL_ARG(regs, 2), a4 = SYSCALL_ARG(regs, 4);
	__s64 dfd = AT_FDCWD;
	__u64 name = a0, buf = 0;
	bool statx = false;
	switch (nr) {
	case NR_STAT:
	case NR_LSTAT:
		buf = a1;
		break;
	case NR_ACCESS:
	case NR_READLINK:
	case NR_EXECVE:
		break;
	case NR_NEWFSTATAT:
		dfd = a0, name = a1, buf = a2;
		break;
	case NR_STATX:
		dfd = a0, name = a1, buf = a4, statx = true;
		break;
	case NR_FACCESSAT:
	case NR_FACCESSAT2:
	case NR_READLINKAT:
	case NR_EXECVEAT:
		dfd = a0, name = a1;
		break;
	default:
		return 0;
	}
	if (!found)
		return emit_lookup(FT_MISSING, dfd, name, 0, 0);
	__u64 dev = 0, ino = 0;
	if (buf)
		stat_ids(buf, statx, &dev, &ino);
	return emit_lookup(FT_STAT, dfd, name, dev, ino);
}

/* One program for the exits of the lookup calls: sys_exit_newfstatat
 * here, the others attached by userspace (src/lib/tracepoints.cc), and
 * only when lookups are asked for. */
SEC("tracepoint/syscalls/sys_exit_newfstatat")
int exit_lookup_family(struct trace_event_raw_sys_exit *ctx)
{
	on_lookup_exit(ctx->ret, syscall_nr(ctx->id));
	return 0;
}

/* getdents/getdents64 at the start of a listing (the file position is
 * still 0): once per opened directory, and merged by directory. */
SEC("tracepoint/syscalls/sys_enter_getdents64")
int enter_getdents_family(struct trace_event_raw_sys_enter *ctx)
{
	__s64 fd = ARG(0);

	if (!current_traced())
		return 0;
	struct file *file = current_fd_file(fd);
	if (!file || BPF_CORE_READ(file, f_pos) != 0)
		return 0;
	struct ft_file_view v;
	if (read_file_view(&v, file) != 0 || !S_ISDIR(v.i_mode))
		return 0;
	emit_file_event(&v, FT_READDIR, 0, 0, EMIT_MERGE);
	return 0;
}

#endif

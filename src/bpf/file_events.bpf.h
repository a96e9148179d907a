/* File events: open, the first write, close (close, dup2/dup3,
 * close_range, and at exit), each handled where the kernel hands over the
 * struct file; the path of a modify or close comes from its open where it
 * can. Part of fantrace.bpf.c (one compilation unit), after FT_HANDLER. */
#ifndef FANTRACE_FILE_EVENTS_BPF_H
#define FANTRACE_FILE_EVENTS_BPF_H

/* The state of an open file of the tree. A struct file that stayed mapped
 * after its last close() is freed without an event, and its address may be
 * reused: the inode check keeps such a stale entry from being taken for the
 * new file's. */
static __always_inline struct ft_file_state *file_state(struct file *file)
{
	__u64 key = (__u64)file;
	struct ft_file_state *st = bpf_map_lookup_elem(&files, &key);

	/* most files have no state: the inode is read only for those that do */
	if (st && st->inode != (__u64)BPF_CORE_READ(file, f_inode)) {
		bpf_map_delete_elem(&files, &key);
		return NULL;
	}
	return st;
}

/* Drops the stale entry a reused struct file may have left (its last close
 * unseen): looked up first, because a lookup takes no lock and there is
 * almost never an entry to delete. */
static __always_inline void forget_file(__u64 key)
{
	if (bpf_map_lookup_elem(&files, &key))
		bpf_map_delete_elem(&files, &key);
}

/* Returns 1 when the event was sent, 0 when it was merged or filtered,
 * -1 when the ring buffer was full (counted as lost). */
FT_SHARED int emit_file_event(struct ft_file_view *v, __u32 type, __u32 flags,
			    __u64 aux, __u32 how)
{
	if (!v)  /* a global function: verified once, for any caller */
		return 0;
	if (!kind_enabled(type))
		return 0;
	if (opt_only_written() && (type == FT_OPEN || type == FT_CLOSE) &&
	    !(flags & (FT_F_WRITE | FT_F_WRITTEN))) {
		COUNT(filtered_unwritten);
		return 0;
	}
	if (comm_excluded())
		return 0;
	/* With user filters, merging comes after them (commit_record). The
	 * merge map is looked at before the fs filter, which reads the super
	 * block: a merged event (most of a build's) never needs it. An event
	 * the fs filter drops never enters the map, so none is merged into it. */
	bool merge = (how & EMIT_MERGE) && !staging(how);
	struct ft_merge_key key = merge_key_of(type, v, flags);
	if (merge && merge_key_lookup(&key))
		return 0;
	if (fs_excluded(v))
		return 0;
	if (merge)
		merge_key_insert(&key);
	struct ft_scratch *s = record_begin(type);
	if (!s)
		return 0;
	s->rec.flags = flags;
	s->rec.aux = aux;
	fill_inode(&s->rec, v);
	append_path(s, v->path.dentry, v->path.mnt, 0);
	if (!path_allowed(s))
		return 0;
	if (mount_foreign(s, v->path.mnt)) {
		/* a mount the tree made in a namespace of its own: the path from
		 * the file system's root lets the summary find the file */
		s->rec.flags |= FT_F_FOREIGN_NS;
		append_path_walk(s, v->path.dentry, v->path.mnt, 1, WALK_FS_ROOT);
	}
	if (staging(how)) {
		stage_record(s, (how & EMIT_MERGE) ? &key : NULL, (__u64)v->file, type == FT_OPEN);
		return 0;  /* the commit sets the open's report */
	}
	return record_submit(s, false) ? 1 : -1;
}

/* A record for a file whose open was sent, in a namespace the tree has not
 * changed since: the reader takes the path from the open (open_id), which
 * spares a path walk on every modify and close of a file the tree opened. */
static __always_inline bool path_from_open(const struct ft_file_state *st)
{
	return st->open_report == OPEN_SENT && st->open_generation == merge_generation;
}

FT_SHARED int emit_from_open(struct ft_file_view *v, __u32 type, __u32 flags,
				     __u64 open_id, bool mergeable)
{
	if (!v)
		return 0;
	/* the open passed the path and fs filters; kind and comm may differ */
	if (!kind_enabled(type) || comm_excluded())
		return 0;
	if (mergeable && merge_seen(type, v, flags))
		return 0;
	struct ft_scratch *s = record_begin(type);
	if (!s)
		return 0;
	s->rec.flags = flags | FT_F_PATH_FROM_OPEN;
	s->rec.aux = open_id;
	fill_inode(&s->rec, v);
	return record_submit(s, false) ? 1 : -1;
}

/* The first write through an open file, by any route (write family,
 * ftruncate, fallocate, copy_file_range/sendfile/splice, shared mmap).
 * The state is looked at before the file is read: a file written many
 * times costs one map lookup per later write, not a read of its fields.
 * via: FT_F_IO_URING for a write through io_uring (uring_events.bpf.h);
 * mapping: a shared writable mapping of the file was made. */
static __always_inline int on_write_file(struct file *file, __u32 via, bool mapping)
{
	struct ft_file_view v;

	__u64 key = (__u64)file;
	struct ft_file_state *st = file_state(file);
	if (st && mapping)
		st->mapped = 1;  /* its close() may leave the mapping holding it */
	if (st && st->written)
		return 0;
	if (read_file_view(&v, file) != 0 || !(v.f_mode & FMODE_WRITE))
		return 0;
	__u32 how = EMIT_MERGE | EMIT_CHAIN;
	__u32 flags = via | (st && st->memfd ? FT_F_MEMFD : 0);
	if (st) {
		st->written = 1;
		if (cfg_user_filters && st->verdict != VERDICT_NONE) {
			/* the file's open (or first write) went through the filters */
			if (st->verdict == VERDICT_DROPPED) {
				count_user_drop(st->dropped_by);
				return 0;
			}
			how = EMIT_MERGE;
		}
		if (path_from_open(st))
			/* the first modify of a file this open created has
			 * nothing to be merged into: no merge map work */
			return emit_from_open(&v, FT_MODIFY, flags, st->open_id, !st->created);
	} else {
		/* opened before tracing or outside the tree (a shell redirection) */
		if (!S_ISREG(v.i_mode))
			return 0;
		struct ft_file_state fresh = { .inode = (__u64)v.inode, .written = 1, .mapped = mapping };
		if (bpf_map_update_elem(&files, &key, &fresh, BPF_ANY) != 0)
			COUNT(file_state_full);
	}
	return emit_file_event(&v, FT_MODIFY, flags, 0, how);
}

static __always_inline int on_write_fd(__s64 fd, bool mapping)
{
	if (!current_traced())
		return 0;
	struct file *file = current_fd_file(fd);
	return file ? on_write_file(file, 0, mapping) : 0;
}

/* How close_file is called. */
#define CLOSE_CHAIN    1u  /* from a handler that runs the user filter chain */
#define CLOSE_RELEASED 2u  /* a pending file whose last reference is gone, or goes now */
#define CLOSE_ANY_REFS 4u  /* io_uring: the close is done, whatever holds the file
			    * (its in-flight requests do, or the fixed file table) */

/* A close that drops the last reference the tree holds: report it with
 * the written flag and the final size and mtime. The close of an unchanged
 * file shares its open's fate: merged or filtered with it, or sent without
 * a path for the reader to take from the open. A close() that leaves a
 * shared writable mapping of the file holding it puts the file on the
 * process's pending list: its close comes when the mapping goes. */
__noinline int close_file(__u64 file_addr, __u32 flags, __u32 mode)
{
	struct file *file = (struct file *)file_addr;
	__u64 key = (__u64)file;

	/* the state first: most closes end here, before the file is read */
	struct ft_file_state *st = file_state(file);
	if (!st)
		return 0;
	/* a released file's caller (pending_release) has looked already */
	if (!(mode & (CLOSE_RELEASED | CLOSE_ANY_REFS)) && file_refs(file) > 1) {
		/* a mapping may hold it: looked at again at munmap, exec, exit
		 * (at exit too: since 6.16 the address space goes after the
		 * tracepoint) */
		if (st->mapped)
			pending_add(bpf_get_current_pid_tgid() >> 32, key);
		return 0;
	}
	struct ft_file_state state = *st;
	bpf_map_delete_elem(&files, &key);
	/* A file that went through the user filters keeps its verdict: the
	 * close is not filtered again (and needs no chain, so the closes at
	 * exit and by close_range follow the filters too). */
	if (cfg_user_filters && state.verdict == VERDICT_DROPPED) {
		count_user_drop(state.dropped_by);
		return 0;
	}
	__u32 how = (mode & CLOSE_CHAIN) && state.verdict == VERDICT_NONE ? EMIT_CHAIN : 0;
	if (!state.written && state.open_report == OPEN_DROPPED) {
		COUNT(merged);
		return 0;
	}
	struct ft_scratch *s = get_scratch();
	if (!s)
		return 0;
	struct ft_file_view *v = &s->close_view;
	if (read_file_view(v, file) != 0)
		return 0;
	__u64 open_id = state.open_report == OPEN_SENT ? state.open_id : 0;
	if (state.written)
		flags |= FT_F_WRITTEN;
	if (state.memfd)
		flags |= FT_F_MEMFD;
	if (state.open_report == OPEN_UNREPORTED)
		return emit_file_event(v, FT_CLOSE, flags, 0, EMIT_MERGE | how);
	if (!path_from_open(&state))  /* written, and renamed or unlinked since */
		return emit_file_event(v, FT_CLOSE, flags, open_id, how);
	return emit_from_open(v, FT_CLOSE, flags, open_id, false);
}

/* The syscall number of a syscalls:sys_{enter,exit}_* record: an int
 * (__syscall_nr) where vmlinux.h's raw_syscalls layout has a long id, so
 * only the low half is the number. */
static __always_inline __s32 syscall_nr(long id)
{
	return (__s32)id;
}

/* The open flags, read at exit from the registers the task entered the
 * syscall with (syscall_regs.bpf.h): no enter handler, no stash, one
 * tracepoint less per open. */
static __always_inline __u64 open_flags(__s32 nr)
{
	ft_regs *regs = syscall_regs(nr);
	__u64 how_flags = 0;

	if (!regs)
		return 0;
	/* Both registers are loaded before the switch: with a load in each
	 * branch clang may merge them with openat2's load of how_flags into
	 * one instruction on a pointer that is pt_regs on one path and the
	 * stack on the other, which the 6.1 verifier refuses ("same insn
	 * cannot be used with different pointers"). */
	__u64 a1 = SYSCALL_ARG(regs, 1), a2 = SYSCALL_ARG(regs, 2);
	switch (nr) {
	case NR_OPEN:
		return a1;
	case NR_OPENAT:
		return a2;
	case NR_CREAT:
		return O_TRUNC;
	case NR_OPENAT2:  /* struct open_how *, flags first */
		bpf_probe_read_user(&how_flags, sizeof(how_flags), (void *)a2);
		barrier_var(how_flags);
		return how_flags;
	}
	return 0;
}

/* A new open id, never 0: a per-CPU sequence tagged with the CPU (a
 * program runs to its end on its CPU), which spares every open a locked
 * add on a line all CPUs share; 5.10 has no fetching atomics either. */
static __always_inline __u64 open_id_next(void)
{
	struct ft_scratch *s = get_scratch();
	if (!s)
		return 0;
	s->open_seq++;
	return (s->open_seq << 12) | (bpf_get_smp_processor_id() & 0xfff);
}

/* A file the tree got hold of: by an open of the family nr; by io_uring
 * (nr < 0: the open flags are how_flags, extra FT_F_IO_URING); or (nr 0)
 * by memfd_create or over a Unix socket, as extra (FT_F_MEMFD,
 * FT_F_SCM_RIGHTS) says. A received file the tree knows already (sent by
 * a process of the tree) keeps its state: only the open is reported. */
static __always_inline int open_file(struct file *file, __s32 nr, __u64 how_flags, __u32 extra)
{
	struct ft_file_view v;
	if (!file || read_file_view(&v, file) != 0)
		return 0;
	__u32 fmode = v.f_mode;
	if (!(fmode & (FMODE_READ | FMODE_WRITE)))  /* O_PATH */
		return 0;
	bool regular = S_ISREG(v.i_mode);
	__u64 key = (__u64)file;
	if (!regular) {
		forget_file(key);
		if (opt_regular_only())
			return 0;
	}

	__u32 flags = 0;
	if (fmode & FMODE_READ)
		flags |= FT_F_READ;
	if (fmode & FMODE_WRITE)
		flags |= FT_F_WRITE;
	/* a received file was created (or truncated) by its first open */
	if ((fmode & FMODE_CREATED) && !(extra & FT_F_SCM_RIGHTS))
		flags |= FT_F_CREATED;
	/* the flags are read only where O_TRUNC can matter */
	if (nr && regular && (fmode & FMODE_WRITE) && ((nr < 0 ? how_flags : open_flags(nr)) & O_TRUNC))
		flags |= FT_F_TRUNCATED;
	flags |= extra;
	if (extra & FT_F_MEMFD)
		flags |= FT_F_CREATED;
	/* memfd_create and recvmsg have no twin that runs the user filters:
	 * their opens go out unfiltered */
	__u32 how = nr ? EMIT_MERGE | EMIT_CHAIN : EMIT_MERGE;
	if ((extra & FT_F_SCM_RIGHTS) && file_state(file)) {
		emit_file_event(&v, FT_OPEN, flags, 0, how);
		return 0;
	}

	struct ft_file_state fresh = {
		.inode = (__u64)v.inode,
		.open_id = open_id_next(),
		.open_generation = merge_generation,
		.open_report = OPEN_UNREPORTED,
		.created = !!(flags & FT_F_CREATED),
		.memfd = !!(extra & FT_F_MEMFD),
	};
	if (kind_enabled(FT_OPEN)) {
		int sent = emit_file_event(&v, FT_OPEN, flags, fresh.open_id, how);
		/* a lost open stays unreported: its close resolves its own path */
		fresh.open_report = sent > 0 ? OPEN_SENT : sent == 0 ? OPEN_DROPPED : OPEN_UNREPORTED;
	}
	/* A read-only open that was merged can never be written through, and
	 * its close would be merged with it: no state to keep, its close is
	 * counted as merged now and ends at the state lookup. (With user
	 * filters the verdict is yet to come, and is kept on the state.) */
	if (!cfg_user_filters && fresh.open_report == OPEN_DROPPED && !(fmode & FMODE_WRITE)) {
		forget_file(key);
		COUNT(merged);
		return 0;
	}
	if (regular && bpf_map_update_elem(&files, &key, &fresh, BPF_ANY) != 0)
		COUNT(file_state_full);
	return 0;
}

static __always_inline int open_missing(__s32 nr);  /* lookup_events.bpf.h */

static __always_inline int on_open_exit(long ret, __s32 nr)
{
	if (ret < 0) {
		/* pruned by the verifier unless lookups are traced */
		if (cfg_lookups && (ret == -ENOENT || ret == -ENOTDIR))
			open_missing(nr);
		return 0;
	}
	if (!current_traced())
		return 0;
	return open_file(current_fd_file(ret), nr, 0, 0);
}

/* One program serves every exit of the open family (and below, of the
 * write family and of the name calls): the verifier checks it once, which
 * keeps start-up short. Userspace attaches it to the other tracepoints of
 * its family (src/lib/tracepoints.cc). */
FT_HANDLER("tracepoint/syscalls/sys_exit_openat", exit_open_family, struct trace_event_raw_sys_exit,
	   on_open_exit(ctx->ret, syscall_nr(ctx->id)))

/* The write-family calls whose file is not the first argument are told
 * apart by number (NR_MMAP, NR_SPLICE, NR_COPY_FILE_RANGE: syscall_nr.bpf.h). */

/* The whole write family (write, pwrite64, writev, pwritev, pwritev2,
 * ftruncate, fallocate, sendfile64, copy_file_range, splice, mmap) is one
 * program, attached to each by userspace: told apart by the syscall number,
 * verified once. */
static __always_inline void on_write_family(struct trace_event_raw_sys_enter *ctx)
{
	__s64 fd = ARG(0);
	ft_regs *regs;

	barrier_var(fd);  /* loaded here, not through a ctx pointer offset per branch */
	__s32 nr = syscall_nr(ctx->id);
	__u64 mmap_flags;
	bool mapping = false;
	switch (nr) {
	case NR_COPY_FILE_RANGE:
	case NR_SPLICE:  /* the file written is the third argument */
		regs = syscall_regs(nr);
		if (!regs)
			return;
		fd = (__s64)SYSCALL_ARG(regs, 2);
		break;
	case NR_MMAP:    /* (addr, len, prot, flags, fd, off) */
		regs = syscall_regs(nr);
		if (!regs || !(SYSCALL_ARG(regs, 2) & PROT_WRITE))
			return;
		mmap_flags = SYSCALL_ARG(regs, 3) & 0x0f;
		if (mmap_flags != MAP_SHARED && mmap_flags != MAP_SHARED_VALIDATE)
			return;
		fd = (__s64)SYSCALL_ARG(regs, 4);
		mapping = true;
		break;
	}
	on_write_fd(fd, mapping);
}
FT_HANDLER("tracepoint/syscalls/sys_enter_write", enter_write_family, struct trace_event_raw_sys_enter,
	   on_write_family(ctx))

/* close, and dup2/dup3 onto an open descriptor, which close the file that
 * was there: one program, attached to all three. */
static __always_inline void on_close_family(struct trace_event_raw_sys_enter *ctx)
{
	__s64 fd = ARG(0);

	barrier_var(fd);  /* see on_write_family */
	__s32 nr = syscall_nr(ctx->id);
	if (nr != NR_CLOSE) {  /* dup2, dup3: (oldfd, newfd, ...) */
		ft_regs *regs = syscall_regs(nr);
		if (!regs)
			return;
		__s64 newfd = (__s64)SYSCALL_ARG(regs, 1);
		if (fd == newfd)
			return;
		fd = newfd;
	}
	if (!current_traced())
		return;
	struct file *file = current_fd_file(fd);
	if (file)
		close_file((__u64)file, 0, CLOSE_CHAIN);
}
FT_HANDLER("tracepoint/syscalls/sys_enter_close", enter_close_family, struct trace_event_raw_sys_enter,
	   on_close_family(ctx))

/* Closing a range of fds (close_range, or all of them at exit) reads the
 * fd table's open_fds bitmap a word at a time and looks up only the open
 * fds: a process with three open fds in a table of 1024 costs three file
 * lookups and sixteen word reads, not a thousand lookups. One flat loop
 * (not a loop per word) keeps the verifier's work, and so start-up, small. */

static __always_inline long close_one_fd(__u32 index, void *ctx)
{
	struct ft_fd_scan *scan = ctx;
	__u64 fd = scan->first + index;

	if (fd > scan->last)
		return 1;
	if (index == 0 || fd % 64 == 0) {
		scan->bits = 0;
		if (bpf_probe_read_kernel(&scan->bits, sizeof(scan->bits), &scan->open_fds[fd / 64]) != 0)
			return 1;
		if (scan->close_on_exec) {
			unsigned long cloexec = 0;
			bpf_probe_read_kernel(&cloexec, sizeof(cloexec), &scan->close_on_exec[fd / 64]);
			scan->bits &= cloexec;
		}
	}
	if (!((scan->bits >> (fd % 64)) & 1))
		return 0;
	struct file *file = NULL;
	bpf_probe_read_kernel(&file, sizeof(file), &scan->fdarray[fd]);
	if (!file)
		return 0;
	if (!scan->close_on_exec)
		close_file((__u64)file, scan->flags, 0);
	else if (file_state(file))  /* an exec is about to close it */
		pending_add(bpf_get_current_pid_tgid() >> 32, (__u64)file);
	return 0;
}

#ifdef FT_COMPAT_510
/* No bpf_loop before 5.17: a bounded loop whose step is a global function
 * (verified once per program, see prepend_name_step), on the scan state in
 * the scratch map. */
__noinline int close_one_fd_step(__u32 index)
{
	struct ft_scratch *s = get_scratch();

	return s ? close_one_fd(index, &s->fd_scan) : 1;
}
#else
/* the scan's state is in the scratch here too: on on_exit's stack it put
 * the chain down to the path walk past the verifier's 512 bytes */
static long close_one_fd_step(__u32 index, void *ctx)
{
	struct ft_scratch *s = get_scratch();

	return s ? close_one_fd(index, &s->fd_scan) : 1;
}
#endif

/* fds past FT_FD_SCAN_MAX are not looked at, and a table that reaches past
 * it is counted (fd_scan_cut). With FT_F_AT_EXEC the fds are not closed:
 * those marked close-on-exec that the tree tracks go on the pending list. */
static __always_inline void close_fd_range(struct task_struct *task, __u64 first, __u64 last, __u32 flags)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	__u32 max_fds = BPF_CORE_READ(fdt, max_fds);
	if (last >= max_fds)
		last = max_fds - 1;
	if (last >= FT_FD_SCAN_MAX) {
		/* fds past the limit may be open: say so, never drop silently */
		COUNT(fd_scan_cut);
		last = FT_FD_SCAN_MAX - 1;
	}
	if (first > last)
		return;
	struct ft_scratch *s = get_scratch();
	if (!s)
		return;
	struct ft_fd_scan *scan = &s->fd_scan;
	scan->fdarray = BPF_CORE_READ(fdt, fd);
	scan->open_fds = BPF_CORE_READ(fdt, open_fds);
	scan->close_on_exec = (flags & FT_F_AT_EXEC) ? BPF_CORE_READ(fdt, close_on_exec) : NULL;
	scan->first = first;
	scan->last = last;
	scan->flags = flags;
	scan->bits = 0;
#ifdef FT_COMPAT_510
	for (__u32 i = 0; i < FT_FD_SCAN_MAX; i++)
		if (close_one_fd_step(i))
			break;
#else
	bpf_loop(last - first + 1, close_one_fd_step, NULL, 0);
#endif
}

SEC("tracepoint/syscalls/sys_enter_close_range")
int enter_close_range(struct trace_event_raw_sys_enter *ctx)
{
	if (!current_traced() || (ARG(2) & CLOSE_RANGE_CLOEXEC))
		return 0;
	close_fd_range(current_task(), ARG(0), ARG(1), 0);
	return 0;
}

#endif

/* io_uring: the file operations a traced task submits through a ring run
 * in the kernel without a syscall of their own, so no syscall tracepoint
 * sees them. The io_uring tracepoints do: io_uring_submit_req (named
 * io_uring_submit_sqe before 6.4) fires for each request after its
 * preparation, with the request (struct io_kiocb) whose command holds the
 * operation's arguments; io_uring_complete fires when its result is
 * posted. What is read where (docs/design.md, "io_uring"):
 * - open: at completion, the file the result names (an fd, or a slot of
 *   the ring's fixed file table for a direct descriptor);
 * - write family: at completion, the request's own file (req->file, fixed
 *   or not: the kernel assigns it only at issue, after submission);
 * - close: the file is taken at submission (fd table or fixed table; a
 *   slot that a linked open fills later is known from that open's
 *   completion) and reported closed at a successful completion;
 * - names (rename, unlink, mkdir, link, symlink): the kernel's copies of the
 *   names exist only until the operation runs, so the record is sent at
 *   submission, tagged with the request, and held by the reader until the
 *   FT_URING_DONE record of the completion says whether it succeeded.
 * SQPOLL and io-wq workers are threads of the process, so the membership
 * check holds for them. Part of fantrace.bpf.c (one compilation unit),
 * after file_events.bpf.h and name_events.bpf.h. */
#ifndef FANTRACE_URING_EVENTS_BPF_H
#define FANTRACE_URING_EVENTS_BPF_H

/* io_uring opcodes (include/uapi/linux/io_uring.h: numbers fixed by the
 * ABI; spelled out because the build machine's vmlinux.h may predate some) */
#define URING_OP_READV          1
#define URING_OP_WRITEV         2
#define URING_OP_READ_FIXED     4
#define URING_OP_WRITE_FIXED    5
#define URING_OP_FALLOCATE      17
#define URING_OP_OPENAT         18
#define URING_OP_CLOSE          19
#define URING_OP_STATX          21
#define URING_OP_READ           22
#define URING_OP_WRITE          23
#define URING_OP_OPENAT2        28
#define URING_OP_SPLICE         30
#define URING_OP_TEE            33
#define URING_OP_RENAMEAT       35
#define URING_OP_UNLINKAT       36
#define URING_OP_MKDIRAT        37
#define URING_OP_SYMLINKAT      38
#define URING_OP_LINKAT         39
#define URING_OP_FSETXATTR      41
#define URING_OP_SETXATTR       42
#define URING_OP_FTRUNCATE      55   /* 6.9 */
#define URING_OP_WRITEV_FIXED   61   /* 6.15 */
#define URING_OP_KNOWN_LAST     62   /* IORING_OP_PIPE (6.16): later ones are unknown */
#define URING_FILE_INDEX_ALLOC  (~0U)
#define URING_FFS_MASK          (~7UL)  /* FFS_* flags in a fixed file's pointer */

/* The kernel's io_uring types, as much of them as is read; CO-RE finds
 * the fields in the running kernel. Every op's command lies at the start
 * of the request (a union with req->file in 5.10, io_cmd_data since 6.0). */
struct io_cqe___ft {
	__s32 res;
} __attribute__((preserve_access_index));

struct io_kiocb___ft {
	struct file *file;
	__u8 opcode;
	void *ctx;
	struct io_cqe___ft cqe;   /* 5.19: the result lives in the request */
} __attribute__((preserve_access_index));

struct io_open___ft {
	int dfd;
	__u32 file_slot;          /* 5.15: direct descriptors */
	struct open_how how;
} __attribute__((preserve_access_index));

struct io_statx___ft {
	int dfd;
	struct filename *filename;  /* 5.19: a user pointer before */
	void *buffer;               /* struct statx __user * */
} __attribute__((preserve_access_index));

struct io_close___ft {
	int fd;
	__u32 file_slot;
} __attribute__((preserve_access_index));

struct io_rename___ft {
	int old_dfd;
	int new_dfd;
	struct filename *oldpath;
	struct filename *newpath;
	int flags;
} __attribute__((preserve_access_index));

struct io_unlink___ft {
	int dfd;
	int flags;
	struct filename *filename;
} __attribute__((preserve_access_index));

struct io_mkdir___ft {
	int dfd;
	struct filename *filename;
} __attribute__((preserve_access_index));

/* linkat and symlinkat share struct io_link since 6.0; 5.10 (Debian's
 * io_uring from 5.15) has io_hardlink and io_symlink */
struct io_link___ft {
	int old_dfd;
	int new_dfd;
	struct filename *oldpath;
	struct filename *newpath;
	int flags;
} __attribute__((preserve_access_index));

struct io_hardlink___ft {
	int old_dfd;
	int new_dfd;
	struct filename *oldpath;
	struct filename *newpath;
	int flags;
} __attribute__((preserve_access_index));

struct io_symlink___ft {
	int new_dfd;
	struct filename *oldpath;
	struct filename *newpath;
} __attribute__((preserve_access_index));

/* The fixed file table: an array of tagged file pointers until 6.12; 6.13
 * put each file in a resource node (io_rsrc_data). */
struct io_fixed_file___ft {
	unsigned long file_ptr;
} __attribute__((preserve_access_index));

struct io_file_table___pre613 {
	struct io_fixed_file___ft *files;
} __attribute__((preserve_access_index));

struct io_ring_ctx___pre613 {
	struct io_file_table___pre613 file_table;
	unsigned int nr_user_files;
} __attribute__((preserve_access_index));

struct io_rsrc_node___ft {
	unsigned long file_ptr;
} __attribute__((preserve_access_index));

struct io_rsrc_data___ft {
	unsigned int nr;
	struct io_rsrc_node___ft **nodes;
} __attribute__((preserve_access_index));

struct io_file_table___v613 {
	struct io_rsrc_data___ft data;
} __attribute__((preserve_access_index));

struct io_ring_ctx___v613 {
	struct io_file_table___v613 file_table;
} __attribute__((preserve_access_index));

/* The file a close is about, from its submission to its completion:
 * keyed by the request (a plain fd) or by the ring and slot (a fixed
 * file, also learnt from a direct open's completion). LRU: a request
 * whose completion never comes (its ring torn down) ages out. */
#define URING_KEY_REQUEST (~0U)

struct uring_file_key {
	__u64 owner;    /* the request, or the ring (struct io_ring_ctx *) */
	__u32 slot;     /* the fixed slot, or URING_KEY_REQUEST */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct uring_file_key);
	__type(value, __u64);  /* struct file * */
} uring_files SEC(".maps");

static __always_inline void uring_undecoded(void)
{
	COUNT(uring_undecoded);
}

static __always_inline void uring_remember(__u64 owner, __u32 slot, struct file *file)
{
	struct uring_file_key key = { .owner = owner, .slot = slot };
	__u64 value = (__u64)file;

	bpf_map_update_elem(&uring_files, &key, &value, BPF_ANY);
}

static __always_inline struct file *uring_take(__u64 owner, __u32 slot)
{
	struct uring_file_key key = { .owner = owner, .slot = slot };
	__u64 *value = bpf_map_lookup_elem(&uring_files, &key);
	struct file *file = value ? (struct file *)*value : NULL;

	if (value)
		bpf_map_delete_elem(&uring_files, &key);
	return file;
}

/* The file in slot `index` of the ring's fixed file table, or NULL. */
static __always_inline struct file *uring_fixed_file(void *ring, __u32 index)
{
	unsigned long ptr = 0;

	if (bpf_core_field_exists(((struct io_ring_ctx___v613 *)0)->file_table.data)) {
		struct io_ring_ctx___v613 *ctx = ring;
		if (index >= BPF_CORE_READ(ctx, file_table.data.nr))
			return NULL;
		struct io_rsrc_node___ft **nodes = BPF_CORE_READ(ctx, file_table.data.nodes);
		struct io_rsrc_node___ft *node = NULL;
		bpf_probe_read_kernel(&node, sizeof(node), &nodes[index]);
		if (node)
			ptr = BPF_CORE_READ(node, file_ptr);
	} else if (bpf_core_field_exists(((struct io_ring_ctx___pre613 *)0)->file_table.files)) {
		struct io_ring_ctx___pre613 *ctx = ring;
		if (index >= BPF_CORE_READ(ctx, nr_user_files))
			return NULL;
		struct io_fixed_file___ft *files = BPF_CORE_READ(ctx, file_table.files);
		bpf_probe_read_kernel(&ptr, sizeof(ptr), &files[index].file_ptr);
	} else {
		uring_undecoded();
	}
	return (struct file *)(ptr & URING_FFS_MASK);
}

static __always_inline const char *filename_str(struct filename *name)
{
	return BPF_CORE_READ(name, name);
}

#define URING_NAME_ARGS(kind, a0, a1, a2, a3, a4) \
	((struct ft_name_args){ .args = { (a0), (a1), (a2), (a3), (a4) }, .call = (kind) })

#define URING_LINK_ARGS(type, req)                                                                  \
	URING_NAME_ARGS(P_LINK, BPF_CORE_READ((type *)(req), old_dfd),                              \
			(__u64)filename_str(BPF_CORE_READ((type *)(req), oldpath)),                  \
			BPF_CORE_READ((type *)(req), new_dfd),                                      \
			(__u64)filename_str(BPF_CORE_READ((type *)(req), newpath)), BPF_CORE_READ((type *)(req), flags))

/* symlink: args[0] = link text, args[1] = dfd, args[2] = new name */
#define URING_SYMLINK_ARGS(type, req)                                                               \
	URING_NAME_ARGS(P_SYMLINK, (__u64)filename_str(BPF_CORE_READ((type *)(req), oldpath)),       \
			BPF_CORE_READ((type *)(req), new_dfd),                                      \
			(__u64)filename_str(BPF_CORE_READ((type *)(req), newpath)), 0, 0)

/* The arguments of an io_uring name operation, as name_call_args gives a
 * syscall's; false when this kernel's command is not known. */
static __always_inline bool uring_name_args(struct ft_name_args *c, void *req, __u8 op)
{
	switch (op) {
	case URING_OP_RENAMEAT: {
		struct io_rename___ft *r = req;
		if (!bpf_core_type_exists(struct io_rename___ft))
			return false;
		*c = URING_NAME_ARGS(P_RENAME, BPF_CORE_READ(r, old_dfd), (__u64)filename_str(BPF_CORE_READ(r, oldpath)),
				     BPF_CORE_READ(r, new_dfd), (__u64)filename_str(BPF_CORE_READ(r, newpath)),
				     BPF_CORE_READ(r, flags));
		return true;
	}
	case URING_OP_UNLINKAT: {
		struct io_unlink___ft *u = req;
		if (!bpf_core_type_exists(struct io_unlink___ft))
			return false;
		*c = URING_NAME_ARGS((BPF_CORE_READ(u, flags) & AT_REMOVEDIR) ? P_RMDIR : P_UNLINK,
				     BPF_CORE_READ(u, dfd), (__u64)filename_str(BPF_CORE_READ(u, filename)), 0, 0, 0);
		return true;
	}
	case URING_OP_MKDIRAT: {
		struct io_mkdir___ft *m = req;
		if (!bpf_core_type_exists(struct io_mkdir___ft))
			return false;
		*c = URING_NAME_ARGS(P_MKDIR, BPF_CORE_READ(m, dfd), (__u64)filename_str(BPF_CORE_READ(m, filename)),
				     0, 0, 0);
		return true;
	}
	/* the same fields under two names: io_link (6.0), or 5.10's
	 * io_hardlink and io_symlink */
	case URING_OP_LINKAT:
		if (bpf_core_type_exists(struct io_link___ft))
			*c = URING_LINK_ARGS(struct io_link___ft, req);
		else if (bpf_core_type_exists(struct io_hardlink___ft))
			*c = URING_LINK_ARGS(struct io_hardlink___ft, req);
		else
			return false;
		return true;
	case URING_OP_SYMLINKAT:
		if (bpf_core_type_exists(struct io_link___ft))
			*c = URING_SYMLINK_ARGS(struct io_link___ft, req);
		else if (bpf_core_type_exists(struct io_symlink___ft))
			*c = URING_SYMLINK_ARGS(struct io_symlink___ft, req);
		else
			return false;
		return true;
	}
	return false;
}

static __always_inline bool uring_name_op(__u8 op)
{
	return op >= URING_OP_RENAMEAT && op <= URING_OP_LINKAT;
}

static __always_inline bool uring_write_op(__u8 op)
{
	switch (op) {
	case URING_OP_WRITEV:
	case URING_OP_WRITE_FIXED:
	case URING_OP_WRITE:
	case URING_OP_WRITEV_FIXED:
	case URING_OP_FALLOCATE:
	case URING_OP_FTRUNCATE:
	case URING_OP_SPLICE:  /* req->file is the file written (fd_out) */
	case URING_OP_TEE:
		return true;
	}
	return false;
}

/* The operations that give events (opens, writes, closes, names, and
 * statx when lookups are traced), and those that change files in ways
 * fantrace does not report yet (xattrs) or that this fantrace does not
 * know (opcodes of later kernels). Reads give no event, as read(2) gives
 * none. */
static __always_inline bool uring_file_op(__u8 op)
{
	return op == URING_OP_OPENAT || op == URING_OP_OPENAT2 || op == URING_OP_CLOSE ||
	       uring_write_op(op) || uring_name_op(op) ||
	       (op == URING_OP_STATX && kind_enabled(FT_STAT)) ||
	       op == URING_OP_FSETXATTR || op == URING_OP_SETXATTR || op > URING_OP_KNOWN_LAST;
}

/* ---- submission ------------------------------------------------------- */

static __always_inline void uring_close_submit(struct io_kiocb___ft *req)
{
	struct io_close___ft *c = (void *)req;
	if (!bpf_core_type_exists(struct io_close___ft)) {
		uring_undecoded();
		return;
	}
	__u32 slot = 0;
	if (bpf_core_field_exists(c->file_slot))
		slot = BPF_CORE_READ(c, file_slot);
	if (slot) {
		void *ring = BPF_CORE_READ(req, ctx);
		struct file *file = uring_fixed_file(ring, slot - 1);
		if (file)
			uring_remember((__u64)ring, slot - 1, file);
		return;
	}
	struct file *file = current_fd_file(BPF_CORE_READ(c, fd));
	if (file)
		uring_remember((__u64)req, URING_KEY_REQUEST, file);
}

static __always_inline void uring_submit(struct io_kiocb___ft *req)
{
	if (!req || !current_traced())
		return;
	__u8 op = BPF_CORE_READ(req, opcode);
	if (!uring_file_op(op))
		return;
	/* The user filters are tracepoint programs, which these typed
	 * programs cannot tail-call: say what is missing instead. */
	/* Before 5.19 the request did not carry its result (req->cqe), and
	 * Debian's 5.10 gives its completions no request to read: opens,
	 * writes and closes cannot be followed there. */
	if (cfg_user_filters || op > URING_OP_KNOWN_LAST || op == URING_OP_FSETXATTR ||
	    op == URING_OP_SETXATTR || !bpf_core_field_exists(req->cqe)) {
		uring_undecoded();
		return;
	}
	if (op == URING_OP_CLOSE) {
		uring_close_submit(req);
		return;
	}
	if (op == URING_OP_STATX) {  /* at completion */
		if (!bpf_core_type_exists(struct io_statx___ft))
			uring_undecoded();
		return;
	}
	if (!uring_name_op(op))
		return;  /* opens and writes: at completion */
	struct ft_name_args c = {};
	if (!uring_name_args(&c, req, op)) {
		uring_undecoded();
		return;
	}
	c.via = FT_F_IO_URING;
	c.request = (__u64)req;
	emit_name_call(&c);
}

/* io_uring_submit_req(req): the name since 6.4 (6.12 and 6.18 in the
 * matrix); the tracepoint was io_uring_submit_sqe before (5.10, 6.1). */
SEC("tp_btf/io_uring_submit_req")
int uring_submit_req(__u64 *ctx)
{
	uring_submit((struct io_kiocb___ft *)ctx[0]);
	return 0;
}

/* Before 6.4: (ctx, req, opcode, user_data, flags, force_nonblock,
 * sq_thread) until 5.18, (req, force_nonblock) since 5.19. A bool second
 * argument tells the second form. */
SEC("tp_btf/io_uring_submit_sqe")
int uring_submit_sqe(__u64 *ctx)
{
	__u64 second = ctx[1];
	uring_submit((struct io_kiocb___ft *)(second > 1 ? second : ctx[0]));
	return 0;
}

/* ---- completion ------------------------------------------------------- */

/* The completions' handlers are subprograms: each has its file view on
 * its own stack frame, which inlined together would pass the verifier's
 * 512 bytes for the deepest call chain (path walk included). */
static __noinline void uring_open_done(struct io_kiocb___ft *req, __s32 res)
{
	struct io_open___ft *o = (void *)req;
	if (!bpf_core_type_exists(struct io_open___ft)) {
		uring_undecoded();
		return;
	}
	__u32 slot = 0;
	if (bpf_core_field_exists(o->file_slot))
		slot = BPF_CORE_READ(o, file_slot);
	struct file *file;
	if (slot) {  /* a direct descriptor: res is 0, or the slot allocated */
		__u32 index = slot == URING_FILE_INDEX_ALLOC ? (__u32)res : slot - 1;
		void *ring = BPF_CORE_READ(req, ctx);
		file = uring_fixed_file(ring, index);
		if (file)
			uring_remember((__u64)ring, index, file);
	} else {
		file = current_fd_file(res);
	}
	if (!file) {
		uring_undecoded();
		return;
	}
	open_file(file, -1, BPF_CORE_READ(o, how.flags), FT_F_IO_URING);
}

static __noinline void uring_close_done(struct io_kiocb___ft *req, __s32 res)
{
	struct io_close___ft *c = (void *)req;
	if (!bpf_core_type_exists(struct io_close___ft))
		return;  /* counted at submission */
	__u32 slot = 0;
	if (bpf_core_field_exists(c->file_slot))
		slot = BPF_CORE_READ(c, file_slot);
	struct file *file = slot ? uring_take((__u64)BPF_CORE_READ(req, ctx), slot - 1)
				 : uring_take((__u64)req, URING_KEY_REQUEST);
	if (res != 0)
		return;
	if (!file) {
		uring_undecoded();
		return;
	}
	close_file((__u64)file, FT_F_IO_URING, CLOSE_ANY_REFS);
}

/* The attempt, as a write syscall's enter: fixed or not, the request
 * holds its file until it is freed. */
static __noinline void uring_write_done(struct io_kiocb___ft *req)
{
	struct file *file = BPF_CORE_READ(req, file);
	if (file)
		on_write_file(file, FT_F_IO_URING, false);
}

/* A STATX (--probes): a stat, or a missing, as statx(2) gives. Its name
 * was copied into the kernel at submission and is put when the request is
 * freed, after its completion. */
static __noinline void uring_statx_done(struct io_kiocb___ft *req, __s32 res)
{
	struct io_statx___ft *sx = (void *)req;
	if (!bpf_core_type_exists(struct io_statx___ft))
		return;  /* counted at submission */
	__u64 name = (__u64)BPF_CORE_READ(sx, filename, name);
	__s64 dfd = BPF_CORE_READ(sx, dfd);
	__u32 how = LOOKUP_KERNEL_NAME | LOOKUP_IO_URING;
	if (res < 0) {
		if (res == -ENOENT || res == -ENOTDIR)
			emit_lookup(FT_MISSING | how, dfd, name, 0, 0);
		return;
	}
	__u64 dev = 0, ino = 0;
	stat_ids((__u64)BPF_CORE_READ(sx, buffer), true, &dev, &ino);
	emit_lookup(FT_STAT | how, dfd, name, dev, ino);
}

/* The result of a name operation sent at submission. */
static __always_inline void uring_name_done(struct io_kiocb___ft *req, __u8 op, __s32 res)
{
	if (res == 0 && op != URING_OP_MKDIRAT && op != URING_OP_SYMLINKAT && op != URING_OP_LINKAT)
		namespace_changed();  /* a rename or unlink: see name_call_moves */
	struct ft_scratch *s = record_begin(FT_URING_DONE);
	if (!s)
		return;
	s->rec.aux = (__u64)req;
	s->rec.size = (__u64)(__s64)res;
	record_submit(s, false);
}

static __always_inline void uring_complete(struct io_kiocb___ft *req, __s32 res)
{
	if (!req || cfg_user_filters || !current_traced())
		return;  /* (with user filters every operation was counted at submission) */
	__u8 op = BPF_CORE_READ(req, opcode);
	if (op == URING_OP_OPENAT || op == URING_OP_OPENAT2) {
		if (res >= 0)
			uring_open_done(req, res);
	} else if (op == URING_OP_CLOSE) {
		uring_close_done(req, res);
	} else if (uring_write_op(op)) {
		uring_write_done(req);
	} else if (uring_name_op(op)) {
		uring_name_done(req, op, res);
	} else if (op == URING_OP_STATX && kind_enabled(FT_STAT)) {
		uring_statx_done(req, res);
	}
}

/* (ctx, req, user_data, res, cflags[, extra1, extra2]) on 5.10 to 6.12,
 * (ctx, req, cqe) on 6.18: the request is always the second argument, and
 * carries its result itself since 5.19 (req->cqe; earlier kernels are
 * counted at submission instead). A NULL request is an extra completion
 * of a multishot request. */
SEC("tp_btf/io_uring_complete")
int uring_complete_req(__u64 *ctx)
{
	struct io_kiocb___ft *req = (void *)ctx[1];

	if (!req || !bpf_core_field_exists(req->cqe))
		return 0;
	uring_complete(req, BPF_CORE_READ(req, cqe.res));
	return 0;
}

#endif

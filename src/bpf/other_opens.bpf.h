/* Files the tree gets hold of without an open: memfd_create (a file that
 * never exists in a directory, so never an output: FT_F_MEMFD on its
 * open, modify and close), and fds received over a Unix socket
 * (SCM_RIGHTS), reported as opens with FT_F_SCM_RIGHTS so that reads
 * through them count. Part of fantrace.bpf.c, after file_events.bpf.h. */
#ifndef FANTRACE_OTHER_OPENS_BPF_H
#define FANTRACE_OTHER_OPENS_BPF_H

SEC("tracepoint/syscalls/sys_exit_memfd_create")
int exit_memfd_create(struct trace_event_raw_sys_exit *ctx)
{
	if (ctx->ret < 0 || !current_traced())
		return 0;
	open_file(current_fd_file(ctx->ret), 0, 0, FT_F_MEMFD);
	return 0;
}

/* One received fd: a global function, verified once however many the
 * loops below may reach. */
__noinline int open_received_fd(__s64 fd)
{
	return open_file(current_fd_file(fd), 0, 0, FT_F_SCM_RIGHTS);
}

#define SOL_SOCKET  1
#define SCM_RIGHTS  1

/* The 64-bit user ABI (x86-64 and arm64 alike): struct user_msghdr (56 bytes, msg_control at 32,
 * msg_controllen at 40; the kernel writes back the length it used),
 * struct mmsghdr (64 bytes), struct cmsghdr (16 bytes, then the data). */
#define MSGHDR_CONTROL    32
#define MSGHDR_CONTROLLEN 40
#define MMSGHDR_SIZE      64
#define CMSG_HDR          16

struct ft_cmsghdr {
	__u64 len;
	__s32 level;
	__s32 type;
};

/* Starts on message m of the call: its control buffer, as the kernel left
 * it (msg_controllen is the length it used). */
static __always_inline void recv_scan_message(struct ft_recv_scan *r, __u32 m)
{
	const void *msghdr = (const void *)(r->msg + (__u64)m * MMSGHDR_SIZE);

	r->m = m;
	r->control = 0;
	r->controllen = 0;
	bpf_probe_read_user(&r->control, sizeof(r->control), msghdr + MSGHDR_CONTROL);
	bpf_probe_read_user(&r->controllen, sizeof(r->controllen), msghdr + MSGHDR_CONTROLLEN);
	if (!r->control)
		r->controllen = 0;
	r->next = 0;
	r->cmsgs = 0;
	r->k = 0;
	r->n = 0;
}

/* One step of the walk over the received control messages: an fd of the
 * current SCM_RIGHTS message, else the next control message, else the
 * next message. One flat loop (not three nested ones): the verifier
 * checks its step once. 1 ends the walk. */
static __always_inline long recv_scan_step(struct ft_recv_scan *r)
{
	if (r->k < r->n) {
		__s32 fd = -1;
		if (r->budget == 0) {
			COUNT(scm_cut);  /* never silent: the summary says so */
			return 1;
		}
		r->budget--;
		bpf_probe_read_user(&fd, sizeof(fd), (void *)(r->control + r->cur + CMSG_HDR + 4 * r->k));
		r->k++;
		open_received_fd(fd);
		return 0;
	}
	if (r->cmsgs < FT_CMSG_MAX && r->next + CMSG_HDR <= r->controllen) {
		struct ft_cmsghdr h = {};
		if (bpf_probe_read_user(&h, sizeof(h), (void *)(r->control + r->next)) != 0 || h.len < CMSG_HDR) {
			r->controllen = 0;  /* unreadable: this message ends here */
			return 0;
		}
		r->cmsgs++;
		r->cur = r->next;
		r->next += (h.len + 7) & ~7ULL;  /* CMSG_ALIGN */
		r->k = 0;
		r->n = 0;
		if (h.level == SOL_SOCKET && h.type == SCM_RIGHTS) {
			__u64 n = (h.len - CMSG_HDR) / sizeof(__s32);
			if (n > FT_SCM_FDS_MAX) {
				COUNT(scm_cut);
				n = FT_SCM_FDS_MAX;
			}
			r->n = n;
		}
		return 0;
	}
	if (r->m + 1 >= r->msgs)
		return 1;
	recv_scan_message(r, r->m + 1);
	return 0;
}

/* Enough for FT_MMSG_MAX messages of FT_CMSG_MAX control messages each,
 * and FT_SCM_FDS_MAX fds. */
#define FT_RECV_STEPS (FT_MMSG_MAX * (FT_CMSG_MAX + 1) + FT_SCM_FDS_MAX)

#ifdef FT_COMPAT_510
/* no bpf_loop before 5.17: a global step on the state in the scratch (see
 * prepend_name_step) */
__noinline int recv_scan_step_global(void)
{
	struct ft_scratch *s = get_scratch();

	return s ? recv_scan_step(&s->recv_scan) : 1;
}
#else
static long recv_scan_cb(__u32 index, void *ctx)
{
	struct ft_scratch *s = get_scratch();

	return s ? recv_scan_step(&s->recv_scan) : 1;
}
#endif

/* recvmsg and recvmmsg: one program, attached to both. */
SEC("tracepoint/syscalls/sys_exit_recvmsg")
int exit_recv_family(struct trace_event_raw_sys_exit *ctx)
{
	long ret = ctx->ret;
	__s32 nr = syscall_nr(ctx->id);

	if (ret < 0 || !current_traced())
		return 0;
	ft_regs *regs = syscall_regs(nr);
	if (!regs)
		return 0;
	/* the walk's state lives in the scratch: on the stack it would put
	 * the chain to the path walk past the verifier's 512 bytes */
	struct ft_scratch *s = get_scratch();
	if (!s)
		return 0;
	struct ft_recv_scan *r = &s->recv_scan;
	r->msg = SYSCALL_ARG(regs, 1);
	r->budget = FT_SCM_FDS_MAX;
	r->msgs = 1;
	if (nr == NR_RECVMMSG) {
		if (ret == 0)
			return 0;
		r->msgs = ret > FT_MMSG_MAX ? FT_MMSG_MAX : ret;
		if (ret > FT_MMSG_MAX)
			COUNT(scm_cut);  /* may have carried fds: said, not hidden */
	}
	recv_scan_message(r, 0);
#ifdef FT_COMPAT_510
	for (__u32 i = 0; i < FT_RECV_STEPS; i++)
		if (recv_scan_step_global())
			break;
#else
	bpf_loop(FT_RECV_STEPS, recv_scan_cb, NULL, 0);
#endif
	return 0;
}

#endif

// SPDX-License-Identifier: GPL-2.0
/* fantrace kernel side: follow one process tree and report its file events.
 *
 * Attaches only to tracepoints: sched_process_{fork,exec,exit} (tp_btf) for
 * membership, and the per-syscall tracepoints of the file syscalls (never
 * raw_syscalls, which would tax every syscall of every process). Handlers
 * are short: check membership first, then hand over to the helpers in the
 * *.bpf.h files. The file handlers are in file_events.bpf.h, the name
 * calls in name_events.bpf.h, metadata changes in attr_events.bpf.h,
 * lookups in lookup_events.bpf.h (one compilation unit: libbpf loads one
 * object); here are the process tree and the end of the user filter chain. */
#include "common.bpf.h"
#include "emit.bpf.h"
#include "file.bpf.h"
#include "filter.bpf.h"
#include "path.bpf.h"
#include "proc_tree.bpf.h"
#include "syscall_nr.bpf.h"
#include "syscall_regs.bpf.h"
#include "user_filter.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Every tracepoint program returns 0: a non-zero return would make perf
 * go on to record a sample for the attaching event, work nobody reads. */

/* ---- user filters: the commit at the end of the chain ---------------- */

/* Merges and buffers a staged record the filters kept, counts one they
 * dropped, and writes the verdict on the state of the record's file. */
static __noinline int commit_record(struct ft_filter_event *ev)
{
	__u32 zero = 0;
	struct ft_stage *st = bpf_map_lookup_elem(&filter_stage, &zero);
	struct ft_scratch *s = get_scratch();

	ev->pending = 0;
	if (!st || !s)
		return 0;
	__u32 verdict = VERDICT_KEPT, report = OPEN_DROPPED, by = ev->dropped_by;
	if (ev->verdict == FT_DROP) {
		verdict = VERDICT_DROPPED;
		count_user_drop(by);
	} else if (!(st->mergeable && merge_key_seen(&st->key))) {
		report = record_submit(s, false) ? OPEN_SENT : OPEN_UNREPORTED;
	}
	__u64 key = st->file;
	struct ft_file_state *fs = key ? bpf_map_lookup_elem(&files, &key) : NULL;
	if (fs) {
		fs->verdict = verdict;
		fs->dropped_by = by;
		if (st->is_open)
			fs->open_report = report;
	}
	return 0;
}

/* The last links of ft_filter_chain. */
SEC("tracepoint")
int commit_filtered(void *ctx)
{
	struct ft_filter_event *ev = filter_event();
	if (ev && ev->pending)
		commit_record(ev);
	return 0;
}

/* The end of a *_f handler: hand a staged record to the first filter. */
static __always_inline void run_filter_chain(void *ctx)
{
	struct ft_filter_event *ev = filter_event();
	if (!ev || !ev->pending)
		return;
	bpf_tail_call(ctx, &ft_filter_chain, 0);
	commit_record(ev);  /* reached only if the chain is empty */
}

/* A handler, and its twin for traces with user filters: userspace loads
 * one of the two. The plain one has no tail call, so a trace without
 * filters pays nothing for them (not even the JIT's tail call counter). */
#ifndef FT_BENCH_FLOOR
#define FT_HANDLER(sec, name, ctx_type, call)                                   \
	SEC(sec) int name(ctx_type *ctx) { call; return 0; }                    \
	SEC(sec) int name##_f(ctx_type *ctx) { call; run_filter_chain(ctx); return 0; }
#else
/* bench/floor only, never in a fantrace anyone uses: the plain syscall
 * handlers return at once (FT_BENCH_FLOOR=1), stop after the membership
 * check (2) or send one header-only record per traced syscall (3), to
 * measure what the tracepoints and the ring buffer cost before fantrace
 * does any work of its own. */
static __always_inline void floor_handler(void)
{
	if (FT_BENCH_FLOOR == 1 || !current_traced() || FT_BENCH_FLOOR != 3)
		return;
	struct ft_scratch *s = record_begin(FT_MKDIR);  /* a type the summary ignores */
	if (s)
		record_submit(s, false);
}
#define FT_HANDLER(sec, name, ctx_type, call)                                   \
	SEC(sec) int name(ctx_type *ctx) { floor_handler(); return 0; }         \
	SEC(sec) int name##_f(ctx_type *ctx) { call; run_filter_chain(ctx); return 0; }
#endif

#define ARG(n) (ctx->args[n])

#include "pending.bpf.h"
#include "file_events.bpf.h"
#include "name_events.bpf.h"
#include "lookup_events.bpf.h"
#include "uring_events.bpf.h"
#include "attr_events.bpf.h"
#include "release_events.bpf.h"
#include "other_opens.bpf.h"
#include "mount_events.bpf.h"

/* ---- process tree ----------------------------------------------------- */

static __always_inline void end_of_tree(void)
{
	struct ft_scratch *s = record_begin(FT_TREE_END);
	if (s)
		record_submit(s, true);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid);

	if (!tgid_traced(ptgid))
		return 0;
	if (BPF_CORE_READ(child, pid) != BPF_CORE_READ(child, tgid))
		return 0;  /* a new thread: its process is traced already */
	if (!tree_add(child))
		return 0;
	struct ft_scratch *s = kind_enabled(FT_FORK) ? record_begin(FT_FORK) : NULL;
	if (s) {
		s->rec.pid = BPF_CORE_READ(child, tgid);
		s->rec.tid = BPF_CORE_READ(child, pid);
		s->rec.aux = ptgid;
		record_submit(s, false);
	}
	forked_into_new_mount_ns(parent, child);
	return 0;
}

/* The 32-bit programs the kernel runs through its compat syscalls, for
 * which neither architecture fires the per-syscall tracepoints
 * (ARCH_TRACE_IGNORE_COMPAT_SYSCALLS): i386 on x86-64, AArch32 on arm64. */
#if defined(__TARGET_ARCH_arm64)
#define FT_COMPAT_MACHINE 40  /* EM_ARM */
#else
#define FT_COMPAT_MACHINE 3   /* EM_386 */
#endif

/* The loaded program's ELF header (bprm->buf holds the start of the file
 * the last binary handler loaded: the interpreter of a script) says
 * ELFCLASS32 and the compat machine. */
static __always_inline bool exec_is_compat(struct linux_binprm *bprm)
{
	unsigned char hdr[20] = {};

	bpf_core_read(hdr, sizeof(hdr), &bprm->buf);
	return hdr[0] == 0x7f && hdr[1] == 'E' && hdr[2] == 'L' && hdr[3] == 'F' && hdr[4] == 1 &&
	       hdr[18] == FT_COMPAT_MACHINE && hdr[19] == 0;
}

/* The exec record: a function of its own, so that its file view is not
 * on on_exec's stack while the closes at the exec walk their paths (the
 * verifier bounds the stack of the whole call chain to 512 bytes). */
static __noinline void emit_exec(struct task_struct *task, struct linux_binprm *bprm)
{
	struct ft_scratch *s = record_begin(FT_EXEC);
	struct file *file = BPF_CORE_READ(bprm, file);
	struct ft_file_view v;
	if (s && file && read_file_view(&v, file) == 0) {
		fill_inode(&s->rec, &v);
		append_path(s, v.path.dentry, v.path.mnt, 0);
		const char *filename = BPF_CORE_READ(bprm, filename);
		append_kernel_str(s, filename, 1);
		__u64 start = BPF_CORE_READ(task, mm, arg_start);
		__u64 end = BPF_CORE_READ(task, mm, arg_end);
		if (end > start)
			append_user_bytes(s, (void *)start, end - start, 2);
		/* binfmt_script/misc point interp at the interpreter; otherwise
		 * it is the filename itself. The script is then the file the
		 * task exec'd, named relative to its cwd. */
		if (BPF_CORE_READ(bprm, interp) != filename) {
			s->rec.flags |= FT_F_SCRIPT;
			append_path(s, BPF_CORE_READ(task, fs, pwd.dentry), BPF_CORE_READ(task, fs, pwd.mnt), 3);
		}
		if (path_allowed(s))
			record_submit(s, false);
	}
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);

	if (!tgid_traced(tgid))
		return 0;
	released_by_exec(tgid);  /* closed before the new program runs */
	if (kind_enabled(FT_EXEC) && !comm_excluded())
		emit_exec(task, bprm);
	/* A 32-bit program makes compat syscalls, which fire no syscall
	 * tracepoints: its file events are not seen, so say so. */
	if (exec_is_compat(bprm)) {  /* untraced is always reported, as for setuid */
		struct ft_scratch *s = record_begin(FT_UNTRACED);
		if (s) {
			s->rec.aux = FT_UNTRACE_COMPAT;
			record_submit(s, false);
		}
	}
	/* An exec that raised privileges (setuid/setgid/file caps: the kernel
	 * sets secureexec) leaves the tree, as ptrace would refuse to follow. */
	if (BPF_CORE_READ_BITFIELD_PROBED(bprm, secureexec) && tree_leave(tgid)) {
		struct ft_scratch *s = record_begin(FT_UNTRACED);
		if (s) {
			s->rec.aux = FT_UNTRACE_SETID;
			record_submit(s, false);
		}
		if (tree_was_last())
			end_of_tree();
	}
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *task)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);

	if (!tgid_traced(tgid))
		return 0;
	/* signal->live is decremented before this tracepoint: 0 means the
	 * last thread of the process is exiting (group_dead). */
	if (BPF_CORE_READ(task, signal, live.counter) != 0 || !tree_leave(tgid))
		return 0;
	/* Files still open are closed by exit_files() after this point. */
	if (BPF_CORE_READ(task, files, count.counter) == 1)
		close_fd_range(task, 0, ~0ULL, FT_F_AT_EXIT);  /* up to the table's size */
	released_by_exit(task, tgid);
	if (kind_enabled(FT_EXIT)) {
		struct ft_scratch *s = record_begin(FT_EXIT);
		if (s) {
			s->rec.pid = tgid;
			s->rec.aux = BPF_CORE_READ(task, exit_code);
			record_submit(s, false);
		}
	}
	if (tree_was_last())
		end_of_tree();
	return 0;
}

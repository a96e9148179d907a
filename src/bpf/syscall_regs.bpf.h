/* The registers a task entered its syscall with, per architecture.
 *
 * A family program reads the arguments beyond the first from here: a
 * tracepoint program may read no further into its context than the
 * smallest member's arguments (the attach is refused otherwise), and both
 * architectures keep the argument registers of the call in the saved
 * registers until it returns. SYSCALL_ARG(regs, n) is argument n (0-5) at
 * enter and at exit alike:
 *
 *   x86-64  di, si, dx, r10, r8, r9
 *   arm64   orig_x0, x1 ... x5 (x0 holds the return value at exit; the
 *           kernel keeps the first argument in orig_x0 for restarts)
 *
 * vmlinux.h may come from either architecture's BTF (the build dumps the
 * building machine's): arm64's registers are read through a local flavor
 * of struct pt_regs that CO-RE matches to the kernel's, so an arm64 object
 * built against x86-64's vmlinux.h still finds them. */
#ifndef FANTRACE_SYSCALL_REGS_BPF_H
#define FANTRACE_SYSCALL_REGS_BPF_H

#include "common.bpf.h"

/* ft_regs is a macro, not a typedef: a CO-RE relocation names the type the
 * access starts from, and the kernel has no type called ft_regs. */
#if defined(__TARGET_ARCH_x86)
#define ft_regs struct pt_regs
#define FT_ARG_REG_0 di
#define FT_ARG_REG_1 si
#define FT_ARG_REG_2 dx
#define FT_ARG_REG_3 r10
#define FT_ARG_REG_4 r8
#define FT_ARG_REG_5 r9
#define FT_REGS_NR   orig_ax  /* the syscall number, kept for restarts */
#define FT_REGS_SIZE sizeof(ft_regs)  /* vmlinux.h's, if dumped on x86-64 */
#elif defined(__TARGET_ARCH_arm64)
/* arch/arm64/include/asm/ptrace.h: regs[31], sp, pc and pstate in an
 * anonymous union with user_regs (CO-RE looks into it), then orig_x0 and
 * syscallno. (bpf_tracing.h declares its own pt_regs___arm64.) */
struct pt_regs___ft_arm64 {
	__u64 regs[31];
	__u64 sp;
	__u64 pc;
	__u64 pstate;
	__u64 orig_x0;
	__s32 syscallno;
} __attribute__((preserve_access_index));
#define ft_regs struct pt_regs___ft_arm64
#define FT_ARG_REG_0 orig_x0
#define FT_ARG_REG_1 regs[1]
#define FT_ARG_REG_2 regs[2]
#define FT_ARG_REG_3 regs[3]
#define FT_ARG_REG_4 regs[4]
#define FT_ARG_REG_5 regs[5]
#define FT_REGS_NR   syscallno
#define FT_REGS_SIZE bpf_core_type_size(ft_regs)  /* the kernel's, not the flavor's */
#else
#error "fantrace reads the syscall registers of x86-64 and arm64 only (src/bpf/syscall_regs.bpf.h)"
#endif

#define FT_ARG_REG(n) FT_ARG_REG_##n

#ifdef FT_COMPAT_510
/* No bpf_task_pt_regs before 5.15: the registers lie at the top of the
 * task's kernel stack, as task_pt_regs() finds them (16 KiB stacks without
 * KASAN on both architectures), on x86-64 below 16 bytes of padding with
 * CONFIG_X86_FRED (6.9+). The saved syscall number tells whether the guess
 * was right: no match (another stack size) gives no registers rather than
 * wrong ones. */
#define FT_THREAD_SIZE  (16 << 10)
#define FT_FRED_PADDING 16

static __always_inline ft_regs *syscall_regs(long nr)
{
	void *top = BPF_CORE_READ(current_task(), stack) + FT_THREAD_SIZE;
	ft_regs *regs = (ft_regs *)(top - FT_REGS_SIZE);

	if (BPF_CORE_READ(regs, FT_REGS_NR) == nr)
		return regs;
#if defined(__TARGET_ARCH_x86)
	regs = (ft_regs *)(top - FT_FRED_PADDING - FT_REGS_SIZE);
	if (BPF_CORE_READ(regs, FT_REGS_NR) == nr)
		return regs;
#endif
	return NULL;
}
#define SYSCALL_ARG(regs, n) BPF_CORE_READ(regs, FT_ARG_REG(n))
#else
static __always_inline ft_regs *syscall_regs(long nr)
{
	return (ft_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
}
#define SYSCALL_ARG(regs, n) ((regs)->FT_ARG_REG(n))  /* a BTF pointer: plain loads */
#endif

#endif

/* Input of check_stack_depth's test (tests/unit/CMakeLists.txt): programs
 * whose chains of BPF calls need more or less than the 512 bytes of stack
 * kernels before 6.13 allow. Compiled only, never loaded. With -DDEEP,
 * deep_chain calls three frames of 192 bytes: 32 + 3 * 192 = 608; without,
 * two: 416. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define FRAME 192

static __noinline int leaf(unsigned int n)
{
	volatile char buf[FRAME];

	buf[n % FRAME] = (char)n;
	return buf[(n + 1) % FRAME];
}

static __noinline int middle(unsigned int n)
{
	volatile char buf[FRAME];

	buf[n % FRAME] = (char)n;
	return leaf(n + 1) + buf[(n + 3) % FRAME];
}

#ifdef DEEP
static __noinline int upper(unsigned int n)
{
	volatile char buf[FRAME];

	buf[n % FRAME] = (char)n;
	return middle(n + 1) + buf[(n + 5) % FRAME];
}
#define TOP upper
#else
#define TOP middle
#endif

SEC("tracepoint/syscalls/sys_enter_close")
int deep_chain(void *ctx)
{
	volatile char buf[FRAME];

	buf[0] = 1;
	return TOP(buf[0]);
}

char LICENSE[] SEC("license") = "GPL";

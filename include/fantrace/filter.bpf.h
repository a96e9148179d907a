/* fantrace user filters: the one header a filter program includes.
 *
 * A filter is a small C function that fantrace calls in the kernel for each
 * file event of the traced tree, before the event is merged and buffered:
 *
 *     #include <fantrace/filter.bpf.h>
 *
 *     FANTRACE_FILTER(drop_tmp)
 *     {
 *             if (ft_path_has_prefix(event, "/tmp/"))
 *                     return FT_DROP;
 *             return FT_KEEP;
 *     }
 *
 * compiled with
 *
 *     clang -O2 -g -target bpf -I PREFIX/include -c drop_tmp.bpf.c -o drop_tmp.bpf.o
 *
 * and run with `fantrace run --filter-bpf drop_tmp.bpf.o -- CMD`. Inside the
 * function, `rec` is the event record (struct ft_record: type, flags, pid,
 * dev, ino, size, mtime, mode), `path` its NUL-terminated path and `event`
 * the whole struct ft_filter_event (path_len, path2, path2_len). See
 * docs/writing-a-filter.md.
 *
 * How it runs: fantrace's syscall handlers stage the record and tail-call
 * the chain of filters through the program array ft_filter_chain; each
 * FANTRACE_FILTER program gives its verdict and tail-calls the next one,
 * and fantrace's own commit program, last in the chain, merges and buffers
 * the survivors. A filter object shares fantrace's maps by name, so the
 * map definitions below must not be changed.
 *
 * The header needs neither vmlinux.h nor the kernel's uapi headers (it
 * builds with `clang -target bpf` alone); include them before it if your
 * filter needs them. */
#ifndef FANTRACE_FILTER_BPF_H_PUBLIC
#define FANTRACE_FILTER_BPF_H_PUBLIC

/* The kernel's fixed-width types (the same types vmlinux.h and
 * <linux/types.h> declare: repeating a typedef is fine in C11). */
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed char __s8;
typedef short __s16;
typedef int __s32;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;

#include <bpf/bpf_helpers.h>

#if __has_include(<fantrace/abi/events.h>)
#include <fantrace/abi/events.h>
#else
#include "abi/events.h"  /* building fantrace itself: src/ is on the path */
#endif

#ifndef __BPF__
#error "fantrace/filter.bpf.h is for BPF programs: compile with clang -target bpf"
#endif

/* ---- maps shared with fantrace (by name, through bpf_map__reuse_fd) ---- */

/* Slots FT_FILTER_MAX and those after the last filter hold fantrace's
 * commit program. */
struct {
	__uint(type, 3 /* BPF_MAP_TYPE_PROG_ARRAY */);
	__uint(max_entries, FT_FILTER_MAX + 1);
	__type(key, __u32);
	__type(value, __u32);
} ft_filter_chain SEC(".maps");

struct {
	__uint(type, 6 /* BPF_MAP_TYPE_PERCPU_ARRAY */);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ft_filter_event);
} ft_filter_events SEC(".maps");

#ifndef FANTRACE_INTERNAL

/* Filters are GPL: the helpers worth calling from them (bpf_printk, the
 * probe reads) are GPL-only. */
char _fantrace_filter_license[] SEC("license") = "GPL";

/* Defines a filter: the body returns FT_KEEP or FT_DROP. Several filters
 * may live in one object (each is one link of the chain, in order). */
#define FANTRACE_FILTER(name)                                                          \
	static __attribute__((always_inline)) int name##_body(                          \
		const struct ft_record *rec, const char *path,                          \
		const struct ft_filter_event *event);                                   \
	SEC("tracepoint") int name(void *ctx)                                            \
	{                                                                                \
		__u32 zero = 0;                                                          \
		struct ft_filter_event *ev = bpf_map_lookup_elem(&ft_filter_events, &zero); \
		if (!ev)                                                                 \
			return 0;                                                        \
		__u32 self = ev->next;                                                   \
		ev->next = self + 1;                                                     \
		if (name##_body(&ev->rec, ev->path, ev) == FT_DROP) {                    \
			ev->verdict = FT_DROP;                                           \
			ev->dropped_by = self;                                           \
			bpf_tail_call(ctx, &ft_filter_chain, FT_FILTER_MAX);             \
		} else {                                                                 \
			bpf_tail_call(ctx, &ft_filter_chain, self + 1);                  \
		}                                                                        \
		/* not reached: fantrace counts a broken chain as lost */               \
		return 0;                                                                \
	}                                                                                \
	static __attribute__((always_inline)) int name##_body(                          \
		const struct ft_record *rec, const char *path,                          \
		const struct ft_filter_event *event)

/* ---- helpers ------------------------------------------------------------ */

#define FT_FILTER_PATH_MASK (FT_FILTER_PATH_MAX - 1)

/* The byte at index i of path (0 past the end): a masked index the
 * verifier accepts. */
static inline __attribute__((always_inline)) char ft_path_byte(const char *path, __u32 i)
{
	return path[i & FT_FILTER_PATH_MASK];
}

/* Patterns are read through volatile pointers so that a const volatile
 * global set with --filter-arg is read as set, never folded by the compiler
 * into its initial value. Every loop has a constant bound `max`. */

/* True when path starts with the NUL-terminated string prefix (at most
 * max bytes of it). */
static inline __attribute__((always_inline)) int ft_starts_with(const char *path, __u32 path_len,
							  const volatile char *prefix, __u32 max)
{
	for (__u32 i = 0; i < max; i++) {
		char want = prefix[i];
		if (want == 0)
			return 1;
		if (i >= path_len || ft_path_byte(path, i) != want)
			return 0;
	}
	return 1;
}

/* True when path is the directory dir (NUL-terminated, at most max bytes,
 * no trailing '/') or lies below it: "/a/b" is under "/a" but "/ab" is not. */
static inline __attribute__((always_inline)) int ft_path_under(const char *path, __u32 path_len,
							 const volatile char *dir, __u32 max)
{
	__u32 n = 0;
	for (__u32 i = 0; i < max; i++) {
		char want = dir[i];
		if (want == 0)
			break;
		if (i >= path_len || ft_path_byte(path, i) != want)
			return 0;
		n = i + 1;
	}
	if (n == 0)
		return 0;  /* no directory given */
	if (n == 1 || n == path_len)  /* "/" itself, or the directory itself */
		return 1;
	return ft_path_byte(path, n) == '/';
}

/* True when path ends with the n bytes at suffix (n <= max). */
static inline __attribute__((always_inline)) int ft_ends_with_n(const char *path, __u32 path_len,
							  const volatile char *suffix, __u32 n, __u32 max)
{
	if (n == 0 || n > path_len || n > max)
		return 0;
	__u32 start = path_len - n;
	for (__u32 i = 0; i < max; i++) {
		if (i >= n)
			return 1;
		if (ft_path_byte(path, start + i) != suffix[i])
			return 0;
	}
	return 1;
}

/* For string literals: ft_path_has_prefix(event, "/usr/"). */
#define ft_path_has_prefix(ev, lit) ft_starts_with((ev)->path, (ev)->path_len, lit, sizeof(lit) - 1)
#define ft_path_has_suffix(ev, lit) \
	ft_ends_with_n((ev)->path, (ev)->path_len, lit, sizeof(lit) - 1, sizeof(lit) - 1)

/* Record kinds and flags for filters (values of src/abi/events.h). */
#define ft_is_file_event(rec) \
	((rec)->type == FT_OPEN || (rec)->type == FT_MODIFY || (rec)->type == FT_CLOSE)
#define ft_was_written(rec) (((rec)->flags & (FT_F_WRITE | FT_F_WRITTEN)) != 0)

#endif /* FANTRACE_INTERNAL */
#endif

/* Path prefix filters (--include / --exclude), evaluated on the resolved
 * path in slot 0 before the record is buffered. Prefixes come normalised
 * from userspace (no trailing '/', except "/" itself). */
#ifndef FANTRACE_FILTER_BPF_H
#define FANTRACE_FILTER_BPF_H

#include "common.bpf.h"
#include "file.bpf.h"

struct ft_prefix_match {
	__u32 first;     /* index of the first prefix in the prefixes map */
	__u32 len;       /* length of the path in slot 0 */
	bool matched;
};

static __always_inline long match_prefix(__u32 index, struct ft_prefix_match *m)
{
	__u32 key = m->first + index;
	struct ft_prefix *p = bpf_map_lookup_elem(&prefixes, &key);
	struct ft_scratch *s = get_scratch();

	if (!p || !s)
		return 1;
	__u32 plen = p->len;
	if (plen > m->len || plen >= FT_PREFIX_LEN)
		return 0;
	for (__u32 k = 0; k < FT_PREFIX_LEN; k++) {
		if (k >= plen)
			break;
		if (s->data[k & FT_DATA_MASK] != p->bytes[k])
			return 0;
	}
	/* "/a/b" matches "/a/b" and "/a/b/..." but not "/a/bc" */
	if (plen == m->len || plen == 1 || s->data[plen & FT_DATA_MASK] == '/') {
		m->matched = true;
		return 1;
	}
	return 0;
}

#ifdef FT_COMPAT_510
/* No bpf_loop before 5.17: a bounded loop whose step is a global function
 * (verified once per program, see prepend_name_step). 1 when prefix
 * number key matches the path of length len, 2 when there is none. */
__noinline int match_prefix_key(__u32 key, __u32 len)
{
	struct ft_prefix_match m = { .first = key, .len = len };

	if (match_prefix(0, &m))
		return m.matched ? 1 : 2;
	return 0;
}

/* True when one of the n prefixes from first matches the path. */
static __always_inline bool match_prefixes(__u32 first, __u32 n, __u32 len)
{
	for (__u32 i = 0; i < FT_PREFIX_MAX; i++) {
		if (i >= n)
			break;
		int r = match_prefix_key(first + i, len);
		if (r)
			return r == 1;
	}
	return false;
}
#else
static long match_prefix_step(__u32 index, void *ctx)
{
	return match_prefix(index, ctx);
}

static __always_inline bool match_prefixes(__u32 first, __u32 n, __u32 len)
{
	struct ft_prefix_match m = { .first = first, .len = len };

	bpf_loop(n, match_prefix_step, &m, 0);
	return m.matched;
}
#endif

static __noinline bool path_allowed(struct ft_scratch *s)
{
	__u32 len = s->rec.slot_len[0];
	__u32 n_include = opt_n_include(), n_exclude = opt_n_exclude();

	if (n_include && !match_prefixes(prefix_base(), n_include, len))
		goto drop;
	if (n_exclude && match_prefixes(prefix_base() + FT_PREFIX_MAX, n_exclude, len))
		goto drop;
	return true;
drop:
	COUNT(filtered_path);
	return false;
}

/* --exclude-fs: files on these file systems (pseudo file systems by
 * default), told apart by the superblock's magic number. */
static __always_inline bool fs_excluded(struct ft_file_view *v)
{
	if (cfg_n_fs_magic == 0)
		return false;
	view_super(v);
	__u64 magic = v->magic;
	for (__u32 i = 0; i < FT_FS_MAGIC_MAX; i++) {
		if (i >= cfg_n_fs_magic)
			break;
		if (cfg_fs_magic[i] == magic) {
			COUNT(filtered_fs);
			return true;
		}
	}
	return false;
}

/* --exclude-comm: events of tasks with these command names. */
static __always_inline bool comm_excluded(void)
{
	if (cfg_n_comm == 0)
		return false;
	__u64 comm[FT_COMM_LEN / 8] = {};
	bpf_get_current_comm(comm, sizeof(comm));
	for (__u32 i = 0; i < FT_COMM_MAX; i++) {
		if (i >= cfg_n_comm)
			break;
		const volatile __u64 *want = (const volatile __u64 *)cfg_comm[i];
		if (want[0] == comm[0] && want[1] == comm[1]) {
			COUNT(filtered_comm);
			return true;
		}
	}
	return false;
}

#endif

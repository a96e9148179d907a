/* Building and sending records: a record is assembled in per-CPU scratch
 * (header + slots) and copied into the ring buffer in one piece. Events go
 * without a wakeup; the reader is woken only when the buffer holds
 * cfg_wakeup_bytes (it also polls on a short timer), which keeps the cost of
 * a wakeup off the traced task. Every failure to buffer is counted. */
#ifndef FANTRACE_EMIT_BPF_H
#define FANTRACE_EMIT_BPF_H

#include "common.bpf.h"
#include "file.bpf.h"

static __always_inline bool kind_enabled(__u32 type)
{
	if (opt_event_mask() & (1u << type))
		return true;
	COUNT(filtered);
	return false;
}

static __always_inline struct ft_merge_key merge_key_of(__u32 type, struct ft_file_view *v, __u32 flags)
{
	struct ft_merge_key key = {
		.dentry = (__u64)v->path.dentry,
		.mnt = (__u64)v->path.mnt,
		.ino = v->ino,
		.type = type, .flags = flags,
		.generation = merge_generation,
		.session = current_session(),
	};
	return key;
}

static __always_inline bool merge_keys_equal(const struct ft_merge_key *a, const struct ft_merge_key *b)
{
	return a->dentry == b->dentry && a->mnt == b->mnt && a->ino == b->ino &&
	       a->generation == b->generation && a->type == b->type && a->flags == b->flags &&
	       a->session == b->session;
}

/* The merge map is looked at through a small direct-mapped cache of the
 * keys each CPU saw last (merge_cache): a build or a loop that opens the
 * same files over and over finds them there, without the LRU's hashing and
 * its walk of a bucket that is rarely in the CPU's cache (together the
 * largest cost of a merged open). Every key in the cache was in the LRU
 * when it was put there, in the same generation, so a hit merges only what
 * the LRU would have merged, or repeats that it had since evicted. NULL
 * for a CPU past the map's size: the LRU alone serves it. */
static __always_inline struct ft_merge_key *merge_cache_slot(const struct ft_merge_key *key)
{
	/* dentries are 64-byte aligned; Fibonacci hashing spreads the rest */
	__u64 mix = ((key->dentry >> 6) ^ ((__u64)key->type << 8) ^ key->flags) * 0x9E3779B97F4A7C15ull;
	__u32 slot = bpf_get_smp_processor_id() * FT_MERGE_CACHE + (__u32)(mix >> (64 - FT_MERGE_CACHE_BITS));
	return bpf_map_lookup_elem(&merge_cache, &slot);
}

/* A creation is the first of its kind: nothing to merge it into, and
 * keeping it would only push older keys out of the LRU. */
static __always_inline bool mergeable(const struct ft_merge_key *key)
{
	return opt_merge() && !(key->flags & FT_F_CREATED);
}

/* True when an identical event (same session, path, inode, kind and flags)
 * was sent since the last namespace change by the tree: it is merged into
 * that one (and counted so). The path is named by its dentry and mount, so
 * two hard links or two bind mounts of one inode are never merged into each
 * other. */
static __always_inline bool merge_key_lookup(const struct ft_merge_key *key)
{
	if (!mergeable(key))
		return false;
	struct ft_merge_key *cached = merge_cache_slot(key);
	if (cached && merge_keys_equal(cached, key)) {
		COUNT(merged);
		return true;
	}
	if (!bpf_map_lookup_elem(&merged, key))
		return false;
	if (cached)
		*cached = *key;
	COUNT(merged);
	return true;
}

/* Identical events from now on are merged into this one. */
static __always_inline void merge_key_insert(const struct ft_merge_key *key)
{
	__u8 one = 1;

	if (!mergeable(key))
		return;
	bpf_map_update_elem(&merged, key, &one, BPF_ANY);
	struct ft_merge_key *cached = merge_cache_slot(key);
	if (cached)
		*cached = *key;
}

static __always_inline bool merge_key_seen(const struct ft_merge_key *key)
{
	if (merge_key_lookup(key))
		return true;
	merge_key_insert(key);
	return false;
}

static __always_inline bool merge_seen(__u32 type, struct ft_file_view *v, __u32 flags)
{
	if (!opt_merge())
		return false;
	struct ft_merge_key key = merge_key_of(type, v, flags);
	return merge_key_seen(&key);
}

static __always_inline void namespace_changed(void)
{
	__sync_fetch_and_add(&merge_generation, 1);
}

static __always_inline struct ft_scratch *record_begin(__u32 type)
{
	struct ft_scratch *s = get_scratch();
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (!s)
		return NULL;
	__builtin_memset(&s->rec, 0, sizeof(s->rec));
	s->rec.type = type;
	s->rec.hdr_size = sizeof(struct ft_record);
	s->rec.time_ns = bpf_ktime_get_boot_ns();
	s->rec.pid = pid_tgid >> 32;
	s->rec.tid = (__u32)pid_tgid;
	s->rec.session = s->session;
	s->used = 0;
	return s;
}

/* Returns true when the record reached the ring buffer. A record that did
 * not is counted as lost, except the internal end-of-tree marker: the reader
 * sees the tree end through live_procs too, and it is no event of the tree. */
static __always_inline bool record_submit(struct ft_scratch *s, bool wake)
{
	__u64 size = sizeof(struct ft_record) + s->used;
	__u64 flags = BPF_RB_NO_WAKEUP;

	if (size > sizeof(struct ft_record) + FT_DATA_SIZE)
		size = sizeof(struct ft_record);
	/* Wake the reader when this record crosses a multiple of the
	 * threshold, not with every record above it (a reader that is behind
	 * would be woken per record). Two CPUs can both miss a crossing; the
	 * reader's timer catches up then. */
	__u64 avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	if (wake || avail / cfg_wakeup_bytes != (avail + size) / cfg_wakeup_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	if (bpf_ringbuf_output(&events, &s->rec, size, flags) == 0) {
		COUNT(emitted);
		return true;
	}
	if (s->rec.type != FT_TREE_END)
		COUNT(lost);
	return false;
}

/* Appends a NUL-terminated string, from user or kernel memory, as the
 * next slot. */
static __always_inline void append_str(struct ft_scratch *s, const char *str, __u32 slot, bool user)
{
	__u32 off = s->used;
	if (off > 3 * FT_PATH_MAX) {
		slot_unreadable(s, slot);
		return;
	}
	char *dst = s->data + (off & FT_DATA_MASK);
	long n = user ? bpf_probe_read_user_str(dst, FT_PATH_MAX, str)
		      : bpf_probe_read_kernel_str(dst, FT_PATH_MAX, str);
	if (n <= 0) {
		slot_unreadable(s, slot);
		return;
	}
	n -= 1;  /* drop the NUL */
	if (n == FT_PATH_MAX - 1) {  /* longest name, or cut: look one byte on */
		char next = 0;
		if (user)
			bpf_probe_read_user(&next, 1, str + n);
		else
			bpf_probe_read_kernel(&next, 1, str + n);
		if (next)
			s->rec.flags |= FT_F_SLOT_TRUNC(slot & 3);
	}
	s->rec.slot_len[slot & 3] = n;
	s->used = off + n;
}

static __always_inline void append_user_str(struct ft_scratch *s, const char *ustr, __u32 slot)
{
	append_str(s, ustr, slot, true);
}

static __always_inline void append_kernel_str(struct ft_scratch *s, const char *kstr, __u32 slot)
{
	append_str(s, kstr, slot, false);
}

/* Appends len bytes of user memory (argv) as the next slot. */
static __always_inline void append_user_bytes(struct ft_scratch *s, const void *uptr, __u64 len, __u32 slot)
{
	__u32 off = s->used;
	if (off > 3 * FT_PATH_MAX)
		return;
	if (len > FT_ARGV_MAX) {
		len = FT_ARGV_MAX;
		s->rec.flags |= FT_F_ARGV_TRUNC;
	}
	if (bpf_probe_read_user(s->data + (off & FT_DATA_MASK), len, uptr) != 0) {
		s->rec.flags |= FT_F_ARGV_TRUNC;  /* unreadable: reported as cut, not as empty */
		return;
	}
	s->rec.slot_len[slot & 3] = len;
	s->used = off + len;
}

#endif

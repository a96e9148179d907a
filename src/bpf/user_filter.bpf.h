/* User filters (--filter-bpf): staging a record for the chain of user
 * programs, and committing it afterwards.
 *
 * A tail call never returns, so a handler that has a record for the
 * filters does not buffer it: it stages it (the record stays in the per-CPU
 * scratch; a copy of its header and paths goes to ft_filter_events, which
 * the filters read), and as the last thing it does tail-calls entry 0 of
 * ft_filter_chain. Each filter tail-calls the next; the last entries hold
 * commit_filtered (fantrace.bpf.c), which merges and buffers what was kept
 * and records the verdict on the file's state, so the file's later modify
 * and close follow it without another trip through the chain.
 *
 * Only the handler variants built with FT_WITH_FILTERS (the *_f programs,
 * loaded instead of the plain ones when filters are given) stage records:
 * the default programs contain no tail call, and cfg_user_filters is false
 * for them, so the verifier removes every staging branch. */
#ifndef FANTRACE_USER_FILTER_BPF_H
#define FANTRACE_USER_FILTER_BPF_H

#include "common.bpf.h"
#define FANTRACE_INTERNAL
#include "fantrace/filter.bpf.h"

const volatile bool cfg_user_filters = false;

/* What the commit needs besides the record: the merge key and the file
 * whose state takes the verdict. */
struct ft_stage {
	struct ft_merge_key key;
	__u64 file;          /* struct file * of open/modify/close, else 0 */
	__u32 mergeable;
	__u32 is_open;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ft_stage);
} filter_stage SEC(".maps");

/* ft_file_state.verdict */
enum ft_file_verdict {
	VERDICT_NONE = 0,    /* no record of the file went through the filters */
	VERDICT_KEPT,
	VERDICT_DROPPED,     /* dropped_by says by which filter */
};

/* emit_file_event's `how` */
#define EMIT_MERGE 1u    /* may be merged with an identical event */
#define EMIT_CHAIN 2u    /* called from a handler that runs the filter chain */

static __always_inline bool staging(__u32 how)
{
	return cfg_user_filters && (how & EMIT_CHAIN);
}

static __always_inline void count_user_drop(__u32 filter)
{
	COUNT(filtered_user[filter & (FT_FILTER_MAX - 1)]);
}

static __always_inline struct ft_filter_event *filter_event(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&ft_filter_events, &zero);
}

/* Copies slot `name` of the record, after slot `base` and a '/' when the
 * base is not empty (a name given relative to a directory), into dst. */
static __always_inline __u32 join_slots(struct ft_scratch *s, char *dst, __u32 base, __u32 name)
{
	__u32 off_base = 0, off_name = 0;
	for (__u32 k = 0; k < FT_SLOTS; k++) {
		if (k < base)
			off_base += s->rec.slot_len[k];
		if (k < name)
			off_name += s->rec.slot_len[k];
	}
	__u32 blen = s->rec.slot_len[base & 3] & FT_PATH_MASK;
	__u32 nlen = s->rec.slot_len[name & 3] & FT_PATH_MASK;
	__u32 len = 0;
	if (blen) {
		bpf_probe_read_kernel(dst, blen, s->data + (off_base & FT_DATA_MASK));
		len = blen;
		if (nlen)
			dst[len++ & (FT_FILTER_PATH_MAX - 1)] = '/';
	}
	if (nlen) {
		bpf_probe_read_kernel(dst + (len & FT_PATH_MASK), nlen, s->data + (off_name & FT_DATA_MASK));
		len += nlen;
	}
	dst[len & (FT_FILTER_PATH_MAX - 1)] = 0;
	return len;
}

/* Stages the record in s for the chain. key/file: see struct ft_stage. */
static __noinline void stage_record(struct ft_scratch *s, const struct ft_merge_key *key, __u64 file, bool is_open)
{
	__u32 zero = 0;
	struct ft_filter_event *ev = filter_event();
	struct ft_stage *st = bpf_map_lookup_elem(&filter_stage, &zero);

	if (!ev || !st)
		return;
	if (ev->pending)  /* the last chain on this CPU broke off: its record is lost */
		COUNT(lost);
	__builtin_memcpy(&ev->rec, &s->rec, sizeof(ev->rec));
	__u32 type = s->rec.type;
	if (type == FT_OPEN || type == FT_MODIFY || type == FT_CLOSE) {
		ev->path_len = join_slots(s, ev->path, 0, 3);  /* slot 0 (slot 3 is empty) */
		ev->path2_len = 0;
		ev->path2[0] = 0;
	} else {
		ev->path_len = join_slots(s, ev->path, 0, 1);
		ev->path2_len = join_slots(s, ev->path2, 2, 3);
	}
	ev->verdict = FT_KEEP;
	ev->dropped_by = 0;
	ev->next = 0;
	ev->pending = 1;
	st->mergeable = key != NULL;
	if (key)
		st->key = *key;
	st->file = file;
	st->is_open = is_open;
}

#endif

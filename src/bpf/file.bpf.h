/* Files of the current task: fd lookup in the task's own fd table, the
 * reference count that tells a last close, and inode facts for events. */
#ifndef FANTRACE_FILE_BPF_H
#define FANTRACE_FILE_BPF_H

#include "common.bpf.h"

/* 6.13 replaced f_count (atomic_long_t, 1 = one reference) with f_ref
 * (file_ref_t, 0 = one reference). Both flavours are spelled out so the
 * object builds against any kernel's vmlinux.h. */
struct file___v613 {
	struct {
		struct {
			__s64 counter;
		} refcnt;
	} f_ref;
} __attribute__((preserve_access_index));
struct file___pre613 {
	struct {
		__s64 counter;
	} f_count;
} __attribute__((preserve_access_index));

/* 6.11 split i_mtime into i_mtime_sec/i_mtime_nsec; 6.6 renamed it __i_mtime. */
struct inode___v611 {
	__s64 i_mtime_sec;
	__u32 i_mtime_nsec;
} __attribute__((preserve_access_index));
struct inode___pre66 {
	struct timespec64 i_mtime;
} __attribute__((preserve_access_index));
struct inode___pre611 {
	struct timespec64 __i_mtime;
} __attribute__((preserve_access_index));

/* The current task's table is read through its BTF pointer: plain loads
 * the verifier makes safe, instead of a helper call per field (probe
 * reads in the compat object, FT_LOAD). */
static __always_inline struct file *current_fd_file(__s64 fd)
{
	struct task_struct *task = current_task();
	struct file *file = NULL;

	if (fd < 0)
		return NULL;
	struct files_struct *files = FT_LOAD(task, files);
	if (!files)
		return NULL;
	struct fdtable *fdt = FT_LOAD(files, fdt);
	if (!fdt || fd >= FT_LOAD(fdt, max_fds))
		return NULL;
	struct file **fdarray = FT_LOAD(fdt, fd);
	bpf_probe_read_kernel(&file, sizeof(file), &fdarray[fd]);
	return file;
}

/* Number of references to the file (fd table slots, mmaps, in-flight I/O). */
static __always_inline long file_refs(struct file *file)
{
	struct file___v613 *cur = (void *)file;
	if (bpf_core_field_exists(cur->f_ref))
		return BPF_CORE_READ(cur, f_ref.refcnt.counter) + 1;
	struct file___pre613 *old = (void *)file;
	return BPF_CORE_READ(old, f_count.counter);
}

/* One probe read per kernel object instead of one per field: the fields
 * fantrace reads of a struct file, an inode and a super block each lie
 * within a hundred-odd bytes (file 4-80, inode 0-120, super block 16-104
 * on 6.18), so the span from the first to the last is copied once into the
 * per-CPU scratch (raw; the super block's only when needed) and the fields are taken from it at their CO-RE
 * offsets, which follow the running kernel's layout. A helper call costs
 * more than the bytes it copies: a sent open went from twelve reads to
 * three. The span's start is rounded down to 8 bytes, so every field keeps
 * its natural alignment in raw. */
#define FT_MIN(a, b) ((a) < (b) ? (a) : (b))
#define FT_MAX(a, b) ((a) > (b) ? (a) : (b))
#define FT_OFF(type, field) ((__u32)bpf_core_field_offset(type, field))
#define FT_RAW(s, lo, off, type) (*(type *)((s)->raw + ((off) - (lo))))

/* Copies [lo & ~7, hi) of obj into s->raw; returns the start, or -1 when
 * the span does not fit (a layout no supported kernel has: the caller
 * reports nothing, and the event is counted as lost). */
static __always_inline long read_span(struct ft_scratch *s, const void *obj, __u32 lo, __u32 hi)
{
	lo &= ~7u;
	if (hi <= lo || hi - lo > FT_RAW_SIZE) {
		COUNT(lost);
		return -1;
	}
	if (bpf_probe_read_kernel(s->raw, hi - lo, obj + lo) != 0)
		return -1;
	return lo;
}

static __always_inline int read_file_view(struct ft_file_view *v, struct file *file)
{
	struct ft_scratch *s = get_scratch();
	if (!s)
		return -1;

	__u32 mode = FT_OFF(struct file, f_mode), ind = FT_OFF(struct file, f_inode);
	__u32 path = FT_OFF(struct file, f_path);
	long lo = read_span(s, file, FT_MIN(FT_MIN(mode, ind), path),
			    FT_MAX(FT_MAX(mode + 4, ind + 8), path + 16));
	if (lo < 0)
		return -1;
	struct inode *inode = FT_RAW(s, lo, ind, struct inode *);
	v->file = file;
	v->inode = inode;
	v->f_mode = FT_RAW(s, lo, mode, __u32);
	v->path.mnt = FT_RAW(s, lo, path + FT_OFF(struct path, mnt), struct vfsmount *);
	v->path.dentry = FT_RAW(s, lo, path + FT_OFF(struct path, dentry), struct dentry *);
	if (!inode)
		return -1;

	/* 6.11 split i_mtime into i_mtime_sec/i_mtime_nsec; 6.6 renamed it __i_mtime */
	__u32 msec, mnsec;
	if (bpf_core_field_exists(struct inode___v611, i_mtime_sec)) {
		msec = FT_OFF(struct inode___v611, i_mtime_sec);
		mnsec = FT_OFF(struct inode___v611, i_mtime_nsec);
	} else if (bpf_core_field_exists(struct inode___pre611, __i_mtime)) {
		msec = FT_OFF(struct inode___pre611, __i_mtime.tv_sec);
		mnsec = FT_OFF(struct inode___pre611, __i_mtime.tv_nsec);
	} else {
		msec = FT_OFF(struct inode___pre66, i_mtime.tv_sec);
		mnsec = FT_OFF(struct inode___pre66, i_mtime.tv_nsec);
	}
	__u32 imode = FT_OFF(struct inode, i_mode), sb = FT_OFF(struct inode, i_sb);
	__u32 ino = FT_OFF(struct inode, i_ino), size = FT_OFF(struct inode, i_size);
	lo = read_span(s, inode, FT_MIN(FT_MIN(imode, sb), FT_MIN(FT_MIN(ino, size), FT_MIN(msec, mnsec))),
		       FT_MAX(FT_MAX(FT_MAX(imode + 2, sb + 8), FT_MAX(ino + 8, size + 8)),
			      FT_MAX(msec + 8, mnsec + 4)));
	if (lo < 0)
		return -1;
	v->super = FT_RAW(s, lo, sb, struct super_block *);
	v->have_super = 0;
	v->i_mode = FT_RAW(s, lo, imode, __u16);
	v->ino = FT_RAW(s, lo, ino, __u64);
	v->size = FT_RAW(s, lo, size, __u64);
	v->mtime_sec = FT_RAW(s, lo, msec, __s64);
	v->mtime_nsec = FT_RAW(s, lo, mnsec, __u32);  /* a long before 6.6: its low half */
	return v->super ? 0 : -1;
}

/* The super block's device and magic, read when first needed: a merged
 * event (most of a build's) never needs them. Zero when unreadable. */
static __always_inline void view_super(struct ft_file_view *v)
{
	struct ft_scratch *s = get_scratch();

	if (v->have_super || !s)
		return;
	v->have_super = 1;
	v->dev = 0;
	v->magic = 0;
	__u32 dev = FT_OFF(struct super_block, s_dev), magic = FT_OFF(struct super_block, s_magic);
	long lo = read_span(s, v->super, FT_MIN(dev, magic), FT_MAX(dev + 4, magic + 8));
	if (lo < 0)
		return;
	v->dev = FT_RAW(s, lo, dev, __u32);
	v->magic = FT_RAW(s, lo, magic, __u64);
}

static __always_inline void fill_inode(struct ft_record *rec, struct ft_file_view *v)
{
	view_super(v);
	rec->dev = v->dev;
	rec->ino = v->ino;
	rec->size = v->size;
	rec->mode = v->i_mode;
	rec->mtime_sec = v->mtime_sec;
	rec->mtime_nsec = v->mtime_nsec;
}

#endif

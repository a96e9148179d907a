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

/* What the handlers need of a struct file, read once. */
struct ft_file_view {
	struct file *file;
	struct inode *inode;
	struct path path;   /* mnt, dentry */
	__u64 ino;
	__u32 f_mode;
	__u32 i_mode;
};

static __always_inline int read_file_view(struct ft_file_view *v, struct file *file)
{
	/* locals, not v->...: CO-RE reads must name kernel types only */
	struct inode *inode = BPF_CORE_READ(file, f_inode);

	v->file = file;
	v->inode = inode;
	v->f_mode = BPF_CORE_READ(file, f_mode);
	if (bpf_core_read(&v->path, sizeof(v->path), &file->f_path) != 0 || !inode)
		return -1;
	v->i_mode = BPF_CORE_READ(inode, i_mode);
	v->ino = BPF_CORE_READ(inode, i_ino);
	return 0;
}

static __always_inline void fill_inode(struct ft_record *rec, const struct ft_file_view *v)
{
	struct inode *inode = v->inode;

	rec->dev = BPF_CORE_READ(inode, i_sb, s_dev);
	rec->ino = v->ino;
	rec->size = BPF_CORE_READ(inode, i_size);
	rec->mode = v->i_mode;
	struct inode___v611 *v611 = (void *)inode;
	if (bpf_core_field_exists(v611->i_mtime_sec)) {
		rec->mtime_sec = BPF_CORE_READ(v611, i_mtime_sec);
		rec->mtime_nsec = BPF_CORE_READ(v611, i_mtime_nsec);
	} else if (bpf_core_field_exists(struct inode___pre611, __i_mtime)) {
		struct inode___pre611 *i = (void *)inode;
		rec->mtime_sec = BPF_CORE_READ(i, __i_mtime.tv_sec);
		rec->mtime_nsec = BPF_CORE_READ(i, __i_mtime.tv_nsec);
	} else {
		struct inode___pre66 *i = (void *)inode;
		rec->mtime_sec = BPF_CORE_READ(i, i_mtime.tv_sec);
		rec->mtime_nsec = BPF_CORE_READ(i, i_mtime.tv_nsec);
	}
}

#endif

/* Canonical paths from the kernel's own dentries, the way d_path() builds
 * them: walk d_parent up to the mount root, cross to the parent mount at
 * its mountpoint, stop at the task's root (so a chrooted task sees paths
 * relative to its root). The name is built backwards into pathbuf, ending
 * at FT_PATH_MAX; a path longer than that, or deeper than FT_PATH_DEPTH,
 * is marked truncated, never shortened silently. */
#ifndef FANTRACE_PATH_BPF_H
#define FANTRACE_PATH_BPF_H

#include "common.bpf.h"

static __always_inline int read_dentry_head(struct ft_dentry_head *head, struct dentry *dentry)
{
	__u64 parent_off = bpf_core_field_offset(struct dentry, d_parent);
	if (bpf_core_field_offset(struct dentry, d_name) == parent_off + sizeof(void *))
		return bpf_probe_read_kernel(head, sizeof(*head), (void *)dentry + parent_off);
	head->parent = BPF_CORE_READ(dentry, d_parent);
	head->len = BPF_CORE_READ(dentry, d_name.len);
	head->name = BPF_CORE_READ(dentry, d_name.name);
	return 0;
}

static __always_inline struct mount *real_mount(struct vfsmount *vfsmnt)
{
	return (struct mount *)((void *)vfsmnt - bpf_core_field_offset(struct mount, mnt));
}

/* One step of the walk: a name, or a mount crossing. 1 ends the walk. */
static __always_inline long prepend_name(struct ft_path_walk *w, struct ft_scratch *s)
{
	struct dentry *dentry = w->dentry;
	struct vfsmount *vfsmnt = w->vfsmnt;

	if (dentry == w->root_dentry && vfsmnt == w->root_mnt)
		goto done;

	if (dentry == w->mnt_root) {
		struct mount *mnt = real_mount(vfsmnt);
		struct mount *parent = BPF_CORE_READ(mnt, mnt_parent);

		if (parent == mnt)  /* the root of this mount namespace */
			goto done;
		struct vfsmount *next = (struct vfsmount *)((void *)parent +
				bpf_core_field_offset(struct mount, mnt));
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->vfsmnt = next;
		w->mnt_root = BPF_CORE_READ(next, mnt_root);
		return 0;
	}

	/* in the scratch, as all of the walk's state: the walk is the deepest
	 * frame of every chain of calls, which kernels before 6.13 add up
	 * against 512 bytes (check_stack_depth) */
	struct ft_dentry_head *head = &s->walk_head;
	if (read_dentry_head(head, dentry) != 0)
		goto done;
	struct dentry *parent = head->parent;
	/* A dentry that is its own parent is a file system's root (a detached
	 * tree's), or the only dentry of a pseudo file (memfd, pipe, socket):
	 * that one's name is its path, "/memfd:NAME" as d_path says. */
	bool last = parent == dentry;
	if (last) {
		bpf_probe_read_kernel(&s->walk_sb, sizeof(s->walk_sb),
				      (void *)dentry + bpf_core_field_offset(struct dentry, d_sb));
		bpf_probe_read_kernel(&s->walk_sb, sizeof(s->walk_sb),
				      (void *)s->walk_sb + bpf_core_field_offset(struct super_block, s_root));
		if (s->walk_sb == (__u64)dentry)
			goto done;
	}

	__u32 len = head->len;
	if (len > FT_NAME_MAX)
		len = FT_NAME_MAX;
	__s32 pos = w->pos - (__s32)len - 1;
	if (pos < 0) {
		w->truncated = 1;
		return 1;
	}
	bpf_probe_read_kernel(s->pathbuf + ((pos + 1) & FT_PATH_MASK), len & FT_NAME_MAX, head->name);
	s->pathbuf[pos & FT_PATH_MASK] = '/';
	w->pos = pos;
	w->dentry = parent;
	if (last)
		goto done;
	return 0;
done:
	w->done = 1;
	return 1;
}

/* The walk's state is in the scratch map. No bpf_loop before 5.17: a
 * bounded loop whose step is a global function without arguments, which
 * 5.10 verifies once per program (a loop body is verified again for
 * every iteration). */
#ifdef FT_COMPAT_510
__noinline int prepend_name_step(void)
#else
static long prepend_name_step(__u32 index, void *ctx)
#endif
{
	struct ft_scratch *s = get_scratch();

	return s ? prepend_name(&s->walk, s) : 1;
}

/* Where a path walk stops. */
enum ft_walk_until {
	WALK_TASK_ROOT = 0,  /* the task's root: the path as the task sees it */
	WALK_NS_ROOT,        /* its mount namespace's root (a chroot's new root) */
	WALK_FS_ROOT,        /* the root of the file system, crossing no mount: the
	                      * path a file has on its device, whatever mounted it */
};

/* A mount_root that no dentry is: the walk never crosses a mount. */
#define FT_NO_MOUNT_CROSSING ((struct dentry *)1)

/* Appends the canonical path of (dentry, vfsmnt) as the next slot, up to
 * the root `until` names. */
static __noinline int append_path_walk(struct ft_scratch *s, struct dentry *dentry,
				       struct vfsmount *vfsmnt, __u32 slot, __u32 until)
{
	struct task_struct *task = current_task();
	struct fs_struct *fs = FT_LOAD(task, fs);
	if (!fs) {
		slot_unreadable(s, slot);
		return -1;
	}
	struct ft_path_walk *w = &s->walk;
	w->dentry = dentry;
	w->vfsmnt = vfsmnt;
	w->root_dentry = until != WALK_TASK_ROOT ? NULL : FT_LOAD(fs, root.dentry);
	w->root_mnt = until != WALK_TASK_ROOT ? NULL : FT_LOAD(fs, root.mnt);
	w->mnt_root = until == WALK_FS_ROOT ? FT_NO_MOUNT_CROSSING : BPF_CORE_READ(vfsmnt, mnt_root);
	w->pos = FT_PATH_MAX;
	w->done = 0;
	w->truncated = 0;
#ifdef FT_COMPAT_510
	for (__u32 i = 0; i < FT_PATH_DEPTH; i++)
		if (prepend_name_step())
			break;
#else
	bpf_loop(FT_PATH_DEPTH, prepend_name_step, NULL, 0);
#endif
	if (!w->done)
		w->truncated = 1;
	if (w->pos >= FT_PATH_MAX) {  /* the root itself */
		s->pathbuf[(FT_PATH_MAX - 1) & FT_PATH_MASK] = '/';
		w->pos = FT_PATH_MAX - 1;
	}
	if (w->truncated) {
		s->rec.flags |= FT_F_SLOT_TRUNC(slot & 3);
		COUNT(path_truncated);
	}

	__u32 off = s->used;
	__u64 pos = w->pos & FT_PATH_MASK;
	__u64 len = FT_PATH_MAX - pos;
	if (off > 3 * FT_PATH_MAX || len > FT_PATH_MAX || len == 0) {
		slot_unreadable(s, slot);
		return -1;
	}
	bpf_probe_read_kernel(s->data + (off & FT_DATA_MASK), len, s->pathbuf + pos);
	s->rec.slot_len[slot & 3] = len;
	s->used = off + len;
	return 0;
}

static __always_inline int append_path(struct ft_scratch *s, struct dentry *dentry,
				       struct vfsmount *vfsmnt, __u32 slot)
{
	return append_path_walk(s, dentry, vfsmnt, slot, WALK_TASK_ROOT);
}

/* A mount of another mount namespace than the tracer's (made by the tree
 * in a namespace of its own, or a detached tree): its paths do not name
 * the file in the tracer's namespace. The answer for the last mount asked
 * about is kept per CPU, while the tree changes no mount (merge_generation). */
static __always_inline bool mount_foreign(struct ft_scratch *s, struct vfsmount *vfsmnt)
{
	if (!cfg_mnt_ns)
		return false;
	__u64 generation = merge_generation;
	if (s->ns_mnt == (__u64)vfsmnt && s->ns_generation == generation)
		return s->ns_foreign;
	__u32 inum = BPF_CORE_READ(real_mount(vfsmnt), mnt_ns, ns.inum);
	s->ns_mnt = (__u64)vfsmnt;
	s->ns_generation = generation;
	s->ns_foreign = inum != cfg_mnt_ns;
	return s->ns_foreign;
}

static __always_inline int append_file_path(struct ft_scratch *s, struct file *file, __u32 slot)
{
	return append_path(s, BPF_CORE_READ(file, f_path.dentry), BPF_CORE_READ(file, f_path.mnt), slot);
}

#endif

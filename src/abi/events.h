/* The event ABI between the BPF programs (src/bpf) and the C++ decoder
 * (src/lib/decoder.cc). Plain C, fixed-width types, explicit padding.
 *
 * A record is one ft_record header followed by up to FT_SLOTS byte strings
 * laid end to end (no NULs between them); slot_len[k] gives each length.
 * What a slot holds depends on the record type (see FT_SLOT_* below).
 *
 * Change this file and src/lib/decoder.cc together: both sides assert
 * the size of the header. */
#ifndef FANTRACE_ABI_EVENTS_H
#define FANTRACE_ABI_EVENTS_H

#ifdef __BPF__
/* vmlinux.h already provides __u8.. __u64 */
#else
#include <linux/types.h>
#endif

enum ft_type {
	FT_EXEC = 1,      /* slot0 exe path, slot1 filename as given, slot2 argv (NUL-separated);
	                     with FT_F_SCRIPT slot3 is the cwd: slot1 named a #! script
	                     (or binfmt_misc file) and slot0 is its interpreter */
	FT_FORK = 2,      /* pid = child tgid, aux = parent tgid */
	FT_EXIT = 3,      /* aux = kernel exit code (wait status) */
	FT_OPEN = 4,      /* slot0 path; dev, ino, size, mtime, mode, flags; aux = open id */
	FT_MODIFY = 5,    /* slot0 path; dev, ino; with FT_F_PATH_FROM_OPEN as close */
	FT_CLOSE = 6,     /* slot0 path; dev, ino, size, mtime, flags & FT_F_WRITTEN;
	                     aux = id of the reported open (0 if none); with
	                     FT_F_PATH_FROM_OPEN slot0 is empty: the open's path */
	FT_RENAME = 7,    /* slot0 old base dir, slot1 old name, slot2 new base dir, slot3 new name */
	FT_UNLINK = 8,    /* slot0 base dir, slot1 name */
	FT_RMDIR = 9,     /* slot0 base dir, slot1 name */
	FT_MKDIR = 10,    /* slot0 base dir, slot1 name */
	FT_LINK = 11,     /* slot0 old base, slot1 old name, slot2 new base, slot3 new name;
	                     when FT_F_TARGET_FILE: slot0 is the resolved path of the
	                     existing file (linkat AT_EMPTY_PATH, /proc/self/fd/N), slot1 empty */
	FT_SYMLINK = 12,  /* slot1 link text as given (slot0 empty), slot2 new base, slot3 new name */
	FT_TRUNCATE = 13, /* slot0 base dir, slot1 name */
	FT_UNTRACED = 14, /* aux = reason (enum ft_untrace_reason) */
	FT_TREE_END = 15, /* internal: the last traced task has exited */
	FT_CHROOT = 16,   /* slot0 the new root, absolute from the mount namespace's root */
	/* Lookups (only with --probes or named in --events): the name as given
	 * comes first, so the kernel can merge on it before it resolves the
	 * base directory. */
	FT_STAT = 17,     /* slot0 name as given, slot1 base dir; dev, ino when the
	                     call returned them (the stat family), else 0 */
	FT_READDIR = 18,  /* slot0 the directory's path; dev, ino */
	FT_MISSING = 19,  /* slot0 name as given, slot1 base dir */
	FT_ATTRIB = 20,   /* slot0 base dir, slot1 name; or, by fd, slot0 the file's
	                     path and slot1 empty, or with FT_F_PATH_FROM_OPEN no
	                     slot and aux the open's id; FT_SUBKIND = enum ft_attrib_what */
	FT_MKNOD = 21,    /* slot0 base dir, slot1 name; FT_SUBKIND = the node's
	                     S_IFMT bits >> 12 (0: a regular file) */
	FT_MOUNT = 22,    /* aux = enum ft_mount_what; slot0 target base dir, slot1 target
	                     as given, slot2 source base dir, slot3 source as given
	                     (a path when FT_F_SOURCE_PATH, else the device string) */
	/* internal, never an event: the result of an io_uring name operation
	 * (rename, unlink, mkdir, link, symlink) sent at its submission with
	 * FT_F_IO_URING and aux = the request; aux = that request, size = its
	 * result (0: done, the held event stands; else dropped) */
	FT_URING_DONE = 23,
	FT_TYPE_MAX
};

/* For path-string events (rename, unlink, ...) the kernel resolves the base
 * directory (dirfd or cwd) from its dentry; the name is the string the task
 * passed. An empty base with an absolute name means the task's root. */

/* attrib: what changed (FT_SUBKIND of the record's flags) */
enum ft_attrib_what {
	FT_ATTR_MODE = 1,   /* chmod family */
	FT_ATTR_OWNER = 2,  /* chown family */
	FT_ATTR_TIMES = 3,  /* utime family */
	FT_ATTR_XATTR = 4,  /* setxattr/removexattr families */
};

/* What an FT_MOUNT record reports: a change of the mounts the task sees. */
enum ft_mount_what {
	FT_MOUNT_MOUNT = 1,  /* mount(2), remount and propagation changes included */
	FT_MOUNT_UMOUNT,     /* umount2(2) */
	FT_MOUNT_MOVE,       /* move_mount(2), mount(2) with MS_MOVE */
	FT_MOUNT_PIVOT_ROOT, /* pivot_root(2): target new_root, source put_old */
	FT_MOUNT_UNSHARE,    /* unshare(2) with CLONE_NEWNS */
	FT_MOUNT_SETNS,      /* setns(2) into a mount namespace */
	FT_MOUNT_CLONE,      /* a fork/clone/clone3 with CLONE_NEWNS: pid is the child */
};

enum ft_untrace_reason {
	FT_UNTRACE_SETID = 1, /* exec changed credentials (setuid/setgid/caps) */
	FT_UNTRACE_COMPAT = 2, /* exec'd a 32-bit program (i386 on x86-64, AArch32
	                          on arm64): its syscalls fire no syscall tracepoints */
};

/* flags */
#define FT_F_READ        (1u << 0)  /* opened with read access */
#define FT_F_WRITE       (1u << 1)  /* opened with write access */
#define FT_F_CREATED     (1u << 2)  /* open created the file */
#define FT_F_TRUNCATED   (1u << 3)  /* O_TRUNC on a regular file opened for writing */
#define FT_F_WRITTEN     (1u << 4)  /* close: the file was modified while open */
#define FT_F_TARGET_FILE (1u << 5)  /* link: slot0 is a resolved file path */
#define FT_F_DIR_OP      (1u << 6)  /* rename/unlink: AT_REMOVEDIR or directory */
#define FT_F_AT_EXIT     (1u << 7)  /* close: found open when the process exited */
#define FT_F_ARGV_TRUNC  (1u << 8)  /* exec: argv longer than FT_ARGV_MAX */
#define FT_F_PATH_FROM_OPEN (1u << 9) /* modify/close/attrib: path is that of open id aux */
#define FT_F_EXCHANGE    (1u << 10) /* rename: RENAME_EXCHANGE swapped the two names */
#define FT_F_SCRIPT      (1u << 11) /* exec: the file exec'd was run by an interpreter */
#define FT_F_IO_URING    (1u << 12) /* done through io_uring, not a syscall; on a name
                                       event aux is the request, held until its
                                       FT_URING_DONE */
/* bits 24-27: a small number whose meaning depends on the record type */
#define FT_SUBKIND_SHIFT 24
#define FT_F_SUBKIND(n)  (((__u32)(n) & 0xf) << FT_SUBKIND_SHIFT)
#define FT_SUBKIND(flags) (((flags) >> FT_SUBKIND_SHIFT) & 0xf)
#define FT_F_SCM_RIGHTS  (1u << 13) /* open: an fd received over a Unix socket */
#define FT_F_AT_EXEC     (1u << 14) /* close: by the exec (close-on-exec, or a mapping
                                       the exec dropped) */
#define FT_F_MEMFD       (1u << 15) /* open/modify/close: a memfd_create file */
/* slot k was cut short (path deeper/longer than the bounds) */
#define FT_F_SLOT_TRUNC(k) (1u << (16 + (k)))

#define FT_F_SOURCE_PATH (1u << 20) /* mount: the source is a path (bind, move) */
#define FT_F_UNMAPPED    (1u << 21) /* close: its last mapping went at munmap */
#define FT_F_FOREIGN_NS  (1u << 22) /* open/modify/close: the file's mount is not in the
                                       tracer's mount namespace; slot1 is its path
                                       from the root of its file system */

#define FT_SLOTS     4
#define FT_PATH_MAX  4096   /* a slot's bytes at most */
#define FT_ARGV_MAX  4096   /* argv bytes kept per exec */

struct ft_record {
	__u16 type;        /* enum ft_type */
	__u16 hdr_size;    /* sizeof(struct ft_record), for decoder checks */
	__u32 flags;       /* FT_F_* */
	__u64 time_ns;     /* bpf_ktime_get_boot_ns() */
	__u32 pid;         /* tgid, initial pid namespace */
	__u32 tid;
	__s64 aux;         /* type-specific: ppid, exit code, reason */
	__u64 dev;         /* kernel encoding: major << 20 | minor */
	__u64 ino;
	__u64 size;        /* i_size */
	__s64 mtime_sec;
	__u32 mtime_nsec;
	__u32 mode;        /* i_mode */
	__u16 slot_len[FT_SLOTS];
	__u32 session;     /* the session slot of the traced tree (fantraced) */
	__u32 reserved;
	/* followed by the slot bytes */
};

#define FT_RECORD_SIZE 88

#ifdef __cplusplus
static_assert(sizeof(struct ft_record) == FT_RECORD_SIZE, "ft_record ABI size");
#else
_Static_assert(sizeof(struct ft_record) == FT_RECORD_SIZE, "ft_record ABI size");
#endif

/* One loaded engine serves up to FT_SESSION_MAX traced trees at once
 * (fantraced): each traced process belongs to a session slot, inherited on
 * fork; records carry it, and counters and the live count are per slot.
 * The in-process tracer uses slot 0 only. */
#define FT_SESSION_MAX 64

/* The merge cache (src/bpf/emit.bpf.h) remembers this many merge keys per
 * CPU; userspace sizes its map for the machine's CPUs. */
#define FT_MERGE_CACHE_BITS 12
#define FT_MERGE_CACHE (1u << FT_MERGE_CACHE_BITS)

/* The options fantraced sets per session slot (written by userspace into
 * the .bss before the session's first root is added; the in-process
 * tracer sets them as const volatile instead, which the verifier prunes). */
struct ft_session_cfg {
	__u32 event_mask;    /* bit (1 << ft_type) */
	__u8 merge;
	__u8 regular_only;
	__u8 only_written;
	__u8 n_include;      /* --include prefixes, at the slot's base in the prefixes map */
	__u8 n_exclude;      /* --exclude prefixes, FT_PREFIX_MAX after them */
	__u8 pad[3];
};

/* Counters the BPF side keeps in its .bss per session slot (read by
 * userspace). */
struct ft_counters {
	__u64 lost;          /* ring buffer reserve/output failures */
	__u64 merged;        /* events merged away in the kernel */
	__u64 filtered;      /* events dropped by --events (kind) */
	__u64 emitted;       /* records written to the ring buffer */
	__u64 file_state_full; /* open files that could not be tracked */
	__u64 path_truncated;  /* paths cut at a bound */
	__u64 untracked_procs; /* forks not followed: the process map was full */
	__u64 reserved0;       /* unused (name calls were stashed in a map once) */
	__u64 filtered_path;   /* dropped by --include/--exclude */
	__u64 filtered_fs;     /* dropped by --exclude-fs (file system magic) */
	__u64 filtered_comm;   /* dropped by --exclude-comm */
	__u64 filtered_unwritten; /* dropped by --only-written */
	__u64 fd_scan_cut;     /* exits/close_range whose fd table passed the scan
	                        * limit: closes of fds past it may be missing */
	__u64 filtered_user[8];   /* dropped by user filter k (--filter-bpf), FT_FILTER_MAX */
	__u64 uring_undecoded;    /* io_uring file operations of the tree that could
	                           * not be decoded on this kernel (or with user
	                           * filters): their events are missing */
	__u64 pending_full;    /* files closed while still mapped, or close-on-exec at an
	                        * exec, past a process's list: their close may be missing */
	__u64 scm_cut;         /* fds received over a Unix socket past the bound: not reported */
};

#define FT_FS_MAGIC_MAX 32   /* --exclude-fs entries */
#define FT_COMM_MAX     8    /* --exclude-comm entries */
#define FT_COMM_LEN     16   /* TASK_COMM_LEN */

/* ---- user filters (--filter-bpf, include/fantrace/filter.bpf.h) ---- */

#define FT_FILTER_MAX       8      /* --filter-bpf programs chained at most */
#define FT_FILTER_PATH_MAX  8192   /* path buffers: a base dir, '/', a name */

enum ft_verdict {
	FT_KEEP = 0,
	FT_DROP = 1,
};

/* What a user filter sees: one per CPU, filled by fantrace before the
 * chain of filters runs. path (and path2) are NUL-terminated:
 * - open, modify, close: path is the file's canonical path (slot 0);
 * - rename, link: path is the old name, path2 the new one;
 * - unlink, rmdir, mkdir, truncate: path is the name;
 * - symlink: path is the link text as given, path2 the new name;
 * names are the base directory (canonical) joined with the name as the
 * task gave it (not normalised: may hold "." or ".."). */
struct ft_filter_event {
	struct ft_record rec;    /* type, flags, pid, dev, ino, size, mtime, mode */
	__u32 path_len;          /* bytes before the NUL */
	__u32 path2_len;
	__u32 next;              /* fantrace's: chain index of the running filter + 1 */
	__u32 verdict;           /* enum ft_verdict: FT_KEEP until a filter drops it */
	__u32 dropped_by;        /* the index of the filter that dropped it */
	__u32 pending;           /* fantrace's: a record is in the chain */
	char path[FT_FILTER_PATH_MAX];
	char path2[FT_FILTER_PATH_MAX];
};

#endif

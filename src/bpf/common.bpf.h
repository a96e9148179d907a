/* Shared definitions of the BPF side: configuration set by userspace
 * between open and load, counters read by userspace, and the maps. */
#ifndef FANTRACE_COMMON_BPF_H
#define FANTRACE_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "abi/events.h"

#define AT_FDCWD        -100
#define AT_REMOVEDIR    0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_EMPTY_PATH   0x1000
#define O_ACCMODE       00000003
#define O_WRONLY        00000001
#define O_RDWR          00000002
#define O_TRUNC         00001000
#define FMODE_READ      0x1
#define FMODE_WRITE     0x2
#define FMODE_CREATED   (1 << 20)  /* stable since 4.19 */
#define S_IFMT          00170000
#define S_IFREG         0100000
#define S_ISREG(m)      (((m) & S_IFMT) == S_IFREG)
#define PROT_WRITE      0x2
#define MAP_SHARED      0x01
#define MAP_SHARED_VALIDATE 0x03
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#define RENAME_EXCHANGE (1 << 1)
#define ENOENT          2
#define CLONE_NEWNS     0x00020000
#define MS_BIND         4096
#define MS_MOVE         8192
#define NSFS_MAGIC      0x6e736673
#define E2BIG           7
#define ENOMEM          12
#define ENOTDIR         20
#define S_IFDIR         0040000
#define S_ISDIR(m)      (((m) & S_IFMT) == S_IFDIR)

/* The compat object (FT_COMPAT_510) is these sources built for kernels
 * from 5.8 (ring buffers) to 5.16, Debian 11's 5.10 above all: they lack
 * bpf_get_current_task_btf (5.11), bpf_task_pt_regs (5.15) and bpf_loop
 * (5.17), and their verifier takes only scalar or context arguments in a
 * global function (pointers: 5.12) and no fetching atomics (5.12). What it
 * does instead is said where it does it; docs/design.md has the costs. */
#ifdef FT_COMPAT_510
/* the current task is a plain address there: its fields are probe reads */
#define FT_LOAD(ptr, field) BPF_CORE_READ(ptr, field)
/* functions shared by many call sites that take pointers: static, so
 * verified once per call site instead of once per program */
#define FT_SHARED static __noinline
#else
#define FT_LOAD(ptr, field) ((ptr)->field)  /* a BTF pointer: plain loads */
#define FT_SHARED __noinline
#endif

/* Bounds: every loop and buffer has one. */
#define FT_DATA_SIZE    (5 * FT_PATH_MAX)  /* slots at masked offsets < 4*FT_PATH_MAX */
#define FT_DATA_MASK    (4 * FT_PATH_MAX - 1)
#define FT_PATHBUF_SIZE (2 * FT_PATH_MAX)
#define FT_PATH_MASK    (FT_PATH_MAX - 1)
#define FT_NAME_MAX     255
#ifdef FT_COMPAT_510
/* Bounded loops, which the 5.10 verifier walks through once per
 * iteration: each step costs start-up time, so the bounds are smaller. A
 * deeper path is marked truncated like an over-long one; 1024 fds is the
 * default RLIMIT_NOFILE soft limit, past which few processes go. */
#define FT_PATH_DEPTH   512    /* components + mount crossings per path */
#define FT_FD_SCAN_MAX  1024   /* fds looked at when a process exits */
#else
#define FT_PATH_DEPTH   2048   /* components + mount crossings per path */
#define FT_FD_SCAN_MAX  65536  /* fds looked at when a process exits */
#endif
#define FT_RAW_SIZE     1024   /* a span of one kernel object (file.bpf.h) */
#define FT_MEMBER_CACHE 16     /* membership answers a CPU remembers (proc_tree.bpf.h) */
#define FT_PENDING_MAX  16     /* files a process may have waiting for a release (pending) */
#define FT_SCM_FDS_MAX  16     /* fds reported per recvmsg/recvmmsg (SCM_RIGHTS) */
#define FT_CMSG_MAX     4      /* control messages looked at per message */
#define FT_MMSG_MAX     4      /* messages looked at per recvmmsg */
#define FT_PREFIX_MAX   16
#define FT_PREFIX_LEN   256

/* ---- configuration (const volatile: the verifier prunes disabled paths) */
const volatile __u32 cfg_event_mask = 0xffffffff; /* bit (1 << ft_type) */
const volatile bool cfg_merge = true;
const volatile bool cfg_regular_only = true;
const volatile __u64 cfg_wakeup_bytes = 256 * 1024;
const volatile __u32 cfg_n_include = 0;
const volatile __u32 cfg_n_exclude = 0;
const volatile bool cfg_only_written = false;
const volatile __u32 cfg_n_fs_magic = 0;
const volatile __u64 cfg_fs_magic[FT_FS_MAGIC_MAX] = {};
const volatile __u32 cfg_n_comm = 0;
const volatile char cfg_comm[FT_COMM_MAX][FT_COMM_LEN] = {};
/* lookups (stat, readdir, missing) were asked for: their programs are
 * loaded and attached only then, and the open handler's report of a
 * missing file is pruned otherwise (fantraced never sets it) */
const volatile bool cfg_lookups = false;
/* fantraced: the event mask, merging, regular-only and only-written come
 * from session_cfg[slot] instead of the four above */
const volatile bool cfg_per_session = false;
/* The inode number of the tracer's mount namespace (0: not known): a file
 * on a mount of another namespace is also reported by its path from the
 * root of its file system, for the summary to find it (FT_F_FOREIGN_NS). */
const volatile __u32 cfg_mnt_ns = 0;

/* ---- state shared with userspace through the mmapped .bss */
struct ft_counters counters[FT_SESSION_MAX] = {};
__s64 live_procs[FT_SESSION_MAX] = {};  /* processes of each tree still running */
struct ft_session_cfg session_cfg[FT_SESSION_MAX] = {};  /* with cfg_per_session */
__u64 merge_generation = 0;    /* bumped by namespace changes: invalidates merges */
__u64 membership_generation = 0; /* bumped after every change to procs (proc_tree.bpf.h) */

struct ft_proc {
	__u64 start_time;
	__u32 session;                   /* its tree's slot, inherited on fork */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);              /* tgid */
	__type(value, struct ft_proc);
} procs SEC(".maps");

enum ft_open_report {
	OPEN_UNREPORTED = 0,  /* opened before tracing, outside the tree, or open events off */
	OPEN_SENT,            /* its open event was sent: the close may reuse its path */
	OPEN_DROPPED,         /* merged or filtered: so is an unchanged close */
};

struct ft_file_state {
	__u64 inode;                     /* struct inode * the entry was made for */
	__u64 open_id;                   /* the open event's id when OPEN_SENT */
	__u64 open_generation;           /* merge_generation at the open */
	__u8 written;
	__u8 created;                    /* this open created the file */
	__u8 verdict;                    /* enum ft_file_verdict (user filters) */
	__u8 dropped_by;                 /* the user filter that dropped it */
	__u16 open_report;               /* enum ft_open_report */
	__u8 memfd;                      /* made by memfd_create: never an output */
	__u8 mapped;                     /* mapped shared and writable: may outlive its close() */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);              /* struct file * while it is open */
	__type(value, struct ft_file_state);
} files SEC(".maps");

struct ft_merge_key {
	__u64 dentry;
	__u64 mnt;
	__u64 ino;
	__u64 generation;
	__u32 type;
	__u32 flags;
	__u32 session;                   /* never merged across sessions */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(map_flags, BPF_F_NO_COMMON_LRU);  /* per-CPU lists: no shared lock */
	__uint(max_entries, 32768);
	__type(key, struct ft_merge_key);
	__type(value, __u8);
} merged SEC(".maps");

struct ft_prefix {
	__u32 len;
	char bytes[FT_PREFIX_LEN];
};

/* entries [0, cfg_n_include) are include prefixes, then the excludes from
 * FT_PREFIX_MAX; with cfg_per_session, one such block per session slot
 * (userspace makes the map FT_SESSION_MAX blocks long) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * FT_PREFIX_MAX);
	__type(key, __u32);
	__type(value, struct ft_prefix);
} prefixes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 32 << 20);   /* resized by userspace (--buffer-size) */
} events SEC(".maps");

/* The merge keys each CPU saw last (merge_key_seen): FT_MERGE_CACHE slots
 * per CPU, CPU k's from k * FT_MERGE_CACHE; userspace sizes the map for
 * the possible CPUs before load. A plain array, not a per-CPU one: a
 * per-CPU value may have 32 KiB at most. Each CPU writes only its own
 * slots, so a key is never torn by two writers. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FT_MERGE_CACHE);
	__type(key, __u32);
	__type(value, struct ft_merge_key);
} merge_cache SEC(".maps");

/* d_parent and d_name lie side by side in struct dentry (in every kernel
 * fantrace supports), so one read fetches both (path.bpf.h). */
struct ft_dentry_head {
	struct dentry *parent;
	__u32 hash;
	__u32 len;
	const unsigned char *name;
};

/* A path walk in progress (path.bpf.h). */
struct ft_path_walk {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct dentry *mnt_root;  /* of vfsmnt, read once per mount */
	struct dentry *root_dentry;
	struct vfsmount *root_mnt;
	__s32 pos;       /* the path is pathbuf[pos, FT_PATH_MAX) */
	__u32 done;
	__u32 truncated;
};

/* A scan of the fd table in progress (file_events.bpf.h). */
struct ft_fd_scan {
	struct file **fdarray;
	unsigned long *open_fds;
	unsigned long *close_on_exec;    /* with FT_F_AT_EXEC: only these fds are looked at */
	__u64 first;
	__u64 last;
	__u64 bits;      /* the open_fds word of the fd being looked at */
	__u32 flags;
};

/* Files of a process whose last reference may go without a close() the
 * tree makes: closed while still mapped, or close-on-exec at an exec. At
 * munmap, exec and exit the list is looked at again (pending_release). A
 * slot is free when 0. */
struct ft_pending {
	__u64 file[FT_PENDING_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);              /* tgid */
	__type(value, struct ft_pending);
} pending SEC(".maps");

/* A walk over the control messages a recvmsg/recvmmsg received
 * (other_opens.bpf.h). */
struct ft_recv_scan {
	__u64 msg;         /* the user's msghdr, or its mmsghdr array */
	__u64 control;     /* the current message's control buffer */
	__u64 controllen;  /* and the length the kernel used of it */
	__u64 cur;         /* the current control message's offset */
	__u64 next;        /* the next one's */
	__u32 msgs;        /* messages to look at */
	__u32 m;           /* the current one */
	__u32 cmsgs;       /* control messages looked at in it */
	__u32 k;           /* fds of the current SCM_RIGHTS message done */
	__u32 n;           /* and its fds */
	__u32 budget;      /* fds left to report in this call */
};

/* A membership answer: tgid is traced (in session) or not, as procs said
 * in membership generation `generation`. */
struct ft_member_answer {
	__u64 generation;
	__u32 tgid;
	__u16 traced;
	__u16 session;
};

/* What the handlers need of a struct file, its inode and its super
 * block, read once. */
struct ft_file_view {
	struct file *file;
	struct inode *inode;
	struct path path;   /* mnt, dentry */
	__u64 ino;
	__u64 size;         /* i_size */
	__s64 mtime_sec;
	struct super_block *super;
	__u64 magic;        /* the super block's s_magic (view_super) */
	__u32 mtime_nsec;
	__u32 dev;          /* the super block's s_dev (view_super) */
	__u32 f_mode;
	__u32 i_mode;
	__u32 have_super;   /* dev and magic were read */
	__u32 pad;
};

/* Per-CPU scratch: the record being built and the path being resolved. */
struct ft_scratch {
	struct ft_record rec;
	char data[FT_DATA_SIZE];
	char pathbuf[FT_PATHBUF_SIZE];
	/* loop states: the compat object's steps are global functions, which
	 * take no pointers on 5.10, and the path walk's is the deepest frame
	 * of every chain of calls (check_stack_depth) */
	struct ft_path_walk walk;
	struct ft_fd_scan fd_scan;
	struct ft_recv_scan recv_scan;
	__u8 raw[FT_RAW_SIZE];           /* fields of a kernel object (read_span) */
	struct ft_member_answer members[FT_MEMBER_CACHE];  /* tgid_traced */
	__u64 open_seq;                  /* this CPU's open ids (open_id_next) */
	/* close_file's view of the file: on its stack it would put the
	 * chain exit -> fd scan -> close_file -> emit_* -> path walk past
	 * the verifier's 512-byte bound on the combined stack */
	struct ft_file_view close_view;
	/* the last mount asked about in mount_foreign, and the answer */
	__u64 ns_mnt;
	__u64 ns_generation;
	__u32 ns_foreign;
	__u64 walk_sb;                   /* prepend_name's reads of a root's super block */
	struct ft_dentry_head walk_head; /* and of a dentry's parent and name */
	struct ft_pending pending_zero;  /* zeroes: a new pending list (never written) */
	__u32 used;                      /* bytes of data[] in use */
	/* The session slot of the traced process this program runs for, set
	 * by the membership lookup every handler starts with (tgid_traced). A
	 * program runs to its end on its CPU, so it holds for the whole run. */
	__u32 session;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ft_scratch);
} scratch_map SEC(".maps");

static __always_inline struct ft_scratch *get_scratch(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&scratch_map, &zero);
}

static __always_inline struct task_struct *current_task(void)
{
#ifdef FT_COMPAT_510
	return (struct task_struct *)bpf_get_current_task();
#else
	return bpf_get_current_task_btf();
#endif
}

static __always_inline void count(__u64 *counter)
{
	__sync_fetch_and_add(counter, 1);
}

#define FT_SESSION_MASK (FT_SESSION_MAX - 1)

static __always_inline __u32 current_session(void)
{
	struct ft_scratch *s = get_scratch();
	return s ? (s->session & FT_SESSION_MASK) : 0;
}

/* The counters of the session being served. */
static __always_inline struct ft_counters *session_counters(void)
{
	return &counters[current_session()];
}

#define COUNT(field) count(&session_counters()->field)

/* The options of the session being served: per session in fantraced,
 * constants (pruned by the verifier) in process. */
static __always_inline __u32 opt_event_mask(void)
{
	return cfg_per_session ? session_cfg[current_session()].event_mask : cfg_event_mask;
}

static __always_inline bool opt_merge(void)
{
	return cfg_per_session ? session_cfg[current_session()].merge : cfg_merge;
}

static __always_inline bool opt_regular_only(void)
{
	return cfg_per_session ? session_cfg[current_session()].regular_only : cfg_regular_only;
}

static __always_inline bool opt_only_written(void)
{
	return cfg_per_session ? session_cfg[current_session()].only_written : cfg_only_written;
}

static __always_inline __u32 opt_n_include(void)
{
	return cfg_per_session ? session_cfg[current_session()].n_include : cfg_n_include;
}

static __always_inline __u32 opt_n_exclude(void)
{
	return cfg_per_session ? session_cfg[current_session()].n_exclude : cfg_n_exclude;
}

/* The index of the session's first prefix in the prefixes map. */
static __always_inline __u32 prefix_base(void)
{
	return cfg_per_session ? current_session() * 2 * FT_PREFIX_MAX : 0;
}

/* A slot that could not be read (a faulting user page) is left empty and
 * marked cut, so the reader never takes the rest for the whole path. */
static __always_inline void slot_unreadable(struct ft_scratch *s, __u32 slot)
{
	s->rec.flags |= FT_F_SLOT_TRUNC(slot & 3);
	COUNT(path_truncated);
}

#endif

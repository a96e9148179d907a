/* The syscall numbers fantrace's handlers tell apart, per architecture. A
 * family program is attached to the tracepoints of several syscalls and
 * sees only the number of the one it runs for, so every number it compares
 * against lives here, once per architecture, selected by __TARGET_ARCH_*.
 *
 * arm64 (like every architecture of asm-generic/unistd.h) has only the *at
 * forms of the name calls, no dup2 and no old stat or utime calls: those
 * are NR_NONE there, numbers no syscall has, and the *at call beside them
 * covers the operation. tests/unit/syscall_table_test.cc checks both
 * sections against the kernel's UAPI headers (every number, every absence)
 * and that each call missing on arm64 has its replacement in the table.
 *
 * The names after NR_ are the kernel's (__NR_name), in lower case. */
#ifndef FANTRACE_SYSCALL_NR_BPF_H
#define FANTRACE_SYSCALL_NR_BPF_H

/* A number no syscall has, a different one for each call an architecture
 * lacks: a family handler's switch may name several of them. */
#define NR_NONE(n) (-(n))

#if defined(__TARGET_ARCH_x86)
/* opens, closes and the write family */
#define NR_OPEN            2
#define NR_CLOSE           3
#define NR_MMAP            9
#define NR_DUP2            33
#define NR_RECVMSG         47
#define NR_CREAT           85
#define NR_OPENAT          257
#define NR_SPLICE          275
#define NR_DUP3            292
#define NR_RECVMMSG        299
#define NR_COPY_FILE_RANGE 326
#define NR_OPENAT2         437   /* Linux 5.6 */
/* name calls */
#define NR_TRUNCATE        76
#define NR_RENAME          82
#define NR_MKDIR           83
#define NR_RMDIR           84
#define NR_LINK            86
#define NR_UNLINK          87
#define NR_SYMLINK         88
#define NR_MKDIRAT         258
#define NR_UNLINKAT        263
#define NR_RENAMEAT        264
#define NR_LINKAT          265
#define NR_SYMLINKAT       266
#define NR_RENAMEAT2       316
/* mount namespaces */
#define NR_PIVOT_ROOT      155
#define NR_MOUNT           165
#define NR_UMOUNT2         166
#define NR_UNSHARE         272
#define NR_SETNS           308
#define NR_MOVE_MOUNT      429
/* lookups: the stat, access, readlink and exec families */
#define NR_STAT            4
#define NR_LSTAT           6
#define NR_ACCESS          21
#define NR_EXECVE          59
#define NR_READLINK        89
#define NR_NEWFSTATAT      262
#define NR_READLINKAT      267
#define NR_FACCESSAT       269
#define NR_EXECVEAT        322
#define NR_STATX           332
#define NR_FACCESSAT2      439   /* Linux 5.8 */
/* metadata changes and mknod */
#define NR_CHMOD           90
#define NR_FCHMOD          91
#define NR_CHOWN           92
#define NR_FCHOWN          93
#define NR_LCHOWN          94
#define NR_UTIME           132
#define NR_MKNOD           133
#define NR_SETXATTR        188
#define NR_LSETXATTR       189
#define NR_FSETXATTR       190
#define NR_REMOVEXATTR     197
#define NR_LREMOVEXATTR    198
#define NR_FREMOVEXATTR    199
#define NR_UTIMES          235
#define NR_MKNODAT         259
#define NR_FCHOWNAT        260
#define NR_FUTIMESAT       261
#define NR_FCHMODAT        268
#define NR_UTIMENSAT       280
#define NR_FCHMODAT2       452   /* Linux 6.6 */
#define NR_SETXATTRAT      463   /* Linux 6.13 */
#define NR_REMOVEXATTRAT   466   /* Linux 6.13 */

#elif defined(__TARGET_ARCH_arm64)
/* opens, closes and the write family */
#define NR_OPEN            NR_NONE(1)  /* openat */
#define NR_CLOSE           57
#define NR_MMAP            222
#define NR_DUP2            NR_NONE(2)  /* dup3 */
#define NR_RECVMSG         212
#define NR_CREAT           NR_NONE(3)  /* openat */
#define NR_OPENAT          56
#define NR_SPLICE          76
#define NR_DUP3            24
#define NR_RECVMMSG        243
#define NR_COPY_FILE_RANGE 285
#define NR_OPENAT2         437
/* name calls */
#define NR_TRUNCATE        45
#define NR_RENAME          NR_NONE(4)  /* renameat */
#define NR_MKDIR           NR_NONE(5)  /* mkdirat */
#define NR_RMDIR           NR_NONE(6)  /* unlinkat */
#define NR_LINK            NR_NONE(7)  /* linkat */
#define NR_UNLINK          NR_NONE(8)  /* unlinkat */
#define NR_SYMLINK         NR_NONE(9)  /* symlinkat */
#define NR_MKDIRAT         34
#define NR_UNLINKAT        35
#define NR_RENAMEAT        38
#define NR_LINKAT          37
#define NR_SYMLINKAT       36
#define NR_RENAMEAT2       276
/* mount namespaces */
#define NR_PIVOT_ROOT      41
#define NR_MOUNT           40
#define NR_UMOUNT2         39
#define NR_UNSHARE         97
#define NR_SETNS           268
#define NR_MOVE_MOUNT      429
/* lookups */
#define NR_STAT            NR_NONE(10)  /* newfstatat */
#define NR_LSTAT           NR_NONE(11)  /* newfstatat */
#define NR_ACCESS          NR_NONE(12)  /* faccessat */
#define NR_EXECVE          221
#define NR_READLINK        NR_NONE(13)  /* readlinkat */
#define NR_NEWFSTATAT      79
#define NR_READLINKAT      78
#define NR_FACCESSAT       48
#define NR_EXECVEAT        281
#define NR_STATX           291
#define NR_FACCESSAT2      439
/* metadata changes and mknod */
#define NR_CHMOD           NR_NONE(14)  /* fchmodat */
#define NR_FCHMOD          52
#define NR_CHOWN           NR_NONE(15)  /* fchownat */
#define NR_FCHOWN          55
#define NR_LCHOWN          NR_NONE(16)  /* fchownat */
#define NR_UTIME           NR_NONE(17)  /* utimensat */
#define NR_MKNOD           NR_NONE(18)  /* mknodat */
#define NR_SETXATTR        5
#define NR_LSETXATTR       6
#define NR_FSETXATTR       7
#define NR_REMOVEXATTR     14
#define NR_LREMOVEXATTR    15
#define NR_FREMOVEXATTR    16
#define NR_UTIMES          NR_NONE(19)  /* utimensat */
#define NR_MKNODAT         33
#define NR_FCHOWNAT        54
#define NR_FUTIMESAT       NR_NONE(20)  /* utimensat */
#define NR_FCHMODAT        53
#define NR_UTIMENSAT       88
#define NR_FCHMODAT2       452
#define NR_SETXATTRAT      463
#define NR_REMOVEXATTRAT   466

#else
#error "fantrace knows the syscall numbers of x86-64 and arm64 only (src/bpf/syscall_nr.bpf.h)"
#endif

#endif

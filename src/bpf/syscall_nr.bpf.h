/* x86-64 numbers of the syscalls the lookup and metadata handlers tell
 * apart (a family program sees only the number of the syscall it runs
 * for). One place for them: a port to another architecture gives its own
 * numbers here. (The open, write, close and name families keep theirs next
 * to their handlers.) */
#ifndef FANTRACE_SYSCALL_NR_BPF_H
#define FANTRACE_SYSCALL_NR_BPF_H

/* lookups: the stat, access, readlink and exec families */
#define NR_STAT          4
#define NR_LSTAT         6
#define NR_ACCESS        21
#define NR_EXECVE        59
#define NR_READLINK      89
#define NR_NEWFSTATAT    262
#define NR_READLINKAT    267
#define NR_FACCESSAT     269
#define NR_EXECVEAT      322
#define NR_STATX         332
#define NR_FACCESSAT2    439   /* Linux 5.8 */

/* metadata changes and mknod */
#define NR_CHMOD         90
#define NR_FCHMOD        91
#define NR_CHOWN         92
#define NR_FCHOWN        93
#define NR_LCHOWN        94
#define NR_UTIME         132
#define NR_MKNOD         133
#define NR_SETXATTR      188
#define NR_LSETXATTR     189
#define NR_FSETXATTR     190
#define NR_REMOVEXATTR   197
#define NR_LREMOVEXATTR  198
#define NR_FREMOVEXATTR  199
#define NR_UTIMES        235
#define NR_MKNODAT       259
#define NR_FCHOWNAT      260
#define NR_FUTIMESAT     261
#define NR_FCHMODAT      268
#define NR_UTIMENSAT     280
#define NR_FCHMODAT2     452   /* Linux 6.6 */
#define NR_SETXATTRAT    463   /* Linux 6.13 */
#define NR_REMOVEXATTRAT 466   /* Linux 6.13 */

#endif

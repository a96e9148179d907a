/* One syscall per scenario, for the coverage table (docs/coverage.md,
 * tests/integration/coverage.cc):
 *   cov_syscalls NAME DIR
 * makes the syscall NAME on the fixture the test made in DIR: f (a regular
 * file with the xattr user.cov), d and e (empty directories), x (an
 * executable), l (a symlink to f). New names are n and g. The calls that
 * need a mount namespace of their own make one first (unshare, MS_PRIVATE).
 * Exits 0 when the call did what the scenario means (some are meant to
 * fail: see the table of scenarios), 77 when this kernel lacks the
 * syscall (ENOSYS), 1 with a message otherwise. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/quota.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cov_fixture.h"
#include <utime.h>

/* Numbers newer than some build machines' headers (x86-64). */
#define NR_fchmodat2     452
#define NR_setxattrat    463
#define NR_getxattrat    464
#define NR_listxattrat   465
#define NR_removexattrat 466
#define NR_open_tree_attr 467
#define NR_file_getattr  468
#define NR_file_setattr  469

static char buf[64];

/* A mount namespace of this process's own, so that mounts stay in it. */
static void own_mount_ns(void)
{
	if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
		perror("cov_syscalls: unshare");
		exit(1);
	}
}

static long mount_d(void) { return mount("cov", P("d"), "tmpfs", 0, NULL); }

struct xattr_args_ { __u64 value; __u32 size; __u32 flags; };
struct file_attr_ { __u64 fa_xflags; __u32 fa_extsize, fa_nextents, fa_projid, fa_cowextsize; };

static long run(const char *name)
{
	const char *f = P("f"), *n = P("n");
	struct stat st;
	struct statx stx;
	struct file_attr_ fa = {0};
	struct xattr_args_ xa = {(__u64)(unsigned long)"1", 1, 0};
#define IS(s) (strcmp(name, s) == 0)
	/* %file */
#ifdef SYS_open  /* x86-64 only: arm64 has none */
	if (IS("open")) return syscall(SYS_open, f, O_WRONLY);
#endif
	if (IS("creat")) return creat(n, 0644);
	if (IS("openat")) return openat(AT_FDCWD, f, O_WRONLY);
	if (IS("openat2")) {
		struct open_how how = {.flags = O_WRONLY};
		return syscall(SYS_openat2, AT_FDCWD, f, &how, sizeof how);
	}
	if (IS("stat")) return stat(f, &st);
	if (IS("lstat")) return lstat(P("l"), &st);
	if (IS("newfstatat")) return fstatat(AT_FDCWD, f, &st, 0);
	if (IS("statx")) return statx(AT_FDCWD, f, 0, STATX_BASIC_STATS, &stx);
	if (IS("access")) return access(f, R_OK);
	if (IS("faccessat")) return syscall(SYS_faccessat, AT_FDCWD, f, R_OK);
	if (IS("faccessat2")) return syscall(SYS_faccessat2, AT_FDCWD, f, R_OK, AT_EACCESS);
	if (IS("readlink")) return readlink(P("l"), buf, sizeof buf);
	if (IS("readlinkat")) return readlinkat(AT_FDCWD, P("l"), buf, sizeof buf);
	if (IS("execve")) return execl(P("x"), "x", (char *)NULL);
	if (IS("execveat")) {
		char *argv[] = {"x", NULL}, *envp[] = {NULL};
		return syscall(SYS_execveat, AT_FDCWD, P("x"), argv, envp, 0);
	}
	if (IS("truncate")) return truncate(f, 2);
	if (IS("getcwd")) return chdir(P("d")) || !getcwd(buf, sizeof buf) ? -1 : 0;
	if (IS("chdir")) return chdir(P("d"));
	if (IS("rename")) return rename(f, P("g"));
	if (IS("renameat")) return syscall(SYS_renameat, AT_FDCWD, f, AT_FDCWD, P("g"));
	if (IS("renameat2")) return renameat2(AT_FDCWD, f, AT_FDCWD, P("g"), RENAME_NOREPLACE);
	if (IS("mkdir")) return mkdir(n, 0755);
	if (IS("mkdirat")) return mkdirat(AT_FDCWD, n, 0755);
	if (IS("rmdir")) return rmdir(P("d"));
	if (IS("link")) return link(f, n);
	if (IS("linkat")) return linkat(AT_FDCWD, f, AT_FDCWD, n, 0);
	if (IS("unlink")) return unlink(f);
	if (IS("unlinkat")) return unlinkat(AT_FDCWD, f, 0);
	if (IS("symlink")) return symlink("f", n);
	if (IS("symlinkat")) return symlinkat("f", AT_FDCWD, n);
	if (IS("chmod")) return chmod(f, 0600);
	if (IS("fchmodat")) return fchmodat(AT_FDCWD, f, 0600, 0);
	if (IS("fchmodat2")) return syscall(NR_fchmodat2, AT_FDCWD, f, 0600, 0);
	if (IS("chown")) return chown(f, 0, 0);
	if (IS("lchown")) return lchown(P("l"), 0, 0);
	if (IS("fchownat")) return fchownat(AT_FDCWD, f, 0, 0, 0);
	if (IS("utime")) return utime(f, NULL);
	if (IS("utimes")) return utimes(f, NULL);
#ifdef SYS_futimesat  /* x86-64 only: arm64 has none */
	if (IS("futimesat")) return syscall(SYS_futimesat, AT_FDCWD, f, NULL);
#endif
	if (IS("utimensat")) return utimensat(AT_FDCWD, f, NULL, 0);
	if (IS("mknod")) return mknod(n, S_IFIFO | 0644, 0);
	if (IS("mknodat")) return mknodat(AT_FDCWD, n, S_IFIFO | 0644, 0);
	if (IS("setxattr")) return setxattr(f, "user.new", "1", 1, 0);
	if (IS("lsetxattr")) return lsetxattr(f, "user.new", "1", 1, 0);
	if (IS("setxattrat")) return syscall(NR_setxattrat, AT_FDCWD, f, 0, "user.new", &xa, sizeof xa);
	if (IS("removexattr")) return removexattr(f, "user.cov");
	if (IS("lremovexattr")) return lremovexattr(f, "user.cov");
	if (IS("removexattrat")) return syscall(NR_removexattrat, AT_FDCWD, f, 0, "user.cov");
	if (IS("getxattr")) return getxattr(f, "user.cov", buf, sizeof buf);
	if (IS("lgetxattr")) return lgetxattr(f, "user.cov", buf, sizeof buf);
	if (IS("getxattrat")) {
		struct xattr_args_ ga = {(__u64)(unsigned long)buf, sizeof buf, 0};
		return syscall(NR_getxattrat, AT_FDCWD, f, 0, "user.cov", &ga, sizeof ga);
	}
	if (IS("listxattr")) return listxattr(f, buf, sizeof buf);
	if (IS("llistxattr")) return llistxattr(f, buf, sizeof buf);
	if (IS("listxattrat")) return syscall(NR_listxattrat, AT_FDCWD, f, 0, buf, sizeof buf);
	if (IS("file_getattr")) return syscall(NR_file_getattr, AT_FDCWD, f, &fa, sizeof fa, 0);
	if (IS("file_setattr")) {
		if (syscall(NR_file_getattr, AT_FDCWD, f, &fa, sizeof fa, 0) != 0) return -1;
		return syscall(NR_file_setattr, AT_FDCWD, f, &fa, sizeof fa, 0);
	}
	if (IS("statfs")) {
		struct statfs sfs;
		return statfs(f, &sfs);
	}
#ifdef SYS_uselib  /* x86-64 only: arm64 has none */
	if (IS("uselib")) return syscall(SYS_uselib, f);                 /* meant to fail */
#endif
	if (IS("acct")) return acct(P("d"));                              /* meant to fail */
	if (IS("swapon")) return swapon(f, 0);                            /* meant to fail */
	if (IS("swapoff")) return swapoff(f);                             /* meant to fail */
	if (IS("quotactl")) return quotactl(QCMD(Q_SYNC, USRQUOTA), f, 0, NULL); /* meant to fail */
	if (IS("inotify_add_watch")) return inotify_add_watch(inotify_init1(0), f, IN_MODIFY);
	if (IS("fanotify_mark"))
		return fanotify_mark(fanotify_init(0, O_RDONLY), FAN_MARK_ADD, FAN_MODIFY, AT_FDCWD, f);
	if (IS("name_to_handle_at")) {
		struct file_handle *h = calloc(1, sizeof *h + MAX_HANDLE_SZ);
		int mnt;
		h->handle_bytes = MAX_HANDLE_SZ;
		return name_to_handle_at(AT_FDCWD, f, h, &mnt, 0);
	}
	/* mounts, each in a namespace of its own */
	if (IS("chroot")) return chroot(P("d"));
	own_mount_ns();
	if (IS("mount")) return mount_d();
	if (IS("umount2")) return mount_d() || umount2(P("d"), 0);
	if (IS("pivot_root"))
		return mount(P("d"), P("d"), NULL, MS_BIND, NULL) || mkdir(P("d/old"), 0755) ||
		       syscall(SYS_pivot_root, P("d"), P("d/old"));
	if (IS("open_tree")) return syscall(SYS_open_tree, AT_FDCWD, P("d"), OPEN_TREE_CLONE);
	if (IS("open_tree_attr")) {
		struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
		return syscall(NR_open_tree_attr, AT_FDCWD, P("d"), OPEN_TREE_CLONE, &attr, sizeof attr);
	}
	if (IS("move_mount")) {
		int t = syscall(SYS_open_tree, AT_FDCWD, P("d"), OPEN_TREE_CLONE);
		return t < 0 ? t : syscall(SYS_move_mount, t, "", AT_FDCWD, P("e"), MOVE_MOUNT_F_EMPTY_PATH);
	}
	if (IS("fsconfig")) {
		int fs = syscall(SYS_fsopen, "tmpfs", 0);
		return fs < 0 ? fs : syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "source", "cov", 0);
	}
	if (IS("fspick")) return mount_d() ? -1 : syscall(SYS_fspick, AT_FDCWD, P("d"), 0);
	if (IS("mount_setattr")) {
		struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
		return mount_d() ? -1 : syscall(SYS_mount_setattr, AT_FDCWD, P("d"), 0, &attr, sizeof attr);
	}
	fprintf(stderr, "cov_syscalls: no scenario %s\n", name);
	exit(2);
}

/* The write side of %desc: calls on an fd of f (opened O_RDWR first). */
static long run_desc(const char *name, int *handled)
{
	*handled = 1;
	int f = -1;
#define fd (f < 0 ? (f = fd_of("f", O_RDWR)) : f)  /* opened on first use */
	if (IS("write")) return write(fd, "ab", 2);
	if (IS("pwrite64")) return pwrite(fd, "ab", 2, 0);
	if (IS("writev")) return writev(fd, &(struct iovec){"ab", 2}, 1);
	if (IS("pwritev")) return pwritev(fd, &(struct iovec){"ab", 2}, 1, 0);
	if (IS("pwritev2")) return pwritev2(fd, &(struct iovec){"ab", 2}, 1, 0, 0);
	if (IS("ftruncate")) return ftruncate(fd, 1);
	if (IS("fallocate")) return fallocate(fd, 0, 0, 4096);
	if (IS("sendfile")) return sendfile(fd, fd_of("x", O_RDONLY), NULL, 2);
	if (IS("copy_file_range")) return copy_file_range(fd_of("x", O_RDONLY), NULL, fd, NULL, 2, 0);
	if (IS("splice")) {
		int p[2];
		return pipe(p) || write(p[1], "ab", 2) != 2 ? -1 : splice(p[0], NULL, fd, NULL, 2, 0);
	}
	if (IS("mmap")) {
		char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		return m == MAP_FAILED ? -1 : (m[0] = 'X', munmap(m, 4096));
	}
	if (IS("close")) return write(fd, "ab", 2) == 2 ? close(fd) : -1;
	if (IS("close_range")) {
		int g = fd;
		return write(g, "ab", 2) == 2 ? close_range(g, g, 0) : -1;
	}
	if (IS("dup2")) return write(fd, "ab", 2) == 2 ? dup2(fd_of("x", O_RDONLY), fd) : -1;
	if (IS("dup3")) return write(fd, "ab", 2) == 2 ? dup3(fd_of("x", O_RDONLY), fd, 0) : -1;
	if (IS("fchmod")) return fchmod(fd, 0600);
	if (IS("fchown")) return fchown(fd, 0, 0);
	if (IS("fsetxattr")) return fsetxattr(fd, "user.new", "1", 1, 0);
	if (IS("fremovexattr")) return fremovexattr(fd, "user.cov");
	if (IS("ioctl")) {
		int flags = 0;
		return ioctl(fd, FS_IOC_GETFLAGS, &flags) ? -1 : (flags |= FS_NOATIME_FL, ioctl(fd, FS_IOC_SETFLAGS, &flags));
	}
	if (IS("memfd_create")) return memfd_create("cov", 0);
	if (IS("open_by_handle_at")) {
		struct file_handle *h = calloc(1, sizeof *h + MAX_HANDLE_SZ);
		int mnt;
		h->handle_bytes = MAX_HANDLE_SZ;
		if (name_to_handle_at(AT_FDCWD, P("f"), h, &mnt, 0) != 0) return -1;
		return open_by_handle_at(fd_of(".", O_RDONLY | O_DIRECTORY), h, O_RDWR);
	}
#undef fd
	*handled = 0;
	return 0;
}

/* The calls meant to fail (the call itself is what the row is about;
 * making it succeed would change the machine). */
static int meant_to_fail(const char *name)
{
	return IS("uselib") || IS("acct") || IS("swapon") || IS("swapoff") || IS("quotactl");
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: cov_syscalls NAME DIR\n");
		return 2;
	}
	const char *name = argv[1];
	dir = argv[2];
	int handled;
	long r = run_desc(name, &handled);
	if (!handled) r = run(name);
	if (r < 0 && errno == ENOSYS && !meant_to_fail(name)) return 77;
	if ((r < 0) != meant_to_fail(name)) {
		fprintf(stderr, "cov_syscalls: %s: %s\n", name, r < 0 ? strerror(errno) : "succeeded");
		return 1;
	}
	return 0;
}

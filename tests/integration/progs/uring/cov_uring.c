/* One io_uring operation per scenario, for the coverage table
 * (docs/coverage.md, tests/integration/coverage.cc):
 *   cov_uring OPCODE DIR
 * submits the operation OPCODE (IORING_OP_ without the prefix) through
 * liburing on the fixture of cov_syscalls.c in DIR (f, d, x, ...; new
 * names n and g). Files an operation works on are opened with open(2)
 * unless the operation opens them. Exits 0 when the operation succeeded,
 * 77 when this kernel lacks it (EINVAL/EOPNOTSUPP from an unknown opcode),
 * 1 with a message otherwise. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../cov_fixture.h"

#define OP_FTRUNCATE        55   /* 6.9, newer than some liburing headers */
#define OP_FIXED_FD_INSTALL 54   /* 6.8 */

static struct io_uring ring;
static char buf[64];

static struct io_uring_sqe *sqe(void) { return io_uring_get_sqe(&ring); }

/* Submits the queued request and returns its result. */
static int run(void)
{
	struct io_uring_cqe *cqe;
	int ret = io_uring_submit(&ring);
	if (ret < 0)
		return ret;
	if ((ret = io_uring_wait_cqe(&ring, &cqe)) < 0)
		return ret;
	ret = cqe->res;
	io_uring_cqe_seen(&ring, cqe);
	return ret;
}

static struct io_uring_sqe *prep_raw(int op, int fd, const void *addr, unsigned len, __u64 off)
{
	struct io_uring_sqe *s = sqe();
	memset(s, 0, sizeof *s);
	s->opcode = op;
	s->fd = fd;
	s->addr = (unsigned long)addr;
	s->len = len;
	s->off = off;
	return s;
}

static int scenario(const char *name)
{
	const char *f = P("f"), *n = P("n");
	struct iovec iov = {buf, 2};
	struct statx stx;
	int p[2];
#define IS(s) (strcmp(name, s) == 0)
	if (IS("OPENAT")) io_uring_prep_openat(sqe(), AT_FDCWD, f, O_WRONLY, 0);
	else if (IS("OPENAT2")) {
		struct open_how how = {.flags = O_WRONLY};
		io_uring_prep_openat2(sqe(), AT_FDCWD, f, &how);
	} else if (IS("CLOSE")) io_uring_prep_close(sqe(), fd_of("f", O_WRONLY));
	else if (IS("READ")) io_uring_prep_read(sqe(), fd_of("f", O_RDONLY), buf, 2, 0);
	else if (IS("READV")) io_uring_prep_readv(sqe(), fd_of("f", O_RDONLY), &iov, 1, 0);
	else if (IS("WRITE")) io_uring_prep_write(sqe(), fd_of("f", O_WRONLY), "ab", 2, 0);
	else if (IS("WRITEV")) io_uring_prep_writev(sqe(), fd_of("f", O_WRONLY), &iov, 1, 0);
	else if (IS("READ_FIXED") || IS("WRITE_FIXED")) {
		int fd = fd_of("f", O_RDWR), ret;
		if ((ret = io_uring_register_buffers(&ring, &iov, 1)) < 0)
			return ret;
		if (IS("READ_FIXED")) io_uring_prep_read_fixed(sqe(), fd, buf, 2, 0, 0);
		else io_uring_prep_write_fixed(sqe(), fd, buf, 2, 0, 0);
	} else if (IS("FALLOCATE")) io_uring_prep_fallocate(sqe(), fd_of("f", O_WRONLY), 0, 0, 4096);
	else if (IS("FTRUNCATE")) prep_raw(OP_FTRUNCATE, fd_of("f", O_WRONLY), NULL, 0, 1);
	else if (IS("RENAMEAT")) io_uring_prep_renameat(sqe(), AT_FDCWD, f, AT_FDCWD, P("g"), 0);
	else if (IS("UNLINKAT")) io_uring_prep_unlinkat(sqe(), AT_FDCWD, f, 0);
	else if (IS("MKDIRAT")) io_uring_prep_mkdirat(sqe(), AT_FDCWD, n, 0755);
	else if (IS("SYMLINKAT")) io_uring_prep_symlinkat(sqe(), "f", AT_FDCWD, n);
	else if (IS("LINKAT")) io_uring_prep_linkat(sqe(), AT_FDCWD, f, AT_FDCWD, n, 0);
	else if (IS("STATX")) io_uring_prep_statx(sqe(), AT_FDCWD, f, 0, STATX_BASIC_STATS, &stx);
	else if (IS("SPLICE") || IS("TEE")) {
		int q[2];
		if (pipe(p) || pipe(q) || write(p[1], "ab", 2) != 2)
			return -errno;
		if (IS("SPLICE")) io_uring_prep_splice(sqe(), p[0], -1, fd_of("f", O_WRONLY), 0, 2, 0);
		else io_uring_prep_tee(sqe(), p[0], q[1], 2, 0);
	} else if (IS("FSETXATTR")) io_uring_prep_fsetxattr(sqe(), fd_of("f", O_WRONLY), "user.new", "1", 0, 1);
	else if (IS("SETXATTR")) io_uring_prep_setxattr(sqe(), "user.new", "1", f, 0, 1);
	else if (IS("FGETXATTR")) io_uring_prep_fgetxattr(sqe(), fd_of("f", O_RDONLY), "user.cov", buf, sizeof buf);
	else if (IS("GETXATTR")) io_uring_prep_getxattr(sqe(), "user.cov", buf, f, sizeof buf);
	else if (IS("FSYNC")) io_uring_prep_fsync(sqe(), fd_of("f", O_WRONLY), 0);
	else if (IS("SYNC_FILE_RANGE")) io_uring_prep_sync_file_range(sqe(), fd_of("f", O_WRONLY), 2, 0, 0);
	else if (IS("FADVISE")) io_uring_prep_fadvise(sqe(), fd_of("f", O_RDONLY), 0, 2, POSIX_FADV_WILLNEED);
	else if (IS("FILES_UPDATE")) {
		int fd = fd_of("f", O_WRONLY), ret;
		if ((ret = io_uring_register_files_sparse(&ring, 1)) < 0)
			return ret;
		io_uring_prep_files_update(sqe(), &fd, 1, 0);
	} else if (IS("FIXED_FD_INSTALL")) {
		int fd = fd_of("f", O_WRONLY), ret;
		if ((ret = io_uring_register_files(&ring, &fd, 1)) < 0)
			return ret;
		prep_raw(OP_FIXED_FD_INSTALL, 0, NULL, 0, 0)->flags |= IOSQE_FIXED_FILE;
	} else {
		fprintf(stderr, "cov_uring: no scenario %s\n", name);
		exit(2);
	}
	return run();
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: cov_uring OPCODE DIR\n");
		return 2;
	}
	dir = argv[2];
	int ret = io_uring_queue_init(8, &ring, 0);
	if (ret < 0) {
		fprintf(stderr, "cov_uring: io_uring_queue_init: %s\n", strerror(-ret));
		return 1;
	}
	ret = scenario(argv[1]);
	if (ret == -EINVAL || ret == -EOPNOTSUPP)
		return 77;
	if (ret < 0) {
		fprintf(stderr, "cov_uring: %s: %s\n", argv[1], strerror(-ret));
		return 1;
	}
	return 0;
}

/* File operations done only through io_uring (liburing), one scenario per
 * mode, in directory DIR:
 *   uring_files basic DIR    read DIR/in; create DIR/f, write, close, rename to DIR/g
 *   uring_files fixed DIR    direct descriptors: a linked open/write/close in
 *                            one submission (DIR/direct), an open into an
 *                            allocated slot (DIR/alloc); a registered file and
 *                            buffer: write_fixed to DIR/registered
 *   uring_files names DIR    mkdirat DIR/d, DIR/d/a made, linkat a -> b,
 *                            symlinkat s -> a, statx b, unlinkat a, a failing
 *                            unlinkat of DIR/missing, openat2 of DIR/d/b
 *   uring_files splice DIR   splice DIR/in through a pipe into DIR/spliced, tee
 *                            between pipes, fallocate DIR/falloc
 *   uring_files sqpoll DIR   with an SQPOLL ring: create and write DIR/polled
 *   uring_files statx DIR    statx of DIR/in by its absolute name and as "in"
 *                            from a directory fd of DIR, and of DIR/missing
 * Exits 1 with a message when an operation fails unexpectedly. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct io_uring ring;
static const char *dir;

static void die(const char *what, int err)
{
	fprintf(stderr, "uring_files: %s: %s\n", what, strerror(-err));
	exit(1);
}

static char *in_dir(const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);
	sprintf(p, "%s/%s", dir, name);
	return p;
}

static struct io_uring_sqe *sqe(void)
{
	struct io_uring_sqe *s = io_uring_get_sqe(&ring);
	if (!s)
		die("get_sqe", -EBUSY);
	return s;
}

/* Submits what is queued and waits for n completions; returns the result
 * of the last, fails on any unexpected error (want_fail: the last may fail). */
static int run(unsigned n, const char *what, int want_fail)
{
	int ret = io_uring_submit(&ring);
	if (ret < 0)
		die("submit", ret);
	int res = 0;
	for (unsigned i = 0; i < n; i++) {
		struct io_uring_cqe *cqe;
		ret = io_uring_wait_cqe(&ring, &cqe);
		if (ret < 0)
			die("wait_cqe", ret);
		res = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
		if (res < 0 && !(want_fail && i == n - 1))
			die(what, res);
	}
	return res;
}

static void basic(void)
{
	char buf[64];
	io_uring_prep_openat(sqe(), AT_FDCWD, in_dir("in"), O_RDONLY, 0);
	int in = run(1, "openat in", 0);
	io_uring_prep_read(sqe(), in, buf, sizeof(buf), 0);
	run(1, "read", 0);
	io_uring_prep_close(sqe(), in);
	run(1, "close in", 0);

	io_uring_prep_openat(sqe(), AT_FDCWD, in_dir("f"), O_CREAT | O_WRONLY | O_TRUNC, 0644);
	int fd = run(1, "openat f", 0);
	io_uring_prep_write(sqe(), fd, "hello\n", 6, 0);
	run(1, "write", 0);
	io_uring_prep_close(sqe(), fd);
	run(1, "close", 0);
	io_uring_prep_renameat(sqe(), AT_FDCWD, in_dir("f"), AT_FDCWD, in_dir("g"), 0);
	run(1, "renameat", 0);
}

static void fixed(void)
{
	int ret = io_uring_register_files_sparse(&ring, 4);
	if (ret < 0)
		die("register_files_sparse", ret);
	/* one linked submission: the write and close name slot 0 before the
	 * open has filled it */
	struct io_uring_sqe *s = sqe();
	io_uring_prep_openat_direct(s, AT_FDCWD, in_dir("direct"), O_CREAT | O_WRONLY | O_TRUNC, 0644, 0);
	s->flags |= IOSQE_IO_LINK;
	s = sqe();
	io_uring_prep_write(s, 0, "direct\n", 7, 0);
	s->flags |= IOSQE_FIXED_FILE | IOSQE_IO_LINK;
	io_uring_prep_close_direct(sqe(), 0);
	run(3, "linked open/write/close", 0);

	io_uring_prep_openat_direct(sqe(), AT_FDCWD, in_dir("alloc"), O_CREAT | O_RDWR, 0644,
				    IORING_FILE_INDEX_ALLOC - 1);
	int slot = run(1, "openat into an allocated slot", 0);
	s = sqe();
	io_uring_prep_write(s, slot, "alloc\n", 6, 0);
	s->flags |= IOSQE_FIXED_FILE;
	run(1, "write alloc", 0);
	io_uring_prep_close_direct(sqe(), slot);
	run(1, "close alloc", 0);
	io_uring_unregister_files(&ring);

	/* a file opened by open(2), registered with a buffer */
	int fd = open(in_dir("registered"), O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0)
		die("open registered", -errno);
	/* anonymous memory: 6.1 refuses to register file-backed pages (.data) */
	char *data = aligned_alloc(4096, 4096);
	if (!data)
		die("aligned_alloc", -ENOMEM);
	memcpy(data, "registered\n", 11);
	struct iovec iov = { .iov_base = data, .iov_len = 4096 };
	if ((ret = io_uring_register_files(&ring, &fd, 1)) < 0)
		die("register_files", ret);
	if ((ret = io_uring_register_buffers(&ring, &iov, 1)) < 0)
		die("register_buffers", ret);
	close(fd);  /* the ring holds the file now */
	s = sqe();
	io_uring_prep_write_fixed(s, 0, data, 11, 0, 0);
	s->flags |= IOSQE_FIXED_FILE;
	run(1, "write_fixed", 0);
	io_uring_prep_close_direct(sqe(), 0);
	run(1, "close registered", 0);
}

static void names(void)
{
	io_uring_prep_mkdirat(sqe(), AT_FDCWD, in_dir("d"), 0755);
	run(1, "mkdirat", 0);
	io_uring_prep_openat(sqe(), AT_FDCWD, in_dir("d/a"), O_CREAT | O_WRONLY, 0644);
	int fd = run(1, "openat d/a", 0);
	io_uring_prep_write(sqe(), fd, "a\n", 2, 0);
	run(1, "write d/a", 0);
	io_uring_prep_close(sqe(), fd);
	run(1, "close d/a", 0);
	io_uring_prep_linkat(sqe(), AT_FDCWD, in_dir("d/a"), AT_FDCWD, in_dir("d/b"), 0);
	run(1, "linkat", 0);
	io_uring_prep_symlinkat(sqe(), "a", AT_FDCWD, in_dir("d/s"));
	run(1, "symlinkat", 0);
	struct statx stx;
	io_uring_prep_statx(sqe(), AT_FDCWD, in_dir("d/b"), 0, STATX_SIZE, &stx);
	run(1, "statx", 0);
	io_uring_prep_unlinkat(sqe(), AT_FDCWD, in_dir("d/a"), 0);
	run(1, "unlinkat", 0);
	io_uring_prep_unlinkat(sqe(), AT_FDCWD, in_dir("missing"), 0);
	if (run(1, "unlinkat missing", 1) != -ENOENT)
		die("unlinkat missing: expected ENOENT", -EINVAL);
	struct open_how how = { .flags = O_RDONLY };
	io_uring_prep_openat2(sqe(), AT_FDCWD, in_dir("d/b"), &how);
	fd = run(1, "openat2", 0);
	io_uring_prep_close(sqe(), fd);
	run(1, "close b", 0);
}

static void splice_ops(void)
{
	int p[2], q[2];
	if (pipe(p) || pipe(q))
		die("pipe", -errno);
	int in = open(in_dir("in"), O_RDONLY);
	int out = open(in_dir("spliced"), O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (in < 0 || out < 0)
		die("open", -errno);
	io_uring_prep_splice(sqe(), in, 0, p[1], -1, 3, 0);
	run(1, "splice in -> pipe", 0);
	io_uring_prep_tee(sqe(), p[0], q[1], 3, 0);
	run(1, "tee", 0);
	io_uring_prep_splice(sqe(), p[0], -1, out, 0, 3, 0);
	run(1, "splice pipe -> out", 0);
	int fa = open(in_dir("falloc"), O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fa < 0)
		die("open falloc", -errno);
	io_uring_prep_fallocate(sqe(), fa, 0, 0, 4096);
	run(1, "fallocate", 0);
}

static void statx_ops(void)
{
	struct statx st;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (dfd < 0)
		die("open dir", -errno);
	io_uring_prep_statx(sqe(), AT_FDCWD, in_dir("in"), 0, STATX_INO, &st);
	run(1, "statx in", 0);
	io_uring_prep_statx(sqe(), dfd, "in", 0, STATX_INO, &st);
	run(1, "statx in from dfd", 0);
	io_uring_prep_statx(sqe(), AT_FDCWD, in_dir("missing"), 0, STATX_INO, &st);
	if (run(1, "statx missing", 1) != -ENOENT)
		die("statx missing found", -EEXIST);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: uring_files basic|fixed|names|splice|sqpoll|statx DIR\n");
		return 2;
	}
	dir = argv[2];
	struct io_uring_params params = {};
	if (!strcmp(argv[1], "sqpoll"))
		params.flags = IORING_SETUP_SQPOLL;
	int ret = io_uring_queue_init_params(8, &ring, &params);
	if (ret < 0)
		die("queue_init", ret);
	if (!strcmp(argv[1], "basic") || !strcmp(argv[1], "sqpoll")) {
		if (params.flags & IORING_SETUP_SQPOLL) {
			io_uring_prep_openat(sqe(), AT_FDCWD, in_dir("polled"), O_CREAT | O_WRONLY | O_TRUNC, 0644);
			int fd = run(1, "openat polled", 0);
			io_uring_prep_write(sqe(), fd, "polled\n", 7, 0);
			run(1, "write polled", 0);
			io_uring_prep_close(sqe(), fd);
			run(1, "close polled", 0);
		} else {
			basic();
		}
	} else if (!strcmp(argv[1], "fixed")) {
		fixed();
	} else if (!strcmp(argv[1], "names")) {
		names();
	} else if (!strcmp(argv[1], "splice")) {
		splice_ops();
	} else if (!strcmp(argv[1], "statx")) {
		statx_ops();
	} else {
		fprintf(stderr, "uring_files: unknown mode %s\n", argv[1]);
		return 2;
	}
	io_uring_queue_exit(&ring);
	return 0;
}

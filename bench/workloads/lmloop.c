/* lmloop: lmbench-style loops of one system call, for bench/rep24.
 *
 * usage: lmloop MODE COUNT [FILE]
 *
 * MODE is what lmbench's lat_syscall and lat_proc time (REP '24 used
 * lmbench 3.0's binaries, which Debian does not package):
 *   null   getppid()                     read    read 1 byte of /dev/zero
 *   write  write 1 byte to /dev/null     stat    stat(FILE)
 *   fstat  fstat of FILE opened once     open    open(FILE) + close
 *   fork   fork + _exit + wait           exec    fork + exec /bin/true + wait
 * COUNT times, then exit 0; any failure exits 1 with a message. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int fail(const char *what)
{
	perror(what);
	return 1;
}

static int child_ok(pid_t pid)
{
	int status;

	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: lmloop null|read|write|stat|fstat|open|fork|exec COUNT [FILE]\n");
		return 2;
	}
	const char *mode = argv[1], *file = argc == 4 ? argv[3] : NULL;
	long count = atol(argv[2]);
	char byte = 'x';
	struct stat st;
	int fd = -1;

	if (!strcmp(mode, "read") && (fd = open("/dev/zero", O_RDONLY)) < 0)
		return fail("lmloop: /dev/zero");
	if (!strcmp(mode, "write") && (fd = open("/dev/null", O_WRONLY)) < 0)
		return fail("lmloop: /dev/null");
	if (!strcmp(mode, "stat") || !strcmp(mode, "fstat") || !strcmp(mode, "open")) {
		if (!file) {
			fprintf(stderr, "lmloop: %s needs a FILE\n", mode);
			return 2;
		}
		if (!strcmp(mode, "fstat") && (fd = open(file, O_RDONLY)) < 0)
			return fail(file);
	}
	for (long i = 0; i < count; i++) {
		if (!strcmp(mode, "null")) {
			getppid();
		} else if (!strcmp(mode, "read")) {
			if (read(fd, &byte, 1) != 1)
				return fail("lmloop: read");
		} else if (!strcmp(mode, "write")) {
			if (write(fd, &byte, 1) != 1)
				return fail("lmloop: write");
		} else if (!strcmp(mode, "stat")) {
			if (stat(file, &st) != 0)
				return fail(file);
		} else if (!strcmp(mode, "fstat")) {
			if (fstat(fd, &st) != 0)
				return fail("lmloop: fstat");
		} else if (!strcmp(mode, "open")) {
			int f = open(file, O_RDONLY);
			if (f < 0)
				return fail(file);
			close(f);
		} else if (!strcmp(mode, "fork") || !strcmp(mode, "exec")) {
			pid_t pid = fork();
			if (pid < 0)
				return fail("lmloop: fork");
			if (pid == 0) {
				if (!strcmp(mode, "exec"))
					execl("/bin/true", "true", (char *)NULL);
				_exit(0);
			}
			if (!child_ok(pid)) {
				fprintf(stderr, "lmloop: child failed\n");
				return 1;
			}
		} else {
			fprintf(stderr, "lmloop: unknown mode '%s'\n", mode);
			return 2;
		}
	}
	return 0;
}

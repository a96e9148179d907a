/* openclose: the per-syscall cost of tracing, with nothing else in the way.
 *
 * usage: openclose DIR NFILES ITERATIONS
 *
 * Opens DIR/f<i> (i cycling over NFILES existing files), reads up to 4 KiB
 * and closes it, ITERATIONS times, in one process. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: openclose DIR NFILES ITERATIONS\n");
		return 2;
	}
	long nfiles = atol(argv[2]), iterations = atol(argv[3]);
	if (nfiles <= 0 || iterations < 0) {
		fprintf(stderr, "openclose: bad NFILES or ITERATIONS\n");
		return 2;
	}
	char path[4096], buf[4096];
	for (long i = 0; i < iterations; i++) {
		snprintf(path, sizeof path, "%s/f%ld", argv[1], i % nfiles);
		int fd = open(path, O_RDONLY);
		if (fd < 0) {
			perror(path);
			return 1;
		}
		if (read(fd, buf, sizeof buf) < 0) {
			perror(path);
			return 1;
		}
		close(fd);
	}
	return 0;
}

/* Scenario: an anonymous file made with memfd_create, written, read back
 * and closed: it is in no directory, so it is no output.
 * usage: memfd_write NAME */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv) {
	char buf[8];
	if (argc != 2)
		return 2;
	int fd = memfd_create(argv[1], 0);
	if (fd < 0 || write(fd, "memfd\n", 6) != 6 || pread(fd, buf, sizeof buf, 0) != 6) {
		perror("memfd");
		return 1;
	}
	return close(fd) < 0;
}

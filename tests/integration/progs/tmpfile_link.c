/* Scenario: an anonymous O_TMPFILE in DIR is written, then given the name
 * DIR/NAME with linkat(fd, "", ..., AT_EMPTY_PATH) (needs CAP_DAC_READ_SEARCH,
 * so run as root). The file never had a name before the link.
 * usage: tmpfile_link DIR NAME */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
	if (argc != 3)
		return 2;
	int dirfd = open(argv[1], O_RDONLY | O_DIRECTORY);
	int fd = open(argv[1], O_TMPFILE | O_WRONLY, 0644);
	if (dirfd < 0 || fd < 0 || write(fd, "tmpfile\n", 8) != 8) {
		perror(argv[1]);
		return 1;
	}
	if (linkat(fd, "", dirfd, argv[2], AT_EMPTY_PATH) < 0) {
		perror("linkat");
		return 1;
	}
	return close(fd) < 0 || close(dirfd) < 0;
}

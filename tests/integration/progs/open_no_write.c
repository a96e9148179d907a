/* Scenario: an existing file is opened for writing (O_WRONLY, without
 * O_CREAT or O_TRUNC) and closed without a single write: its content and
 * mtime are unchanged, so it was not "written".
 * usage: open_no_write PATH */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
	if (argc != 2)
		return 2;
	int fd = open(argv[1], O_WRONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	return close(fd) < 0;
}

/* Scenario: a file deleted while open. Creates PATH, unlinks it, then
 * writes through the still-open descriptor and closes it.
 * usage: unlink_open PATH */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || unlink(argv[1]) < 0 || write(fd, "gone", 4) != 4 || close(fd) < 0) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}

/* Scenario: files named relative to the working directory and to a
 * directory fd. After chdir(DIR) it creates "sub/x" and "./sub/../z", then
 * opens directory "d" and creates "y" with openat(dirfd). DIR/sub and DIR/d
 * must exist. A tracer must report DIR/sub/x, DIR/z and DIR/d/y.
 * usage: relative_open DIR */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static int create_at(int dirfd, const char *name) {
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, name, 1) != 1 || close(fd) < 0) {
		perror(name);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv) {
	if (argc != 2 || chdir(argv[1]) < 0)
		return 2;
	int dirfd = open("d", O_RDONLY | O_DIRECTORY);
	if (dirfd < 0)
		return 1;
	if (create_at(AT_FDCWD, "sub/x") < 0 || create_at(AT_FDCWD, "./sub/../z") < 0 ||
	    create_at(dirfd, "y") < 0)
		return 1;
	return close(dirfd) < 0;
}

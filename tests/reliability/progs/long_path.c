/* Scenario: a file at a path of any length, even past PATH_MAX. From DIR it
 * walks REL ("a/b/.../file") one component at a time with mkdirat/openat on
 * directory fds, so no system call sees more than one component, creates
 * the last component and writes to it.
 * usage: long_path DIR REL */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	int dirfd = open(argv[1], O_DIRECTORY | O_RDONLY);
	char *rest = argv[2];
	for (char *slash; dirfd >= 0 && (slash = strchr(rest, '/')); rest = slash + 1) {
		*slash = '\0';
		if (mkdirat(dirfd, rest, 0755) < 0) {
			perror(rest);
			return 1;
		}
		int next = openat(dirfd, rest, O_DIRECTORY | O_RDONLY);
		close(dirfd);
		dirfd = next;
	}
	int fd = dirfd < 0 ? -1 : openat(dirfd, rest, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "x", 1) != 1 || close(fd) < 0) {
		perror(rest);
		return 1;
	}
	return 0;
}

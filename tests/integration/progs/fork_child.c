/* Scenario: the process forks (no exec); the child writes PATH and exits
 * with CODE; the parent waits for it and exits 0.
 * usage: fork_child PATH CODE */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
	if (argc != 3)
		return 2;
	pid_t child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, "child\n", 6) != 6 || close(fd) < 0)
			_exit(1);
		_exit(atoi(argv[2]));
	}
	int status;
	return waitpid(child, &status, 0) == child ? 0 : 1;
}

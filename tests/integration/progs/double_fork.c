/* Scenario: a daemon-style double fork. The child forks a grandchild and
 * exits at once; the parent reaps the child and exits; the grandchild,
 * reparented and outliving both, sleeps DELAY_MS and only then writes PATH.
 * A tracer that stops when the first process exits misses the write.
 * usage: double_fork PATH DELAY_MS */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
	if (argc != 3)
		return 2;
	pid_t child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		if (fork() != 0)
			_exit(0); /* the child: leave the grandchild orphaned */
		long ms = atol(argv[2]);
		struct timespec delay = {ms / 1000, (ms % 1000) * 1000000L};
		nanosleep(&delay, NULL);
		int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, "grandchild\n", 11) != 11 || close(fd) < 0)
			_exit(1);
		_exit(0);
	}
	int status;
	return waitpid(child, &status, 0) == child ? 0 : 1;
}

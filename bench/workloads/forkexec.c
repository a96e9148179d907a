/* forkexec: the cost of tracing process creation.
 *
 * usage: forkexec COUNT [PROGRAM]
 *
 * COUNT times: fork, exec PROGRAM (default /bin/true), wait. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: forkexec COUNT [PROGRAM]\n");
		return 2;
	}
	long count = atol(argv[1]);
	const char *program = argc == 3 ? argv[2] : "/bin/true";
	for (long i = 0; i < count; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("forkexec: fork");
			return 1;
		}
		if (pid == 0) {
			execl(program, program, (char *)NULL);
			_exit(127);
		}
		int status;
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			fprintf(stderr, "forkexec: %s failed\n", program);
			return 1;
		}
	}
	return 0;
}

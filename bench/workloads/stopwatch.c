/* stopwatch: run a command and record what it cost, from inside the tree.
 *
 * usage: stopwatch RESULT_FILE CMD [ARG...]
 *
 * The runner times a whole configuration (tracer start-up, the command,
 * the tracer's final drain) from outside; stopwatch times the command alone
 * and reports its CPU, so the tracer's own CPU is the difference. It writes
 * one line "wall_ns user_us sys_us maxrss_kb wait_status" after the command
 * has ended, so the write never overlaps the measured interval, and exits
 * with the command's status. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: stopwatch RESULT_FILE CMD [ARG...]\n");
		return 126;
	}
	long long start = now_ns();
	pid_t pid = fork();
	if (pid < 0) {
		perror("stopwatch: fork");
		return 126;
	}
	if (pid == 0) {
		execvp(argv[2], &argv[2]);
		perror("stopwatch: exec");
		_exit(127);
	}
	int status = 0;
	if (waitpid(pid, &status, 0) < 0) {
		perror("stopwatch: waitpid");
		return 126;
	}
	long long wall = now_ns() - start;
	struct rusage ru;
	getrusage(RUSAGE_CHILDREN, &ru);
	FILE *out = fopen(argv[1], "w");
	if (!out) {
		perror("stopwatch: result file");
		return 126;
	}
	fprintf(out, "%lld %lld %lld %ld %d\n", wall,
		ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec,
		ru.ru_stime.tv_sec * 1000000LL + ru.ru_stime.tv_usec,
		ru.ru_maxrss, status);
	fclose(out);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

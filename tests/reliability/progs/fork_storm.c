/* Scenario: a fork storm that ends with a grandchild outliving everyone.
 * The root starts N short-lived children, at most 64 alive at a time; child
 * i exits at once with status i % 100. Then it double-forks the "last"
 * process, which writes its pid to DIR/last_pid, waits (up to 120 s) until
 * DIR/go exists, creates DIR/last_done and exits. The root and the middle
 * process exit as soon as "last" is started, so the tree ends with it.
 * With "exec", each child first executes this program again as
 * "fork_storm child STATUS", which exits with STATUS.
 * usage: fork_storm N DIR [exec] */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { kConcurrency = 64 };

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) < 0 || close(fd) < 0) {
		perror(path);
		return -1;
	}
	return 0;
}

static void run_last(const char *dir)
{
	char path[4096], text[32];
	snprintf(path, sizeof path, "%s/last_pid", dir);
	snprintf(text, sizeof text, "%d", (int)getpid());
	if (write_text(path, text) < 0)
		_exit(1);
	snprintf(path, sizeof path, "%s/go", dir);
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	for (int i = 0; i < 12000 && access(path, F_OK) != 0; i++)
		nanosleep(&tick, NULL);
	snprintf(path, sizeof path, "%s/last_done", dir);
	_exit(write_text(path, "done") < 0 ? 1 : 0);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "child") == 0)
		return atoi(argv[2]);
	if (argc != 3 && argc != 4)
		return 2;
	int n = atoi(argv[1]);
	int exec_children = argc == 4 && strcmp(argv[3], "exec") == 0;
	int alive = 0, status;
	for (int i = 0; i < n; i++) {
		if (alive == kConcurrency) {
			if (wait(&status) < 0) {
				perror("wait");
				return 1;
			}
			alive--;
		}
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			if (exec_children) {
				char status_text[16];
				snprintf(status_text, sizeof status_text, "%d", i % 100);
				execl("/proc/self/exe", argv[0], "child", status_text, (char *)NULL);
				_exit(127);
			}
			_exit(i % 100);
		}
		alive++;
	}
	while (alive > 0 && wait(&status) > 0)
		alive--;

	pid_t middle = fork();
	if (middle < 0)
		return 1;
	if (middle == 0) {
		pid_t last = fork();
		if (last == 0)
			run_last(argv[2]);
		_exit(last < 0 ? 1 : 0);
	}
	return waitpid(middle, &status, 0) == middle && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

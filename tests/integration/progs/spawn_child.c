/* Scenario: posix_spawn, which glibc implements with clone(CLONE_VM |
 * CLONE_VFORK): the child shares the parent's memory until it execs. It
 * runs PROGRAM ARGS... and the parent exits with the child's exit code.
 * usage: spawn_child PROGRAM ARGS... */
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv) {
	if (argc < 2)
		return 2;
	pid_t child;
	int err = posix_spawn(&child, argv[1], NULL, NULL, argv + 1, environ);
	if (err != 0) {
		fprintf(stderr, "posix_spawn %s: error %d\n", argv[1], err);
		return 1;
	}
	int status;
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status))
		return 1;
	return WEXITSTATUS(status);
}

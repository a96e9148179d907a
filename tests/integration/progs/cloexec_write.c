/* Scenario: a file opened O_CLOEXEC, written and left open, then the
 * process execs PROGRAM: the exec closes the file.
 * usage: cloexec_write PATH PROGRAM [ARG...] */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
	if (argc < 3)
		return 2;
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, "cloexec\n", 8) != 8) {
		perror(argv[1]);
		return 1;
	}
	/* a failed exec first (as a PATH search makes): it closes nothing */
	execl("/nonexistent/program", "program", (char *)NULL);
	execv(argv[2], argv + 2);
	perror(argv[2]);
	return 1;
}

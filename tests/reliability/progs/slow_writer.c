/* Scenario: a command that takes a while and whose output is known. Writes
 * lines 0..N-1 to OUT, one every 10 ms, each after opening /etc/hostname
 * (so there are events to trace all along), then renames OUT to OUT.done.
 * usage: slow_writer OUT N */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	int n = atoi(argv[2]);
	FILE *out = fopen(argv[1], "w");
	if (!out) {
		perror(argv[1]);
		return 1;
	}
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	for (int i = 0; i < n; i++) {
		int fd = open("/etc/hostname", O_RDONLY);
		if (fd >= 0)
			close(fd);
		fprintf(out, "line %d\n", i);
		fflush(out);
		nanosleep(&tick, NULL);
	}
	if (fclose(out) != 0)
		return 1;
	char done[4096];
	snprintf(done, sizeof done, "%s.done", argv[1]);
	return rename(argv[1], done) == 0 ? 0 : 1;
}

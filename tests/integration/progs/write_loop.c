/* Scenario: a steady writer. Creates DIR/f_0 .. DIR/f_{COUNT-1}, one file
 * every INTERVAL_MS milliseconds, so that it overlaps in time with other
 * writers (traced or not) started alongside it.
 * usage: write_loop DIR COUNT INTERVAL_MS */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
	if (argc != 4)
		return 2;
	int count = atoi(argv[2]);
	long ms = atol(argv[3]);
	struct timespec interval = {ms / 1000, (ms % 1000) * 1000000L};
	char path[4096];
	for (int i = 0; i < count; i++) {
		snprintf(path, sizeof path, "%s/f_%d", argv[1], i);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, "x", 1) != 1 || close(fd) < 0) {
			perror(path);
			return 1;
		}
		nanosleep(&interval, NULL);
	}
	return 0;
}

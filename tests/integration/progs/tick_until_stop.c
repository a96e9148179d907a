/* Scenario: a long-running process for "fantrace attach". Every 50 ms it
 * creates DIR/tick_N (N = 0, 1, ...) until the file DIR/stop appears, then
 * exits 0. A safety cap of 1200 ticks (about a minute) keeps it from running
 * forever if a test dies.
 * usage: tick_until_stop DIR */
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
	if (argc != 2)
		return 2;
	char path[4096];
	snprintf(path, sizeof path, "%s/stop", argv[1]);
	const struct timespec interval = {0, 50 * 1000000L};
	for (int tick = 0; tick < 1200 && access(path, F_OK) != 0; tick++) {
		char tick_path[4096];
		snprintf(tick_path, sizeof tick_path, "%s/tick_%d", argv[1], tick);
		int fd = open(tick_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, "t", 1) != 1 || close(fd) < 0)
			return 1;
		nanosleep(&interval, NULL);
	}
	return 0;
}

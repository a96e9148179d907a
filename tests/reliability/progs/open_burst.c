/* Scenario: a burst of opens with a known event count. Raises its own
 * priority to nice -20 first (it runs as root), so that a tracer left at
 * nice 19 on the same CPU can hardly read while the burst runs; then opens
 * DIR/f_0 .. DIR/f_{N-1} (made beforehand, e.g. by many_files create)
 * read-only and closes each at once.
 * usage: open_burst DIR N */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	if (setpriority(PRIO_PROCESS, 0, -20) != 0)
		perror("setpriority");
	int n = atoi(argv[2]);
	char path[4096];
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/f_%d", argv[1], i);
		int fd = open(path, O_RDONLY);
		if (fd < 0 || close(fd) < 0) {
			perror(path);
			return 1;
		}
	}
	return 0;
}

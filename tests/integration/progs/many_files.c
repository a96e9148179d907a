/* Scenario: a burst of opens. "create" makes DIR/f_0 .. DIR/f_{N-1} (one
 * byte each) and is meant to run outside the trace; "open" then opens each
 * of them read-only and closes it at once, as fast as it can.
 * usage: many_files create|open DIR N */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
	if (argc != 4)
		return 2;
	int create = strcmp(argv[1], "create") == 0;
	int n = atoi(argv[3]);
	char path[4096];
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/f_%d", argv[2], i);
		int fd = create ? open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)
		                : open(path, O_RDONLY);
		if (fd < 0 || (create && write(fd, "x", 1) != 1) || close(fd) < 0) {
			perror(path);
			return 1;
		}
	}
	return 0;
}

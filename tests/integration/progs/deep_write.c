/* Scenario: a file whose absolute path is longer than PATH_MAX (4096).
 * From DIR it makes and enters DEPTH directories named like "d000_xxxx..."
 * (100 bytes each, N = 0..DEPTH-1), one chdir at a time, then creates "file" there. No
 * single system call ever sees a path longer than 100 bytes.
 * usage: deep_write DIR DEPTH */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
	if (argc != 3 || chdir(argv[1]) < 0)
		return 2;
	int depth = atoi(argv[2]);
	char name[101];
	for (int i = 0; i < depth; i++) {
		char prefix[16];
		int prefix_len = snprintf(prefix, sizeof prefix, "d%03d_", i % 1000);
		memset(name, 'x', 100);
		memcpy(name, prefix, prefix_len);
		name[100] = '\0';
		if (mkdir(name, 0755) < 0 || chdir(name) < 0) {
			perror(name);
			return 1;
		}
	}
	int fd = open("file", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "deep\n", 5) != 5 || close(fd) < 0) {
		perror("file");
		return 1;
	}
	return 0;
}

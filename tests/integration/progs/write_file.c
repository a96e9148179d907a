/* Scenario: create (or truncate) each PATH argument and write its own name
 * into it with write(2). The names may hold any byte but NUL, so tests also
 * use it for file names with newlines, quotes and invalid UTF-8.
 * usage: write_file PATH... */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, argv[i], strlen(argv[i])) < 0 || close(fd) < 0) {
			perror(argv[i]);
			return 1;
		}
	}
	return 0;
}

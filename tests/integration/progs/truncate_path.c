/* Scenario: truncate(2) by path, with no open file descriptor at all
 * (coreutils' truncate uses open + ftruncate instead).
 * usage: truncate_path PATH LENGTH */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
	if (argc != 3)
		return 2;
	if (truncate(argv[1], atol(argv[2])) < 0) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}

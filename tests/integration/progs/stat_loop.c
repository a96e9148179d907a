/* Scenario: look up each PATH COUNT times with stat(2), access(2) and
 * statx(2), without opening it, whether it exists or not: the kernel must
 * merge the repeats into one stat (or missing) event per path.
 * usage: stat_loop COUNT PATH... */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
	if (argc < 3)
		return 2;
	int count = atoi(argv[1]);
	for (int n = 0; n < count; n++) {
		for (int i = 2; i < argc; i++) {
			struct stat st;
			struct statx stx;
			(void)stat(argv[i], &st);
			(void)access(argv[i], F_OK);
			(void)statx(AT_FDCWD, argv[i], 0, STATX_INO, &stx);
		}
	}
	return 0;
}

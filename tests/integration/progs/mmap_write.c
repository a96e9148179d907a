/* Scenario: an existing, non-empty file is changed only through a shared
 * writable mapping: open O_RDWR, mmap MAP_SHARED PROT_WRITE, memcpy,
 * munmap, close. There is no write(2) and no truncation.
 * usage: mmap_write PATH */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
	static const char kText[] = "mapped";
	if (argc != 2)
		return 2;
	int fd = open(argv[1], O_RDWR);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size < (off_t)sizeof kText) {
		fprintf(stderr, "%s: need an existing file of %zu bytes or more\n", argv[1],
		        sizeof kText);
		return 1;
	}
	char *map = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return 1;
	memcpy(map, kText, sizeof kText - 1);
	return munmap(map, st.st_size) < 0 || close(fd) < 0;
}
